"""RSVPs: `meetup rsvp N going|maybe|no [date]` and the buttons on announcements and reminders.

A place freed by someone who can't come goes to the first person on the waitlist, who is told.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core import Reply
from bot.core.ids import parse_id
from bot.core.router import Context, Refusal, Routes
from handlers.meetups import calendar, notify, replies, store
from handlers.meetups.args import pick_start, series_arg
from storage.models import MeetupOccurrence

routes = Routes("meetups")
SYNONYMS = {"yes": "going", "not": "no", "notgoing": "no"}
STALE_BUTTON = "There is no such meetup here any more: that RSVP button is not valid."


@routes.command("meetup rsvp", "Answer going, maybe or no", usage="meetup rsvp N going|maybe|no [YYYY-MM-DD]")
async def rsvp_command(ctx: Context) -> Reply:
    series, words = await series_arg(ctx, ctx.args)
    answer = words.pop(0).lower() if words else ""
    answer = SYNONYMS.get(answer, answer)
    if answer not in store.ANSWERS:
        raise Refusal(f"Answer going, maybe or no, e.g. `meetup rsvp {series.id} going`.")
    start, _ = await pick_start(ctx, series, words, past_ok=True)
    async with ctx.db.session() as session:
        occ = await store.occurrence(session, series, start)
    return await _answer(ctx, occ, answer, replace=False)


@routes.action("meetup.rsvp")
async def rsvp_button(ctx: Context) -> Reply:
    """The value is `<occurrence id>:<answer>`; a forged or stale one, or one pressed by someone
    outside the meetup's channel, names no meetup."""
    occ_text, _, answer = ctx.action.value.partition(":")
    occ_id = parse_id(occ_text)
    if occ_id is None or answer not in store.ANSWERS:
        raise Refusal(STALE_BUTTON)
    async with ctx.db.session() as session:
        occ = await session.get(MeetupOccurrence, occ_id)
    if occ is None or occ.workspace != ctx.msg.workspace:
        raise Refusal(STALE_BUTTON)
    return await _answer(ctx, occ, answer, replace=True)


async def _answer(ctx: Context, occ: MeetupOccurrence, answer: str, *, replace: bool) -> Reply:
    async with ctx.db.session() as session:
        series = await store.get_series(session, ctx.msg.workspace, occ.series_id)
    if series is None:
        raise Refusal(STALE_BUTTON)
    await ctx.require_channel(store.channel_of(series), STALE_BUTTON)
    now, when = ctx.now(), replies.local(series, occ.starts_at)
    if occ.starts_at + timedelta(minutes=series.duration_minutes) < now:
        raise Refusal(f"{series.title} on {when} has ended; RSVPs are closed.")
    if occ.status in ("skipped", "cancelled") or series.status != "active":
        raise Refusal(f"{series.title} on {when} is not taking place.")
    async with ctx.db.session() as session:
        before = await store.rsvps(session, occ, series.capacity)
        await store.set_rsvp(session, occ, ctx.msg.user, answer, now)
        counts = await store.rsvps(session, occ, series.capacity)
    promoted = [user for user in counts.going if user in before.waitlist]
    if promoted:
        reply = notify.promoted(series, occ.starts_at)
        notify.tell_later(ctx.services, series, promoted, reply, kind="meetup.promoted", about=notify.subject(occ, now))
    mine = counts.of(ctx.msg.user)
    note = {
        "going": "You're going",
        "waitlist": "The meetup is full: you're on the waitlist",
        "maybe": "Marked as maybe",
        "no": "Marked as not going",
    }[mine or answer]
    if replace:  # the announcement updates in place with the new counts
        reply = replies.announcement(
            series, occ, counts, calendar=calendar.date_url(ctx.settings, series, occ.starts_at)
        )
        reply.replace, reply.notice = True, f"{note}."
        return reply
    return Reply(f"{note} to {series.title} on {when}. {replies.counts_field(series, counts).value}.")
