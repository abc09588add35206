"""Nobody is left wondering: routing notices to owners, DMs to submitters and voters on every change.

Everything here runs after the reply (`bot.later`) and posts through exactly-once deliveries,
so a retried request or a second replica never sends a DM twice."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.core import ConversationRef
from bot.core.identity import unseal
from handlers.ideas import replies, routing, store
from scheduler.deliveries import deliver
from storage.models import Idea, IdeaEvent

if TYPE_CHECKING:
    from bot.core.ports import Services

log = logging.getLogger(__name__)


class InOrder:
    """One queue per key (an idea): its DMs go out in the order its changes were made, since
    asyncio locks serve first come, first served. A key's lock lives only while someone uses it."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: Counter[int] = Counter()

    @asynccontextmanager
    async def turn(self, key: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]


_in_order = InOrder()


async def followers(services: Services, idea: Idea) -> list[tuple[ConversationRef, str]]:
    """(where to DM, why they hear about it): the submitter, then everyone who voted."""
    out: dict[tuple[str, str], tuple[ConversationRef, str]] = {}
    submitter = idea.submitter or (unseal(services.settings, idea.reply_to) if idea.reply_to else None)
    if submitter:
        out[(idea.platform, submitter)] = (
            ConversationRef.direct(idea.platform, idea.workspace, submitter),
            "You get this because you submitted the idea.",
        )
    for voter, platform in await store.voters(services.db, idea.id):
        out.setdefault(
            (platform, voter),
            (ConversationRef.direct(platform, idea.workspace, voter), "You get this because you voted for the idea."),
        )
    return list(out.values())


async def tell_followers(
    services: Services,
    idea: Idea,
    event: IdeaEvent,
    *,
    actor: tuple[str, str],
    skip: tuple[str, str] | None = None,
) -> None:
    """DM each follower about `event`, except the person who made the change (`actor`: platform,
    user) and `skip` (a new owner, who is told by `tell_owner` instead)."""
    async with _in_order.turn(idea.id):
        for ref, why in await followers(services, idea):
            if (ref.platform, ref.user) in (actor, skip):
                continue
            await deliver(
                services,
                ref,
                replies.update_dm(idea, event, why),
                kind="idea.update",
                subject=f"event:{event.id}",
                due_at=event.at,
            )


async def tell_owner(services: Services, idea: Idea, event: IdeaEvent, *, by: str, actor: tuple[str, str]) -> None:
    """DM an idea's new owner that it is theirs now, with its next steps (not when they assigned
    it to themselves)."""
    platform, user = actor  # the owner was mentioned on the assigner's platform
    if not idea.owner or idea.owner == user:
        return
    await deliver(
        services,
        ConversationRef.direct(platform, idea.workspace, idea.owner),
        replies.assigned_dm(idea, by),
        kind="idea.assigned",
        subject=f"event:{event.id}",
        due_at=event.at,
    )


async def announce(services: Services, idea: Idea, contact: ConversationRef | None, reason: str, *, kind: str) -> bool:
    """Post a notice with triage buttons to the owner's contact, or else the triage queue; True if posted."""
    for ref in (contact, await routing.triage_ref(services, idea.workspace)):
        if ref is None:
            continue
        row = await deliver(
            services, ref, replies.notice(idea, reason), kind=kind, subject=f"idea:{idea.id}", due_at=services.clock()
        )
        if row is None or row.status == "sent":
            return True
        log.warning("idea notice not delivered; trying the triage queue", extra={"idea": idea.id})
    return False
