"""Meetup series, their occurrences and RSVPs in the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import ConversationRef
from scheduler.deliveries import target_of
from scheduler.recurrence import RuleError, occurrences, off_loop
from storage.models import Delivery, MeetupOccurrence, MeetupRsvp, MeetupSeries

if TYPE_CHECKING:
    from bot.core.ports import Services

log = logging.getLogger(__name__)
PAGE = 200  # series read at a time when going through all of them (about 10 ms of work)
ANSWERS = {"going": "Going", "maybe": "Maybe", "no": "Not going"}


def channel_of(series: MeetupSeries) -> ConversationRef:
    """Where the series posts."""
    return ConversationRef(series.platform, series.workspace, series.channel)


def next_starts(series: MeetupSeries, after: datetime, count: int = 5) -> list[datetime]:
    """The next `count` starts after `after` (bounded work; see scheduler/recurrence.py)."""
    once = None if series.rule else series.starts_on
    try:
        return occurrences(
            series.rule, series.timezone, series.starts_on, series.start_time, after=after, count=count, once=once
        )
    except RuleError:  # a rule stored before today's checks: it has no dates rather than stopping the scheduler
        log.warning("meetup rule can't be expanded", extra={"workspace": series.workspace, "series": series.id})
        return []


async def upcoming(series: MeetupSeries, after: datetime, count: int = 5) -> list[datetime]:
    """`next_starts` in a worker thread, for requests: no rule holds the event loop."""
    return await off_loop(next_starts, series, after, count)


async def get_series(session: AsyncSession, workspace: str, series_id: int) -> MeetupSeries | None:
    series = await session.get(MeetupSeries, series_id)
    return series if series and series.workspace == workspace else None


async def active_pages(services: Services, *, page: int = PAGE) -> AsyncIterator[list[MeetupSeries]]:
    """Every active series, `page` at a time (in id order), each page read in a session of its own:
    reading 10,000 rows at once would hold the event loop for a second."""
    async for ids in active_stamps(services, page=page):
        yield await by_ids(services, [series_id for series_id, _ in ids])


async def active_stamps(services: Services, *, page: int = PAGE) -> AsyncIterator[list[tuple[int, datetime]]]:
    """(id, updated_at) of every active series, `page` at a time: what a full refresh compares
    with what it knows, at a fraction of the cost of reading whole rows."""
    last = 0
    while True:
        async with services.db.session() as session:
            rows = (
                await session.exec(
                    select(MeetupSeries.id, MeetupSeries.updated_at)
                    .where(MeetupSeries.status == "active", col(MeetupSeries.id) > last)
                    .order_by(MeetupSeries.id)
                    .limit(page)
                )
            ).all()
        if rows:
            yield [(series_id, updated_at) for series_id, updated_at in rows]
        if len(rows) < page:
            return
        last = rows[-1][0]


async def by_ids(services: Services, ids: list[int]) -> list[MeetupSeries]:
    """These series (any status), in id order; give at most a page of ids at a time."""
    if not ids:
        return []
    async with services.db.session() as session:
        query = select(MeetupSeries).where(col(MeetupSeries.id).in_(ids)).order_by(MeetupSeries.id)
        return list((await session.exec(query)).all())


async def occurrence(session: AsyncSession, series: MeetupSeries, starts_at: datetime) -> MeetupOccurrence:
    """The occurrence row for one start, created on first need."""
    query = select(MeetupOccurrence).where(
        MeetupOccurrence.series_id == series.id, MeetupOccurrence.starts_at == starts_at
    )
    row = (await session.exec(query)).first()
    if row is None:
        try:
            async with session.begin_nested():  # another run may create it at the same moment
                row = MeetupOccurrence(workspace=series.workspace, series_id=series.id, starts_at=starts_at)
                session.add(row)
        except IntegrityError:
            row = (await session.exec(query)).one()
    return row


async def known_occurrences(session: AsyncSession, series: MeetupSeries) -> dict[datetime, MeetupOccurrence]:
    rows = await session.exec(select(MeetupOccurrence).where(MeetupOccurrence.series_id == series.id))
    return {row.starts_at: row for row in rows}


@dataclass
class Rsvps:
    going: list[str] = field(default_factory=list)  # confirmed places, first come first served
    waitlist: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    no: list[str] = field(default_factory=list)

    @property
    def interested(self) -> list[str]:
        """Who answered going (with a place or waiting for one) or maybe: the people a change concerns."""
        return [*self.going, *self.waitlist, *self.maybe]

    def of(self, user: str) -> str | None:
        for name in ("going", "waitlist", "maybe", "no"):
            if user in getattr(self, name):
                return name
        return None


async def rsvps(session: AsyncSession, occ: MeetupOccurrence, capacity: int | None) -> Rsvps:
    rows = await session.exec(
        select(MeetupRsvp).where(MeetupRsvp.occurrence_id == occ.id).order_by(MeetupRsvp.at, MeetupRsvp.id)
    )
    out = Rsvps()
    for row in rows:
        if row.answer == "going":
            (out.going if capacity is None or len(out.going) < capacity else out.waitlist).append(row.user)
        else:
            getattr(out, row.answer).append(row.user)
    return out


async def set_rsvp(session: AsyncSession, occ: MeetupOccurrence, user: str, answer: str, now: datetime) -> None:
    row = (
        await session.exec(select(MeetupRsvp).where(MeetupRsvp.occurrence_id == occ.id, MeetupRsvp.user == user))
    ).first()
    if row is None:
        session.add(MeetupRsvp(workspace=occ.workspace, occurrence_id=occ.id, user=user, answer=answer, at=now))
    elif row.answer != answer:
        row.answer, row.at = answer, now  # changing your answer puts you at the back of the queue
        session.add(row)
    await session.flush()


async def announcements(session: AsyncSession, series: MeetupSeries, occ_ids: list[int]) -> dict[int, str]:
    """occurrence id -> the message id of its announcement, for those posted in the series' channel."""
    if not occ_ids:
        return {}
    by_subject = {f"occurrence:{i}": i for i in occ_ids}
    rows = (
        await session.exec(
            select(Delivery.subject, Delivery.message_id).where(
                Delivery.kind == "meetup.announce",
                col(Delivery.subject).in_(list(by_subject)),
                Delivery.target == target_of(channel_of(series)),
                Delivery.status == "sent",
                col(Delivery.message_id).is_not(None),
            )
        )
    ).all()
    return {by_subject[subject]: message_id for subject, message_id in rows}


async def file_away_posts(session: AsyncSession, occ: MeetupOccurrence, now: datetime) -> None:
    """The posts made for a date that moved or was dropped stay on record under a name of their
    own (`occurrence:12@20261124T1200Z~…`), so the date at its new time, or a new row that gets
    the same id, is announced, reminded and started afresh."""
    await session.exec(
        update(Delivery)
        .where(col(Delivery.kind).like("meetup.%"), Delivery.subject == f"occurrence:{occ.id}")
        .values(subject=f"occurrence:{occ.id}@{occ.starts_at:%Y%m%dT%H%MZ}~{now:%Y%m%dT%H%M%S.%f}")
    )
