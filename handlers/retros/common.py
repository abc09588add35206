"""Helpers every retro command uses: which retro, who may change it, posting to its channel."""

from __future__ import annotations

import logging
import re
from datetime import date

from bot.core import Reply, Section
from bot.core.identity import pseudonym
from bot.core.ids import parse_id
from bot.core.router import Context, Refusal
from handlers.retros import store
from handlers.retros.replies import Name, name
from scheduler.recurrence import zone
from storage.models.retros import Retro, RetroAction, RetroCard

log = logging.getLogger(__name__)
NO_RETRO = "There is no open retro in this channel. Start one with: retro start [template] [title]"
EXPIRED = "That retro button or form is not valid any more."
_DIGITS = re.compile(r"#?A?#?[0-9]+", re.ASCII | re.IGNORECASE)


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


async def open_retro(ctx: Context) -> Retro:
    """This channel's open retro, or the refusal that there is none."""
    if retro := await retro_here(ctx):
        return retro
    raise Refusal(NO_RETRO)


async def retro_by_value(ctx: Context) -> Retro | None:
    """The retro a button or form names (its value is the id); None if forged, foreign or unknown,
    or pressed outside the retro's channel by someone who is not in that channel."""
    if ctx.action.int_value < 0:
        return None
    async with ctx.db.session() as session:
        retro = await store.get_retro(session, ctx.msg.workspace, ctx.action.int_value)
    return retro if retro and await may_take_part(ctx, retro) else None


async def button_retro(ctx: Context) -> Retro:
    """The open retro a button or form names, or the refusal that it is not valid any more."""
    return require_open(await retro_by_value(ctx))


async def may_take_part(ctx: Context, retro: Retro) -> bool:
    """A retro is for the people of its channel: asked from there, yes; from elsewhere (a DM),
    only if the platform says the person is in the channel, so a private team's retro stays theirs."""
    return await ctx.in_channel(store.channel_of(retro))


def require_facilitator(ctx: Context, retro: Retro, what: str) -> None:
    """Refuse unless the asker facilitates (or is an admin, e.g. when the facilitator has left)."""
    if ctx.msg.user == retro.facilitator or ctx.is_admin:
        return
    raise Refusal(f"Only the facilitator ({retro.facilitator}) can {what} in {name(retro)}. Nothing was changed.")


def require_open(retro: Retro | None) -> Retro:
    if retro is None:
        raise Refusal(EXPIRED)
    if retro.status in ("closed", "cancelled"):
        raise Refusal(f"{Name(retro)} is {retro.status}. Nothing was changed.")
    return retro


async def channel_action(ctx: Context, text: str | int | None, how: str) -> RetroAction:
    """The action a person names ("A12", "12", a button's value), if it belongs to this channel, they
    are a member of its channel, or it is theirs (its owner, reminded by DM); otherwise the same
    refusal as for an action that doesn't exist, so nobody learns what another channel's actions are."""
    found = text if isinstance(text, int) else parse_id(text, prefix="A")
    shown = str(text or "").strip()
    if found is None and not _DIGITS.fullmatch(shown):
        raise Refusal(f"Which action? Give its number, e.g. retro {how} A12 (see retro actions).")
    missing = f"There is no action A{found or shown.upper().lstrip('#A')[:24]} here. See retro actions."
    if found is None:
        raise Refusal(missing)
    async with ctx.db.session() as session:
        action = await store.get_action(session, ctx.msg.workspace, found)
    if action is None:
        raise Refusal(missing)
    if action.owner != ctx.msg.user:
        await ctx.require_channel(store.channel_of(action), missing)
    return action


def card_number(text: str | None, example: str) -> int | None:
    """A card number as typed or chosen: ASCII digits; None for digits too long to be any card's
    (which then names no card); a refusal for anything else."""
    text = (text or "").strip().lstrip("#")
    number = parse_id(text)
    if number is None and not (text.isascii() and text.isdigit()):
        raise Refusal(f"Which card? Give its number, e.g. {example}.")
    return number


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
