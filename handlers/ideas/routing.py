"""Where an idea goes: the area it is about (ownership registry), that area's Accountable party,
and how to reach the party's contact; unmatched or unreachable ideas go to the triage queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import select

from bot.core import ConversationRef, Reply
from bot.core.messages import address
from bot.core.router import Context
from handlers.ownership.registry import RegistryCache
from storage.models import IdeaChannels

if TYPE_CHECKING:
    from bot.core.ports import Services


@dataclass(slots=True)
class Route:
    area_id: int | None = None
    area_name: str = ""
    party: str = ""  # the Accountable party's name
    contact: ConversationRef | None = None
    owner: str | None = None  # when the contact is a person, they own the idea


async def area_of(services: Services, workspace: str, text: str) -> tuple[int | None, str]:
    """The one area the text names most specifically; none when two areas tie."""
    found = (await services.own(RegistryCache).snapshot(services.db, workspace)).index.mentioned(text)
    if not found or (len(found) > 1 and found[1].score == found[0].score):
        return None, ""
    return found[0].area_id, found[0].name


async def route(services: Services, platform: str, workspace: str, area_id: int | None) -> Route:
    if area_id is None:
        return Route()
    view = await services.own(RegistryCache).view(services.db, workspace, area_id)
    if view is None:
        return Route()
    party = view.accountable
    out = Route(area_id, view.area.name)
    if party:
        out.party = party.name
        out.contact = address(platform, workspace, party.contact)
        if out.contact and out.contact.user:
            out.owner = out.contact.user
    return out


async def channels(services: Services, workspace: str) -> IdeaChannels | None:
    async with services.db.session() as session:
        return (await session.exec(select(IdeaChannels).where(IdeaChannels.workspace == workspace))).first()


async def triage_ref(services: Services, workspace: str) -> ConversationRef | None:
    row = await channels(services, workspace)
    if row and row.triage_channel:
        return ConversationRef(row.platform, workspace, row.triage_channel)
    return None


async def set_channel(ctx: Context, column: str, what: str) -> Reply:
    """Make this channel the workspace's `column` (triage or digest channel)."""
    async with ctx.db.session() as session:
        row = await session.get(IdeaChannels, ctx.msg.workspace) or IdeaChannels(
            workspace=ctx.msg.workspace, platform=ctx.msg.platform, updated_by=ctx.msg.user
        )
        setattr(row, column, ctx.msg.channel)
        row.platform, row.updated_by, row.updated_at = ctx.msg.platform, ctx.msg.user, ctx.now()
        session.add(row)
    return Reply(f"{what} will be posted in this channel.")
