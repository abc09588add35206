"""Scheduled idea work: escalating ideas left in "new" too long, and the weekly PMO digest.

Both are planned from the tables like the meetup jobs (scheduler/service.py): an hourly sweep
for escalation, and one job per workspace with a digest channel at its next Monday 09:00 in
PMO_BOT_TIMEZONE. Every post is an exactly-once delivery, so replicas and restarts are harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.core import ConversationRef
from bot.core.ports import JobSpec, Services
from handlers import digest
from handlers.ideas import notify
from scheduler.deliveries import deliver, record_missed, target_of
from scheduler.recurrence import zone
from storage.models import Delivery, Idea, IdeaChannels, IdeaEvent

SWEEP_EVERY = timedelta(hours=1)
DIGEST_AT = time(9, 0)  # Mondays, in PMO_BOT_TIMEZONE
DIGEST_GRACE = timedelta(days=1)  # a digest more than a day late is skipped, not sent on Tuesday night


def escalate_after(services: Services) -> timedelta:
    return timedelta(days=services.settings.pmo_bot_idea_escalate_days)


def last_digest_time(services: Services, now: datetime) -> datetime:
    """The most recent Monday 09:00 (local) at or before `now`."""
    local = now.astimezone(zone(services.settings.pmo_bot_timezone))
    monday = local.date() - timedelta(days=local.weekday())
    at = datetime.combine(monday, DIGEST_AT, tzinfo=local.tzinfo)
    return at if at <= local else at - timedelta(days=7)


def next_digest_time(services: Services, now: datetime) -> datetime:
    last = last_digest_time(services, now).replace(tzinfo=None)
    return datetime.combine(last.date() + timedelta(days=7), DIGEST_AT, tzinfo=zone(services.settings.pmo_bot_timezone))


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    epoch = datetime(2026, 1, 1, tzinfo=now.tzinfo)
    sweep_at = now + (SWEEP_EVERY - (now - epoch) % SWEEP_EVERY)
    specs = [JobSpec("ideas:escalate", sweep_at, run_escalation)]
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
    for workspace in rows:
        # Catch up on this week's digest if it has not gone out (a restart on Monday morning).
        when = last if now - last < DIGEST_GRACE and workspace not in done else at
        specs.append(JobSpec(f"ideas:digest:{workspace}", when, run_digest, (workspace,)))
    return specs


def _week(due: datetime) -> str:
    return f"week:{due.date().isoformat()}"


async def run_escalation(services: Services) -> None:
    await escalate(services)


async def run_digest(services: Services, workspace: str) -> None:
    await post_digest(services, workspace)
    services.jobs.put(
        JobSpec(f"ideas:digest:{workspace}", next_digest_time(services, services.clock()), run_digest, (workspace,))
    )


async def escalate(services: Services) -> list[Idea]:
    """Mark ideas waiting in "new" too long and post each to the triage queue once; returns them."""
    now = services.clock()
    async with services.db.session() as session:
        waiting = (
            await session.exec(
                select(Idea)
                .where(
                    Idea.status == "new",
                    col(Idea.escalated_at).is_(None),
                    Idea.created_at <= now - escalate_after(services),
                )
                .order_by(col(Idea.id))
                .limit(500)
            )
        ).all()
    escalated = []
    for idea in waiting:
        async with services.db.session() as session:
            marked = await session.exec(
                update(Idea)
                .where(Idea.id == idea.id, col(Idea.escalated_at).is_(None), Idea.status == "new")
                .values(escalated_at=now)
            )
            if not marked.rowcount:
                continue
            session.add(
                IdeaEvent(
                    workspace=idea.workspace,
                    idea_id=idea.id,
                    at=now,
                    kind="escalated",
                    comment=f"still new after {services.settings.pmo_bot_idea_escalate_days} days",
                )
            )
        escalated.append(idea)
        days = (now - idea.created_at).days
        await notify.announce(services, idea, None, f"Waiting for triage for {days} days", kind="idea.escalate")
    return escalated


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
    reply = await digest.compose(services, workspace, since=due - timedelta(days=7), until=due)
    await deliver(services, ref, reply, kind="digest.weekly", subject=subject, due_at=due)
