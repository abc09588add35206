"""A week ahead, the organiser is asked by DM for what a meetup still lacks (a host, a topic).

One sweep a day at 09:00 in PMO_BOT_TIMEZONE (a DM in the morning, never at night) looks at every
active series' dates in the coming seven days. Each question is an exactly-once delivery per
date, so it is asked once whatever the restarts, replicas or reruns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from bot.core import ConversationRef, Reply
from bot.core.ports import JobSpec, Services
from handlers.meetups import replies, store
from scheduler.deliveries import deliver
from scheduler.pacing import SLICE, Pacer
from scheduler.recurrence import daily_at, zone
from storage.models import MeetupSeries

ASK_AHEAD = timedelta(days=7)
ASK_AT = time(9, 0)


def next_sweep(services: Services, now: datetime) -> datetime:
    return daily_at(now, services.settings.pmo_bot_timezone, ASK_AT)


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    return [JobSpec("meetups:ask", next_sweep(services, now), run_asks, ())]


async def run_asks(services: Services) -> None:
    await ask_organisers(services)
    services.jobs.put(JobSpec("meetups:ask", next_sweep(services, services.clock()), run_asks))


async def ask_organisers(services: Services) -> list[tuple[MeetupSeries, datetime]]:
    """DM each organiser whose meetup in the next seven days has no host or no topic; returns
    the dates asked about this time."""
    now = services.clock()
    asked = []
    pace = Pacer(rest=SLICE)  # expanding many rules must not stall live requests
    async for page in store.active_pages(services):
        for series in page:
            await pace()
            if series.host and series.topic:
                continue  # every date has both
            starts = [s for s in store.next_starts(series, after=now, count=7) if s <= now + ASK_AHEAD]  # ≤ daily
            if starts:
                asked += await _ask(services, series, starts)
    return asked


async def _ask(services: Services, series: MeetupSeries, starts: list[datetime]) -> list[tuple[MeetupSeries, datetime]]:
    asked = []
    async with services.db.session() as session:
        known = await store.known_occurrences(session, series)
        dates = [known.get(start) or await store.occurrence(session, series, start) for start in starts]
    for start, occ in zip(starts, dates, strict=True):
        missing = [
            what
            for what, value in (("host", occ.host or series.host), ("topic", occ.topic or series.topic))
            if not value
        ]
        if occ.status in ("skipped", "cancelled") or not missing:
            continue
        sent = await deliver(
            services,
            ConversationRef.direct(series.platform, series.workspace, series.organiser),
            _question(series, start, missing),
            kind="meetup.ask",
            subject=f"occurrence:{occ.id}",
            due_at=start - ASK_AHEAD,
            grace=ASK_AHEAD,  # worth asking until the day itself
        )
        if sent is not None:
            asked.append((series, start))
    return asked


def _question(series: MeetupSeries, start: datetime, missing: list[str]) -> Reply:
    when = replies.local(series, start)
    date = start.astimezone(zone(series.timezone)).date().isoformat()
    how = {"host": f"meetup host {series.id} {date} @person", "topic": f'meetup topic {series.id} {date} "…"'}
    text = (
        f"{series.title} on {when} has no {' and no '.join(missing)} yet. "
        f"Set {'them' if len(missing) > 1 else 'it'} with: " + "; ".join(how[m] for m in missing) + "."
    )
    return Reply(text, title=f"{series.title}: {' and '.join(missing)} wanted")
