"""Scheduled idea work: escalating ideas left in "new" too long, in an hourly sweep planned from
the tables like the meetup jobs (scheduler/service.py). Every post is an exactly-once delivery,
so replicas and restarts are harmless."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.core.ports import JobSpec, Services
from handlers.ideas import notify
from storage.models import Idea, IdeaEvent

SWEEP_EVERY = timedelta(hours=1)


def escalate_after(services: Services) -> timedelta:
    return timedelta(days=services.settings.pmo_bot_idea_escalate_days)


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    epoch = datetime(2026, 1, 1, tzinfo=now.tzinfo)
    return [JobSpec("ideas:escalate", now + (SWEEP_EVERY - (now - epoch) % SWEEP_EVERY), run_escalation)]


async def run_escalation(services: Services) -> None:
    await escalate(services)


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
