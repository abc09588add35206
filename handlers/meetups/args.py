"""What meetup commands share: the series a command names (only if the asker may reach it),
whether they may change it, and which date a command means.

A series belongs to its channel: it is found only from that channel or by the channel's members
(the platform says who they are). Everyone else is told there is no such meetup, in the same
words as for an id that does not exist, so ids can't be probed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.core.ids import parse_id
from bot.core.router import Context, Refusal
from handlers.meetups import replies, store
from handlers.meetups.parse import MeetupInputError, split_words
from scheduler.recurrence import MAX_PER_DAY, RuleError, parse_date, place, zone
from storage.models import MeetupSeries

NOT_HERE = "There is no meetup #{} here. See `meetup list` for the meetups of the channels you are in."
WHICH = "Which meetup? Give its number, e.g. `meetup show 3` (see `meetup list`)."
LOOK_AHEAD = 60  # dates searched for the next one that takes place
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def words_of(text: str) -> list[str]:
    try:
        return split_words(text)
    except MeetupInputError as exc:
        raise Refusal(str(exc)) from None


def not_here(word: str) -> str:
    return NOT_HERE.format(word.lstrip("#")[:24])


async def series_arg(ctx: Context, text: str, *, change: bool = False) -> tuple[MeetupSeries, list[str]]:
    """The series named by the first word of `text`, and the words after it. Refuses when there is
    no such series in the workspace, when the asker is neither in its channel nor talking there,
    and (with `change`) when they are neither its organiser nor an admin."""
    words = words_of(text)
    if not words:
        raise Refusal(WHICH)
    series_id = parse_id(words[0])
    if series_id is None:
        raise Refusal(not_here(words[0]) if any(c.isdigit() for c in words[0]) else WHICH)
    async with ctx.db.session() as session:
        series = await store.get_series(session, ctx.msg.workspace, series_id)
    if series is None:
        raise Refusal(not_here(words[0]))
    await ctx.require_channel(store.channel_of(series), not_here(words[0]))
    if change and not (ctx.msg.user == series.organiser or ctx.is_admin):
        raise Refusal(
            f"Only the organiser ({series.organiser}) or an admin can change meetup #{series.id}. Nothing was changed."
        )
    return series, words[1:]


async def pick_start(
    ctx: Context, series: MeetupSeries, words: list[str], *, skipped: bool = False, past_ok: bool = False
) -> tuple[datetime, list[str]]:
    """The date named by a leading YYYY-MM-DD in `words` (and the words after it). Without one: the
    next date that takes place, or with `skipped` the next skipped one."""
    now = ctx.now()
    try:
        if words and _DATE.fullmatch(words[0]):
            return await _on_day(ctx, series, parse_date(words[0]), now, past_ok=past_ok), words[1:]
        starts = await store.upcoming(series, now, LOOK_AHEAD)
    except RuleError as exc:
        raise Refusal(f"{exc} Nothing was changed.") from None
    async with ctx.db.session() as session:
        known = await store.known_occurrences(session, series)
    for start in starts:
        occ = known.get(start)
        if (occ is not None and occ.status == "skipped") == skipped:
            return start, words
    if skipped:
        raise Refusal(f"Meetup #{series.id} has no skipped date coming up.")
    raise Refusal(f"Meetup #{series.id} has no upcoming date that takes place.")


async def _on_day(ctx: Context, series: MeetupSeries, day: date, now: datetime, *, past_ok: bool) -> datetime:
    tz = zone(series.timezone)
    midnight = place(datetime.combine(day, time()), tz)
    starts = [
        s
        for s in await store.upcoming(series, midnight - timedelta(microseconds=1), MAX_PER_DAY)
        if s.astimezone(tz).date() == day
    ]
    if not starts:
        raise Refusal(f"Meetup #{series.id} has no date on {day.isoformat()}. See `meetup dates {series.id}`.")
    ahead = [s for s in starts if s > now]
    if ahead:
        return ahead[0]
    if past_ok:
        return starts[-1]
    raise Refusal(f"{replies.local(series, starts[-1])} is already past. Nothing was changed.")
