"""Hostile recurrence rules through the real path (signed /meetup commands to the running app):
each is answered at once with what is wrong, nothing is saved, /healthz keeps answering, and
the rule's expansion runs in a worker thread and stops at the search horizon (issue 15, finding 1:
`FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30` used to hold the event loop for 12 s)."""

from __future__ import annotations

import asyncio
import time

import pytest
from dateutil import rrule as dateutil_rrule

from scheduler.recurrence import SEARCH_YEARS
from tests.slack.conftest import Slack

HOSTILE = [
    ('schedule "x" FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30 at 12:00', "Meetups repeat at most daily: FREQ=MINUTELY"),
    ('schedule "x" FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30 at 12:00', "Meetups repeat at most daily: FREQ=SECONDLY"),
    ('schedule "x" FREQ=HOURLY at 12:00', "Meetups repeat at most daily: FREQ=HOURLY"),
    ('schedule "x" FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 at 12:00', "no future date"),
    ('schedule "x" BYMONTHDAY=31;FREQ=DAILY;BYMONTH=4 at 12:00', "no future date"),
    ('schedule "x" FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=2SU at 12:00', "no future date"),
    ('schedule "x" FREQ=YEARLY;BYMONTH=5;BYSETPOS=3;BYMONTHDAY=3 at 12:00', "no future date"),
    ('schedule "x" FREQ=WEEKLY;INTERVAL=0 at 12:00', "INTERVAL must be a whole number"),
]


@pytest.fixture
def expansion_steps(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per month (or year) dateutil's scan steps through: whether it was on the event loop."""
    steps: list[bool] = []
    rebuild = dateutil_rrule._iterinfo.rebuild

    def counting(self, year, month):
        try:
            asyncio.get_running_loop()
            steps.append(True)
        except RuntimeError:  # a worker thread has no running loop
            steps.append(False)
        return rebuild(self, year, month)

    monkeypatch.setattr(dateutil_rrule._iterinfo, "rebuild", counting)
    return steps


async def command(slack: Slack, text: str) -> str:
    response = await slack.command(text, command="/meetup", user="UORGANISER")
    assert response.status == 200
    return (await response.json())["text"]


async def test_hostile_rules_are_refused_at_once_and_never_hold_the_loop(slack: Slack, expansion_steps):
    latencies: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            started = time.perf_counter()
            response = await slack.client.get("/healthz")
            assert response.status == 200
            latencies.append(time.perf_counter() - started)

    prober = asyncio.create_task(probe())
    try:
        for text, message in HOSTILE:
            answer = await command(slack, text)
            assert message in answer and "Nothing was scheduled" in answer, answer
        assert "No meetups scheduled yet" in await command(slack, "list")

        # `meetup edit` takes the same checks, and a refused edit changes nothing.
        answer = await command(slack, 'schedule "Circle" every Tuesday at 12:00 Europe/London')
        series = answer.split("#")[1].split()[0]
        for rule, message in [
            ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "no future date"),
            ("FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", "at most daily"),
        ]:
            answer = await command(slack, f"edit {series} {rule}")
            assert message in answer and "Nothing was changed" in answer, answer
        assert "every Tuesday" in await command(slack, f"show {series}")
    finally:
        done.set()
        await prober
    assert latencies, "/healthz was probed while the commands ran"
    print(f"/healthz during hostile rules: {len(latencies)} probes, max {max(latencies) * 1000:.1f} ms")
    # Every step of every expansion ran in a worker thread, and each stopped at the horizon.
    assert expansion_steps and not any(expansion_steps)
    per_rule = (SEARCH_YEARS + 1) * 12 + 4
    assert len(expansion_steps) <= per_rule * 12
