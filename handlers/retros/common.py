"""Helpers every retro command uses: which retro, who may change it, posting to its channel."""

from __future__ import annotations

import logging
from datetime import date

from bot.core import Reply, Section
from bot.core.identity import pseudonym
from bot.core.router import Context
from handlers.retros import store
from handlers.retros.replies import Name, name
from scheduler.recurrence import zone
from storage.models.retros import Retro, RetroCard

log = logging.getLogger(__name__)
NO_RETRO = "There is no open retro in this channel. Start one with: retro start [template] [title]"


def today(ctx: Context) -> date:
    return ctx.now().astimezone(zone(ctx.settings.pmo_bot_timezone)).date()


def author_key(ctx: Context, retro: Retro) -> str:
    """The asker's pseudonym as an anonymous card author in this retro (named cards keep `author`)."""
    return pseudonym(ctx.settings, ctx.msg.workspace, f"retro:{retro.id}:author", ctx.msg.user)


def voter_key(ctx: Context, retro: Retro) -> str:
    """The asker's pseudonym as a voter in this retro: unrelated to their cards, or to other retros."""
    return pseudonym(ctx.settings, ctx.msg.workspace, f"retro:{retro.id}:voter", ctx.msg.user)


def wrote(ctx: Context, retro: Retro, card: RetroCard) -> bool:
    """Whether the asker wrote the card (named, or anonymously under their pseudonym)."""
    if card.anonymous:
        return card.author_key is not None and card.author_key == author_key(ctx, retro)
    return card.author == ctx.msg.user


async def retro_here(ctx: Context) -> Retro | None:
    async with ctx.db.session() as session:
        return await store.open_in(session, ctx.msg.workspace, ctx.msg.channel)


async def retro_by_value(ctx: Context) -> Retro | None:
    """The retro a button or form names (its value is the id); None if forged, foreign or unknown,
    or pressed outside the retro's channel by someone who is not in that channel."""
    if ctx.action.int_value < 0:
        return None
    async with ctx.db.session() as session:
        retro = await store.get_retro(session, ctx.msg.workspace, ctx.action.int_value)
    return retro if retro and await may_take_part(ctx, retro) else None


async def may_take_part(ctx: Context, retro: Retro) -> bool:
    """A retro is for the people of its channel: asked from there, yes; from elsewhere (a DM),
    only if the platform says the person is in the channel, so a private team's retro stays theirs."""
    return await ctx.in_channel(store.channel_of(retro))


def facilitator_only(ctx: Context, retro: Retro, what: str) -> Reply | None:
    """None when the asker facilitates (or is an admin, e.g. when the facilitator has left)."""
    if ctx.msg.user == retro.facilitator or ctx.is_admin:
        return None
    return Reply(
        f"Only the facilitator ({retro.facilitator}) can {what} in {name(retro)}. Nothing was changed.", private=True
    )


def not_open(retro: Retro | None) -> Reply | None:
    if retro is None:
        return Reply("That retro button or form is not valid any more.", private=True)
    if retro.status in ("closed", "cancelled"):
        return Reply(f"{Name(retro)} is {retro.status}. Nothing was changed.", private=True)
    return None


async def post(ctx: Context, retro: Retro, reply: Reply, confirmation: str) -> Reply:
    """Post `reply` for the whole channel and confirm privately to the asker. Where the bot can't
    post on its own (a console with no sender), the channel message becomes the answer itself."""
    try:
        await ctx.outbox.send(store.channel_of(retro), reply)
    except Exception as exc:  # no adapter for proactive posts, or the platform refused
        log.warning("retro post to channel failed", extra={"retro": retro.id, "error": type(exc).__name__})
        reply.sections.insert(0, Section(text=confirmation))
        reply.text = f"{confirmation} {reply.text}"
        return reply
    return Reply(confirmation, private=True)
