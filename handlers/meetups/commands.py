"""`meetup …` commands: help, schedule, list, show, dates, calendar. Changes live in changes.py and
edit.py, RSVPs in rsvp.py."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.core import ConversationRef, Form, Input, Reply, Section
from bot.core.ids import parse_number
from bot.core.router import Context, Refusal, Routes
from handlers.meetups import calendar, jobs, replies, store
from handlers.meetups.args import series_arg
from handlers.meetups.edit import EDIT_USAGE
from handlers.meetups.parse import MeetupFields, MeetupInputError, parse_fields
from scheduler.recurrence import RuleError, off_loop, pinned, zone
from storage.models import MeetupSeries

routes = Routes("meetups")
SCHEDULE_USAGE = (
    'meetup schedule "TITLE" every first Thursday at 12:30 [Europe/London] [for 60m] [in #channel] '
    '[host @person] [topic "…"] [link https://…] [location "…"] [capacity N]'
)


@routes.command("meetup", "Community meetups: what you can do")
async def meetup_help(ctx: Context) -> Reply:
    lines = [
        SCHEDULE_USAGE,
        "meetup list",
        "meetup show N",
        "meetup dates N [how many]",
        "meetup calendar [N]  (a calendar feed of meetup N, or of this channel's meetups)",
        "meetup rsvp N going|maybe|no [YYYY-MM-DD]",
        "meetup skip N [YYYY-MM-DD]  /  meetup unskip N [YYYY-MM-DD]",
        "meetup host N [YYYY-MM-DD] @person",
        'meetup topic N [YYYY-MM-DD] "…"',
        EDIT_USAGE,
        "meetup cancel N",
        "Without a date, a command means the next date that takes place.",
    ]
    recurrences = (
        "Recurrences: every weekday, every Tuesday, every Monday and Wednesday, every other Wednesday, every 3 weeks "
        "on Monday, every first Friday, every 2nd and 4th Tuesday, every last Friday of the month, monthly on the 1st "
        "and 15th, monthly on the last day, once on 2026-12-03, or RFC 5545 RRULE text (FREQ=…;BYDAY=…; daily at "
        "most). "
        "A number before a weekday is its week in the month: “every second Sunday” is the second Sunday of each month, "
        "like “every first Friday”; for every two weeks say “every other Sunday”. Time zones are places "
        "(Europe/London, America/New_York), not abbreviations like EST, which ignore daylight saving."
    )
    return Reply(
        "Meetup commands:\n" + "\n".join(lines) + "\n" + recurrences,
        title="Community meetups",
        sections=[Section(text="\n".join(f"• {line}" for line in lines)), Section(text=recurrences)],
    )


@routes.command(
    "meetup schedule",
    "Schedule a recurring meetup, announced automatically",
    usage=SCHEDULE_USAGE,
    examples=('meetup schedule "Lunch & Learn" every first Thursday at 12:30 Europe/London for 60m',),
)
async def schedule(ctx: Context) -> Reply:
    if not ctx.args.strip():
        return schedule_form(ctx)
    try:
        text, mentioned = ctx.msg.with_ids(ctx.args)
        fields = parse_fields(text, need_title=True, mentioned=mentioned)
        if fields.rule is None:
            raise MeetupInputError("When does it happen? e.g. every first Thursday, every Tuesday, once on 2026-12-03.")
        if fields.start_time is None:
            raise MeetupInputError("At what time? e.g. at 12:30.")
    except (MeetupInputError, RuleError) as exc:
        raise Refusal(f"{exc} Nothing was scheduled. Usage: {SCHEDULE_USAGE}") from None
    return await _create(ctx, fields)


async def _create(ctx: Context, fields: MeetupFields) -> Reply:
    now = ctx.now()
    tz = fields.timezone or ctx.settings.pmo_bot_timezone
    starts_on = fields.once or now.astimezone(zone(tz)).date()
    series = MeetupSeries(
        workspace=ctx.msg.workspace,
        title=fields.title or "Meetup",
        rule=pinned(fields.rule or "", tz, starts_on),
        timezone=tz,
        starts_on=starts_on,
        start_time=fields.start_time,
        duration_minutes=fields.duration_minutes or 60,
        platform=ctx.msg.platform,
        channel=fields.channel or ctx.msg.channel,
        organiser=ctx.msg.user,
        created_at=now,
        updated_at=now,
        **fields.extra,
    )
    starts = await store.upcoming(series, now)
    if not starts:
        raise Refusal("That rule has no future date, so there is nothing to schedule. Nothing was scheduled.")
    where = store.channel_of(series)
    if problem := await ctx.outbox.can_post(where):
        raise Refusal(f"{problem} Nothing was scheduled.")
    # The bot being there is not enough: the asker must be too (a private channel stays private).
    await ctx.require_channel(where, "You can only schedule a meetup in a channel you are in. Nothing was scheduled.")
    # Everything that can fail happens before the commit: a failure saves nothing.
    async with ctx.db.session() as session:
        session.add(series)
        await session.flush()
        reply = replies.schedule_summary(series, starts, "Scheduled", note=fields.note)
        await jobs.reschedule(ctx.services, series)
    return reply


def schedule_form(ctx: Context) -> Reply:
    return Reply(
        text=f"Fill in the meetup form, or type: {SCHEDULE_USAGE}",
        form=Form(
            title="Schedule a meetup",
            submit_action_id="meetup.form",
            submit_label="Schedule",
            inputs=[
                Input("title", "Title", placeholder="Lunch & Learn"),
                Input("when", "Repeats", placeholder="every first Thursday"),
                Input("at", "Time (HH:MM)", placeholder="12:30"),
                Input("timezone", "Time zone", optional=True, placeholder=ctx.settings.pmo_bot_timezone),
                Input("duration", "Duration", optional=True, placeholder="60m"),
                Input("host", "Host", optional=True),
                Input("topic", "Topic", optional=True),
                Input("link", "Join link", optional=True),
                Input("location", "Location", optional=True),
                Input("capacity", "Capacity", optional=True),
            ],
        ),
    )


@routes.action("meetup.form")
async def schedule_form_submit(ctx: Context) -> Reply:
    form = {k: (v or "").strip() for k, v in ctx.action.form.items()}
    parts = ['"' + form.get("title", "").replace('"', "'") + '"', form.get("when", ""), "at", form.get("at", "")]
    if form.get("timezone"):
        parts.append(form["timezone"])
    if form.get("duration"):
        parts += ["for", form["duration"]]
    for key in ("host", "topic", "link", "location", "capacity"):
        if form.get(key):
            parts += [key, '"' + form[key].replace('"', "'") + '"']
    try:
        fields = parse_fields(" ".join(parts), need_title=True)
        if not form.get("when") or not form.get("at"):
            raise MeetupInputError("Repeats and Time are required.")
    except (MeetupInputError, RuleError) as exc:
        raise Refusal(f"{exc} Nothing was scheduled.") from None
    return await _create(ctx, fields)


@routes.command("meetup list", "Meetups of the channels you are in, and their next date")
async def list_series(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        rows = (
            await session.exec(
                select(MeetupSeries)
                .where(MeetupSeries.workspace == ctx.msg.workspace, MeetupSeries.status == "active")
                .order_by(MeetupSeries.id)
            )
        ).all()
    rows = await _reachable(ctx, rows)
    if not rows:
        return Reply(f"No meetups scheduled yet in the channels you are in. Start one: {SCHEDULE_USAGE}")
    now = ctx.now()
    upcoming = await off_loop(lambda: [store.next_starts(s, after=now, count=1) for s in rows])
    lines = [
        f"• #{s.id} {s.title}: next {replies.local(s, nxt[0]) if nxt else 'none'}"
        for s, nxt in zip(rows, upcoming, strict=True)
    ]
    return Reply("Meetups:\n" + "\n".join(lines), title="Meetups", sections=[Section(text="\n".join(lines))])


async def _reachable(ctx: Context, rows: list[MeetupSeries]) -> list[MeetupSeries]:
    """The series whose channel the asker is in (asked once per channel)."""
    allowed: dict[ConversationRef, bool] = {}
    for s in rows:
        where = store.channel_of(s)
        if where not in allowed:
            allowed[where] = await ctx.in_channel(where)
    return [s for s in rows if allowed[store.channel_of(s)]]


@routes.command(
    "meetup show", "Everything about a meetup: schedule, details, next dates, who is coming", usage="meetup show N"
)
async def show(ctx: Context) -> Reply:
    series, _ = await series_arg(ctx, ctx.args)
    try:
        starts = await store.upcoming(series, ctx.now()) if series.status == "active" else []
    except RuleError as exc:
        raise Refusal(str(exc)) from None
    return replies.about(series, await _date_lines(ctx, series, starts))


@routes.command("meetup dates", "A meetup's dates further ahead", usage="meetup dates N [how many, up to 100]")
async def dates(ctx: Context) -> Reply:
    series, words = await series_arg(ctx, ctx.args)
    count = parse_number(words[0], 1, 100) if words else 10
    if count is None:
        raise Refusal(f"How many dates? A number from 1 to 100, e.g. `meetup dates {series.id} 20`.")
    try:
        starts = await store.upcoming(series, ctx.now(), count) if series.status == "active" else []
    except RuleError as exc:
        raise Refusal(str(exc)) from None
    lines = await _date_lines(ctx, series, starts)
    heading = (
        f"The next {len(starts)} dates of #{series.id} {series.title}" if starts else f"#{series.id} {series.title}"
    )
    text = "\n".join(lines) or "• no future dates"
    return Reply(f"{heading}:\n{text}", title=heading, sections=[Section(text=text)])


async def _date_lines(ctx: Context, series: MeetupSeries, starts: list[datetime]) -> list[str]:
    """A line per date: skipped, its own host or topic, RSVP counts, and for the organiser (and
    admins) who answered what."""
    names = ctx.msg.user == series.organiser or ctx.is_admin
    lines = []
    async with ctx.db.session() as session:
        known = await store.known_occurrences(session, series)
        for start in starts:
            line, occ = f"• {replies.local(series, start)}", known.get(start)
            if occ is not None and occ.status == "skipped":
                lines.append(f"{line} (skipped)")
                continue
            own = [f"host {occ.host}" if occ and occ.host else "", f"topic “{occ.topic}”" if occ and occ.topic else ""]
            line += "".join(f", {part}" for part in own if part)
            if occ is None:
                lines.append(f"{line}: no RSVPs yet")
                continue
            counts = await store.rsvps(session, occ, series.capacity)
            if not (counts.going or counts.waitlist or counts.maybe or counts.no):
                lines.append(f"{line}: no RSVPs yet")
                continue
            line += f": {replies.counts_field(series, counts).value}"
            if names:
                for what, label in (
                    ("going", "going"),
                    ("waitlist", "waitlist"),
                    ("maybe", "maybe"),
                    ("no", "not going"),
                ):
                    if getattr(counts, what):
                        line += f"\n    {label}: {', '.join(getattr(counts, what))}"
            lines.append(line)
    return lines


@routes.command(
    "meetup calendar",
    "A calendar feed to subscribe to: of one meetup, or of every meetup in this channel",
    usage="meetup calendar [N]",
)
async def calendar_link(ctx: Context) -> Reply:
    if ctx.args.strip():
        series, _ = await series_arg(ctx, ctx.args)  # only from its channel or by the channel's members
        token, what = series.calendar_token, f"meetup #{series.id} “{series.title}”"
    else:
        token = await calendar.channel_token(ctx.services, ctx.msg.workspace, ctx.msg.platform, ctx.msg.channel)
        what = "every meetup in this channel"
    url = calendar.feed_url(ctx.settings, token)
    how = (
        "Subscribe in your calendar app (Outlook: Add calendar → Subscribe from web; Google Calendar: Other calendars "
        "→ From URL; Apple Calendar: File → New Calendar Subscription). Changes, skipped dates and cancellations "
        "follow by themselves. Anyone with the link can see these meetups, so share it only with people who may."
    )
    if not ctx.settings.pmo_bot_public_url:
        how += " (This is a path on the bot's server: ask an admin to set PMO_BOT_PUBLIC_URL for a full link.)"
    return Reply(
        f"Calendar of {what}: {url}\n{how}",
        title="Calendar feed",
        sections=[Section(text=f"Calendar of {what}:\n{url}"), Section(text=how)],
        private=True,
    )
