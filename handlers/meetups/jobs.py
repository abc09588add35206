"""Meetup posts on schedule: one job per series, at its next due post.

`post_due(series_id)` posts whatever is due for that series (announcement, reminder,
"starting now"), each through an exactly-once delivery, then schedules itself for the next one.
Posts late by less than the grace window go out marked "(late)"; later ones are recorded as
missed and skipped, so an outage never ends in a burst of stale posts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import select

from bot.core import ConversationRef, Reply
from bot.core.ports import JobSpec, Services
from handlers.meetups import calendar, replies, store
from scheduler.deliveries import deliver, record_missed, target_of
from scheduler.pacing import SLICE, Pacer
from scheduler.recurrence import off_loop
from storage.models import MeetupOccurrence, MeetupSeries

log = logging.getLogger(__name__)
LATE_AFTER = timedelta(minutes=1)  # later than this is worth saying so
# Only posts due this soon get a job; the scheduler's refresh (every minute) adds the others as
# they come near, so 10,000 series cost a few hundred jobs, not 10,000.
HORIZON = timedelta(minutes=10)
RESYNC = timedelta(hours=1)  # every series is read again this often, whatever changed
CHANGE_SKEW = timedelta(minutes=5)  # changes are read again for this long: replicas' clocks and commits differ


@dataclass
class NextDue:
    """The feature's state: each active series' next due post, so that the scheduler's refresh
    every minute re-expands only the series that changed (see `plan`)."""

    due: dict[int, tuple[datetime, datetime | None]] = field(default_factory=dict)  # id -> (updated_at, next due)
    synced_at: datetime | None = None  # when every series was last read
    read_at: datetime | None = None  # when the last refresh read: series changed since are read next time

    def note(self, series: MeetupSeries, at: datetime | None) -> None:
        if series.status == "active":
            self.due[series.id] = (series.updated_at, at)
        else:
            self.due.pop(series.id, None)


STATUS_AFTER = {"announce": "announced", "remind": "reminded", "start": "done"}


def grace(services: Services) -> timedelta:
    return timedelta(minutes=services.settings.pmo_bot_meetup_grace_minutes)


def due_times(series: MeetupSeries, start: datetime) -> dict[str, datetime]:
    """When each post for the occurrence at `start` is due. A meetup scheduled (or changed) after
    its announcement time is announced straight away, and then needs no separate reminder."""
    announce = start - timedelta(minutes=series.announce_before_minutes)
    remind = start - timedelta(minutes=series.remind_before_minutes)
    times = {"announce": max(announce, min(series.updated_at, start)), "remind": remind, "start": start}
    if remind < series.updated_at:
        del times["remind"]
    return times


def _starts(series: MeetupSeries, now: datetime, services: Services) -> list[datetime]:
    return store.next_starts(series, after=now - grace(services), count=3)


def next_due(
    series: MeetupSeries, now: datetime, services: Services, *, after: datetime | None = None
) -> datetime | None:
    """The first post due after `after` (default: the start of the grace window, so a rebuild
    after downtime still catches what is late but not too late)."""
    after = now - grace(services) if after is None else after
    times = [t for s in _starts(series, now, services) for t in due_times(series, s).values() if t > after]
    return min(times, default=None)


def job(series_id: int, at: datetime) -> JobSpec:
    return JobSpec(f"meetup:{series_id}", at, post_due, (series_id,))


def organiser(series: MeetupSeries) -> ConversationRef:
    """A direct message to the series' organiser (about a post that could not be made)."""
    return ConversationRef.direct(series.platform, series.workspace, series.organiser)


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    """Jobs for the series whose next post is due within HORIZON (the scheduler's refresh).

    Incremental: every series is read and expanded at the first refresh and once per RESYNC, in
    pages, giving way to the event loop between slices of work (and, once running, resting as
    long as it worked). In between, a refresh reads only
    the series changed since the last one (by `updated_at`) and re-expands only those and the
    ones whose cached next post has gone by without running; the rest come from the cache."""
    memo = services.own(NextDue)
    if memo.synced_at is None:  # at start: as fast as it can while letting due posts through
        await _resync(services, memo, now, Pacer())
    elif not memo.synced_at <= now < memo.synced_at + RESYNC:  # hourly, in the background: half the loop at most
        await _resync(services, memo, now, Pacer(rest=SLICE))
    else:
        await _changes(services, memo, now, Pacer())
    horizon = now + HORIZON
    specs = []
    for series_id, (_, at) in memo.due.items():
        if at is not None and at <= horizon:
            specs.append(job(series_id, at))
    return specs


async def _resync(services: Services, memo: NextDue, now: datetime, pace: Pacer) -> None:
    """Compare every active series' `updated_at` with what is known, then read and expand those new,
    changed (a change the refreshes in between missed) or stale. An unchanged series keeps what its
    last post worked out: expanding it again from the start of the grace window would plan its
    posts of the last hour once more."""
    due: dict[int, tuple[datetime, datetime | None]] = {}
    recent, todo = now - grace(services), []
    async for stamps in store.active_stamps(services):
        for series_id, updated_at in stamps:
            cached = memo.due.get(series_id)
            if cached and cached[0] == updated_at and (cached[1] is None or cached[1] >= recent):
                due[series_id] = cached
            else:
                todo.append(series_id)
        await pace()
    await _expand(services, due, todo, now, pace)
    memo.due, memo.synced_at, memo.read_at = due, now, now


async def _expand(
    services: Services, due: dict[int, tuple[datetime, datetime | None]], ids: list[int], now: datetime, pace: Pacer
) -> None:
    """Read these series a page at a time and note each active one's next due post in `due`."""
    for start in range(0, len(ids), store.PAGE):
        for s in await store.by_ids(services, ids[start : start + store.PAGE]):
            if s.status == "active":
                due[s.id] = (s.updated_at, next_due(s, now, services))
            else:
                due.pop(s.id, None)
            await pace()


async def _changes(services: Services, memo: NextDue, now: datetime, pace: Pacer) -> None:
    since = (memo.read_at or now) - CHANGE_SKEW
    memo.read_at = now
    async with services.db.session() as session:
        changed = (await session.exec(select(MeetupSeries).where(MeetupSeries.updated_at >= since))).all()
    for s in changed:
        cached = memo.due.get(s.id)
        if s.status != "active" or cached is None or cached[0] != s.updated_at:
            memo.note(s, next_due(s, now, services) if s.status == "active" else None)
            await pace()
    # A post whose job never ran (this replica was not leading then): work out the next one.
    recent = now - grace(services)
    stale = [i for i, (_, at) in memo.due.items() if at is not None and at < recent]
    await _expand(services, memo.due, stale, now, pace)


async def reschedule(services: Services, series: MeetupSeries) -> None:
    """After a change: move this series' job (on the leader; other replicas catch up on refresh).
    A change comes from a person's command: its rule is expanded off the event loop."""
    at = await off_loop(next_due, series, services.clock(), services) if series.status == "active" else None
    services.own(NextDue).note(series, at)
    if at:
        services.jobs.put(job(series.id, at))
    else:
        services.jobs.remove(f"meetup:{series.id}")


async def post_due(services: Services, series_id: int) -> None:
    now = services.clock()
    async with services.db.session() as session:
        series = await session.get(MeetupSeries, series_id)
    if series is None or series.status != "active":
        return
    ref = store.channel_of(series)
    for start in _starts(series, now, services):
        for kind, due in due_times(series, start).items():
            if due > now:
                continue
            async with services.db.session() as session:
                occ = await store.occurrence(session, series, start)
                counts = await store.rsvps(session, occ, series.capacity)
            if occ.status in ("skipped", "cancelled"):
                continue
            subject = f"occurrence:{occ.id}"
            if now - due > grace(services):
                await record_missed(
                    services,
                    workspace=series.workspace,
                    kind=f"meetup.{kind}",
                    subject=subject,
                    target=target_of(ref),
                    due_at=due,
                )
                continue
            # A meetup set up after its usual announcement time is announced at once: that is not late.
            at_once = (
                kind == "announce" and start - timedelta(minutes=series.announce_before_minutes) < series.updated_at
            )
            late = now - due > LATE_AFTER and not at_once
            if kind == "announce":
                link = calendar.date_url(services.settings, series, start)
                reply = replies.announcement(series, occ, counts, late=late, calendar=link)
            elif kind == "remind":
                reply = replies.reminder(series, occ, counts, late=late)
            else:
                reply = replies.starting(series, occ, late=late)
            # A failed post is tried again within the grace window (scheduler/deliveries.py); the
            # organiser hears if it never gets through.
            delivery = await deliver(
                services,
                ref,
                reply,
                kind=f"meetup.{kind}",
                subject=subject,
                due_at=due,
                grace=grace(services),
                report_to=organiser(series),
            )
            if delivery and delivery.status == "sent":
                async with services.db.session() as session:
                    occ = await session.get(type(occ), occ.id)
                    if occ and occ.status not in ("skipped", "cancelled"):
                        occ.status = STATUS_AFTER[kind]
                        session.add(occ)
    at = next_due(series, now, services, after=now)
    services.own(NextDue).note(series, at)
    if at:
        services.jobs.put(job(series.id, at))


async def posted_announcements(services: Services, series: MeetupSeries, occ_ids: list[int]) -> dict[int, str]:
    """occurrence id -> the message id of its announcement, for those posted in the series' channel."""
    async with services.db.session() as session:
        return await store.announcements(session, series, occ_ids)


async def rewrite(services: Services, series: MeetupSeries, message_id: str, reply: Reply) -> bool:
    """Rewrite a post in the series' channel; a platform that refuses leaves it as it was."""
    try:
        return await services.outbox.update(store.channel_of(series), message_id, reply)
    except Exception:
        log.warning(
            "could not rewrite a meetup announcement",
            exc_info=True,
            extra={"workspace": series.workspace, "series": series.id},
        )
        return False


async def retract_announcements(
    services: Services, series: MeetupSeries, occurrences: list[MeetupOccurrence], why: str
) -> int:
    """Rewrite the announcements already posted for these dates (skipped, cancelled) so nobody
    RSVPs to a meetup that won't happen. Returns how many were rewritten (the notice in the
    channel says it anyway)."""
    by_id = {occ.id: occ for occ in occurrences}
    posted = await posted_announcements(services, series, list(by_id))
    rewritten = 0
    for occ_id, message_id in posted.items():
        rewritten += await rewrite(services, series, message_id, replies.called_off(series, by_id[occ_id], why))
    return rewritten
