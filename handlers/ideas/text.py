"""An idea's text: checks, title and details, and the words it is found by."""

from __future__ import annotations

import re

from handlers.ownership.matching import tokens

MAX_IDEA = 1000  # one-step `improve …`; the form's details may be longer
MAX_TITLE = 150
MAX_DETAILS = 3000
MAX_WORDS = 40  # indexed words per idea: enough to find it, bounded for the index
_ANON = re.compile(r"(?<!\S)(?:--|—|–)anon(?:ymous)?(?!\S)", re.IGNORECASE)  # phones turn -- into a dash
GIST = "Give the gist here and add detail with `improve detail N …` once it is logged."
# Words that say nothing about which idea it is ("we should improve …").
VAGUE = frozenset(
    """
able about add all also allow always any better can could do does done easier every get give have
help idea improve improvement just let like make maybe more much need needs new now our please really
should some start stop suggest suggestion than that their them there they thing things this use very
want way ways we what when where which while why will with without would you your
""".split()
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")  # a sentence ends at . ! ? or a line break


class IdeaInputError(ValueError):
    """Bad idea input; the message is for the user."""


def unquote(text: str) -> str:
    """A comment or detail without the quotes people put around it."""
    return text.strip().strip("\"“”'‘’").strip()


def take_anon(text: str) -> tuple[str, bool]:
    """`text` without an `--anon` flag (a word of its own, anywhere), and whether it had one."""
    kept, found = _ANON.subn("", text)
    return re.sub(r"[ \t]{2,}", " ", kept).strip(), bool(found)


def check(text: str, *, limit: int = MAX_IDEA, what: str = "An idea", hint: str = GIST) -> str:
    """Tidy the text (spaces collapsed, line breaks kept) and refuse empty or over-long ones;
    `hint` says what to do instead (never the command that just failed)."""
    lines = (" ".join(line.split()) for line in text.strip().splitlines())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        raise IdeaInputError("What's your idea? For example: improve Share retro templates across teams")
    if len(text) > limit:
        raise IdeaInputError(f"{what} can be up to {limit:,} characters; that one has {len(text):,}. {hint}".strip())
    return text


def split_title(text: str) -> tuple[str, str]:
    """The first sentence as the title and the rest as details; a first sentence too long for a
    title is cut, and then the details keep the whole text."""
    first = _SENTENCE.split(text, maxsplit=1)[0]
    if len(first) <= MAX_TITLE:
        return first.rstrip(" ."), text[len(first) :].strip()
    cut = first.rfind(" ", 0, MAX_TITLE - 1)
    return first[: cut if cut > 40 else MAX_TITLE - 1].rstrip(",;:- ") + "…", text


def words(text: str) -> list[str]:
    """The distinct words that identify an idea, in order (normalised like area names are)."""
    out = dict.fromkeys(w[:64] for w in tokens(text) if len(w) > 2 and w not in VAGUE and not w.isdigit())
    return list(out)[:MAX_WORDS]
