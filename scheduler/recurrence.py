"""Recurrence rules (RFC 5545 RRULE text and everyday phrases), expanded in the series' own zone.

A rule is kept as an RRULE body (`FREQ=MONTHLY;BYDAY=+1TH`), parts in RFC 5545 order. Expansion
gives local wall-clock times (python-dateutil), each then placed in the zone (zoneinfo), so 12:30
Europe/London stays 12:30 across daylight-saving changes. Placing follows RFC 5545 §3.3.5 as
calendar clients do, so the bot and its calendar feeds (handlers/meetups/calendar.py) agree:
- a local time that does not exist (clocks spring forward over it) is read with the offset in
  force before the change, i.e. shifted forward by the length of the gap: 01:30 London on the
  spring-forward night is 02:30 BST;
- an ambiguous local time (clocks fall back over it) takes its first occurrence.

Expansion is bounded. dateutil scans period by period to the year 9999 for a rule that never
matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 takes seconds of CPU), so a search stops SEARCH_YEARS
past the later of "now" and the series start: a rule with no date in that span has no more dates.
Frequencies below daily are refused: meetups are not hourly.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, weekday

from bot.core import zones

T = TypeVar("T")
SEARCH_YEARS = 10  # sparse but real rules (29 February) recur within 8 years
EXPANSION_TIMEOUT = 2.0  # seconds a worker thread may take; the bound above keeps it far below
MAX_PER_DAY = 24
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True))
MONTH_NAMES = ("January February March April May June July August September October November December").split()
FREQS = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")
PARTS += ("BYHOUR", "BYMINUTE", "BYSETPOS", "WKST")


class RuleError(ValueError):
    """A rule, date, time or zone that can't be used; the message is for the user."""


# --- time zones -------------------------------------------------------------------------------


# Abbreviations name an offset, not a place: "EST" in the tz database is UTC-5 all year, so a July
# meetup "12:00 EST" would be 13:00 in New York. They are refused with the places people mean.
def canonical_zone(name: str) -> str:
    """The IANA name for a typed zone (bot.core.zones), refused as a RuleError like any bad rule."""
    try:
        return zones.canonical_zone(name)
    except zones.ZoneError as exc:
        raise RuleError(str(exc)) from None


def daily_at(now: datetime, tz_name: str, at: time) -> datetime:
    """The next `at` (local time in `tz_name`) after `now`: daily sweeps run in the morning there."""
    local = now.astimezone(zone(tz_name))
    today = place(datetime.combine(local.date(), at), local.tzinfo)
    return today if today > now else place(datetime.combine(local.date() + timedelta(days=1), at), local.tzinfo)


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The zone of a stored name. Typed names go through canonical_zone first; a series saved
    before abbreviations were refused ("EST") keeps working with the zone it was saved with."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    try:
        return ZoneInfo(canonical_zone(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if isinstance(exc, RuleError):
            raise
        raise RuleError(f"“{name}” is not a time zone I know.") from None


def place(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall time → an aware UTC instant, by the rules in the module docstring.

    PEP 495's fold=0 is exactly that: in a gap it reads the time with the offset before the
    change; in an overlap it picks the first of the two readings."""
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A parsed RRULE body. `until` is an aware UTC instant, or a date (through the end of that
    local day) until `pinned` to the series' zone."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: datetime | date | None = None
    bymonth: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int, str], ...] = ()  # (ordinal, "MO"); ordinal 0 means every such day
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: str | None = None

    def text(self) -> str:
        parts = {"FREQ": self.freq}
        if self.interval != 1:
            parts["INTERVAL"] = str(self.interval)
        if self.count is not None:
            parts["COUNT"] = str(self.count)
        if isinstance(self.until, datetime):
            parts["UNTIL"] = self.until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        elif self.until is not None:
            parts["UNTIL"] = self.until.strftime("%Y%m%d")
        for name in ("bymonth", "byweekno", "byyearday", "bymonthday"):
            if getattr(self, name):
                parts[name.upper()] = ",".join(map(str, getattr(self, name)))
        if self.byday:
            parts["BYDAY"] = ",".join(f"{n:+d}{d}" if n else d for n, d in self.byday)
        for name in ("byhour", "byminute", "bysetpos"):
            if getattr(self, name):
                parts[name.upper()] = ",".join(map(str, getattr(self, name)))
        if self.wkst:
            parts["WKST"] = self.wkst
        return ";".join(f"{k}={v}" for k, v in parts.items())


def looks_like_rrule(word: str) -> bool:
    """'FREQ=…', 'BYDAY=…;FREQ=…', 'RRULE:…': RRULE text, in any part order."""
    return bool(re.match(r"(rrule:)?(freq|interval|count|until|by[a-z]+|wkst)=", word.strip(), re.IGNORECASE))


@lru_cache(maxsize=4096)
def parse_rule(text: str) -> Rule:
    """RRULE text as RFC 5545 writes it (any part order, optional `RRULE:`) → a Rule, or RuleError
    saying what is wrong. Only what a meetup can use is accepted."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if len(body) > 400:
        raise RuleError("That RRULE is too long.")
    values: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in body.split(";"))):
        name, eq, value = part.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not eq or not value:
            raise RuleError(f"“{part}” is not NAME=VALUE.")
        if name in values:
            raise RuleError(f"{name} is given twice.")
        values[name] = value
    if "BYSECOND" in values:
        raise RuleError("Meetups start on the minute: BYSECOND is not accepted.")
    unknown = [n for n in values if n not in PARTS]
    if unknown:
        raise RuleError(f"{', '.join(unknown)} is not an RRULE part I accept ({', '.join(PARTS)}).")
    freq = values.get("FREQ")
    if freq is None:
        raise RuleError("An RRULE needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY).")
    if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
        raise RuleError(
            f"Meetups repeat at most daily: FREQ={freq} is not accepted. "
            "For several times a day use FREQ=DAILY;BYHOUR=9,14."
        )
    if freq not in FREQS:
        raise RuleError(f"FREQ={freq} is not a frequency (DAILY, WEEKLY, MONTHLY or YEARLY).")
    rule = Rule(
        freq=freq,
        interval=_number(values, "INTERVAL", 1, 1000) or 1,
        count=_number(values, "COUNT", 1, 1000),
        until=_until(values.get("UNTIL")),
        bymonth=_numbers(values, "BYMONTH", 1, 12),
        byweekno=_numbers(values, "BYWEEKNO", 1, 53, signed=True),
        byyearday=_numbers(values, "BYYEARDAY", 1, 366, signed=True),
        bymonthday=_numbers(values, "BYMONTHDAY", 1, 31, signed=True),
        byday=_days(values.get("BYDAY"), freq),
        byhour=_numbers(values, "BYHOUR", 0, 23),
        byminute=_numbers(values, "BYMINUTE", 0, 59),
        bysetpos=_numbers(values, "BYSETPOS", 1, 366, signed=True),
        wkst=_wkst(values.get("WKST")),
    )
    _check_combinations(rule)
    return rule


def _number(values: dict[str, str], name: str, low: int, high: int) -> int | None:
    if name not in values:
        return None
    value = values[name]
    if not (value.isascii() and value.isdigit() and len(value) <= 6 and low <= int(value) <= high):
        raise RuleError(f"{name} must be a whole number from {low} to {high}, not {value}.")
    return int(value)


def _numbers(values: dict[str, str], name: str, low: int, high: int, *, signed: bool = False) -> tuple[int, ...]:
    if name not in values:
        return ()
    out = set()
    for item in values[name].split(","):
        item = item.strip()
        digits = item.lstrip("+-") if signed else item
        if len(item) - len(digits) > 1 or not (digits.isascii() and digits.isdigit() and len(digits) <= 3):
            raise RuleError(f"{name} has “{item}”, which is not a number.")
        number = int(item)
        if not low <= abs(number) <= high or (not signed and number < 0):
            span = f"{low} to {high}" + (f" or -{low} to -{high}" if signed else "")
            raise RuleError(f"{name} values run from {span}; “{item}” is outside.")
        out.add(number)
    return tuple(sorted(out, key=lambda n: (n < 0, n)))


def _days(value: str | None, freq: str) -> tuple[tuple[int, str], ...]:
    if value is None:
        return ()
    out: list[tuple[int, str]] = []
    for item in value.split(","):
        m = re.fullmatch(r"([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", item.strip())
        if not m:
            raise RuleError(f"BYDAY has “{item}”: write days as MO, TU, WE, TH, FR, SA, SU, e.g. BYDAY=2TU,-1FR.")
        n = int(m[2]) * (-1 if m[1] == "-" else 1) if m[2] else 0
        if m[2] and freq not in ("MONTHLY", "YEARLY"):
            raise RuleError("A numbered BYDAY (like 2TU) only makes sense with FREQ=MONTHLY or FREQ=YEARLY.")
        if m[2] and not 1 <= abs(n) <= (5 if freq == "MONTHLY" else 53):
            raise RuleError(f"BYDAY {item}: no month has that many {DAY_NAMES[m[3]]}s.")
        if (n, m[3]) not in out:
            out.append((n, m[3]))
    return tuple(sorted(out, key=lambda d: (d[0] < 0, d[0], DAYS.index(d[1]))))


def _wkst(value: str | None) -> str | None:
    if value is not None and value not in DAYS:
        raise RuleError(f"WKST must be a day (MO … SU), not {value}.")
    return None if value in (None, "MO") else value


def _until(value: str | None) -> datetime | date | None:
    if value is None:
        return None
    if m := re.fullmatch(r"(\d{8})T(\d{6})Z", value):
        try:
            return datetime.strptime(m[1] + m[2], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            pass
    elif re.fullmatch(r"\d{8}", value):
        try:
            return datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            pass
    elif re.fullmatch(r"\d{8}T\d{6}", value):
        raise RuleError(
            f"UNTIL={value} has no zone: RFC 5545 wants it in UTC, ending in Z (UNTIL={value}Z), or as a date."
        )
    raise RuleError(f"UNTIL={value} is not a date (YYYYMMDD) or a UTC time (YYYYMMDDTHHMMSSZ).")


def _check_combinations(rule: Rule) -> None:
    """What RFC 5545 §3.3.10 forbids, said plainly."""
    if rule.count is not None and rule.until is not None:
        raise RuleError("Give COUNT or UNTIL, not both.")
    if rule.byweekno and rule.freq != "YEARLY":
        raise RuleError("BYWEEKNO only goes with FREQ=YEARLY.")
    if rule.byyearday and rule.freq in ("DAILY", "WEEKLY", "MONTHLY"):
        raise RuleError("BYYEARDAY only goes with FREQ=YEARLY.")
    if rule.bymonthday and rule.freq == "WEEKLY":
        raise RuleError("BYMONTHDAY doesn't go with FREQ=WEEKLY (use FREQ=MONTHLY).")
    if rule.byweekno and any(n for n, _ in rule.byday):
        raise RuleError("A numbered BYDAY doesn't go with BYWEEKNO.")
    if rule.bysetpos and not (rule.bymonth or rule.byweekno or rule.byyearday or rule.bymonthday or rule.byday):
        raise RuleError("BYSETPOS picks among the dates other BY… parts give; add one (e.g. BYDAY=MO,TU,WE,TH,FR).")
    if rule.bysetpos and (rule.byhour or rule.byminute):
        raise RuleError("BYSETPOS with BYHOUR or BYMINUTE is not accepted.")
    if max(len(rule.byhour), 1) * max(len(rule.byminute), 1) > MAX_PER_DAY:
        raise RuleError(f"At most {MAX_PER_DAY} starts a day.")


def pinned(rule: str, tz_name: str, starts_on: date) -> str:
    """The rule as it is stored for a series: UNTIL given as a date becomes the end of that day in
    the series' zone, in UTC (as RFC 5545 wants with a zoned start), and the parts a rule takes
    from its first date are written out (FREQ=WEEKLY → BYDAY=the start's weekday), so the rule
    reads the same in words, in the bot and in calendar feeds."""
    if not rule:
        return rule
    r = parse_rule(rule)
    if isinstance(r.until, date) and not isinstance(r.until, datetime):
        r = replace(r, until=place(datetime.combine(r.until, time(23, 59, 59)), zone(tz_name)))
    return _explicit(r, starts_on).text()


def _explicit(r: Rule, start: date) -> Rule:
    """dateutil's (and RFC 5545's) defaults from the first date, written into the rule."""
    if r.byweekno or r.byyearday or r.bymonthday or r.byday:
        return r
    if r.freq == "WEEKLY":
        return replace(r, byday=((0, DAYS[start.weekday()]),))
    if r.freq == "MONTHLY":
        return replace(r, bymonthday=(start.day,))
    if r.freq == "YEARLY":
        return replace(r, bymonth=r.bymonth or (start.month,), bymonthday=(start.day,))
    return r


# --- expansion --------------------------------------------------------------------------------


class _Exhausted(Exception):
    pass


class _BoundedRule(rrule):
    """dateutil's rrule, stopped once its scan has stepped `budget` months (yearly rules: periods).

    UNTIL ends dateutil's scan only at a matching date, so a rule that never matches again scans
    to 9999. dateutil's per-month bookkeeping (_iterinfo.rebuild) reads `_byeaster` once per
    step; that read is the meter. BYEASTER (not RFC 5545) is refused when parsing, so the value
    is always None. tests/test_recurrence.py proves the meter works with the installed dateutil."""

    budget = 0

    @property
    def _byeaster(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise _Exhausted
        return None

    @_byeaster.setter
    def _byeaster(self, value: object) -> None:
        if value:
            raise RuleError("BYEASTER is not an RRULE part I accept.")


def _months(a: datetime, b: datetime) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _rebased(r: Rule, dtstart: datetime, since: datetime) -> tuple[Rule, datetime]:
    """An equivalent (rule, start) whose start is at most a period before `since`, so finding
    next week's date doesn't walk every date since the series began. The parts dateutil takes
    from the start (weekday, day of month, time) are written out; the new start is the first
    moment of a period the INTERVAL counts, so the same periods match. COUNT counts from the
    real start, so such rules are not rebased."""
    if r.count is not None or since <= dtstart + timedelta(days=400):
        return r, dtstart
    r = replace(
        _explicit(r, dtstart.date()), byhour=r.byhour or (dtstart.hour,), byminute=r.byminute or (dtstart.minute,)
    )
    target = since - timedelta(days=2)
    day = dtstart.date()
    if r.freq == "DAILY":
        step = (target.date() - day).days // r.interval * r.interval
        new = day + timedelta(days=step)
    elif r.freq == "WEEKLY":
        week = day - timedelta(days=(day.weekday() - DAYS.index(r.wkst or "MO")) % 7)
        new = week + timedelta(weeks=(target.date() - week).days // (7 * r.interval) * r.interval)
    elif r.freq == "MONTHLY":
        index = dtstart.year * 12 + dtstart.month - 1 + _months(dtstart, target) // r.interval * r.interval
        new = date(index // 12, index % 12 + 1, 1)
    else:
        new = date(dtstart.year + (target.year - 1 - dtstart.year) // r.interval * r.interval, 1, 1)
    start = datetime.combine(new, time())
    return (r, start) if start > dtstart else (r, dtstart)


def local_starts(r: Rule, dtstart: datetime, *, since: datetime, tz: ZoneInfo) -> Iterator[datetime]:
    """Local wall times of the rule at or after `since` (naive, in order), until SEARCH_YEARS
    past `since`, UNTIL or COUNT."""
    rule, start = _rebased(r, dtstart, since)
    end = max(since, dtstart)
    end = datetime(min(end.year + SEARCH_YEARS, 9999), end.month, 1)
    steps = (end.year - start.year + 1) if rule.freq == "YEARLY" else _months(start, end) + 1
    if rule.freq == "MONTHLY":
        steps = steps // rule.interval + 1
    until = None
    if isinstance(rule.until, datetime):
        until = rule.until.astimezone(tz).replace(tzinfo=None) + timedelta(hours=3)  # exact cut below
    elif rule.until is not None:
        until = datetime.combine(rule.until, time(23, 59, 59))
    expansion = _BoundedRule(
        FREQS[rule.freq],
        dtstart=start,
        interval=rule.interval,
        wkst=DAYS.index(rule.wkst or "MO"),
        count=rule.count,
        until=until,
        bysetpos=rule.bysetpos or None,
        bymonth=rule.bymonth or None,
        bymonthday=rule.bymonthday or None,
        byyearday=rule.byyearday or None,
        byweekno=rule.byweekno or None,
        byweekday=[weekday(DAYS.index(d), n or None) for n, d in rule.byday] or None,
        byhour=rule.byhour or None,
        byminute=rule.byminute or None,
        cache=False,
    )
    expansion.budget = steps + 3
    try:
        yield from expansion.xafter(since, inc=True)
    except _Exhausted:
        return


def until_instant(r: Rule, tz: ZoneInfo) -> datetime | None:
    if isinstance(r.until, datetime):
        return r.until
    if r.until is not None:
        return place(datetime.combine(r.until, time(23, 59, 59)), tz)
    return None


def occurrences(
    rule: str, tz_name: str, starts_on: date, at: time, *, after: datetime, count: int = 5, once: date | None = None
) -> list[datetime]:
    """The next `count` starts (aware UTC) strictly after `after`, however many a day or however
    sparse (within SEARCH_YEARS)."""
    tz = zone(tz_name)
    if once or not rule:
        start = place(datetime.combine(once or starts_on, at), tz)
        return [start] if start > after else []
    r = parse_rule(rule)
    dtstart = datetime.combine(starts_on, at)
    # Look from a day early in local time: zone offsets are at most ±14 h.
    since = max(dtstart, after.astimezone(tz).replace(tzinfo=None) - timedelta(days=1))
    last = until_instant(r, tz)
    found: set[datetime] = set()
    stop: datetime | None = None
    for local in local_starts(r, dtstart, since=since, tz=tz):
        if stop and local > stop:
            break
        instant = place(local, tz)
        if (last and instant > last) or instant <= after:
            continue
        found.add(instant)
        if len(found) >= count and stop is None:
            stop = local + timedelta(days=1)  # a gap can put a later wall time earlier
    return sorted(found)[:count]


def first_wall(rule: str, tz_name: str, starts_on: date, at: time) -> datetime | None:
    """The local wall time of a series' first date (a feed's DTSTART), or None if it has none."""
    dtstart = datetime.combine(starts_on, at)
    if not rule:
        return dtstart
    return next(local_starts(parse_rule(rule), dtstart, since=dtstart, tz=zone(tz_name)), None)


def walls(rule: str, tz_name: str, starts_on: date, at: time, instants: list[datetime]) -> dict[datetime, datetime]:
    """For each instant the series has, the local wall time its rule wrote: a time in a gap stays
    01:30 (what a feed's EXDATE or RECURRENCE-ID must say), though the clocks read 02:30 then.
    Instants the rule no longer has (it was edited) are left out."""
    tz, dtstart, out = zone(tz_name), datetime.combine(starts_on, at), {}
    if not rule:
        return {i: dtstart for i in instants if place(dtstart, tz) == i}
    r = parse_rule(rule)
    for instant in instants:
        seen = instant.astimezone(tz).replace(tzinfo=None)
        for local in local_starts(r, dtstart, since=max(dtstart, seen - timedelta(days=1)), tz=tz):
            if local > seen + timedelta(days=1):
                break
            if place(local, tz) == instant:
                out[instant] = local
                break
    return out


async def off_loop(work: Callable[..., T], *args: object) -> T:
    """Run an expansion in a worker thread with a timeout: no rule holds the event loop."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(work, *args), EXPANSION_TIMEOUT)
    except TimeoutError:
        raise RuleError("Working out the dates of that rule took too long. Try a simpler rule.") from None


# --- everyday phrases -------------------------------------------------------------------------


class Recurrence(NamedTuple):
    rule: str  # an RRULE body; "" for a one-off
    once: date | None = None
    note: str = ""  # how an ambiguous phrase was read


_DAY_WORDS = {
    **{name.lower(): code for code, name in DAY_NAMES.items()},
    **{"mon": "MO", "tue": "TU", "tues": "TU", "wed": "WE", "thu": "TH", "thur": "TH", "thurs": "TH"},
    **{"fri": "FR", "sat": "SA", "sun": "SU"},
}
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_ORDINAL_WORDS |= {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_DAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
_DAYS = rf"{_DAY}(?:(?:, ?| and | & |, and ){_DAY})*"
_ORD = r"(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)"
_ORDS = rf"{_ORD}(?:(?:, ?| and | & |, and ){_ORD})*"
_MDAY = r"(?:\d{1,2}(?:st|nd|rd|th)?|last day)"
_MDAYS = rf"{_MDAY}(?:(?:, ?| and | & |, and )(?:the )?{_MDAY})*"
_OF_MONTH = r"(?: of (?:the|each|every) month)?"
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
HELP = (
    "Try: every weekday, every Tuesday, every Monday and Wednesday, every other Wednesday, every 3 weeks on "
    "Monday, every first Friday, every 2nd and 4th Tuesday, every last Friday of the month, monthly on the "
    "1st and 15th, monthly on the last day, every last weekday of the month, once on 2026-12-03, or RRULE text "
    "such as FREQ=WEEKLY;INTERVAL=3;BYDAY=MO."
)
# "every second Sunday" could mean fortnightly or the second Sunday of each month. An ordinal
# before a weekday always names its week in the month here, as in "every first Friday" and
# "every 2nd and 4th Tuesday"; fortnightly is "every other Sunday" (or "every 2 weeks on Sunday").
SECOND_NOTE = "Read as the second {day} of each month; for every two weeks, say “every other {day}”."


def _split(text: str) -> list[str]:
    return [w for w in re.split(r", and |, ?| and | & ", text) if w]


def _day_codes(text: str) -> list[str]:
    codes = []
    for word in _split(text):
        code = _DAY_WORDS[word.removesuffix("s") if word.removesuffix("s") in _DAY_WORDS else word]
        if code not in codes:
            codes.append(code)
    return sorted(codes, key=DAYS.index)


def _weekly(days: list[str], interval: int = 1) -> Rule:
    return Rule("WEEKLY", interval=interval, byday=tuple((0, d) for d in days))


def parse_phrase(phrase: str) -> Recurrence:
    """'every first Thursday' → Recurrence('FREQ=MONTHLY;BYDAY=+1TH'); 'once on 2026-12-03' →
    Recurrence('', date). RRULE text is accepted too, in any part order."""
    text = " ".join(phrase.lower().split()).rstrip(".")
    if m := re.fullmatch(r"(?:once )?on (\d{4}-\d{2}-\d{2})", text):
        return Recurrence("", parse_date(m[1]))
    if looks_like_rrule(text):
        return Recurrence(parse_rule(phrase).text())
    note = ""
    if text in ("every day", "daily"):
        rule = Rule("DAILY")
    elif text in ("every weekday", "every working day", "weekdays", "every weekday of the week"):
        rule = _weekly(["MO", "TU", "WE", "TH", "FR"])
    elif m := re.fullmatch(r"every (\d{1,3}|two|three|four|five|six) days", text):
        rule = Rule("DAILY", interval=_count(m[1]))
    elif m := re.fullmatch(rf"(?:every|weekly on|on) ({_DAYS})", text):
        rule = _weekly(_day_codes(m[1]))
    elif m := re.fullmatch(rf"(?:every other|fortnightly on|every fortnight on) ({_DAYS})", text):
        rule = _weekly(_day_codes(m[1]), 2)
    elif m := re.fullmatch(rf"every (\d{{1,2}}|two|three|four|five|six) weeks(?: on ({_DAYS}))?", text):
        rule = Rule("WEEKLY", interval=_count(m[1]), byday=tuple((0, d) for d in _day_codes(m[2] or "")))
    elif m := re.fullmatch(rf"every ({_ORDS}) weekday{_OF_MONTH}", text):
        rule = Rule("MONTHLY", byday=tuple((0, d) for d in DAYS[:5]), bysetpos=_ordinals(m[1]))
    elif m := re.fullmatch(rf"(?:every|monthly on the|on the) ({_ORDS}) ({_DAY})( of (?:the|each|every) month)?", text):
        ordinals, day = _ordinals(m[1]), _day_codes(m[2])[0]
        rule = Rule("MONTHLY", byday=tuple((n, day) for n in ordinals))
        if ordinals == (2,) and not m[3] and text.startswith("every"):
            note = SECOND_NOTE.format(day=DAY_NAMES[day])
    elif m := re.fullmatch(rf"(?:monthly on|every month on|on|every) the ({_MDAYS}){_OF_MONTH}", text):
        rule = Rule("MONTHLY", bymonthday=_month_days(m[1]))
    elif text in ("every month", "monthly"):
        rule = Rule("MONTHLY")
    elif text in ("every year", "yearly", "annually"):
        rule = Rule("YEARLY")
    else:
        raise RuleError(f"I can't read the recurrence “{phrase}”. {HELP}")
    return Recurrence(parse_rule(rule.text()).text(), None, note)


def _count(word: str) -> int:
    n = _NUMBERS.get(word) or int(word)
    if not 1 <= n <= 999:
        raise RuleError("Give a number of days or weeks from 1 to 999.")
    return n


def _ordinals(text: str) -> tuple[int, ...]:
    return tuple(sorted({_ORDINAL_WORDS[w] for w in _split(text)}, key=lambda n: (n < 0, n)))


def _month_days(text: str) -> tuple[int, ...]:
    days = set()
    for word in _split(text):
        word = word.removeprefix("the ")
        if word == "last day":
            days.add(-1)
            continue
        day = int(re.match(r"\d+", word)[0])
        if not 1 <= day <= 31:
            raise RuleError(f"There is no day {day} in a month.")
        days.add(day)
    return tuple(sorted(days, key=lambda n: (n < 0, n)))


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleError(f"“{text}” is not a date (use YYYY-MM-DD, e.g. 2026-12-03).") from None


def parse_time(text: str) -> time:
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text.strip().lower())
    if not m or not m[0].isascii():
        raise RuleError(f"“{text}” is not a time of day (use 12:30 or 1pm).")
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= hour <= 12:
            raise RuleError(f"“{text}” is not a time of day.")
        hour = hour % 12 + (12 if m[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise RuleError(f"“{text}” is not a time of day.")
    return time(hour, minute)


# --- in words ---------------------------------------------------------------------------------


def ordinal(n: int, *, words: bool = False) -> str:
    if n < 0:
        return "last" if n == -1 else f"{ordinal(-n, words=True)}-to-last"
    if words and n in (1, 2, 3, 4, 5):
        return ("first", "second", "third", "fourth", "fifth")[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def listing(items: list[str], joiner: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _day_list(days: list[str], joiner: str = "and") -> str:
    if days == list(DAYS[:5]):
        return "weekday"
    if days == ["SA", "SU"]:
        return "weekend day"
    return listing([DAY_NAMES[d] for d in days], joiner)


def _month_day(n: int) -> str:
    return ordinal(n) if n > 0 else f"{ordinal(n, words=True)} day"


def _every(n: int, unit: str) -> str:
    return f"every {unit}" if n == 1 else f"every other {unit}" if n == 2 else f"every {n} {unit}s"


def describe(rule: str, once: date | None = None, *, at: time | None = None, tz_name: str | None = None) -> str:
    """A rule in words; a rule too unusual to put in words is shown as written."""
    if not rule:
        return f"once, on {once.isoformat()}" if once else "once"
    try:
        r = parse_rule(rule)
    except RuleError:
        return rule
    words = _words(r)
    if words is None:
        return rule
    if r.byhour or r.byminute:
        hours, minutes = r.byhour or ((at.hour,) if at else ()), r.byminute or ((at.minute,) if at else (0,))
        if hours:
            words += " at " + listing([f"{h:02d}:{m:02d}" for h in hours for m in minutes])
    if r.count is not None:
        words += ", once" if r.count == 1 else f", {r.count} times"
    if r.until is not None:
        end = r.until
        if isinstance(end, datetime):
            end = end.astimezone(zone(tz_name)) if tz_name else end
            end = end.date()
        words += f", until {end.strftime('%a %d %b %Y')}"
    return words


def _words(r: Rule) -> str | None:
    if r.byweekno or r.byyearday:
        return None
    plain = [d for n, d in r.byday if n == 0]
    numbered = [(n, d) for n, d in r.byday if n]
    named = listing([MONTH_NAMES[m - 1] for m in r.bymonth]) if r.bymonth else ""
    months = f" in {named}" if named else ""
    if r.bysetpos:
        if not plain or numbered or r.bymonthday or r.freq not in ("MONTHLY", "YEARLY"):
            return None
        positions = listing([ordinal(p, words=True) for p in r.bysetpos])
        if r.freq == "MONTHLY":
            within, where = "monthly" if r.interval == 1 else _every(r.interval, "month"), months
        else:
            within, where = _every(r.interval, "year"), f" of {named}" if named else " of the year"
        return f"{within} on the {positions} {_day_list(plain, 'or')}{where}"
    freq = r.freq
    if freq == "DAILY" and r.interval == 1 and (r.byday or r.bymonthday) and not numbered:
        freq = "MONTHLY" if r.bymonthday else "WEEKLY"  # a filtered daily rule reads like these
    if freq == "DAILY":
        if set(plain) == set(DAYS) or not r.byday:
            return _every(r.interval, "day") + months
        return f"{_every(r.interval, 'day')} that is a {_day_list(plain, 'or')}" + months
    if freq == "WEEKLY":
        if not plain:  # not once pinned: dateutil takes the first date's weekday
            return _every(r.interval, "week") + months
        if set(plain) == set(DAYS) and r.interval == 1:
            return "every day" + months
        days = _day_list(plain)
        if r.interval == 1:
            return f"every {days}{months}"
        if days in ("weekday", "weekend day"):  # "every other weekday" would read as every second day
            return f"{_every(r.interval, 'week')} on {days}s{months}"
        if r.interval == 2:
            return f"every other {days}{months}"
        return f"every {r.interval} weeks on {days}{months}"
    if freq == "MONTHLY":
        prefix = "monthly" if r.interval == 1 else _every(r.interval, "month")
        if r.bymonthday and not r.byday:
            return f"{prefix} on the {listing([_month_day(n) for n in r.bymonthday])}{months}"
        if r.bymonthday and plain and not numbered:
            days = listing([_month_day(n) for n in r.bymonthday], "or")
            return f"{prefix} on the {days} when it is a {_day_list(plain, 'or')}{months}"
        if numbered and not plain and not r.bymonthday:
            weekdays = {d for _, d in numbered}
            if len(weekdays) == 1:
                day = DAY_NAMES[numbered[0][1]]
                ords = [n for n, _ in numbered]
                which = ordinal(ords[0], words=True) if len(ords) == 1 else listing([ordinal(n) for n in ords])
                if r.interval == 1:
                    return f"every {which} {day} of the month{months}"
                return f"{prefix} on the {which} {day}{months}"
            parts = [f"the {ordinal(n, words=True)} {DAY_NAMES[d]}" for n, d in numbered]
            return f"{prefix} on {listing(parts)}{months}"
        if plain and not numbered and not r.bymonthday:
            if r.interval == 1:
                return f"every {_day_list(plain)}{months}"
            return f"every {_day_list(plain)}, {_every(r.interval, 'month')}{months}"
        return None
    # YEARLY
    prefix = _every(r.interval, "year")
    if r.bymonth and r.bymonthday and not r.byday:
        if len(r.bymonth) == 1 and len(r.bymonthday) == 1 and r.bymonthday[0] > 0:
            return f"{prefix} on {r.bymonthday[0]} {MONTH_NAMES[r.bymonth[0] - 1]}"
        return f"{prefix} on the {listing([_month_day(n) for n in r.bymonthday])} of {named}"
    if r.bymonth and numbered and not plain and not r.bymonthday:
        parts = [f"the {ordinal(n, words=True)} {DAY_NAMES[d]}" for n, d in numbered]
        return f"{prefix} on {listing(parts)} of {named}"
    if r.bymonth and plain and not numbered and not r.bymonthday:
        return f"every {_day_list(plain)}{months}" + ("" if r.interval == 1 else f", {prefix}")
    return None
