"""How fresh an area's RACI is, as knowledge tools track it: each area is re-checked every N days
(90 unless set per area). An area comes due N days after it was last verified, or, if it never
was, N days after it was last changed; from then on it is stale until someone verifies it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from storage.models import Area

DEFAULT_DAYS = 90
_INTERVAL = re.compile(r"(?:every\s+)?(?:(\d{1,4})\s*)?(day|week|month|year)s?", re.ASCII)
_WORDS = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 90, "yearly": 365, "annually": 365}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def every(area: Area) -> int:
    return area.verify_every_days or DEFAULT_DAYS


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due_at(area: Area) -> datetime:
    return _aware(area.verified_at or area.updated_at) + timedelta(days=every(area))


def is_stale(area: Area, now: datetime) -> bool:
    return now >= due_at(area)


def ago(moment: datetime, now: datetime) -> str:
    days = (now.date() - _aware(moment).astimezone(now.tzinfo).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def describe(area: Area, now: datetime) -> str:
    """'2026-11-21 by ann, 3 days ago' or 'not verified yet', and a warning once it is due."""
    if area.verified_at:
        text = f"{area.verified_at:%Y-%m-%d} by {area.verified_by or 'someone'}, {ago(area.verified_at, now)}"
    else:
        text = "not verified yet"
    if is_stale(area, now):
        text += f" (overdue: it is to be checked every {every(area)} days, so it may be out of date)"
    return text


def parse_interval(text: str) -> int | None:
    """'30 days', '6 weeks', '3 months', 'quarterly', '45' → days; 'default' → None (90 days).
    ValueError with a message for anything else."""
    words = " ".join(text.lower().split())
    if words in ("default", "", "reset"):
        return None
    if words in _WORDS:
        return _WORDS[words]
    if words.isdigit() and words.isascii() and len(words) <= 4:
        days = int(words)
    elif m := _INTERVAL.fullmatch(words):
        days = int(m[1] or 1) * _UNIT_DAYS[m[2]]
    else:
        raise ValueError(f"I can't read “{text[:40]}” as an interval: try 30 days, 6 weeks, 3 months or default.")
    if not 1 <= days <= 3650:
        raise ValueError(f"A verification interval is 1 day to 10 years (got {days} days).")
    return days
