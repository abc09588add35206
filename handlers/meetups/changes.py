"""Changes to one date or a whole series by its organiser: skip, unskip, cancel, host, topic.

The channel hears about each in a notice, everyone who answered going or maybe by direct
message, and announcements already posted are rewritten so nobody answers a meetup that won't
happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from bot.core import Reply
from bot.core.router import Context, Refusal, Routes
from handlers.meetups import calendar, jobs, notify, replies, store
from handlers.meetups.args import pick_start, series_arg
from scheduler.deliveries import deliver
from storage.models import Delivery, MeetupOccurrence, MeetupSeries

routes = Routes("meetups")


async def post_notice(ctx: Context, series: MeetupSeries, reply: Reply, *, kind: str, about: str) -> None:
    """A notice in the series' channel (exactly once; the organiser hears if it can't be posted)."""
    await deliver(
        ctx.services,
        store.channel_of(series),
        reply,
        kind=kind,
        subject=about,
        due_at=ctx.now(),
        grace=jobs.grace(ctx.services),
        report_to=jobs.organiser(series),
    )


def told(people: int) -> str:
    if not people:
        return ""
    return f" and {people} {'person who' if people == 1 else 'people who'} answered going or maybe"


@routes.command("meetup skip", "Skip one date (a notice is posted instead)", usage="meetup skip N [YYYY-MM-DD]")
async def skip(ctx: Context) -> Reply:
    series, words = await series_arg(ctx, ctx.args, change=True)
    start, _ = await pick_start(ctx, series, words)
    now, when = ctx.now(), replies.local(series, start)
    async with ctx.db.session() as session:
        occ = await store.occurrence(session, series, start)
        if occ.status == "skipped":
            raise Refusal(f"{when} is already skipped. (`meetup unskip {series.id} {replies.day(series, start)}`)")
        occ.status = "skipped"
        session.add(occ)
        people = (await store.rsvps(session, occ, series.capacity)).interested
    following = await _next_taking_place(ctx, series, after=start)
    text = f"{series.title} on {when} will not take place."
    text += f" See you at the next one, on {replies.local(series, following)}!" if following else ""
    about = notify.subject(occ, now)
    await post_notice(ctx, series, Reply(text, title=f"{series.title}: skipped"), kind="meetup.skipped", about=about)
    notify.tell_later(
        ctx.services, series, people, notify.skipped(series, start, following), kind="meetup.skipped.dm", about=about
    )
    await jobs.retract_announcements(ctx.services, series, [occ], "skipped")
    return Reply(
        f"Skipped {series.title} on {when}; the channel has been told{told(len(people))}. "
        f"Changed your mind? `meetup unskip {series.id} {replies.day(series, start)}`."
    )


@routes.command("meetup unskip", "Take back a skipped date", usage="meetup unskip N [YYYY-MM-DD]")
async def unskip(ctx: Context) -> Reply:
    series, words = await series_arg(ctx, ctx.args, change=True)
    start, _ = await pick_start(ctx, series, words, skipped=True)
    now, when = ctx.now(), replies.local(series, start)
    async with ctx.db.session() as session:
        occ = await store.occurrence(session, series, start)
        if occ.status != "skipped":
            raise Refusal(f"{series.title} on {when} is not skipped. Nothing was changed.")
        occ.status = "scheduled"
        session.add(occ)
        counts = await store.rsvps(session, occ, series.capacity)
    about = notify.subject(occ, now)
    notice = Reply(f"{series.title} on {when} takes place after all.", title=f"{series.title}: back on")
    await post_notice(ctx, series, notice, kind="meetup.unskipped", about=about)
    await _announce_again(ctx, series, occ, counts)
    people = counts.interested
    for answer, who in (("going", counts.going), ("waitlist", counts.waitlist), ("maybe", counts.maybe)):
        shown = "going, on the waitlist" if answer == "waitlist" else answer
        reply = notify.unskipped(series, start, shown)
        notify.tell_later(ctx.services, series, who, reply, kind="meetup.unskipped.dm", about=about)
    return Reply(f"{series.title} on {when} takes place after all; the channel has been told{told(len(people))}.")


async def _announce_again(ctx: Context, series: MeetupSeries, occ: MeetupOccurrence, counts: store.Rsvps) -> None:
    """An announcement rewritten when the date was skipped gets its RSVP buttons back; one that was
    never posted because its time came while the date was skipped is posted now."""
    reply = replies.announcement(series, occ, counts, calendar=calendar.date_url(ctx.settings, series, occ.starts_at))
    ref = store.channel_of(series)
    async with ctx.db.session() as session:
        posted = (
            await session.exec(
                select(Delivery).where(
                    Delivery.kind == "meetup.announce",
                    Delivery.subject == f"occurrence:{occ.id}",
                    Delivery.status == "sent",
                )
            )
        ).first()
    if posted is not None and posted.message_id:
        await jobs.rewrite(ctx.services, series, posted.message_id, reply)
    elif posted is None and jobs.due_times(series, occ.starts_at)["announce"] <= ctx.now():
        await deliver(
            ctx.services,
            ref,
            reply,
            kind="meetup.announce",
            subject=f"occurrence:{occ.id}",
            due_at=ctx.now(),
            grace=jobs.grace(ctx.services),
            report_to=jobs.organiser(series),
        )


async def _next_taking_place(ctx: Context, series: MeetupSeries, *, after: datetime) -> datetime | None:
    starts = await store.upcoming(series, after, 20)
    async with ctx.db.session() as session:
        known = await store.known_occurrences(session, series)
    return next((s for s in starts if not (s in known and known[s].status == "skipped")), None)


@routes.command("meetup cancel", "Cancel a whole meetup series", usage="meetup cancel N")
async def cancel(ctx: Context) -> Reply:
    series, _ = await series_arg(ctx, ctx.args, change=True)
    if series.status == "cancelled":
        raise Refusal(f"Meetup #{series.id} is already cancelled.")
    now = ctx.now()
    met = await has_met(ctx, series)
    async with ctx.db.session() as session:
        row = await session.get(MeetupSeries, series.id)
        row.status, row.updated_at = "cancelled", now
        session.add(row)
        ahead = sorted(
            (o for o in (await store.known_occurrences(session, series)).values() if o.starts_at > now),
            key=lambda o: o.starts_at,
        )
        concerned = [(occ, (await store.rsvps(session, occ, series.capacity)).interested) for occ in ahead]
    await jobs.reschedule(ctx.services, row)
    if met:
        text = f"The meetup series “{series.title}” has been cancelled. Thanks to everyone who came!"
    else:
        text = f"The meetup series “{series.title}” has been cancelled before its first date."
    about = f"series:{series.id}@{now:%Y%m%dT%H%M%S.%f}"
    await post_notice(
        ctx, series, Reply(text, title=f"{series.title}: cancelled"), kind="meetup.cancelled", about=about
    )
    people: set[str] = set()
    for occ, who in concerned:
        if who and occ.status != "skipped":
            people.update(who)
            reply = notify.cancelled(series, occ.starts_at)
            notify.tell_later(
                ctx.services, series, who, reply, kind="meetup.cancelled.dm", about=notify.subject(occ, now)
            )
    await jobs.retract_announcements(ctx.services, series, ahead, "cancelled")
    return Reply(f"Cancelled meetup #{series.id} “{series.title}”; the channel has been told{told(len(people))}.")


async def has_met(ctx: Context, series: MeetupSeries) -> bool:
    """Whether any date of the series has taken place (so a farewell can thank those who came)."""
    now = ctx.now()
    async with ctx.db.session() as session:
        known = await store.known_occurrences(session, series)
    if any(o.starts_at <= now and o.status not in ("skipped", "cancelled", "scheduled") for o in known.values()):
        return True  # announced, reminded or started: it was on
    starts = await store.upcoming(series, series.created_at - timedelta(seconds=1), 20)
    return any(s <= now and not (s in known and known[s].status == "skipped") for s in starts)


async def _set_occurrence_field(ctx: Context, field: str) -> Reply:
    series, words = await series_arg(ctx, ctx.args, change=True)
    start, words = await pick_start(ctx, series, words)
    value = " ".join(words).strip()
    if person := ctx.msg.person_in(value):
        value = value.replace(person.text, "@" + person.name)
    value = value[:1000]
    if not value:
        raise Refusal(
            f"Give the {field}, e.g. `meetup {field} {series.id} "
            + ("@sam`." if field == "host" else '"Risk registers"`.')
        )
    async with ctx.db.session() as session:
        occ = await store.occurrence(session, series, start)
        setattr(occ, field, value)
        session.add(occ)
    return Reply(f"{field.capitalize()} of {series.title} on {replies.local(series, start)}: {value}.")


@routes.command("meetup host", "Set the host of one date", usage="meetup host N [YYYY-MM-DD] @person")
async def host(ctx: Context) -> Reply:
    return await _set_occurrence_field(ctx, "host")


@routes.command("meetup topic", "Set the topic of one date", usage='meetup topic N [YYYY-MM-DD] "…"')
async def topic(ctx: Context) -> Reply:
    return await _set_occurrence_field(ctx, "topic")
