"""Reading `meetup schedule` / `meetup edit` arguments.

    "Lunch & Learn: risk registers" every first Thursday at 12:30 Europe/London for 60m
    in #pmo-community host @sam topic "Risk registers" link https://… location "Room 4" capacity 20

Every part after the title is optional on `edit`; `schedule` needs a recurrence and a time.
Channels may be written #name or as Slack escapes them, <#C123|name>.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import date, time

from bot.core import Mention
from bot.core.ids import parse_number
from scheduler.recurrence import RuleError, canonical_zone, looks_like_rrule, parse_phrase, parse_time

OPTIONS = ("at", "for", "in", "host", "topic", "link", "location", "capacity", "title")
RECURRENCE_START = ("every", "once", "monthly", "weekly", "daily", "on", "weekdays")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


class MeetupInputError(ValueError):
    """Bad meetup input; the message is for the user."""


@dataclass
class MeetupFields:
    title: str | None = None
    rule: str | None = None
    once: date | None = None
    start_time: time | None = None
    timezone: str | None = None
    duration_minutes: int | None = None
    channel: str | None = None
    note: str = ""  # how an ambiguous recurrence was read
    extra: dict[str, str | int] = field(default_factory=dict)  # host, topic, link, location, capacity

    @property
    def empty(self) -> bool:
        return not self.extra and all(
            getattr(self, name) is None
            for name in ("title", "rule", "once", "start_time", "timezone", "duration_minutes", "channel")
        )


def split_words(text: str) -> list[str]:
    try:
        return shlex.split(text.translate(_QUOTES).replace("'", "\u2019"), posix=True)
    except ValueError:
        raise MeetupInputError("A quotation mark is not closed.") from None


def parse_duration(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?)", text.lower())
    if not m:
        raise MeetupInputError(f"“{text}” is not a duration (use 60m, 90 minutes or 1.5h).")
    minutes = float(m[1]) * (60 if m[2].startswith("h") else 1)
    if not 5 <= minutes <= 24 * 60:
        raise MeetupInputError("A meetup lasts between 5 minutes and 24 hours.")
    return int(minutes)


def parse_channel(text: str, mentioned: dict[str, Mention]) -> str:
    if text.startswith("#") and text in mentioned:
        return mentioned[text].id
    raise MeetupInputError(f"“{text}” is not a channel I can find: mention it (type # and pick the channel).")


def _starts_recurrence(word: str) -> bool:
    return word.lower() in RECURRENCE_START or looks_like_rrule(word)


def parse_fields(text: str, *, need_title: bool, mentioned: dict[str, Mention] | None = None) -> MeetupFields:
    """The schedule options in `text`. Typed commands pass Incoming.with_ids(...): mentions read
    as @id / #id words, looked up in `mentioned`; a form's text has none.

    `schedule` (need_title) takes the title from the first words; an edit only from quotes or
    `title "…"`, so that `meetup edit 3 America/New_York` changes the zone, not the title."""
    mentioned = mentioned or {}
    words = split_words(text)
    out = MeetupFields()
    title: list[str] = []
    if words and text.lstrip().translate(_QUOTES)[:1] == '"':
        title.append(words.pop(0))  # a quoted title is the title, whatever its words ("Link", "Daily")
    elif need_title:
        while words and words[0].lower() not in OPTIONS and not _starts_recurrence(words[0]):
            title.append(words.pop(0))
    if title:
        out.title = " ".join(title)[:200]
    elif need_title:
        raise MeetupInputError(
            'Give the meetup a title first, in quotes: meetup schedule "Lunch & Learn" every first Thursday at 12:30'
        )
    while words:
        if words[0].lower() not in OPTIONS and out.timezone is None and (zone := _zone_word(words[0])):
            out.timezone = zone  # a zone on its own: `meetup edit 3 America/New_York`
            words.pop(0)
            continue
        if words[0].lower() not in OPTIONS:
            if out.rule is not None or not _starts_recurrence(words[0]):
                raise MeetupInputError(
                    f"I don't understand “{words[0]}” here. Options: {', '.join(OPTIONS)}."
                    + ("" if out.rule is not None else " A recurrence starts with every, on, monthly… or FREQ=.")
                )
            recurrence = []
            while words and words[0].lower() not in OPTIONS and not (recurrence and _zone_word(words[0])):
                recurrence.append(words.pop(0))
            try:
                out.rule, out.once, out.note = parse_phrase(" ".join(recurrence))
            except RuleError as exc:
                raise MeetupInputError(str(exc)) from None
            continue
        option = words.pop(0).lower()
        if not words:
            raise MeetupInputError(f"“{option}” needs a value.")
        value = words.pop(0)
        try:
            _option(out, option, value, words, mentioned)
        except RuleError as exc:
            raise MeetupInputError(str(exc)) from None
    return out


def _zone_word(word: str) -> str | None:
    """The zone a word names, or None if it is not meant as one. A word meant as a zone that
    can't be used (EST, Europe/Londno) is an error that says what to use instead."""
    try:
        return canonical_zone(word)
    except RuleError as exc:
        if "/" in word or "is not a time zone I know" not in str(exc):
            raise MeetupInputError(str(exc)) from None
        return None


def _option(out: MeetupFields, option: str, value: str, words: list[str], mentioned: dict[str, Mention]) -> None:
    """One `option value` pair; `words` are what follows (a zone after a time, a unit after a number)."""
    if option == "at":
        if words and words[0].lower() in ("am", "pm"):
            value += words.pop(0)
        out.start_time = parse_time(value)
        if words and words[0].lower() not in OPTIONS and not _starts_recurrence(words[0]):
            out.timezone = canonical_zone(words.pop(0))
    elif option == "for":
        if words and re.fullmatch(r"(m|min|mins|minutes?|h|hr|hrs|hours?)", words[0].lower()):
            value += words.pop(0)
        out.duration_minutes = parse_duration(value)
    elif option == "in":
        out.channel = parse_channel(value, mentioned)
    elif option == "capacity":
        places = parse_number(value, 1, 999_999)
        if places is None:
            raise MeetupInputError("Capacity is a whole number of places, at least 1.")
        out.extra["capacity"] = places
    elif option == "title":
        if not value.strip():
            raise MeetupInputError('Give the new title in quotes, e.g. title "Lunch & Learn".')
        out.title = value.strip()[:200]
    elif option == "link":
        if not re.match(r"https?://\S", value, re.IGNORECASE):
            raise MeetupInputError(f"The link must start with https:// (or http://), not “{value[:40]}”.")
        out.extra["link"] = value[:1000]
    elif option == "host":
        person = mentioned.get(value)
        out.extra["host"] = ("@" + person.name if person else value)[:255]  # shown, not messaged
    else:
        out.extra[option] = value[:1000]
