"""`improve digest` (this week's digest now) and `improve digest here` (post it there weekly)."""

from __future__ import annotations

from datetime import timedelta

from bot.core import Reply
from bot.core.router import Context, Routes
from handlers.digest.compose import Audience, compose
from handlers.ideas.routing import set_channel

routes = Routes("ideas")


@routes.command("improve digest", "This week's PMO digest, now (it is also posted on Mondays where set up)")
async def digest_now(ctx: Context) -> Reply:
    """What this person may see: retro actions and meetups of channels they are in; the unanswered
    questions only for admins."""
    now = ctx.now()
    audience = Audience(ctx.in_channel, admin=ctx.is_admin)
    reply = await compose(ctx.services, ctx.msg.workspace, since=now - timedelta(days=7), until=now, audience=audience)
    reply.private = True
    return reply


@routes.command(
    "improve digest here",
    "Post the weekly PMO digest in this channel (Mondays 09:00)",
    admin="choose where the digest is posted",
)
async def digest_here(ctx: Context) -> Reply:
    return await set_channel(ctx, "digest_channel", "The weekly PMO digest (Mondays at 09:00)")
