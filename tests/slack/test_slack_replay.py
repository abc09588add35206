"""A signed request works once: the same signature again within Slack's 5-minute window is a replay
(401), on every replica sharing the database. A timestamp that is not a number is refused quietly."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlmodel import select

from bot.assembly.app import Bot
from storage.events import forget_signatures_before
from storage.models import RetroCard, SeenSignature
from tests.slack.conftest import Slack, sign, slack_settings, start

FORM = "application/x-www-form-urlencoded"


def slack_errors() -> float:
    return REGISTRY.get_sample_value("pmo_bot_errors_total", {"where": "slack"}) or 0.0


async def cards(db, workspace: str) -> list[str]:
    async with db.session() as session:
        return list((await session.exec(select(RetroCard.text).where(RetroCard.workspace == workspace))).all())


async def test_a_replayed_signed_command_is_refused_and_acts_once(slack: Slack, db, workspace):
    assert (await slack.command("start", command="/retro", user="U-FAC")).status == 200
    body = slack.command_body("add Start keep demos short", command="/retro")
    now = int(time.time())
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(body, now)}
    statuses = [(await slack.client.post("/slack/events", data=body, headers=headers)).status for _ in range(3)]
    assert statuses == [200, 401, 401]
    assert await cards(db, workspace) == ["keep demos short"]

    # Another replica sharing the database refuses it too.
    other, client = await start(Bot(slack_settings(db, slack.standin), db), slack.standin, workspace)
    try:
        assert (await client.post("/slack/events", data=body, headers=headers)).status == 401
        # A request that is new (signed afresh) still goes through there.
        assert (await other.command("add Start pair on reviews", command="/retro")).status == 200
    finally:
        await client.close()
    assert sorted(await cards(db, workspace)) == ["keep demos short", "pair on reviews"]


async def test_a_retried_event_is_signed_afresh_and_still_handled_once(slack: Slack):
    event = {"type": "app_mention", "user": "U-ALICE", "channel": "C-GENERAL", "ts": "1700000000.000950"}
    event["text"] = "<@UBOT> who owns the enterprise roadmap?"
    body = slack.event_body(event, event_id="Ev-REPLAYED")
    now = int(time.time())
    assert (await slack.post(body, "application/json", timestamp=now)).status == 200
    # The very same signed request again is a replay…
    assert (await slack.post(body, "application/json", timestamp=now)).status == 401
    # …while Slack's retry (same event, signed again when sent) is accepted and de-duplicated by event id.
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await slack.post(body, "application/json", timestamp=now + 1, headers=retry)).status == 200
    await slack.settle()
    assert len(slack.standin.of("chat.postMessage")) == 1


async def test_seen_signatures_are_forgotten_once_their_window_has_passed(slack: Slack, db, workspace):
    assert (await slack.command("who owns the enterprise roadmap?")).status == 200
    async with db.session() as session:
        [seen] = (await session.exec(select(SeenSignature).where(SeenSignature.workspace == workspace))).all()
    assert seen.signature.startswith("v0=")
    now = int(time.time())
    assert abs(seen.expires_at.timestamp() - (now + 300)) <= 5  # the end of its 5-minute window
    await forget_signatures_before(db, seen.expires_at)  # still inside its window: kept
    async with db.session() as session:
        assert await session.get(SeenSignature, seen.signature) is not None
    assert await forget_signatures_before(db, seen.expires_at + timedelta(seconds=1)) >= 1
    async with db.session() as session:
        assert await session.get(SeenSignature, seen.signature) is None


@pytest.mark.parametrize("timestamp", ["abc", "", " ", "1e9", "12.5", "-1", "١٧٠٠٠٠٠٠٠٠", "9" * 40, None])
async def test_a_malformed_timestamp_is_401_without_a_traceback_or_an_error(slack: Slack, caplog, timestamp):
    body = slack.command_body("who owns the enterprise roadmap?")
    headers = {"Content-Type": FORM, "X-Slack-Signature": sign(body, timestamp or "")}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    errors = slack_errors()
    with caplog.at_level(logging.INFO):
        response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    assert slack_errors() == errors
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    await slack.settle()
    assert not slack.standin.calls


async def test_copies_of_one_request_sent_at_once_act_once(slack: Slack, db, workspace):
    assert (await slack.command("start", command="/retro", user="U-FAC")).status == 200
    body = slack.command_body("add Start celebrate small wins", command="/retro")
    now = int(time.time())
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(body, now)}
    other = slack.command_body("add Stop skipping retros", command="/retro")  # a different request meanwhile
    other_headers = {**headers, "X-Slack-Signature": sign(other, now)}
    sent = [slack.client.post("/slack/events", data=body, headers=headers) for _ in range(10)]
    sent.append(slack.client.post("/slack/events", data=other, headers=other_headers))
    statuses = [r.status for r in await asyncio.gather(*sent)]
    assert sorted(statuses[:10]) == [200] + [401] * 9 and statuses[10] == 200
    await slack.settle()
    assert sorted(await cards(db, workspace)) == ["celebrate small wins", "skipping retros"]


async def test_many_signed_commands_at_once_are_each_recorded_and_each_act(slack: Slack, db, workspace):
    # Signatures are recorded beside the bot's own writes (on SQLite by a connection of their own):
    # neither may lock the other out while a whole team adds cards at once.
    assert (await slack.command("start", command="/retro", user="U-FAC")).status == 200
    now = int(time.time())
    sent = []
    for i in range(120):
        body = slack.command_body(f"add Start idea number {i}", command="/retro", user=f"U-{i:03d}")
        headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(body, now)}
        sent.append(slack.client.post("/slack/events", data=body, headers=headers))
    statuses = [r.status for r in await asyncio.gather(*sent)]
    assert statuses == [200] * 120
    await slack.settle()  # a command is acknowledged first and acts after: wait for all 120
    assert len(await cards(db, workspace)) == 120
    async with db.session() as session:
        rows = (await session.exec(select(SeenSignature).where(SeenSignature.workspace == workspace))).all()
    assert len(rows) == 121
