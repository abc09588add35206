"""`meetup edit N …`: change a series and keep what was promised for its dates.

When the time, day, zone or rule changes, each future date that has something attached (RSVPs
and the waitlist, its own host or topic, a skip) is carried to the new schedule's date on the
same day (the first start of a day to the first, and so on; a start that stays where it was
stays); a date the new schedule does not have is dropped with what hung on it. Everyone who
answered going or maybe to a date that moved or was dropped is told by direct message, the
announcements already posted for those dates are rewritten, and the organiser reads what
changed. Every check runs before anything is saved, and all changes are saved in one
transaction: a failure saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import Reply
from bot.core.router import Context, Refusal, Routes
from handlers.meetups import calendar, jobs, notify, replies, store
from handlers.meetups.args import series_arg
from handlers.meetups.changes import post_notice
from handlers.meetups.parse import MeetupFields, MeetupInputError, parse_fields
from scheduler.recurrence import MAX_PER_DAY, RuleError, off_loop, pinned, place, zone
from storage.models import MeetupOccurrence, MeetupRsvp, MeetupSeries

routes = Routes("meetups")
EDIT_USAGE = (
    'meetup edit N [title "…"] [every … | once on YYYY-MM-DD] [at HH:MM] [Zone/Name] [for 60m] [in #channel] '
    '[host @person] [topic "…"] [link https://…] [location "…"] [capacity N]'
)
WHEN = ("rule", "starts_on", "start_time", "timezone")  # what decides the dates
DETAILS = ("host", "topic", "link", "location", "capacity")


@dataclass
class Carried:
    """What an edit did to the dates that had something attached."""

    moved: list[tuple[int, datetime, datetime, list[str]]] = field(default_factory=list)  # old id, was, now, people
    dropped: list[tuple[int, datetime, list[str]]] = field(default_factory=list)  # old id, was, people
    kept: list[MeetupOccurrence] = field(default_factory=list)
    posted: dict[int, str] = field(default_factory=dict)  # moved or dropped date's id -> its announcement
    promoted: list[tuple[int, datetime, list[str]]] = field(default_factory=list)  # by a larger capacity
    waitlisted: list[tuple[int, datetime, list[str]]] = field(default_factory=list)  # by a smaller one

    @property
    def people(self) -> set[str]:
        return {p for *_, who in self.moved for p in who} | {p for *_, who in self.dropped for p in who}


@routes.command("meetup edit", "Change a meetup's schedule or details", usage=EDIT_USAGE)
async def edit(ctx: Context) -> Reply:
    series, _ = await series_arg(ctx, ctx.args, change=True)
    if series.status != "active":
        raise Refusal(f"Meetup #{series.id} is cancelled; schedule a new one instead. Nothing was changed.")
    parts = ctx.args.split(None, 1)
    text, mentioned = ctx.msg.with_ids(parts[1] if len(parts) > 1 else "")
    try:
        fields = parse_fields(text, need_title=False, mentioned=mentioned)
    except (MeetupInputError, RuleError) as exc:
        raise Refusal(f"{exc} Nothing was changed. Usage: {EDIT_USAGE}") from None
    if fields.empty:
        raise Refusal(f"What should change? e.g. `meetup edit {series.id} at 13:00`. Usage: {EDIT_USAGE}")
    now = ctx.now()
    new = changed(series, fields, now)
    if new.channel != series.channel:
        where = store.channel_of(new)
        await ctx.require_channel(where, "You can only move a meetup to a channel you are in. Nothing was changed.")
        if problem := await ctx.outbox.can_post(where):
            raise Refusal(f"{problem} Nothing was changed.")
    try:
        starts = await store.upcoming(new, now)
        if not starts:
            raise RuleError("With that change it would have no future date.")
        said = await off_loop(differences, series, new, now)
        if not said:
            raise RuleError(f"Meetup #{series.id} already is like that.")
        async with ctx.db.session() as session:
            carried = await carry(session, series, new, now)
            row = await session.get(MeetupSeries, series.id)
            for name in ("title", *WHEN, "duration_minutes", "channel", *DETAILS):
                setattr(row, name, getattr(new, name))
            row.updated_at = now
            session.add(row)
            await session.flush()
            told = len(carried.people)
            summary = "; ".join(said) + (f"; {told} {'person' if told == 1 else 'people'} told" if told else "")
            reply = replies.schedule_summary(row, starts, "Updated", note=fields.note, changes=summary)
    except RuleError as exc:
        raise Refusal(f"{exc} Nothing was changed.") from None
    await jobs.reschedule(ctx.services, row)
    await _tell(ctx, series, row, carried, said, now)
    return reply


def changed(series: MeetupSeries, fields: MeetupFields, now: datetime) -> MeetupSeries:
    """A copy of `series` with the edit applied (never saved itself)."""
    new = MeetupSeries(**series.model_dump())
    for name in ("title", "start_time", "timezone", "duration_minutes", "channel"):
        if getattr(fields, name) is not None:
            setattr(new, name, getattr(fields, name))
    if fields.rule is not None:
        new.starts_on = fields.once or now.astimezone(zone(new.timezone)).date()
        new.rule = pinned(fields.rule, new.timezone, new.starts_on)
    for name, value in fields.extra.items():
        setattr(new, name, value)
    new.updated_at = now
    return new


def differences(old: MeetupSeries, new: MeetupSeries, now: datetime) -> list[str]:
    """What the edit changes, in words ("Moved from 12:00 to 13:00 Europe/London")."""
    out = []
    if new.title != old.title:
        out.append(f"Renamed from “{old.title}” to “{new.title}”")
    if (new.start_time, new.timezone) != (old.start_time, old.timezone):
        if new.timezone == old.timezone:
            out.append(f"Moved from {old.start_time:%H:%M} to {new.start_time:%H:%M} {new.timezone}")
        else:
            out.append(f"Moved from {old.start_time:%H:%M} {old.timezone} to {new.start_time:%H:%M} {new.timezone}")
    if replies.repeats(new) != replies.repeats(old):
        out.append(f"Repeats {replies.repeats(new)} (was {replies.repeats(old)})")
    elif (new.rule, new.starts_on) != (old.rule, old.starts_on) and store.next_starts(old, now, 10) != (
        store.next_starts(new, now, 10)
    ):
        out.append(f"Dates now counted from {new.starts_on:%a %d %b %Y}")
    if new.duration_minutes != old.duration_minutes:
        out.append(f"Now {new.duration_minutes} min long (was {old.duration_minutes} min)")
    if new.channel != old.channel:
        out.append(f"Moved to #{new.channel} (was #{old.channel})")
    for name in DETAILS:
        if getattr(new, name) != getattr(old, name):
            out.append(f"{name.capitalize()}: {getattr(new, name) or 'none'} (was {getattr(old, name) or 'none'})")
    return out


def remap(
    old: MeetupSeries, new: MeetupSeries, starts: list[datetime], now: datetime
) -> dict[datetime, datetime | None]:
    """For each of `starts` (future dates of `old` that have rows), its date in `new`, or None if
    the new schedule has no place for it that day. A start the new schedule keeps stays; the
    others pair up in order with the new starts of the same day (in the old zone's calendar)."""
    old_tz = zone(old.timezone)
    out: dict[datetime, datetime | None] = {}
    for day in sorted({s.astimezone(old_tz).date() for s in starts}):
        was = _on_day(old, day)
        will = [s for s in _on_day(new, day) if s > now]
        moving = [s for s in was if s not in will]
        free = [s for s in will if s not in was]
        for start in (s for s in starts if s.astimezone(old_tz).date() == day):
            if start in will:
                out[start] = start
            elif start in moving and moving.index(start) < len(free):
                out[start] = free[moving.index(start)]
            else:
                out[start] = None
    return out


def _on_day(series: MeetupSeries, day: date) -> list[datetime]:
    """The series' starts on `day` of its own zone's calendar."""
    tz = zone(series.timezone)
    midnight = place(datetime.combine(day, time()), tz)
    starts = store.next_starts(series, after=midnight - timedelta(microseconds=1), count=MAX_PER_DAY)
    return [s for s in starts if s.astimezone(tz).date() == day]


async def carry(session: AsyncSession, old: MeetupSeries, new: MeetupSeries, now: datetime) -> Carried:
    """Move the future dates' rows to the new schedule (see the module docstring). A moved date
    keeps its id (its RSVP buttons still name it); posts already made for a moved or dropped
    date are filed away under a name of their own, so the new time is announced afresh."""
    ahead = sorted(
        (o for o in (await store.known_occurrences(session, old)).values() if o.starts_at > now),
        key=lambda o: o.starts_at,
    )
    if any(getattr(new, name) != getattr(old, name) for name in WHEN):
        target = await off_loop(remap, old, new, [o.starts_at for o in ahead], now)
    else:
        target = {o.starts_at: o.starts_at for o in ahead}
    out = Carried()
    leaving = [o for o in ahead if target[o.starts_at] != o.starts_at]
    out.kept = [o for o in ahead if o not in leaving]
    taken = {o.starts_at for o in out.kept}
    answers = await _answers(session, [o.id for o in leaving])
    out.posted = await store.announcements(session, old, [o.id for o in leaving])
    for occ in leaving:
        people = [] if occ.status == "skipped" else [a.user for a in answers.get(occ.id, []) if a.answer != "no"]
        to = target[occ.starts_at]
        if to is None or to in taken:
            out.dropped.append((occ.id, occ.starts_at, people))
        else:
            taken.add(to)
            out.moved.append((occ.id, occ.starts_at, to, people))
        await store.file_away_posts(session, occ, now)
    if not leaving:
        return await _with_places(session, old, new, now, out)
    # Delete, then insert the moved ones again under their ids: two dates of a day may trade places.
    ids = [o.id for o in leaving]
    await session.exec(delete(MeetupRsvp).where(col(MeetupRsvp.occurrence_id).in_(ids)))
    await session.exec(delete(MeetupOccurrence).where(col(MeetupOccurrence.id).in_(ids)))
    await session.flush()
    by_id = {o.id: o for o in leaving}
    for occ_id, _, to, _ in out.moved:
        was = by_id[occ_id]
        status = "skipped" if was.status == "skipped" else "scheduled"
        session.add(
            MeetupOccurrence(
                id=occ_id, workspace=old.workspace, series_id=old.id, starts_at=to, status=status,
                host=was.host, topic=was.topic,
            )
        )  # fmt: skip
    await session.flush()
    for occ_id, *_ in out.moved:
        for a in answers.get(occ_id, []):  # the same answers, in the same order (the waitlist's)
            session.add(
                MeetupRsvp(workspace=old.workspace, occurrence_id=occ_id, user=a.user, answer=a.answer, at=a.at)
            )
    await session.flush()
    return await _with_places(session, old, new, now, out)


async def _answers(session: AsyncSession, occ_ids: list[int]) -> dict[int, list[MeetupRsvp]]:
    if not occ_ids:
        return {}
    rows = (
        await session.exec(
            select(MeetupRsvp).where(col(MeetupRsvp.occurrence_id).in_(occ_ids)).order_by(MeetupRsvp.at, MeetupRsvp.id)
        )
    ).all()
    out: dict[int, list[MeetupRsvp]] = {}
    for row in rows:
        out.setdefault(row.occurrence_id, []).append(MeetupRsvp(user=row.user, answer=row.answer, at=row.at))
    return out


async def _with_places(
    session: AsyncSession, old: MeetupSeries, new: MeetupSeries, now: datetime, out: Carried
) -> Carried:
    """With more places, the first on each date's waitlist get one; with fewer, the last to answer
    going wait again. Either way they are told."""
    if new.capacity == old.capacity:
        return out
    rows = (
        await session.exec(
            select(MeetupOccurrence).where(
                MeetupOccurrence.series_id == old.id,
                MeetupOccurrence.starts_at > now,
                MeetupOccurrence.status != "skipped",
            )
        )
    ).all()
    for occ in rows:
        before = await store.rsvps(session, occ, old.capacity)
        after = await store.rsvps(session, occ, new.capacity)
        if up := [u for u in after.going if u in before.waitlist]:
            out.promoted.append((occ.id, occ.starts_at, up))
        if down := [u for u in after.waitlist if u in before.going]:
            out.waitlisted.append((occ.id, occ.starts_at, down))
    return out


async def _tell(
    ctx: Context, old: MeetupSeries, new: MeetupSeries, carried: Carried, said: list[str], now: datetime
) -> None:
    """After the change is saved: the channel, the people concerned, the posts already made."""
    services = ctx.services
    if any(getattr(new, name) != getattr(old, name) for name in ("title", *WHEN, "channel")):
        text = f"Meetup “{new.title}” has changed: " + "; ".join(said) + "."
        about = f"series:{new.id}@{now:%Y%m%dT%H%M%S.%f}"
        await post_notice(ctx, new, Reply(text, title=f"{new.title}: changed"), kind="meetup.changed", about=about)
    dms = [
        *(("meetup.moved", i, people, notify.moved(new, old, was, to)) for i, was, to, people in carried.moved),
        *(("meetup.dropped", i, people, notify.dropped(new, old, was)) for i, was, people in carried.dropped),
        *(("meetup.promoted", i, people, notify.promoted(new, at)) for i, at, people in carried.promoted),
        *(("meetup.waitlisted", i, people, notify.waitlisted(new, at)) for i, at, people in carried.waitlisted),
    ]
    for kind, occ_id, people, reply in dms:
        notify.tell_later(services, new, people, reply, kind=kind, about=notify.subject(occ_id, now))
    # Posts already made for dates that moved or were dropped say so; the others show the change.
    gone = {old_id: (was, to) for old_id, was, to, _ in carried.moved} | {i: (w, None) for i, w, _ in carried.dropped}
    for occ_id, message_id in carried.posted.items():
        was, to = gone[occ_id]
        await jobs.rewrite(services, old, message_id, replies.moved_away(old, was, new, to))
    if old.channel == new.channel:
        posted = await jobs.posted_announcements(services, new, [o.id for o in carried.kept])
        async with ctx.db.session() as session:
            for occ in carried.kept:
                if occ.id in posted and occ.status != "skipped":
                    counts = await store.rsvps(session, occ, new.capacity)
                    link = calendar.date_url(ctx.settings, new, occ.starts_at)
                    reply = replies.announcement(new, occ, counts, calendar=link)
                    await jobs.rewrite(services, new, posted[occ.id], reply)
