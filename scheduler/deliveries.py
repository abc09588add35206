"""Exactly-once posting: claim a unique delivery row, then send, then record the outcome.

A claim is an INSERT on (kind, subject, target); whoever inserts first sends, everyone else
(a retry, a restarted process, a second replica) finds the row and does nothing. A failed send
is recorded and may be claimed again, with backoff, up to MAX_ATTEMPTS. A process that dies
between claim and send leaves the row "claimed": it is reported, never re-sent, because it may
have reached the platform.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.core import ConversationRef, Reply
from bot.core.identity import pseudonym
from storage.models import Delivery, utcnow

if TYPE_CHECKING:
    from bot.core.config import Settings
    from bot.core.ports import Services

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SEND_TRIES = 3  # quick retries inside one claim, before the delivery is recorded as failed


def target_of(ref: ConversationRef, settings: Settings | None = None, *, kind: str = "", subject: str = "") -> str:
    """The row's target. A DM's target names the person by a pseudonym scoped to this one delivery
    (kind and subject): delivery rows (and the SQL in debug logs) must not say who an anonymous
    idea's author is, nor let two rows about one person be matched up."""
    if ref.user:
        if settings is None or not (kind and subject):
            raise ValueError("a direct message's target needs the settings, kind and subject to be pseudonymous")
        scope = f"delivery:{kind}:{subject}"
        return f"{ref.platform}:{ref.workspace}:@{pseudonym(settings, ref.workspace, scope, ref.user)[:40]}"
    return f"{ref.platform}:{ref.workspace}:{ref.channel}"


def backoff(attempts: int) -> timedelta:
    """Exponential with jitter: about 30 s, 1 min, 2 min, 4 min …"""
    return timedelta(seconds=30 * 2 ** max(attempts - 1, 0) * random.uniform(0.8, 1.2))


async def claim(
    services: Services,
    *,
    workspace: str,
    kind: str,
    subject: str,
    target: str,
    due_at: datetime,
    status: str = "claimed",
) -> Delivery | None:
    try:
        async with services.db.session() as session:
            row = Delivery(
                workspace=workspace,
                kind=kind,
                subject=subject,
                target=target,
                due_at=due_at,
                status=status,
                claimed_at=utcnow(),
            )
            session.add(row)
        return row
    except IntegrityError:
        pass
    # Already there: only a failed delivery with attempts left may be claimed again.
    async with services.db.session() as session:
        result = await session.exec(
            update(Delivery)
            .where(
                Delivery.kind == kind,
                Delivery.subject == subject,
                Delivery.target == target,
                Delivery.status == "failed",
                Delivery.attempts < MAX_ATTEMPTS,
            )
            .values(status="claimed", claimed_at=utcnow())
            .returning(Delivery.id)
        )
        claimed_id = result.scalar_one_or_none()
        return await session.get(Delivery, claimed_id) if claimed_id else None


async def deliver(
    services: Services, ref: ConversationRef, reply: Reply, *, kind: str, subject: str, due_at: datetime
) -> Delivery | None:
    """Send `reply` to `ref` once ever for (kind, subject, ref). Returns the row if this call sent
    (or tried to send) it, None if it had been claimed before."""
    row = await claim(
        services,
        workspace=ref.workspace,
        kind=kind,
        subject=subject,
        target=target_of(ref, services.settings, kind=kind, subject=subject),
        due_at=due_at,
    )
    if row is None:
        return None
    error, outcome = None, "failed"
    for attempt in range(SEND_TRIES):
        try:
            message_id = await services.outbox.send(ref, reply)
        except LookupError as exc:  # nowhere to send it (no adapter, conversation or person known): final
            error, outcome = f"{type(exc).__name__}: {exc}"[:1000], "undeliverable"  # never claimed again
            break
        except Exception as exc:  # recorded below; the platform adapters already retried 429s
            error = f"{type(exc).__name__}: {exc}"[:1000]
            await asyncio.sleep(0.2 * 2**attempt)
            continue
        await _finish(services, row, status="sent", message_id=message_id)
        return row
    log.warning("delivery failed", extra={"kind": kind, "subject": subject, "target": row.target, "error": error})
    await _finish(services, row, status=outcome, error=error)
    return row


async def record_missed(
    services: Services, *, workspace: str, kind: str, subject: str, target: str, due_at: datetime
) -> None:
    """Too late to be worth posting: remember that, so nothing sends it later either."""
    if await claim(
        services, workspace=workspace, kind=kind, subject=subject, target=target, due_at=due_at, status="missed"
    ):
        log.warning("delivery missed its grace window", extra={"kind": kind, "subject": subject, "due_at": due_at})


async def _finish(
    services: Services, row: Delivery, *, status: str, message_id: str | None = None, error: str | None = None
) -> None:
    async with services.db.session() as session:
        await session.exec(
            update(Delivery)
            .where(Delivery.id == row.id)
            .values(
                status=status,
                attempts=Delivery.attempts + 1,
                message_id=message_id,
                error=error,
                sent_at=utcnow() if status == "sent" else None,
            )
        )
    row.status, row.message_id, row.error = status, message_id, error
