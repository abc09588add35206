"""Nobody is left wondering: routing notices to owners, DMs to submitters and voters on every change.

Everything here runs after the reply (`bot.later`) and posts through exactly-once deliveries,
so a retried request or a second replica never sends a DM twice."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from bot.core import ConversationRef
from bot.identity import unseal
from handlers.ideas import replies, routing, store
from scheduler.deliveries import deliver
from storage.models import Idea, IdeaEvent

if TYPE_CHECKING:
    from bot.app import Bot

log = logging.getLogger(__name__)
# One idea's DMs go out in the order its changes were made (asyncio locks are first come, first served).
_order: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)


async def followers(bot: Bot, idea: Idea) -> list[tuple[ConversationRef, str]]:
    """(where to DM, why they hear about it): the submitter, then everyone who voted."""
    out: dict[tuple[str, str], tuple[ConversationRef, str]] = {}
    submitter = idea.submitter or (unseal(bot.settings, idea.reply_to) if idea.reply_to else None)
    if submitter:
        out[(idea.platform, submitter)] = (ConversationRef.direct(idea.platform, idea.workspace, submitter),
                                           "You get this because you submitted the idea.")
    for voter, platform in await store.voters(bot.db, idea.id):
        out.setdefault((platform, voter), (ConversationRef.direct(platform, idea.workspace, voter),
                                           "You get this because you voted for the idea."))
    return list(out.values())


async def tell_followers(bot: Bot, idea: Idea, event: IdeaEvent, *, actor: tuple[str, str]) -> None:
    """DM each follower about `event`, except the person who made the change (`actor`: platform, user)."""
    lock = _order[idea.id]
    async with lock:
        for ref, why in await followers(bot, idea):
            if (ref.platform, ref.user) == actor or ref.platform not in bot.senders:
                continue
            await deliver(bot, ref, replies.update_dm(idea, event, why), kind="idea.update",
                          subject=f"event:{event.id}", due_at=event.at)
    if not lock.locked() and not lock._waiters:  # nobody queued behind: forget it
        _order.pop(idea.id, None)


async def announce(bot: Bot, idea: Idea, contact: ConversationRef | None, reason: str, *, kind: str) -> bool:
    """Post a notice with triage buttons to the owner's contact, or else the triage queue; True if posted."""
    for ref in (contact, await routing.triage_ref(bot, idea.workspace)):
        if ref is None or ref.platform not in bot.senders:
            continue
        row = await deliver(bot, ref, replies.notice(idea, reason), kind=kind, subject=f"idea:{idea.id}",
                            due_at=bot.clock())
        if row is None or row.status == "sent":
            return True
        log.warning("idea notice not delivered; trying the triage queue", extra={"idea": idea.id})
    return False
