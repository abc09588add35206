"""iCalendar feeds of meetups (RFC 5545, built with the `icalendar` library), served by
`pmo-bot serve` at /calendar/<token>.ics.

A series is one VEVENT: DTSTART with a TZID (and the VTIMEZONE that defines it) at its first
date, its RRULE, DURATION, EXDATE for skipped dates, and STATUS:CANCELLED once cancelled. A date
with a host or topic of its own is a second VEVENT with the same UID and a RECURRENCE-ID. Times
are written as the rule generates them in the series' zone; calendar clients read a time in a
gap or an overlap as scheduler/recurrence.py does, so the feed and the bot agree on every date.

Tokens are random (storage.models.meetups.calendar_token): a series' own, or its channel's for a
feed of every series there. Whoever has the link can read the feed, as with any calendar link.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, vRecur
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from scheduler.recurrence import first_wall, off_loop, walls, zone
from storage.models import MeetupCalendar, MeetupOccurrence, MeetupSeries

if TYPE_CHECKING:
    from bot.core.config import Settings
    from bot.core.ports import Services

PRODID = "-//pmo-bot//community meetups//EN"
Entry = tuple[MeetupSeries, list[MeetupOccurrence]]


def uid(series: MeetupSeries) -> str:
    """Stable for the series, and telling nothing about its feed's token."""
    return hashlib.sha256(f"uid:{series.calendar_token}".encode()).hexdigest()[:32] + "@pmo-bot"


def feed_url(settings: Settings, token: str) -> str:
    """The feed's address: absolute when PMO_BOT_PUBLIC_URL is set, else a path on `serve`."""
    return f"{settings.pmo_bot_public_url or ''}/calendar/{token}.ics"


def date_url(settings: Settings, series: MeetupSeries, start: datetime) -> str | None:
    """An .ics of one date ("Add to calendar"), or None without a public address to link to."""
    if not settings.pmo_bot_public_url:
        return None
    return f"{settings.pmo_bot_public_url}/calendar/{series.calendar_token}/{start:%Y%m%dT%H%M%SZ}.ics"


def _text(series: MeetupSeries, occ: MeetupOccurrence | None) -> dict[str, str]:
    topic = (occ.topic if occ and occ.topic else None) or series.topic
    host = (occ.host if occ and occ.host else None) or series.host
    lines = [f"Topic: {topic}" if topic else "", f"Host: {host}" if host else ""]
    lines.append(f"Join: {series.link}" if series.link else "")
    lines.append(f"Meetup #{series.id}: RSVP in the channel, or with `meetup rsvp {series.id} going`.")
    fields = {"summary": series.title, "description": "\n".join(line for line in lines if line)}
    if series.location or series.link:
        fields["location"] = series.location or series.link
    if series.link:
        fields["url"] = series.link
    return fields


def _event(series: MeetupSeries, start: datetime, occ: MeetupOccurrence | None, **extra: object) -> Event:
    event = Event.new(
        uid=uid(series),
        stamp=series.updated_at,
        last_modified=series.updated_at,
        start=start,
        status="CANCELLED" if series.status == "cancelled" or (occ and occ.status == "skipped") else "CONFIRMED",
        **_text(series, occ),
        **extra,
    )
    event.duration = timedelta(minutes=series.duration_minutes)
    return event


def series_events(series: MeetupSeries, occurrences: list[MeetupOccurrence]) -> list[Event]:
    """The VEVENTs of one series: the recurring one and its per-date overrides."""
    tz = zone(series.timezone)
    first = first_wall(series.rule, series.timezone, series.starts_on, series.start_time)
    if first is None:
        return []
    master = _event(series, first.replace(tzinfo=tz), None)
    if series.rule:
        master.add("rrule", vRecur.from_ical(series.rule))
    occurrences = [o for o in occurrences if o.status == "skipped" or o.host or o.topic]  # the rest are the rule's
    at = walls(series.rule, series.timezone, series.starts_on, series.start_time, [o.starts_at for o in occurrences])
    skipped = sorted(at[o.starts_at] for o in occurrences if o.status == "skipped" and o.starts_at in at)
    if skipped and series.rule:
        master.add("exdate", [wall.replace(tzinfo=tz) for wall in skipped])
    events = [master]
    for occ in sorted(occurrences, key=lambda o: o.starts_at):
        if occ.starts_at in at and occ.status != "skipped" and (occ.host or occ.topic) and series.rule:
            wall = at[occ.starts_at].replace(tzinfo=tz)
            events.append(_event(series, wall, occ, recurrence_id=wall))
    return events


def build(name: str, key: str, entries: list[Entry]) -> bytes:
    """A feed of these series; `key` (its token) keeps the feed's own UID stable."""
    calendar = Calendar.new(prodid=PRODID, name=name, uid=hashlib.sha256(f"feed:{key}".encode()).hexdigest()[:32])
    calendar.add("method", "PUBLISH")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")  # Outlook's name for the refresh interval
    for series, occurrences in entries:
        for event in series_events(series, occurrences):
            calendar.add_component(event)
    _timezones(calendar, [series for series, _ in entries])
    return calendar.to_ical()


def one_date(series: MeetupSeries, start: datetime, occ: MeetupOccurrence | None) -> bytes | None:
    """One date as a calendar file to open ("Add to calendar"), or None if the series has no such date."""
    wall = walls(series.rule, series.timezone, series.starts_on, series.start_time, [start]).get(start)
    if wall is None:
        return None
    event = _event(series, wall.replace(tzinfo=zone(series.timezone)), occ)
    event["uid"] = f"{start:%Y%m%dT%H%M%SZ}-{uid(series)}"  # a single date, not the series a feed holds
    calendar = Calendar.new(prodid=PRODID, subcomponents=[event])
    calendar.add("method", "PUBLISH")
    _timezones(calendar, [series])
    return calendar.to_ical()


def _timezones(calendar: Calendar, series: list[MeetupSeries]) -> None:
    """VTIMEZONEs for the zones used, with their changes from a year before the first series."""
    if not series:  # no events, no zones to describe (and no need for "today" from the wall clock)
        return
    first = min(s.starts_on for s in series)
    calendar.add_missing_timezones(first_date=date(first.year - 1, 1, 1), last_date=date(first.year + 30, 1, 1))


async def feed(services: Services, token: str, start: datetime | None = None) -> bytes | None:
    """The .ics behind a token (a series' feed, a channel's, or one date of a series), or None."""
    async with services.db.session() as session:
        series = (await session.exec(select(MeetupSeries).where(MeetupSeries.calendar_token == token))).first()
        if series is not None:
            name, chosen = series.title, [series]
        elif start is None and (channel := await _channel(session, token)):
            name = "Meetups"
            chosen = (
                await session.exec(
                    select(MeetupSeries)
                    .where(
                        MeetupSeries.workspace == channel.workspace,
                        MeetupSeries.platform == channel.platform,
                        MeetupSeries.channel == channel.channel,
                    )
                    .order_by(MeetupSeries.id)
                )
            ).all()
        else:
            return None
        ids = [s.id for s in chosen]
        rows = (await session.exec(select(MeetupOccurrence).where(MeetupOccurrence.series_id.in_(ids)))).all()
    by_series: dict[int, list[MeetupOccurrence]] = {i: [] for i in ids}
    for row in rows:
        by_series[row.series_id].append(row)
    if start is not None:
        occ = next((o for o in by_series[series.id] if o.starts_at == start), None)
        return await off_loop(one_date, series, start, occ)
    return await off_loop(build, name, token, [(s, by_series[s.id]) for s in chosen])


async def _channel(session: AsyncSession, token: str) -> MeetupCalendar | None:
    return (await session.exec(select(MeetupCalendar).where(MeetupCalendar.token == token))).first()


async def channel_token(services: Services, workspace: str, platform: str, channel: str) -> str:
    """The token of a channel's feed, created on first need."""
    query = select(MeetupCalendar).where(
        MeetupCalendar.workspace == workspace, MeetupCalendar.platform == platform, MeetupCalendar.channel == channel
    )
    async with services.db.session() as session:
        row = (await session.exec(query)).first()
        if row is None:
            try:
                async with session.begin_nested():  # another request may create it at the same moment
                    row = MeetupCalendar(workspace=workspace, platform=platform, channel=channel)
                    session.add(row)
            except IntegrityError:
                row = (await session.exec(query)).one()
        return row.token
