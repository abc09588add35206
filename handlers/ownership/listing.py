"""`areas`: every area in the registry, a page at a time, with its Accountable and how fresh it is.

Admins only, like the registry's other administration; `areas stale` keeps only those due for a
check. Pages go forward and back with buttons or `areas 2`, `areas stale 2`.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.core import Button, Reply, Section
from bot.core.router import Context, Routes
from handlers.ownership import freshness, registry

routes = Routes("ownership admin")
PAGE = 20
_ARGS = re.compile(r"(stale)?\s*(\d{1,6})?", re.ASCII | re.IGNORECASE)
USAGE = "areas [stale] [page]"


@routes.command(
    "areas",
    "Every area, its Accountable and when it was last verified",
    usage=USAGE,
    examples=("areas stale",),
    admin="list the registry's areas",
)
async def list_areas(ctx: Context) -> Reply:
    m = _ARGS.fullmatch(ctx.args.strip())
    if not m:
        return Reply(
            f"Usage: {USAGE}, e.g. “areas”, “areas 2” or “areas stale”. "
            "To see what a party owns, ask “what does the PMO own?”."
        )
    return await _page(ctx, bool(m[1]), int(m[2] or 1))


@routes.action("ownership.areas", admin="list the registry's areas")
async def areas_page(ctx: Context) -> Reply:
    m = re.fullmatch(r"(stale:)?(\d{1,6})", ctx.action.value, re.ASCII)
    if not m:
        return Reply("That page has expired. Type “areas” to list them again.")
    reply = await _page(ctx, bool(m[1]), int(m[2]))
    reply.replace = True
    return reply


def line(area: registry.AreaLine, now: datetime) -> str:
    owner = area.accountable or "nobody accountable"
    if area.verified_at:
        fresh = f"verified {freshness.ago(area.verified_at, now)}"
    else:
        fresh = "not verified yet"
    if freshness.is_stale(area, now):
        fresh = f"⚠ due for a check ({fresh}, every {freshness.every(area)} days)"
    return f"• {area.name[:80]} — {owner[:60]} · {fresh}"


async def _page(ctx: Context, stale: bool, page: int) -> Reply:
    ws, now = ctx.msg.workspace, ctx.now()
    async with ctx.db.session() as session:
        if stale:
            every = [a for a in await registry.area_lines(session, ws) if freshness.is_stale(a, now)]
            total = len(every)
            shown = every[(page - 1) * PAGE : page * PAGE]
        else:
            total = await registry.count_areas(session, ws)
            shown = await registry.area_lines(session, ws, offset=(page - 1) * PAGE, limit=PAGE)
    what = "areas due for a check" if stale else "areas"
    pages = max(1, -(-total // PAGE))
    if not total:
        return Reply("No area is due for a check." if stale else "The registry has no areas yet (area set … adds one).")
    if not shown:
        return Reply(f"There are {pages} page(s) of {what}; page {page} is past the end.")
    first = (page - 1) * PAGE + 1
    head = f"{what.capitalize()} {first}–{first + len(shown) - 1} of {total}"
    lines = [line(a, now) for a in shown]
    prefix = "stale:" if stale else ""
    buttons = []
    if page > 1:
        buttons.append(Button("Previous page", "ownership.areas", f"{prefix}{page - 1}"))
    if page < pages:
        buttons.append(Button("Next page", "ownership.areas", f"{prefix}{page + 1}", style="primary"))
    hint = f"Page {page} of {pages}."
    if page < pages:
        hint += f" Next: “areas {'stale ' if stale else ''}{page + 1}”."
    return Reply(
        f"{head}:\n" + "\n".join(lines) + f"\n{hint}",
        title=head,
        sections=[Section(text="\n".join(lines[i : i + 10])) for i in range(0, len(lines), 10)] + [Section(text=hint)],
        buttons=buttons,
    )
