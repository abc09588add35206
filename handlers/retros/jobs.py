"""Action follow-up: the owner gets a DM at 09:00 (workspace time zone) the day before the due
date and on the due date, each exactly once (a delivery row per action and day).

Carried-over copies remind under the first action's id, so carrying never repeats a reminder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from bot.core import Button, ConversationRef, Reply
from bot.core.ports import JobSpec, Services
from handlers.retros import replies, store
from scheduler.deliveries import deliver, record_missed, target_of
from scheduler.recurrence import place, zone
from storage.models.retros import Retro, RetroAction

REMIND_AT = time(9, 0)
HORIZON = timedelta(minutes=10)  # the scheduler's refresh (every minute) adds later ones as they come near
WHEN = {"before": 1, "due": 0}  # reminder -> days before the due date


def remind_at(services: Services, due_on: date, which: str) -> datetime:
    tz = zone(services.settings.pmo_bot_timezone)
    return place(datetime.combine(due_on - timedelta(days=WHEN[which]), REMIND_AT), tz)


def grace(services: Services) -> timedelta:
    return timedelta(minutes=services.settings.pmo_bot_meetup_grace_minutes)


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    """Reminder jobs due within HORIZON, or late within the grace window (after a restart)."""
    local = now.astimezone(zone(services.settings.pmo_bot_timezone)).date()
    async with services.db.session() as session:
        actions = await store.due_between(session, local - timedelta(days=1), local + timedelta(days=2))
    specs = []
    for action in actions:
        for which in WHEN:
            at = remind_at(services, action.due_on, which)
            if now - grace(services) <= at <= now + HORIZON and at >= action.created_at:
                specs.append(JobSpec(f"retro-remind:{action.id}:{which}", at, remind, (action.id, which)))
    return specs


async def remind(services: Services, action_id: int, which: str) -> None:
    """Send reminder `which` ("before" or "due") for an action if it is due now; never twice."""
    now = services.clock()
    async with services.db.session() as session:
        action = await session.get(RetroAction, action_id)
        retro = await session.get(Retro, action.retro_id) if action else None
    if action is None or action.status != "open" or not action.owner or action.due_on is None or retro is None:
        return
    at = remind_at(services, action.due_on, which)
    if at > now or at < action.created_at:
        return
    ref = ConversationRef.direct(action.platform, action.workspace, action.owner)
    subject = f"action:{action.origin_id or action.id}:{which}"
    if now - at > grace(services):
        await record_missed(
            services,
            workspace=action.workspace,
            kind="retro.remind",
            subject=subject,
            target=target_of(ref, services.settings, kind="retro.remind", subject=subject),
            due_at=at,
        )
        return
    await deliver(services, ref, reminder(action, retro, which), kind="retro.remind", subject=subject, due_at=at)


def reminder(action: RetroAction, retro: Retro, which: str) -> Reply:
    when = "tomorrow" if which == "before" else "today"
    text = (
        f"Reminder: your action “{action.text}” is due {when}, {replies.day(action.due_on)}. "
        f"It comes from {replies.name(retro)}. Done? Press the button or type retro done A{action.id}."
    )
    return Reply(
        text,
        title=f"Action A{action.id} is due {when}",
        buttons=[
            Button("Mark done", "retro.done", str(action.id), style="primary"),
            Button("Needs outside help: make it an idea", "retro.escalate", str(action.id)),
        ],
    )
