"""`improve list [status] [area] [mine] [by votes] [page N]`: ideas a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core import Reply
from bot.core.ids import parse_number
from bot.core.router import Context, Refusal
from handlers.ideas import replies, store
from handlers.ideas.lifecycle import LABELS, OPEN, parse_status
from handlers.ideas.service import Actor, my_keys
from handlers.ownership.registry import RegistryCache

USAGE = "improve list [status] [area] [mine] [by votes] [page N]"
PAGES = store.COUNT_UP_TO // store.PAGE
_BY_VOTES = ("votes", "top", "popular")


@dataclass(slots=True)
class Query:
    statuses: tuple[str, ...] = OPEN
    heading: list[str] = field(default_factory=lambda: ["open"])
    mine: bool = False
    by_votes: bool = False
    page: int = 1
    area: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # what was asked, without the page: the next page's base


def parse(text: str) -> Query:
    q = Query()
    words = text.split()
    i = 0
    while i < len(words):
        word, low = words[i], words[i].lower()
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        step = 1
        if low == "page":
            page = parse_number(after, 1, PAGES)
            if page is None:
                raise Refusal(f"Which page? Give a number from 1 to {PAGES}, e.g. improve list page 2.")
            q.page, i = page, i + 2
            continue
        if low == "in" and after in ("progress", "progress,"):
            q.statuses, q.heading, step = ("in_progress",), ["in progress"], 2
        elif low == "by" and after in ("votes", "vote"):
            q.by_votes, step = True, 2
        elif low in _BY_VOTES:
            q.by_votes = True
        elif low == "all":
            q.statuses, q.heading = tuple(LABELS), ["(all)"]
        elif low in ("mine", "my"):
            q.mine = True
        elif low not in ("in", "progress") and (status := parse_status(word)):
            q.statuses, q.heading = (status,), [LABELS[status]]
        else:
            q.area.append(word)
        q.words += words[i : i + step]
        i += step
    return q


async def list_reply(ctx: Context, text: str) -> Reply:
    q = parse(text)
    heading = list(q.heading)
    if q.mine:
        heading.append("of yours")
    area_id = None
    if q.area:
        match = (await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)).index.match(" ".join(q.area))
        if match.kind != "answer":
            raise Refusal(
                f"I don't know the area “{' '.join(q.area)[:100]}”. Try `{USAGE}`, "
                "e.g. improve list accepted roadmap mine; to log an idea starting with “list”, "
                "write improve idea …"
            )
        area_id = match.best.area_id
        heading.append(f"for {match.best.name}")
    if q.by_votes:
        heading.append("by votes")
    offset = (q.page - 1) * store.PAGE
    ideas, total = await store.listing(
        ctx.db,
        ctx.msg.workspace,
        statuses=q.statuses,
        area_id=area_id,
        mine=(ctx.msg.user, my_keys(ctx.services, Actor.of(ctx))) if q.mine else None,
        by_votes=q.by_votes,
        offset=offset,
    )
    next_page = " ".join([*q.words, "page", str(q.page + 1)]) if q.page < PAGES else None
    hint = f"Narrow it down: {USAGE}."
    return replies.listing(ideas, total, " ".join(heading), hint, offset=offset, next_page=next_page)
