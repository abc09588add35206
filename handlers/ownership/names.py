"""Names that are probably meant to be another, known name: a typo, an abbreviation, initials.

Used where a new name would otherwise be created silently next to an existing one: `area set`
with a misspelt area, and a spreadsheet naming "Project Mgmt Office" where "PMO" exists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

TYPO_AT = 85  # whole-name similarity (rapidfuzz ratio) that reads as the same name, mistyped
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")
_MINOR = frozenset("of the and for a an & to in on".split())


def plain(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def initials(text: str) -> str:
    """'Project Mgmt Office' → 'pmo'; one-word names have none."""
    words = [w for w in plain(text).split() if w not in _MINOR]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _slips_only(a: str, b: str) -> bool:
    """Word by word, the names differ only by slips: "Data governance" is no typo of "IT governance",
    however alike the whole strings. Names that split a word ("road map") are compared whole."""
    pairs = list(zip(a.split(), b.split(), strict=False))
    return len(a.split()) != len(b.split()) or all(x == y or fuzz.ratio(x, y) >= TYPO_AT - 20 for x, y in pairs)


def close(name: str, known: Iterable[str], *, abbreviations: bool = False, limit: int = 3) -> list[str]:
    """Known names `name` probably means, best first: a typo of one; with `abbreviations`, also
    the initials of one (or one the initials of it) or all the words of one ("Finance" /
    "Finance team"). Typos are found in C (rapidfuzz); abbreviations are for short lists."""
    target = plain(name)
    if not target:
        return []
    known = list(known)
    hits = process.extract(name, known, scorer=fuzz.ratio, processor=utils.default_process, limit=None)
    numbers = _NUMBER.findall(target)  # "Release 2026" is not a typo of "Release 2025"
    found = list(
        dict.fromkeys(
            known[i]
            for _, score, i in hits
            if TYPO_AT <= score < 100
            and _NUMBER.findall(plain(known[i])) == numbers
            and _slips_only(target, plain(known[i]))
        )
    )
    if abbreviations:
        mine, words = initials(name), set(target.split()) - _MINOR
        for other in known:
            text = plain(other)
            theirs = set(text.split()) - _MINOR
            if other in found or not text or text == target:
                continue
            if (mine and mine == text.replace(" ", "")) or (initials(other) and initials(other) == target):
                found.append(other)
            elif words and theirs and (words < theirs or theirs < words):
                found.append(other)
    return found[:limit]
