"""The weekly digest on schedule: one job per workspace with a digest channel, at its next Monday
09:00 in PMO_BOT_TIMEZONE, planned from the tables like every job (scheduler/service.py). Each
week's digest is an exactly-once delivery, so replicas and restarts are harmless."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from sqlmodel import col, select

from bot.core import ConversationRef
from bot.core.ports import JobSpec, Services
from handlers.digest.compose import Audience, compose
from scheduler.deliveries import deliver, record_missed, target_of
from scheduler.recurrence import zone
from storage.models import Delivery, IdeaChannels

DIGEST_AT = time(9, 0)  # Mondays, in PMO_BOT_TIMEZONE
DIGEST_GRACE = timedelta(days=1)  # a digest more than a day late is skipped, not sent on Tuesday night


def last_digest_time(services: Services, now: datetime) -> datetime:
    """The most recent Monday 09:00 (local) at or before `now`."""
    local = now.astimezone(zone(services.settings.pmo_bot_timezone))
    monday = local.date() - timedelta(days=local.weekday())
    at = datetime.combine(monday, DIGEST_AT, tzinfo=local.tzinfo)
    return at if at <= local else at - timedelta(days=7)


def next_digest_time(services: Services, now: datetime) -> datetime:
    last = last_digest_time(services, now).replace(tzinfo=None)
    return datetime.combine(last.date() + timedelta(days=7), DIGEST_AT, tzinfo=zone(services.settings.pmo_bot_timezone))


def _week(due: datetime) -> str:
    return f"week:{due.date().isoformat()}"


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    async with services.db.session() as session:
        rows = (
            await session.exec(select(IdeaChannels.workspace).where(col(IdeaChannels.digest_channel).is_not(None)))
        ).all()
        at, last = next_digest_time(services, now), last_digest_time(services, now)
        done = set(
            (
                await session.exec(
                    select(Delivery.workspace).where(Delivery.kind == "digest.weekly", Delivery.subject == _week(last))
                )
            ).all()
        )
    specs = []
    for workspace in rows:
        # Catch up on this week's digest if it has not gone out (a restart on Monday morning).
        when = last if now - last < DIGEST_GRACE and workspace not in done else at
        specs.append(JobSpec(f"digest:{workspace}", when, run_digest, (workspace,)))
    return specs


async def run_digest(services: Services, workspace: str) -> None:
    await post_digest(services, workspace)
    services.jobs.put(
        JobSpec(f"digest:{workspace}", next_digest_time(services, services.now()), run_digest, (workspace,))
    )


async def post_digest(services: Services, workspace: str) -> None:
    now = services.clock()
    async with services.db.session() as session:
        row = await session.get(IdeaChannels, workspace)
    if row is None or not row.digest_channel:
        return
    due = last_digest_time(services, now)
    ref = ConversationRef(row.platform, workspace, row.digest_channel)
    subject = _week(due)
    if now - due > DIGEST_GRACE:
        await record_missed(
            services, workspace=workspace, kind="digest.weekly", subject=subject, target=target_of(ref), due_at=due
        )
        return
    reply = await compose(
        services, workspace, since=due - timedelta(days=7), until=due, audience=Audience.channel(ref, admin=True)
    )
    await deliver(services, ref, reply, kind="digest.weekly", subject=subject, due_at=due)
