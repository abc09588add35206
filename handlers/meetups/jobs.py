"""Meetup posts on schedule: one job per series, at its next due post.

`run_series(series_id)` posts whatever is due for that series (announcement, reminder,
"starting now"), each through an exactly-once delivery, then schedules itself for the next one.
Posts late by less than the grace window go out marked "(late)"; later ones are recorded as
missed and skipped, so an outage never ends in a burst of stale posts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import select

from bot.core.ports import JobSpec, Services
from handlers.meetups import calendar, replies, store
from scheduler.deliveries import backoff, deliver, record_missed, target_of
from scheduler.recurrence import off_loop
from storage.models import Delivery, MeetupOccurrence, MeetupSeries

log = logging.getLogger(__name__)
LATE_AFTER = timedelta(minutes=1)  # later than this is worth saying so
# Only posts due this soon get a job; the scheduler's refresh (every minute) adds the others as
# they come near, so 10,000 series cost a few hundred jobs, not 10,000.
HORIZON = timedelta(minutes=10)


class NextDue(dict[int, tuple[datetime, datetime | None]]):
    """The feature's state: series id -> (updated_at, next due), so a refresh doesn't re-expand
    every rule."""


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


def retry_job(series_id: int, at: datetime) -> JobSpec:
    return JobSpec(f"meetup-retry:{series_id}", at, post_due, (series_id,))


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    """Jobs for the series whose next post is due within HORIZON (the scheduler's rebuild)."""
    async with services.db.session() as session:
        series = (await session.exec(select(MeetupSeries).where(MeetupSeries.status == "active"))).all()
    memo = services.own(NextDue)
    specs = []
    for i, s in enumerate(series):
        if i % 200 == 0:
            await asyncio.sleep(0)  # expanding thousands of rules must not stall live requests
        cached = memo.get(s.id)
        if cached and cached[0] == s.updated_at and (cached[1] is None or cached[1] > now - grace(services)):
            at = cached[1]
        else:
            at = next_due(s, now, services)
            memo[s.id] = (s.updated_at, at)
        if at and at <= now + HORIZON:
            specs.append(job(s.id, at))
    return specs


async def reschedule(services: Services, series: MeetupSeries) -> None:
    """After a change: move this series' job (on the leader; other replicas catch up on refresh).
    A change comes from a person's command: its rule is expanded off the event loop."""
    at = await off_loop(next_due, series, services.clock(), services) if series.status == "active" else None
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
    retry_at: datetime | None = None
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
            delivery = await deliver(services, ref, reply, kind=f"meetup.{kind}", subject=subject, due_at=due)
            if delivery and delivery.status == "sent":
                async with services.db.session() as session:
                    occ = await session.get(type(occ), occ.id)
                    if occ and occ.status not in ("skipped", "cancelled"):
                        occ.status = STATUS_AFTER[kind]
                        session.add(occ)
            elif delivery and delivery.status == "failed":
                retry_at = min(retry_at or now + backoff(1), now + await _backoff_for(services, delivery.id))
    at = next_due(series, now, services, after=now)
    services.own(NextDue)[series.id] = (series.updated_at, at)
    if at:
        services.jobs.put(job(series.id, at))
    if retry_at:
        services.jobs.put(retry_job(series.id, retry_at))


async def retract_announcements(
    services: Services, series: MeetupSeries, occurrences: list[MeetupOccurrence], why: str
) -> int:
    """Rewrite the announcements already posted for these dates (skipped, cancelled) so nobody
    RSVPs to a meetup that won't happen. Returns how many were rewritten; a platform that refuses
    leaves that one as it was (the notice in the channel still says it)."""
    by_subject = {f"occurrence:{occ.id}": occ for occ in occurrences}
    if not by_subject:
        return 0
    ref = store.channel_of(series)
    async with services.db.session() as session:
        rows = (
            await session.exec(
                select(Delivery).where(
                    Delivery.kind == "meetup.announce",
                    Delivery.subject.in_(list(by_subject)),
                    Delivery.target == target_of(ref),
                    Delivery.status == "sent",
                    Delivery.message_id.is_not(None),
                )
            )
        ).all()
    rewritten = 0
    for row in rows:
        try:
            rewritten += await services.outbox.update(
                ref, row.message_id, replies.called_off(series, by_subject[row.subject], why)
            )
        except Exception:
            log.warning(
                "could not rewrite a meetup announcement",
                exc_info=True,
                extra={"workspace": series.workspace, "series": series.id},
            )
    return rewritten


async def _backoff_for(services: Services, delivery_id: int) -> timedelta:
    async with services.db.session() as session:
        row = await session.get(Delivery, delivery_id)
    return backoff(row.attempts if row else 1)
