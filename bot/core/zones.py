"""Time zones as people type them: IANA names in any case; abbreviations ("EST", "CET") refused
with the place they most likely mean, because they don't follow daylight saving."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import available_timezones


class ZoneError(ValueError):
    """A zone that is not a place; the message says what to use instead."""


ABBREVIATIONS = {
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "EST5EDT": "America/New_York",
    "CST": "America/Chicago or Asia/Shanghai",
    "CDT": "America/Chicago",
    "CST6CDT": "America/Chicago",
    "MST": "America/Denver or America/Phoenix",
    "MDT": "America/Denver",
    "MST7MDT": "America/Denver",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PST8PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "GMT": "Europe/London (UK time) or UTC",
    "BST": "Europe/London",
    "IST": "Asia/Kolkata or Europe/Dublin",
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
    "CET": "Europe/Paris or Europe/Berlin",
    "CEST": "Europe/Paris or Europe/Berlin",
    "MET": "Europe/Paris or Europe/Berlin",
    "EET": "Europe/Athens or Europe/Helsinki",
    "EEST": "Europe/Athens or Europe/Helsinki",
    "MSK": "Europe/Moscow",
    "SAST": "Africa/Johannesburg",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "AEST": "Australia/Sydney or Australia/Brisbane",
    "AEDT": "Australia/Sydney",
    "ACST": "Australia/Adelaide or Australia/Darwin",
    "AWST": "Australia/Perth",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "BRT": "America/Sao_Paulo",
}
_UTC_NAMES = {"utc", "z", "etc/utc", "etc/uct", "uct", "universal", "etc/universal", "zulu", "etc/zulu"}


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """lower-case name -> IANA name (walks the tz database on disk: once per process)."""
    return {name.lower(): name for name in available_timezones()}


@lru_cache(maxsize=1024)
def canonical_zone(name: str) -> str:
    """The IANA name for `name`, whatever its case ('europe/london' -> 'Europe/London')."""
    text = name.strip()
    key = text.lower()
    if key in _UTC_NAMES:
        return "UTC"
    if text.upper() in ABBREVIATIONS:
        raise ZoneError(
            f"“{text}” is an abbreviation, not a place, and abbreviations don't follow daylight saving "
            f"(or mean several zones). Did you mean {ABBREVIATIONS[text.upper()]}?"
        )
    if re.fullmatch(r"(etc/)?gmt([+-]\d+)?0?", key) or key in ("greenwich", "etc/greenwich"):
        raise ZoneError(f"“{text}” is a fixed offset, not a place. Use a city, e.g. Europe/London or America/New_York.")
    if key in _zone_names():
        return _zone_names()[key]
    raise ZoneError(f"“{text}” is not a time zone I know. Use a name like Europe/London or America/New_York.")
