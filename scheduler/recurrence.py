"""Recurrence rules: everyday phrases → RFC 5545 RRULE, and expansion in the series' own zone.

Expansion happens on local wall-clock times (python-dateutil's rrule), then each local time is
placed in the zone (zoneinfo), so 12:30 Europe/London stays 12:30 across daylight-saving changes:
- a local time that does not exist (clocks spring forward over it) moves forward to the first
  valid time, the instant the clocks change (01:30 on the spring-forward night in London → 02:00 BST);
- an ambiguous local time (clocks fall back over it) takes its first occurrence (fold=0).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrulestr

WEEKDAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"


class RuleError(ValueError):
    """A rule, date, time or zone that can't be used; the message is for the user."""


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())  # walks the tz database on disk: once per process


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    try:
        if name in ("UTC", "Z") or name in _zone_names():
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise RuleError(f"“{name}” is not a time zone I know. Use a name like Europe/London or America/New_York.")


def parse_phrase(phrase: str) -> tuple[str, date | None]:
    """'every first Thursday' → ('FREQ=MONTHLY;BYDAY=+1TH', None); 'once on 2026-12-03' → ('', date).

    Returns the RRULE body (no DTSTART) and, for one-off meetups, their date. Raw RRULE text
    ('FREQ=WEEKLY;INTERVAL=3;BYDAY=MO') is accepted for anything else."""
    text = " ".join(phrase.lower().split())
    if m := re.fullmatch(r"(?:once )?on (\d{4}-\d{2}-\d{2})", text):
        return "", parse_date(m[1])
    if text.upper().startswith(("FREQ=", "RRULE:")):
        body = phrase.strip().removeprefix("RRULE:").removeprefix("rrule:")
        try:
            rrulestr(body, dtstart=datetime(2026, 1, 1))
        except (ValueError, TypeError) as exc:
            raise RuleError(f"That RRULE doesn't parse: {exc}.") from None
        return body.upper(), None
    if text in ("every day", "daily"):
        return "FREQ=DAILY", None
    if text in ("every weekday", "every working day", "weekdays"):
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", None
    if m := re.fullmatch(rf"(?:every|weekly on) {_DAY}", text):
        return f"FREQ=WEEKLY;BYDAY={WEEKDAYS[m[1]]}", None
    if m := re.fullmatch(rf"every (?:other|second|2nd) {_DAY}", text):
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={WEEKDAYS[m[1]]}", None
    if m := re.fullmatch(
        rf"every (first|1st|second|2nd|third|3rd|fourth|4th|last) {_DAY}(?: of (?:the|each|every) month)?", text
    ):
        return f"FREQ=MONTHLY;BYDAY={ORDINALS[m[1]]:+d}{WEEKDAYS[m[2]]}", None
    if m := re.fullmatch(
        r"(?:monthly on the|every month on the|on the) (\d{1,2})(?:st|nd|rd|th)?(?: of (?:the|each|every) month)?", text
    ):
        day = int(m[1])
        if not 1 <= day <= 31:
            raise RuleError(f"There is no day {day} in a month.")
        return f"FREQ=MONTHLY;BYMONTHDAY={day}", None
    raise RuleError(
        f"I can't read the recurrence “{phrase}”. Try: every weekday, every Tuesday, every other Wednesday, "
        "every first Friday, every last Friday of the month, monthly on the 15th, once on 2026-12-03, "
        "or RRULE text such as FREQ=WEEKLY;INTERVAL=3;BYDAY=MO."
    )


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleError(f"“{text}” is not a date (use YYYY-MM-DD, e.g. 2026-12-03).") from None


def parse_time(text: str) -> time:
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text.strip().lower())
    if not m:
        raise RuleError(f"“{text}” is not a time of day (use 12:30 or 1pm).")
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= hour <= 12:
            raise RuleError(f"“{text}” is not a time of day.")
        hour = hour % 12 + (12 if m[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise RuleError(f"“{text}” is not a time of day.")
    return time(hour, minute)


def place(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall time → an aware UTC instant, by the rules in the module docstring."""
    first = local.replace(tzinfo=tz, fold=0)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local:
        return first.astimezone(UTC)  # exists (the first of two if ambiguous)
    # In a gap: the clocks jump between the two readings; the change is the first valid time.
    lo = local.replace(tzinfo=tz, fold=1).astimezone(UTC)  # earliest reading, before the jump
    hi = first.astimezone(UTC)  # latest reading, after the jump
    while hi - lo > timedelta(minutes=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).replace(tzinfo=None) >= local:
            hi = mid
        else:
            lo = mid
    return hi.replace(second=0, microsecond=0)


def occurrences(
    rule: str, tz_name: str, starts_on: date, at: time, *, after: datetime, count: int = 5, once: date | None = None
) -> list[datetime]:
    """The next `count` starts (aware UTC) strictly after `after`."""
    tz = zone(tz_name)
    if once or not rule:
        start = place(datetime.combine(once or starts_on, at), tz)
        return [start] if start > after else []
    dtstart = datetime.combine(starts_on, at)
    # Start looking a day early in local time: zone offsets are at most ±14 h.
    cursor = max(dtstart, after.astimezone(tz).replace(tzinfo=None) - timedelta(days=1))
    out: list[datetime] = []
    for local in _expansion(rule, dtstart).xafter(cursor, count=count + 3, inc=True):
        instant = place(local, tz)
        if instant > after and (not out or instant > out[-1]):
            out.append(instant)
            if len(out) == count:
                break
    return out


@lru_cache(maxsize=4096)
def _expansion(rule: str, dtstart: datetime):
    return rrulestr(rule, dtstart=dtstart)


def describe(rule: str, once: date | None = None) -> str:
    """A rule in words, for the rules `parse_phrase` makes; other RRULEs are shown as written."""
    if not rule:
        return f"once, on {once.isoformat()}" if once else "once"
    names = {v: k.capitalize() for k, v in WEEKDAYS.items()}
    ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq, interval, byday = parts.get("FREQ"), parts.get("INTERVAL", "1"), parts.get("BYDAY", "")
    if set(parts) == {"FREQ"} and freq == "DAILY":
        return "every day"
    if freq == "WEEKLY" and set(parts) <= {"FREQ", "INTERVAL", "BYDAY"}:
        if byday == "MO,TU,WE,TH,FR" and interval == "1":
            return "every weekday"
        if byday in names and interval in ("1", "2"):
            return ("every other " if interval == "2" else "every ") + names[byday]
    if freq == "MONTHLY" and set(parts) == {"FREQ", "BYDAY"}:
        m = re.fullmatch(r"([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)", byday)
        if m and int(m[1]) in ordinal:
            return f"every {ordinal[int(m[1])]} {names[m[2]]} of the month"
    if freq == "MONTHLY" and set(parts) == {"FREQ", "BYMONTHDAY"}:
        day = int(parts["BYMONTHDAY"])
        suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return f"monthly on the {day}{suffix}"
    return rule
