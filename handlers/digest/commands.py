"""`improve digest` (this week's digest now) and `improve digest here` (post it there weekly)."""

from __future__ import annotations

from datetime import timedelta

from bot.core import Reply, Section
from bot.core.router import Context, Routes
from handlers.digest.compose import Audience, compose
from handlers.ideas.routing import set_channel

routes = Routes("ideas")


@routes.command("improve digest", "This week's PMO digest, now (it is also posted on Mondays where set up)")
async def digest_now(ctx: Context) -> Reply:
    """What this person may see. In a direct message: retro actions and meetups of every channel
    they are in, and (admins) the unanswered questions. In a channel, where others may read along
    (Teams shows every answer to the channel): that channel's own, and a pointer to the DM."""
    now = ctx.now()
    if ctx.msg.direct:
        audience = Audience(ctx.in_channel, admin=ctx.is_admin)
    else:
        audience = Audience.channel(ctx.msg.conversation, admin=False)
    reply = await compose(ctx.services, ctx.msg.workspace, since=now - timedelta(days=7), until=now, audience=audience)
    if not ctx.msg.direct:
        more = " and the unanswered “who owns” questions" if ctx.is_admin else ""
        reply.sections.append(
            Section(text=f"For the actions and meetups of every channel you are in{more}, ask me in a direct message.")
        )
    reply.private = True
    return reply


@routes.command(
    "improve digest here",
    "Post the weekly PMO digest in this channel (Mondays 09:00)",
    admin="choose where the digest is posted",
)
async def digest_here(ctx: Context) -> Reply:
    return await set_channel(ctx, "digest_channel", "The weekly PMO digest (Mondays at 09:00)")
