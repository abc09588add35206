"""Reading `retro` arguments: start, add, action and friendly due dates.

retro start 4ls Sprint 12            retro start custom "Went well | To improve" Sprint 12
retro add stop long meetings --anon  retro add "longed for" a quieter office
retro action "Book the room" @sam due friday
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.parser import ParserError
from dateutil.parser import parse as parse_loose
from dateutil.relativedelta import relativedelta

from bot.core import Mention
from bot.core.ids import parse_number
from handlers.retros.templates import (
    DEFAULT,
    Template,
    TemplateError,
    custom_columns,
    find,
    names,
    not_a_template,
)

MAX_CARD = 1000
MAX_TITLE = 200
ANON_FLAGS = ("--anon", "--anonymous", "—anon", "–anon")  # phones turn -- into a dash
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IN = re.compile(r"in ([0-9]{1,3}) (day|days|week|weeks|month|months)", re.ASCII)


class RetroInputError(ValueError):
    """Bad retro input; the message is for the user."""


def split_words(text: str) -> list[str]:
    try:  # apostrophes stay text ("don't"), only double quotes group words
        return shlex.split(text.translate(_QUOTES).replace("'", "\u2019"), posix=True)
    except ValueError:
        raise RetroInputError("A quotation mark is not closed.") from None


@dataclass(slots=True)
class StartArgs:
    template: Template | None  # None: custom
    columns: tuple[str, ...]
    title: str


def parse_start(text: str) -> StartArgs:
    words = split_words(text)
    first = words[0].lower() if words else ""
    if first == "custom":
        rest = text.translate(_QUOTES).split(None, 1)[1] if len(words) > 1 else ""
        if rest.startswith('"'):
            spec, _, title = rest[1:].partition('"')
        else:
            spec, title = rest, ""
        try:
            columns = custom_columns(spec)
        except TemplateError as exc:
            raise RetroInputError(str(exc)) from None
        return StartArgs(None, columns, _title(title))
    template = find(first) if first else None
    if template:
        return StartArgs(template, template.columns, _title(" ".join(words[1:])))
    quoted = text.translate(_QUOTES).lstrip().startswith('"')  # a quoted title is never a template
    if first and not quoted and (why := not_a_template(words[0])):
        raise RetroInputError(
            f"{why} The templates are: {names()}. For a retro titled “{' '.join(words)[:80]}” with the "
            f'default columns, quote the title: retro start "{" ".join(words)[:80]}".'
        )
    return StartArgs(DEFAULT, DEFAULT.columns, _title(" ".join(words)))


def _title(text: str) -> str:
    text = " ".join(text.split()).strip('"')
    if len(text) > MAX_TITLE:
        raise RetroInputError(f"A retro title can be up to {MAX_TITLE} characters.")
    return text


def take_flag(text: str, flags: tuple[str, ...]) -> tuple[str, bool]:
    """`text` without any of `flags` (as whole words), and whether one was there."""
    words = text.split(" ")
    kept = [w for w in words if w.lower() not in flags]
    return " ".join(kept).strip(), len(kept) != len(words)


def match_column(text: str, columns: list[str]) -> tuple[str | None, str]:
    """The column `text` starts with (its name, any case, quoted or not, or its position) and the rest."""
    stripped = text.translate(_QUOTES).strip()
    if stripped.startswith('"'):
        name, _, rest = stripped[1:].partition('"')
        hit = next((c for c in columns if c.lower() == name.strip().lower()), None)
        return hit, rest.strip() if hit else stripped
    first, _, rest = stripped.partition(" ")
    if first.isascii() and first.isdigit():  # a position (ASCII digits only; "²" is a word like any other)
        position = parse_number(first, 1, len(columns))
        return (columns[position - 1], rest.strip()) if position else (None, stripped)
    for column in sorted(columns, key=len, reverse=True):  # "Longed for" before a "Longed"
        n = len(column)
        if stripped[:n].lower() == column.lower() and (len(stripped) == n or stripped[n] in " :"):
            return column, stripped[n:].lstrip(" :").strip()
    return None, stripped


def check_card_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise RetroInputError("The card is empty: write what you want to say after the column.")
    if len(text) > MAX_CARD:
        raise RetroInputError(
            f"That card is {len(text):,} characters long; a card holds up to {MAX_CARD:,}. "
            "Please shorten it or split it into two cards."
        )
    return text


@dataclass(slots=True)
class ActionArgs:
    text: str
    owner: str | None
    due: date | None


def parse_action(text: str, today: date, mentioned: dict[str, Mention]) -> ActionArgs:
    """`"text" @owner due <when>`; owner and due date are optional, in any order after the text.
    `text` comes from Incoming.with_ids: the owner is a person the platform marked as mentioned
    (a word of `mentioned`), so the reminder reaches someone; a typed "@sam" names nobody."""
    words = split_words(text)
    body: list[str] = []
    owner: str | None = None
    due: date | None = None
    i = 0
    while i < len(words):
        word = words[i]
        low = word.lower()
        if word.startswith("@") and len(word) > 1 and owner is None:
            owner = _person(word, mentioned)
        elif low == "owner" and i + 1 < len(words) and owner is None:
            i += 1
            owner = _person(words[i], mentioned)
        elif low in ("due", "by") and i + 1 < len(words) and due is None and (low == "due" or body):
            if low == "by":  # "by friday" only when it parses; otherwise it is part of the text
                try:
                    due = parse_due(" ".join(words[i + 1 :]), today)
                except RetroInputError:
                    body.append(word)
                    i += 1
                    continue
            else:
                due = parse_due(" ".join(words[i + 1 :]), today)
            break
        else:
            body.append(word)
        i += 1
    action = " ".join(body).strip()
    if not action:
        raise RetroInputError('What is the action? e.g. retro action "Book a bigger room" @sam due friday')
    if len(action) > MAX_CARD:
        raise RetroInputError(f"An action can be up to {MAX_CARD:,} characters.")
    if owner is not None and (not owner or len(owner) > 255):
        raise RetroInputError("That owner is not a person I can name.")
    return ActionArgs(action, owner, due)


def _person(word: str, mentioned: dict[str, Mention]) -> str:
    if word in mentioned and word.startswith("@"):
        return mentioned[word].id
    raise RetroInputError(f"“{word}” is not someone I can remind: mention them (type @ and pick the person).")


def parse_due(text: str, today: date) -> date:
    """ISO dates and friendly forms, relative to `today` (the workspace's date); never in the past."""
    phrase = " ".join(text.lower().split()).removeprefix("on ").strip(" .")
    day: date | None = None
    if phrase in ("today", "tonight", "eod"):
        day = today
    elif phrase == "tomorrow":
        day = today + timedelta(days=1)
    elif phrase == "next week":
        day = today + timedelta(days=7 - today.weekday())  # next Monday
    elif phrase.removeprefix("next ").removeprefix("this ") in _WEEKDAYS:
        target = _WEEKDAYS.index(phrase.removeprefix("next ").removeprefix("this "))
        day = today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)  # the coming one, not today
    elif m := _IN.fullmatch(phrase):
        n, unit = int(m[1]), m[2]
        day = today + (
            relativedelta(months=n)
            if unit.startswith("month")
            else timedelta(days=n * (7 if unit.startswith("week") else 1))
        )
    elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", phrase):
        try:
            day = date.fromisoformat(phrase)
        except ValueError:
            day = None
    elif re.search(r"[a-z]{3}", phrase) and re.search(r"[0-9]", phrase) and "/" not in phrase:
        try:  # "5 Dec", "December 5 2026": month names only, so 05/12 vs 12/05 never guesses
            parsed = parse_loose(
                phrase, default=datetime.combine(today.replace(day=1) if today.day > 28 else today, time())
            )
            day = parsed.date()
            if not re.search(r"[0-9]{4}", phrase) and day < today:
                day = day.replace(year=day.year + 1)
        except (ParserError, ValueError, OverflowError):
            day = None
    if day is None:
        raise RetroInputError(
            f"“{text}” is not a due date I understand. Use 2026-12-05, today, tomorrow, "
            "friday, next week or in 2 weeks."
        )
    if day < today:
        raise RetroInputError(f"{day.isoformat()} is in the past; give a due date from today on.")
    return day
