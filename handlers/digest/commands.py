"""`improve digest` (this week's digest now) and `improve digest here` (post it there weekly)."""

from __future__ import annotations

from datetime import timedelta

from bot.core import Reply
from bot.core.router import Context, Routes
from handlers.digest.compose import compose
from handlers.ideas.routing import set_channel

routes = Routes("ideas")


@routes.command("improve digest", "This week's PMO digest, now (it is also posted on Mondays where set up)")
async def digest_now(ctx: Context) -> Reply:
    now = ctx.now()
    return await compose(ctx.services, ctx.msg.workspace, since=now - timedelta(days=7), until=now)


@routes.command(
    "improve digest here",
    "Post the weekly PMO digest in this channel (Mondays 09:00)",
    admin="choose where the digest is posted",
)
async def digest_here(ctx: Context) -> Reply:
    return await set_channel(ctx, "digest_channel", "The weekly PMO digest (Mondays at 09:00)")
