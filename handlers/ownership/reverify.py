"""Asking owners to re-check their areas: when an area comes due (see freshness.py), its
Accountable party's contact gets one message with Still correct / Change buttons.

A daily sweep at 09:00 in PMO_BOT_TIMEZONE (like the meetup organiser questions) finds the areas
due. Each question is an exactly-once delivery per area and due date, so it is asked once whatever
the restarts, replicas or reruns; verifying moves the due date, and the next one is asked again.
A contact that is a channel (#pmo) gets the message there; a person gets a DM.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, time

from sqlmodel import col, select

from bot.core import Button, Reply, Section
from bot.core.messages import address
from bot.core.ports import JobSpec, Services
from bot.core.router import Context, Routes
from handlers.ownership import admin, freshness, registry
from handlers.ownership.registry import RegistryCache
from handlers.ownership.replies import area_reply
from scheduler.deliveries import deliver
from scheduler.recurrence import daily_at
from storage.models import Area, Delivery, Workspace

log = logging.getLogger(__name__)
routes = Routes("ownership")
KIND = "ownership.verify"
SWEEP_AT = time(9, 0)  # local: a question in the morning, never at night


def next_sweep(services: Services, now: datetime) -> datetime:
    return daily_at(now, services.settings.pmo_bot_timezone, SWEEP_AT)


async def plan(services: Services, now: datetime) -> Iterable[JobSpec]:
    return [JobSpec("ownership:verify", next_sweep(services, now), run_sweep)]


async def run_sweep(services: Services) -> None:
    await ask_owners(services)
    services.jobs.put(JobSpec("ownership:verify", next_sweep(services, services.clock()), run_sweep))


def subject(area_id: int, due: datetime) -> str:
    return f"area:{area_id}:{due:%Y-%m-%d}"


async def ask_owners(services: Services) -> list[tuple[str, int]]:
    """Ask the Accountable of every area now due, once per due date; returns (workspace, area id)
    of the areas asked about this time."""
    now = services.clock()
    async with services.db.session() as session:
        rows = (
            await session.exec(
                select(Area.id, Area.workspace, Area.verified_at, Area.updated_at, Area.verify_every_days)
            )
        ).all()
        due: dict[int, tuple[str, datetime]] = {}
        for n, row in enumerate(rows):
            if n % 2000 == 1999:
                await asyncio.sleep(0)  # a big registry must not stall live requests
            at = freshness.due_at(row)
            if at <= now:
                due[row.id] = (row.workspace, at)
        wanted = {subject(area_id, at): area_id for area_id, (_, at) in due.items()}
        asked: set[str] = set()
        names = list(wanted)
        for i in range(0, len(names), 500):
            asked.update(
                (
                    await session.exec(
                        select(Delivery.subject).where(
                            Delivery.kind == KIND,
                            col(Delivery.subject).in_(names[i : i + 500]),
                            Delivery.status != "failed",  # a failed one is tried again (deliver() bounds it)
                        )
                    )
                ).all()
            )
        platforms = dict((await session.exec(select(Workspace.id, Workspace.platform))).all())
    sent = []
    for n, (name, area_id) in enumerate(sorted(wanted.items())):
        if name in asked:
            continue  # asked for this due date already (a contact changed since is not asked again)
        if n % 100 == 0:
            await asyncio.sleep(0)
        workspace, at = due[area_id]
        async with services.db.session() as session:
            area = await registry.get_area(session, workspace, area_id)
            view = await registry.area_view(session, area) if area else None
        owner = view.accountable if view else None
        ref = address(platforms.get(workspace, "console"), workspace, owner.contact) if owner else None
        if view is None or ref is None:
            log.info("area due for a check has no contact to ask", extra={"workspace": workspace, "area": area_id})
            continue
        if await deliver(services, ref, question(view, now), kind=KIND, subject=name, due_at=at):
            sent.append((workspace, area_id))
    return sent


def question(view: registry.AreaView, now: datetime) -> Reply:
    area = view.area
    since = f"last verified {freshness.ago(area.verified_at, now)}" if area.verified_at else "never verified yet"
    head = (
        f"Is this still correct? “{area.name}” is due for its check ({since}; it is checked every "
        f"{freshness.every(area)} days). {view.accountable.name if view.accountable else 'You'} "
        "is accountable for it."
    )
    reply = area_reply(view, now)
    reply.text = f"{head} {reply.text}"
    reply.title = f"Still correct? {area.name}"[:150]
    reply.sections.insert(0, Section(text=head))
    reply.buttons = [
        Button("Still correct", "ownership.still_correct", str(area.id), style="primary"),
        Button("Change", "ownership.change", str(area.id)),
    ]
    return reply


async def _may_answer(ctx: Context, view: registry.AreaView) -> bool:
    """Admins, and the Accountable party's contact: the person, or a member of the channel."""
    if ctx.is_admin:
        return True
    owner = view.accountable
    ref = address(ctx.msg.platform, ctx.msg.workspace, owner.contact) if owner else None
    if ref is None:
        return False
    if ref.user:
        return ref.user == ctx.msg.user
    return await ctx.in_channel(ref)


@routes.action("ownership.still_correct")
async def still_correct(ctx: Context) -> Reply:
    ws = ctx.msg.workspace
    async with ctx.db.session() as session:
        area = await registry.get_area(session, ws, registry.row_id(ctx.action.value))
        if area is None:
            return Reply("That area no longer exists. Nothing was changed.")
        view = await registry.area_view(session, area)
        if not await _may_answer(ctx, view):
            contact = view.accountable.contact if view.accountable else ""
            return Reply(
                f"Only registry admins and the Accountable's contact{f' ({contact})' if contact else ''} can "
                "confirm this. Nothing was changed.",
                private=True,
            )
        await admin.verify(ctx, session, area)
    ctx.own(RegistryCache).forget(ws)
    next_due = freshness.due_at(area)
    text = (
        f"“{area.name}” is verified as still correct by {ctx.msg.user}, {ctx.now():%Y-%m-%d}. "
        f"Next check due {next_due:%Y-%m-%d}."
    )
    return Reply(text, title=f"Verified: {area.name}"[:150], sections=[Section(text=text)], replace=True)


@routes.action("ownership.change")
async def change(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        area = await registry.get_area(session, ctx.msg.workspace, registry.row_id(ctx.action.value))
        if area is None:
            return Reply("That area no longer exists.")
        snap = registry.area_snapshot(await registry.area_view(session, area))
    if ctx.is_admin:
        return admin.area_form(snap, area.id)
    return Reply(
        f"Only registry admins can change “{area.name}”. Tell one what should change; they can type "
        f"“area set {area.name}; accountable: …; responsible: …” or press Change themselves. Nothing was changed.",
        private=True,
    )
