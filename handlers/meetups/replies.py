"""What meetup messages look like: announcements, reminders, schedules, lists."""

from __future__ import annotations

from datetime import datetime

from bot.core import Button, Field, Reply, Section
from handlers.meetups.store import ANSWERS, Rsvps
from scheduler.recurrence import describe, zone
from storage.models import MeetupOccurrence, MeetupSeries


def local(series: MeetupSeries, at: datetime) -> str:
    return at.astimezone(zone(series.timezone)).strftime("%a %d %b %Y, %H:%M %Z")


def day(series: MeetupSeries, at: datetime) -> str:
    """The date as commands take it (YYYY-MM-DD, in the series' zone)."""
    return at.astimezone(zone(series.timezone)).date().isoformat()


def when(series: MeetupSeries, start: datetime) -> Field:
    return Field("When", f"{local(series, start)} ({series.duration_minutes} min)", at=start)


def details(series: MeetupSeries, occ: MeetupOccurrence | None) -> list[Field]:
    topic = (occ.topic if occ and occ.topic else None) or series.topic
    host = (occ.host if occ and occ.host else None) or series.host
    fields = []
    if topic:
        fields.append(Field("Topic", topic))
    fields.append(Field("Host", host or "to be confirmed"))
    if series.location:
        fields.append(Field("Where", series.location))
    if series.link:
        fields.append(Field("Join", series.link))
    return fields


def rsvp_buttons(occ: MeetupOccurrence, counts: Rsvps) -> list[Button]:
    numbers = {"going": len(counts.going), "maybe": len(counts.maybe), "no": len(counts.no)}
    return [
        Button(
            f"{label} ({numbers[answer]})",
            "meetup.rsvp",
            f"{occ.id}:{answer}",
            style="primary" if answer == "going" else None,
        )
        for answer, label in ANSWERS.items()
    ]


def counts_field(series: MeetupSeries, counts: Rsvps) -> Field:
    text = f"{len(counts.going)} going, {len(counts.maybe)} maybe, {len(counts.no)} not going"
    if series.capacity:
        text += f"; {max(series.capacity - len(counts.going), 0)} of {series.capacity} places left"
        if counts.waitlist:
            text += f", {len(counts.waitlist)} on the waitlist"
    return Field("RSVPs", text)


def announcement(
    series: MeetupSeries, occ: MeetupOccurrence, counts: Rsvps, *, late: bool = False, calendar: str | None = None
) -> Reply:
    """`calendar`: the address of this date's .ics, shown as "Add to calendar"."""
    title = f"{series.title} (late)" if late else series.title
    headline = f"Coming up: {series.title}, {local(series, occ.starts_at)}."
    fields = [when(series, occ.starts_at), *details(series, occ), counts_field(series, counts)]
    if calendar:
        fields.append(Field("Add to calendar", calendar))
    return Reply(
        text=headline,
        title=title,
        sections=[Section(text=headline), Section(fields=fields)],
        buttons=rsvp_buttons(occ, counts),
    )


def called_off(series: MeetupSeries, occ: MeetupOccurrence, why: str) -> Reply:
    """What an announcement becomes once its date is skipped or the series cancelled: no RSVPs."""
    headline = f"{series.title} on {local(series, occ.starts_at)} will not take place ({why})."
    return Reply(
        text=headline,
        title=f"{series.title} ({why})",
        sections=[Section(text=headline), Section(fields=[when(series, occ.starts_at)])],
    )


def moved_away(old: MeetupSeries, was: datetime, new: MeetupSeries, to: datetime | None) -> Reply:
    """What the announcement of a date becomes once an edit moved it (`to`) or dropped it (None)."""
    if to is None:
        headline = f"{old.title} on {local(old, was)} will not take place: the schedule has changed."
    else:
        headline = f"{old.title} on {local(old, was)} has moved to {local(new, to)}."
    return Reply(
        text=headline,
        title=f"{old.title} ({'moved' if to else 'dropped'})",
        sections=[Section(text=headline), Section(fields=[when(new, to) if to else when(old, was)])],
    )


def reminder(series: MeetupSeries, occ: MeetupOccurrence, counts: Rsvps, *, late: bool = False) -> Reply:
    minutes = series.remind_before_minutes
    headline = f"{series.title} starts in {minutes} minutes" + (" (late reminder)" if late else "") + "."
    fields = [when(series, occ.starts_at), *details(series, occ)]
    return Reply(
        text=headline,
        title=series.title,
        sections=[Section(text=headline), Section(fields=fields)],
        buttons=rsvp_buttons(occ, counts),
        mentions=list(counts.going),
    )


def starting(series: MeetupSeries, occ: MeetupOccurrence, *, late: bool = False) -> Reply:
    headline = f"{series.title} is starting now" + (" (late notice)" if late else "") + "."
    if series.link:
        headline += f" Join: {series.link}"
    return Reply(
        text=headline, title=series.title, sections=[Section(text=headline), Section(fields=details(series, occ))]
    )


def repeats(series: MeetupSeries) -> str:
    return describe(series.rule, series.starts_on, at=series.start_time, tz_name=series.timezone)


def schedule_summary(
    series: MeetupSeries, starts: list[datetime], verb: str, *, note: str = "", changes: str = ""
) -> Reply:
    """`note`: how an ambiguous recurrence was read, said where the reader sees the dates;
    `changes`: what an edit changed."""
    upcoming = "\n".join(f"• {local(series, s)}" for s in starts) or "• no future dates"
    head = f"{verb} meetup #{series.id} “{series.title}”" + (f": {changes}." if changes else ".")
    text = f"{head} Next: {', '.join(local(series, s) for s in starts[:5])}."
    text += f" {note}" if note else ""
    fields = [
        Field("Repeats", repeats(series)),
        Field("Time zone", series.timezone),
        Field(
            "Announced",
            f"{_span(series.announce_before_minutes)} before, reminder {_span(series.remind_before_minutes)} before",
        ),
        *details(series, None),
    ]
    return Reply(
        text=text,
        title=f"#{series.id} {series.title}",
        sections=[
            Section(
                text=f"{verb} meetup #{series.id}"
                + (f": {changes}." if changes else ".")
                + (f" {note}" if note else "")
            ),
            Section(heading="Next dates", text=upcoming),
            Section(fields=fields),
        ],
    )


def about(series: MeetupSeries, date_lines: list[str]) -> Reply:
    """`meetup show`: everything that defines the series, then its next dates."""
    cancelled = series.status == "cancelled"
    fields = [
        Field("Repeats", repeats(series)),
        Field("Time", f"{series.start_time:%H:%M} {series.timezone}, for {series.duration_minutes} min"),
        Field("Channel", f"#{series.channel}"),
        Field("Organiser", series.organiser),
        Field("Places", f"{series.capacity} (then a waitlist)" if series.capacity else "no limit"),
        Field(
            "Announced",
            f"{_span(series.announce_before_minutes)} before, reminder {_span(series.remind_before_minutes)} before",
        ),
        *details(series, None),
        Field("Status", "cancelled" if cancelled else "active"),
    ]
    head = f"Meetup #{series.id} “{series.title}”" + (" (cancelled)" if cancelled else "") + f": {fields[0].value}."
    dates = "\n".join(date_lines) or "• no future dates"
    return Reply(
        text=f"{head}\nNext dates:\n{dates}",
        title=f"#{series.id} {series.title}",
        sections=[Section(text=head), Section(fields=fields), Section(heading="Next dates", text=dates)],
    )


def _span(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day" + ("s" if days > 1 else "")
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"
