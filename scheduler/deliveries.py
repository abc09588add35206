"""Exactly-once posting: claim a unique delivery row, then send, then record the outcome.

A claim is an INSERT on (kind, subject, target); whoever inserts first sends, everyone else
(a retry, a restarted process, a second replica) finds the row and does nothing. A process that
dies between claim and send leaves the row "claimed": it is reported, never re-sent, because it
may have reached the platform.

A send that fails is tried again with backoff (about 30 s, 1 min, 2 min, 4 min) while its grace
window lasts (`grace` after it was due), up to MAX_ATTEMPTS: what to send is kept, sealed, in a
`delivery_retry` row, and the scheduler plans a job for each such row (`plan_retries`, so
retries survive restarts and move with leadership). When the attempts or the window run out,
the row stays "failed"; when the platform says there is nowhere to send it (LookupError), it is
"undeliverable" at once and never claimed again. Either way `report_to` (a meetup's organiser)
is told once by direct message.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.core import ConversationRef, Reply
from bot.core.identity import pseudonym
from bot.core.ports import JobSpec
from scheduler import payloads
from storage.models import Delivery, DeliveryRetry, utcnow

if TYPE_CHECKING:
    from bot.core.config import Settings
    from bot.core.ports import Services

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
GRACE = timedelta(hours=1)  # how long after its due time a delivery is still worth retrying, unless told


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
    if status != "claimed":
        return None  # recording (missed): whatever happened to it before stands
    # Already there: only a failed delivery with attempts left may be claimed again.
    return await _reclaim(services, Delivery.kind == kind, Delivery.subject == subject, Delivery.target == target)


async def _reclaim(services: Services, *where: object) -> Delivery | None:
    async with services.db.session() as session:
        result = await session.exec(
            update(Delivery)
            .where(*where, Delivery.status == "failed", Delivery.attempts < MAX_ATTEMPTS)
            .values(status="claimed", claimed_at=utcnow())
            .returning(Delivery.id)
        )
        claimed_id = result.scalar_one_or_none()
        return await session.get(Delivery, claimed_id) if claimed_id else None


async def deliver(
    services: Services,
    ref: ConversationRef,
    reply: Reply,
    *,
    kind: str,
    subject: str,
    due_at: datetime,
    grace: timedelta = GRACE,
    report_to: ConversationRef | None = None,
) -> Delivery | None:
    """Send `reply` to `ref` once ever for (kind, subject, ref). Returns the row if this call sent
    (or tried to send) it, None if it had been claimed before. A failed send is retried until
    `grace` after `due_at`; `report_to` hears if it never gets through."""
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
    await _attempt(services, row, payloads.Payload(ref, reply, report_to), until=due_at + grace)
    return row


async def _attempt(services: Services, row: Delivery, payload: payloads.Payload, *, until: datetime) -> None:
    """One try at a claimed row; on failure, the next one is planned or the attempt is the last."""
    try:
        message_id = await services.outbox.send(payload.to, payload.reply)
    except Exception as exc:  # recorded; the platform adapters already retried 429s and dropped connections
        error = f"{type(exc).__name__}: {exc}"[:1000]
        final = isinstance(exc, LookupError)  # nowhere to send it (no adapter, conversation or person known)
    else:
        await _finish(services, row, status="sent", message_id=message_id)
        if row.attempts > 1:  # an earlier attempt had failed: nothing is pending any more
            await _forget(services, row.id)
        return
    log.warning(
        "delivery failed",
        extra={"kind": row.kind, "subject": row.subject, "target": row.target, "error": error},
    )
    await _finish(services, row, status="undeliverable" if final else "failed", error=error)  # never claimed again
    next_at = services.clock() + backoff(row.attempts)
    if final or row.attempts >= MAX_ATTEMPTS or next_at > until:
        await _give_up(services, row, payload)
        return
    async with services.db.session() as session:
        await session.merge(
            DeliveryRetry(
                delivery_id=row.id,
                workspace=row.workspace,
                next_at=next_at,
                until=until,
                payload=payloads.pack(services.settings, payload),
            )
        )
    services.jobs.put(retry_job(row.id, next_at))


async def _give_up(services: Services, row: Delivery, payload: payloads.Payload) -> None:
    """The delivery stays failed; whoever should know about it hears once."""
    await _forget(services, row.id)
    log.warning("delivery given up", extra={"kind": row.kind, "subject": row.subject, "attempts": row.attempts})
    if payload.report_to is None:
        return
    what = payload.reply.title or payload.reply.text[:80]
    where = f"DM to {payload.to.user}" if payload.to.user else f"channel {payload.to.channel}"
    tries = "once" if row.attempts == 1 else f"{row.attempts} times"
    text = (
        f"I could not post “{what}” ({where}): {row.error or 'unknown error'}. I tried {tries} and have given up, "
        "so it was not posted. If I was removed from the channel, invite me back (or ask an admin)."
    )
    await deliver(
        services,
        payload.report_to,
        Reply(text, title="A post could not be delivered"),
        kind="delivery.failed",
        subject=f"delivery:{row.id}",
        due_at=services.clock(),
    )


async def _forget(services: Services, delivery_id: int | None) -> None:
    async with services.db.session() as session:
        await session.exec(delete(DeliveryRetry).where(DeliveryRetry.delivery_id == delivery_id))


def retry_job(delivery_id: int | None, at: datetime) -> JobSpec:
    return JobSpec(f"delivery-retry:{delivery_id}", at, retry, (delivery_id,))


async def plan_retries(services: Services, now: datetime) -> Iterable[JobSpec]:
    """A job for every delivery waiting to be tried again (the scheduler's planner for retries)."""
    async with services.db.session() as session:
        rows = (await session.exec(select(DeliveryRetry.delivery_id, DeliveryRetry.next_at))).all()
    return [retry_job(delivery_id, at) for delivery_id, at in rows]


async def retry(services: Services, delivery_id: int) -> None:
    """The job: try a failed delivery again if it is still pending and its window still open."""
    async with services.db.session() as session:
        pending = await session.get(DeliveryRetry, delivery_id)
    if pending is None:
        return  # sent meanwhile (a feature's own run claimed it again), or given up
    now = services.clock()
    if now < pending.next_at:  # planned from a row that has moved on since
        services.jobs.put(retry_job(delivery_id, pending.next_at))
        return
    payload = payloads.unpack(services.settings, pending.payload)
    row = await _reclaim(services, Delivery.id == delivery_id) if payload else None
    if row is None or payload is None:
        await _forget(services, delivery_id)  # sent, given up, or unreadable (PMO_BOT_SECRET changed)
        return
    if now > pending.until:
        await _finish(services, row, status="failed", error=row.error, count=False)
        await _give_up(services, row, payload)
        return
    await _attempt(services, row, payload, until=pending.until)


async def record_missed(
    services: Services, *, workspace: str, kind: str, subject: str, target: str, due_at: datetime
) -> None:
    """Too late to be worth posting: remember that, so nothing sends it later either."""
    if await claim(
        services, workspace=workspace, kind=kind, subject=subject, target=target, due_at=due_at, status="missed"
    ):
        log.warning("delivery missed its grace window", extra={"kind": kind, "subject": subject, "due_at": due_at})


async def _finish(
    services: Services,
    row: Delivery,
    *,
    status: str,
    message_id: str | None = None,
    error: str | None = None,
    count: bool = True,
) -> None:
    async with services.db.session() as session:
        await session.exec(
            update(Delivery)
            .where(Delivery.id == row.id)
            .values(
                status=status,
                attempts=Delivery.attempts + (1 if count else 0),
                message_id=message_id,
                error=error,
                sent_at=utcnow() if status == "sent" else None,
            )
        )
    row.status, row.message_id, row.error = status, message_id, error
    row.attempts += 1 if count else 0
