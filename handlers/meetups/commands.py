"""`meetup …` commands: schedule, list, show, dates, calendar, skip, cancel, edit, host, topic, RSVP."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import select

from bot.core import Form, Input, Reply, Section
from bot.core.router import Context, Routes
from handlers.meetups import calendar, jobs, replies, store
from handlers.meetups.parse import MeetupFields, MeetupInputError, parse_fields, split_words
from scheduler.deliveries import deliver
from scheduler.recurrence import RuleError, off_loop, parse_date, pinned, zone
from storage.models import MeetupOccurrence, MeetupSeries

routes = Routes("meetups")
SCHEDULE_USAGE = (
    'meetup schedule "TITLE" every first Thursday at 12:30 [Europe/London] [for 60m] [in #channel] '
    '[host @person] [topic "…"] [link https://…] [location "…"] [capacity N]'
)


def _changes_allowed(ctx: Context, series: MeetupSeries) -> Reply | None:
    if ctx.msg.user == series.organiser or ctx.is_admin:
        return None
    return Reply(
        f"Only the organiser ({series.organiser}) or an admin can change meetup #{series.id}. Nothing was changed."
    )


async def _series_arg(
    ctx: Context, text: str, *, change: bool = False
) -> tuple[MeetupSeries | None, list[str], Reply | None]:
    """The series named by the first word, the words after it, or the reply explaining why not
    (with `change`, also when the person may not change it)."""
    try:
        words = split_words(text)
    except MeetupInputError as exc:
        return None, [], Reply(str(exc))
    if not words or not words[0].lstrip("#").isdigit():
        return None, words, Reply("Which meetup? Give its number, e.g. `meetup show 3` (see `meetup list`).")
    async with ctx.db.session() as session:
        series = await store.get_series(session, ctx.msg.workspace, int(words[0].lstrip("#")))
    if series is None:
        return None, words, Reply(f"There is no meetup #{words[0].lstrip('#')} here. See `meetup list`.")
    if change and (denied := _changes_allowed(ctx, series)):
        return None, words, denied
    return series, words[1:], None


async def _pick_start(
    series: MeetupSeries, now: datetime, words: list[str], *, past_ok: bool = False
) -> tuple[datetime, list[str]]:
    """The occurrence named by an optional leading YYYY-MM-DD, else the next one."""
    day: date | None = None
    if words and len(words[0]) == 10 and words[0][4] == "-":
        day = parse_date(words[0])
        words = words[1:]
    if day is None:
        starts = await store.upcoming(series, now, 1)
    else:  # look a little into the past too, so "that one has already happened" can be said
        starts = await store.upcoming(series, now - timedelta(days=7), 400)
    tz = zone(series.timezone)
    for start in starts:
        if day is None or start.astimezone(tz).date() == day:
            if start < now and not past_ok:
                raise MeetupInputError(f"{replies.local(series, start)} is already past.")
            return start, words
    raise MeetupInputError(f"Meetup #{series.id} has no upcoming date {day.isoformat() if day else ''}".rstrip() + ".")


@routes.command("meetup", "Community meetups: what you can do")
async def meetup_help(ctx: Context) -> Reply:
    lines = [
        SCHEDULE_USAGE,
        "meetup list",
        "meetup show N",
        "meetup dates N [how many]",
        "meetup calendar [N]  (a calendar feed of meetup N, or of this channel's meetups)",
        "meetup skip N [YYYY-MM-DD]",
        "meetup cancel N",
        "meetup edit N [any schedule option]",
        "meetup host N [YYYY-MM-DD] @person",
        'meetup topic N [YYYY-MM-DD] "…"',
        "meetup rsvp N going|maybe|no [YYYY-MM-DD]",
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
        return Reply(f"{exc} Nothing was scheduled. Usage: {SCHEDULE_USAGE}")
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
        return Reply("That rule has no future date, so there is nothing to schedule. Nothing was scheduled.")
    problem = await ctx.outbox.can_post(store.channel_of(series))
    if problem:
        return Reply(f"{problem} Nothing was scheduled.")
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
        return Reply(f"{exc} Nothing was scheduled.")
    return await _create(ctx, fields)


@routes.command("meetup list", "Meetups in this workspace and their next date")
async def list_series(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        rows = (
            await session.exec(
                select(MeetupSeries)
                .where(MeetupSeries.workspace == ctx.msg.workspace, MeetupSeries.status == "active")
                .order_by(MeetupSeries.id)
            )
        ).all()
    if not rows:
        return Reply(f"No meetups scheduled yet. Start one: {SCHEDULE_USAGE}")
    now = ctx.now()
    upcoming = await off_loop(lambda: [store.next_starts(s, after=now, count=1) for s in rows])
    lines = [
        f"• #{s.id} {s.title}: next {replies.local(s, nxt[0]) if nxt else 'none'}"
        for s, nxt in zip(rows, upcoming, strict=True)
    ]
    return Reply("Meetups:\n" + "\n".join(lines), title="Meetups", sections=[Section(text="\n".join(lines))])


@routes.command(
    "meetup show", "Everything about a meetup: schedule, details, next dates, who is coming", usage="meetup show N"
)
async def show(ctx: Context) -> Reply:
    series, _, problem = await _series_arg(ctx, ctx.args)
    if problem:
        return problem
    try:
        starts = await store.upcoming(series, ctx.now()) if series.status == "active" else []
    except RuleError as exc:
        return Reply(str(exc))
    return replies.about(series, await _date_lines(ctx, series, starts))


@routes.command("meetup dates", "A meetup's dates further ahead", usage="meetup dates N [how many, up to 100]")
async def dates(ctx: Context) -> Reply:
    series, words, problem = await _series_arg(ctx, ctx.args)
    if problem:
        return problem
    count = 10
    if words:
        if not (words[0].isascii() and words[0].isdigit() and len(words[0]) <= 3 and 1 <= int(words[0]) <= 100):
            return Reply(f"How many dates? A number from 1 to 100, e.g. `meetup dates {series.id} 20`.")
        count = int(words[0])
    try:
        starts = await store.upcoming(series, ctx.now(), count) if series.status == "active" else []
    except RuleError as exc:
        return Reply(str(exc))
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
        series, _, problem = await _series_arg(ctx, ctx.args)
        if problem:
            return problem
        if not await ctx.in_channel(store.channel_of(series)):
            return Reply(f"Only members of meetup #{series.id}'s channel get its calendar link.", private=True)
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


@routes.command("meetup skip", "Skip one date (a notice is posted instead)", usage="meetup skip N [YYYY-MM-DD]")
async def skip(ctx: Context) -> Reply:
    series, words, problem = await _series_arg(ctx, ctx.args, change=True)
    if problem:
        return problem
    try:
        start, _ = await _pick_start(series, ctx.now(), words)
    except (MeetupInputError, RuleError) as exc:
        return Reply(f"{exc} Nothing was changed.")
    async with ctx.db.session() as session:
        occ = await store.occurrence(session, series, start)
        if occ.status == "skipped":
            return Reply(f"{replies.local(series, start)} is already skipped.")
        occ.status = "skipped"
        session.add(occ)
    notice = Reply(
        f"{series.title} on {replies.local(series, start)} will not take place. See you at the next one!",
        title=f"{series.title}: skipped",
    )
    await deliver(
        ctx.services,
        store.channel_of(series),
        notice,
        kind="meetup.skipped",
        subject=f"occurrence:{occ.id}",
        due_at=ctx.now(),
    )
    await jobs.retract_announcements(ctx.services, series, [occ], "skipped")
    return Reply(f"Skipped {series.title} on {replies.local(series, start)}; the channel has been told.")


@routes.command("meetup cancel", "Cancel a whole meetup series", usage="meetup cancel N")
async def cancel(ctx: Context) -> Reply:
    series, _, problem = await _series_arg(ctx, ctx.args, change=True)
    if problem:
        return problem
    if series.status == "cancelled":
        return Reply(f"Meetup #{series.id} is already cancelled.")
    async with ctx.db.session() as session:
        row = await session.get(MeetupSeries, series.id)
        row.status, row.updated_at = "cancelled", ctx.now()
        session.add(row)
    await jobs.reschedule(ctx.services, row)
    notice = Reply(
        f"The meetup series “{series.title}” has been cancelled. Thanks to everyone who came!",
        title=f"{series.title}: cancelled",
    )
    await deliver(
        ctx.services,
        store.channel_of(series),
        notice,
        kind="meetup.cancelled",
        subject=f"series:{series.id}",
        due_at=ctx.now(),
    )
    async with ctx.db.session() as session:
        upcoming = [
            occ
            for occ in (await store.known_occurrences(session, series)).values()
            if occ.status in ("announced", "reminded") and occ.starts_at > ctx.now()
        ]
    await jobs.retract_announcements(ctx.services, series, upcoming, "cancelled")
    return Reply(f"Cancelled meetup #{series.id} “{series.title}”; the channel has been told.")


@routes.command("meetup edit", "Change a meetup's schedule or details", usage="meetup edit N [schedule options]")
async def edit(ctx: Context) -> Reply:
    series, words, problem = await _series_arg(ctx, ctx.args, change=True)
    if problem:
        return problem
    rest = ctx.args.split(None, 1)[1] if len(ctx.args.split(None, 1)) > 1 else ""
    now = ctx.now()
    text, mentioned = ctx.msg.with_ids(rest)
    try:
        fields = parse_fields(text, need_title=False, mentioned=mentioned)
        # Nothing is kept unless every step succeeds: leaving the block by an error rolls back.
        async with ctx.db.session() as session:
            row = await session.get(MeetupSeries, series.id)
            for name in ("title", "start_time", "timezone", "duration_minutes", "channel"):
                if getattr(fields, name) is not None:
                    setattr(row, name, getattr(fields, name))
            if fields.rule is not None:
                row.starts_on = fields.once or now.astimezone(zone(row.timezone)).date()
                row.rule = pinned(fields.rule, row.timezone, row.starts_on)
            for name, value in fields.extra.items():
                setattr(row, name, value)
            row.updated_at = now
            starts = await store.upcoming(row, now)
            if not starts:
                raise MeetupInputError("With that change it would have no future date.")
            session.add(row)
            reply = replies.schedule_summary(row, starts, "Updated", note=fields.note)
            await jobs.reschedule(ctx.services, row)
    except (MeetupInputError, RuleError) as exc:
        return Reply(f"{exc} Nothing was changed.")
    return reply


async def _set_occurrence_field(ctx: Context, field: str) -> Reply:
    series, words, problem = await _series_arg(ctx, ctx.args, change=True)
    if problem:
        return problem
    try:
        start, words = await _pick_start(series, ctx.now(), words)
    except (MeetupInputError, RuleError) as exc:
        return Reply(f"{exc} Nothing was changed.")
    value = " ".join(words).strip()
    if person := ctx.msg.person_in(value):
        value = value.replace(person.text, "@" + person.name)
    value = value[:1000]
    if not value:
        return Reply(
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


@routes.command("meetup rsvp", "Answer going, maybe or no", usage="meetup rsvp N going|maybe|no [YYYY-MM-DD]")
async def rsvp_command(ctx: Context) -> Reply:
    series, words, problem = await _series_arg(ctx, ctx.args)
    if problem:
        return problem
    answer = words.pop(0).lower() if words else ""
    answer = {"yes": "going", "not": "no", "notgoing": "no"}.get(answer, answer)
    if answer not in store.ANSWERS:
        return Reply("Answer going, maybe or no, e.g. `meetup rsvp 3 going`.")
    try:
        start, _ = await _pick_start(series, ctx.now(), words, past_ok=True)
    except (MeetupInputError, RuleError) as exc:
        return Reply(str(exc))
    async with ctx.db.session() as session:
        occ = await store.occurrence(session, series, start)
    return await _rsvp(ctx, series, occ, answer, replace=False)


@routes.action("meetup.rsvp")
async def rsvp_button(ctx: Context) -> Reply:
    occ_id, _, answer = ctx.action.value.partition(":")
    async with ctx.db.session() as session:
        occ = await session.get(MeetupOccurrence, int(occ_id) if occ_id.isdigit() else -1)
        series = await store.get_series(session, ctx.msg.workspace, occ.series_id) if occ else None
    if occ is None or series is None or occ.workspace != ctx.msg.workspace or answer not in store.ANSWERS:
        return Reply("That RSVP button is not valid any more.", private=True)
    return await _rsvp(ctx, series, occ, answer, replace=True)


async def _rsvp(ctx: Context, series: MeetupSeries, occ: MeetupOccurrence, answer: str, *, replace: bool) -> Reply:
    now = ctx.now()
    if occ.starts_at + timedelta(minutes=series.duration_minutes) < now:
        return Reply(
            f"{series.title} on {replies.local(series, occ.starts_at)} has ended; RSVPs are closed.", private=True
        )
    if occ.status in ("skipped", "cancelled") or series.status != "active":
        return Reply(f"{series.title} on {replies.local(series, occ.starts_at)} is not taking place.", private=True)
    async with ctx.db.session() as session:
        await store.set_rsvp(session, occ, ctx.msg.user, answer, now)
        counts = await store.rsvps(session, occ, series.capacity)
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
    return Reply(
        f"{note} to {series.title} on {replies.local(series, occ.starts_at)}. "
        f"{replies.counts_field(series, counts).value}."
    )
