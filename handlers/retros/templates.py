"""Retro templates: the columns a board starts with."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    name: str
    columns: tuple[str, ...]
    aliases: tuple[str, ...] = ()


TEMPLATES = (
    Template(
        "ssc",
        "Start / Stop / Continue",
        ("Start", "Stop", "Continue"),
        ("start-stop-continue", "startstopcontinue", "start/stop/continue", "ssc", "default"),
    ),
    Template("msg", "Mad / Sad / Glad", ("Mad", "Sad", "Glad"), ("mad-sad-glad", "madsadglad", "mad/sad/glad", "msg")),
    Template("4ls", "4Ls", ("Liked", "Learned", "Lacked", "Longed for"), ("4l", "4ls", "4-ls", "fourls")),
    Template("sailboat", "Sailboat", ("Wind", "Anchors", "Rocks", "Island"), ("sailboat", "boat")),
)
DEFAULT = TEMPLATES[0]
MAX_COLUMNS = 6
MAX_COLUMN_NAME = 40
# Retro formats people name that are not templates here: refused rather than read as a title,
# with their usual columns where they have them (for `retro start custom "…"`).
OTHER_FORMATS = {
    "starfish": "Keep doing | Less of | More of | Stop doing | Start doing",
    "kalm": "Keep | Add | Less | More",
    "daki": "Drop | Add | Keep | Improve",
    "wwwdd": "Went well | Went wrong | Do differently",
    "speedboat": "Engine | Anchors",
    "hotairballoon": "Hot air | Sandbags | Storms | Sunshine",
    "balloon": "Hot air | Sandbags | Storms | Sunshine",
    "rose": "Rose | Bud | Thorn",
    "lean": "",
    "leancoffee": "",
    "timeline": "",
    "mountain": "",
    "pigs": "",
}


class TemplateError(ValueError):
    """Bad template or columns; the message is for the user."""


def find(word: str) -> Template | None:
    word = word.lower()
    return next((t for t in TEMPLATES if word == t.key or word in t.aliases), None)


def not_a_template(word: str) -> str | None:
    """Why `word`, the first word after `retro start`, is a template name this bot does not have
    (another retro format, or a misspelt one of ours), or None when it reads as a title's first word."""
    low = word.lower().strip(".,:;")
    if low.replace("-", "").replace("_", "") in OTHER_FORMATS:
        columns = OTHER_FORMATS[low.replace("-", "").replace("_", "")]
        like = f' For its columns: retro start custom "{columns}".' if columns else ""
        return f"“{word[:40]}” is not one of my templates.{like}"
    if len(low) >= 4:
        names = {name: t.key for t in TEMPLATES for name in (t.key, *t.aliases)}
        best = process.extractOne(low, list(names), scorer=fuzz.ratio, score_cutoff=80)
        if best:
            return f"“{word[:40]}” is not a template. Did you mean {names[best[0]]}?"
    return None


def custom_columns(spec: str) -> tuple[str, ...]:
    """`Went well | To improve | Ideas` -> its columns, checked for count, length and repeats."""
    columns = tuple(part.strip() for part in spec.split("|") if part.strip())
    if not 2 <= len(columns) <= MAX_COLUMNS:
        raise TemplateError(
            f"A custom retro needs 2 to {MAX_COLUMNS} columns separated by |, "
            'e.g. retro start custom "Went well | To improve | Ideas".'
        )
    if any(len(c) > MAX_COLUMN_NAME for c in columns):
        raise TemplateError(f"Column names can be up to {MAX_COLUMN_NAME} characters.")
    if len({c.lower() for c in columns}) != len(columns):
        raise TemplateError("Two columns have the same name.")
    if any(c.isdigit() for c in columns):
        raise TemplateError("A column name can't be just a number (numbers pick columns by position).")
    return columns


def names() -> str:
    return ", ".join(f"{t.key} ({t.name})" for t in TEMPLATES) + ', custom "A | B | C"'
