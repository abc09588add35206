"""Row ids and small numbers as people and buttons give them: ASCII decimal digits only, bounded.

`str.isdigit()` accepts "²" and "٣", and `int()` takes 20 digits that no database column holds;
either used to crash a handler (an OverflowError on SQLite, a DataError on PostgreSQL). Every id a
user, a button or a form carries goes through `parse_id`; anything else names nothing.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's rows are far below it
_ID = re.compile(r"[0-9]{1,10}", re.ASCII)


def parse_id(text: str | None, *, prefix: str = "") -> int | None:
    """The id in `text` ("12", "#12", or with `prefix` "A12"), or None when it is not a plain
    positive decimal number that fits a database integer."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if prefix and text[: len(prefix)].upper() == prefix.upper():
        text = text[len(prefix) :]
    text = text.removeprefix("#")
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_number(text: str | None, low: int, high: int) -> int | None:
    """A small count a person typed ("3" votes, "2" pages): ASCII digits within [low, high], else None."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,6}", text.strip(), re.ASCII):
        return None
    value = int(text)
    return value if low <= value <= high else None
