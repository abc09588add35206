"""Reading and writing the RACI registry. Every write goes through a snapshot:

an area (or party) is described by a plain dict; `write_area` validates it whole (exactly one
Accountable, parties exist, aliases free), replaces the stored rows, bumps the workspace's
registry version and records before/after in the audit log. Undo is writing `before` back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import Reply
from handlers.ownership.matching import AreaIndex, key
from storage.db import Database
from storage.models import (
    Area,
    AreaAlias,
    Assignment,
    AuditEntry,
    Party,
    UnansweredQuestion,
    Workspace,
    utcnow,
)

ROLE_LISTS = {"R": "responsible", "C": "consulted", "I": "informed"}
MAX_NAME = 200


class RegistryError(ValueError):
    """A write that would break the registry's rules; the message is for the user."""


@dataclass(slots=True)
class PartyRef:
    id: int
    name: str
    contact: str


@dataclass(slots=True)
class AreaView:
    area: Area
    roles: dict[str, list[PartyRef]]  # "A" / "R" / "C" / "I" -> parties
    aliases: list[str]
    answer: Reply | None = None  # the reply built from this view, kept with it (replies.area_answer)

    @property
    def accountable(self) -> PartyRef | None:
        return self.roles["A"][0] if self.roles["A"] else None


# ---------------------------------------------------------------------------------- reads


async def registry_version(session: AsyncSession, workspace: str) -> int:
    version = await session.scalar(select(Workspace.registry_version).where(Workspace.id == workspace))
    return version or 0


@dataclass
class Snapshot:
    """One workspace's registry as this process last read it."""

    version: int
    index: AreaIndex
    checked: float  # time.monotonic() of the last version check
    views: dict[int, AreaView]


class RegistryCache:
    """Answers from memory: each workspace's match index and the areas already asked about.

    A snapshot is trusted for FRESH seconds, then the registry version (bumped by every write,
    on any replica) is checked again; writes made in this process drop it at once. So the
    common question costs no database round trip, and another replica's change shows within
    a second."""

    FRESH = 1.0

    def __init__(self) -> None:
        self._snapshots: dict[str, Snapshot] = {}

    def forget(self, workspace: str) -> None:
        self._snapshots.pop(workspace, None)

    async def snapshot(self, db: Database, workspace: str) -> Snapshot:
        snap = self._snapshots.get(workspace)
        if snap and time.monotonic() - snap.checked < self.FRESH:
            return snap
        if snap:  # one check at a time: meanwhile the other questions answer from memory
            snap.checked = time.monotonic()
        async with db.session() as session:
            version = await registry_version(session, workspace)
            if snap and snap.version == version:
                return snap
            areas = (await session.exec(select(Area.id, Area.name).where(Area.workspace == workspace))).all()
            aliases: dict[int, list[str]] = {}
            rows = await session.exec(
                select(AreaAlias.area_id, AreaAlias.alias).where(AreaAlias.workspace == workspace)
            )
            for area_id, alias in rows:
                aliases.setdefault(area_id, []).append(alias)
        index = AreaIndex([(area_id, name, aliases.get(area_id, [])) for area_id, name in areas])
        snap = Snapshot(version, index, time.monotonic(), {})
        self._snapshots[workspace] = snap
        return snap

    async def view(self, db: Database, workspace: str, area_id: int) -> AreaView | None:
        snap = await self.snapshot(db, workspace)
        view = snap.views.get(area_id)
        if view is None:
            async with db.session() as session:
                area = await get_area(session, workspace, area_id)
                if area is None:
                    return None
                view = snap.views[area_id] = await area_view(session, area)
        return view


async def find_area(session: AsyncSession, workspace: str, name: str) -> Area | None:
    """An area by its exact name or one of its aliases (normalised)."""
    k = key(name)
    area = (await session.exec(select(Area).where(Area.workspace == workspace, Area.key == k))).first()
    if area:
        return area
    return (
        await session.exec(select(Area).join(AreaAlias).where(AreaAlias.workspace == workspace, AreaAlias.key == k))
    ).first()


async def get_area(session: AsyncSession, workspace: str, area_id: int) -> Area | None:
    area = await session.get(Area, area_id)
    return area if area and area.workspace == workspace else None


async def all_parties(session: AsyncSession, workspace: str) -> list[Party]:
    return list((await session.exec(select(Party).where(Party.workspace == workspace).order_by(Party.name))).all())


def party_lookup(parties: list[Party]) -> dict[str, Party]:
    """Normalised name and aliases -> party (names win over aliases)."""
    lookup: dict[str, Party] = {}
    for party in parties:
        for alias in party.aliases:
            lookup.setdefault(key(alias), party)
    lookup.update({party.key: party for party in parties})
    return lookup


async def find_party(session: AsyncSession, workspace: str, name: str) -> Party | None:
    return party_lookup(await all_parties(session, workspace)).get(key(name))


async def area_view(session: AsyncSession, area: Area) -> AreaView:
    rows = await session.exec(
        select(Assignment.role, Party.id, Party.name, Party.contact)
        .join(Party, Party.id == Assignment.party_id)
        .where(Assignment.area_id == area.id)
        .order_by(Party.name)
    )
    roles: dict[str, list[PartyRef]] = {"A": [], "R": [], "C": [], "I": []}
    for role, party_id, name, contact in rows:
        roles[role].append(PartyRef(party_id, name, contact))
    aliases = (
        await session.exec(select(AreaAlias.alias).where(AreaAlias.area_id == area.id).order_by(AreaAlias.alias))
    ).all()
    return AreaView(area, roles, list(aliases))


async def party_areas(session: AsyncSession, party: Party) -> dict[str, list[str]]:
    rows = await session.exec(
        select(Assignment.role, Area.name)
        .join(Area, Area.id == Assignment.area_id)
        .where(Assignment.party_id == party.id)
        .order_by(Area.name)
    )
    by_role: dict[str, list[str]] = {"A": [], "R": [], "C": [], "I": []}
    for role, name in rows:
        by_role[role].append(name)
    return by_role


# ------------------------------------------------------------------------------ snapshots


def area_snapshot(view: AreaView) -> dict[str, Any]:
    a = view.area
    snap: dict[str, Any] = {"area": a.name, "accountable": view.accountable.name if view.accountable else ""}
    for role, name in ROLE_LISTS.items():
        snap[name] = [p.name for p in view.roles[role]]
    snap["aliases"] = list(view.aliases)
    snap["notes"] = a.notes
    snap["verified_at"] = a.verified_at.isoformat() if a.verified_at else None
    snap["verified_by"] = a.verified_by
    return snap


def party_snapshot(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "description": party.description,
        "contact": party.contact,
        "aliases": list(party.aliases),
    }


def _check_name(text: str, what: str) -> str:
    text = " ".join(text.split())
    if not key(text):
        raise RegistryError(f"{what} needs a name with at least one letter or digit.")
    if len(text) > MAX_NAME:
        raise RegistryError(f"{what} names are at most {MAX_NAME} characters (this one has {len(text)}).")
    return text


# --------------------------------------------------------------------------------- writes


async def _bump(session: AsyncSession, workspace: str) -> None:
    await session.exec(
        update(Workspace).where(Workspace.id == workspace).values(registry_version=Workspace.registry_version + 1)
    )


async def audit(
    session: AsyncSession,
    workspace: str,
    actor: str,
    action: str,
    subject: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    entry = AuditEntry(
        workspace=workspace, actor=actor, action=action, subject=subject[:200], before=before, after=after
    )
    session.add(entry)
    await session.flush()
    return entry


async def write_area(
    session: AsyncSession,
    workspace: str,
    snap: dict[str, Any],
    *,
    actor: str,
    action: str,
    existing: Area | None = None,
    parties: dict[str, Party] | None = None,
) -> AuditEntry:
    """Create or replace one area from a snapshot. Raises RegistryError, having written nothing."""
    name = _check_name(str(snap.get("area") or ""), "An area")
    parties = parties if parties is not None else party_lookup(await all_parties(session, workspace))

    def resolve(party_name: str) -> Party:
        party = parties.get(key(party_name))
        if not party:
            known = ", ".join(sorted({p.name for p in parties.values()})) or "none yet"
            raise RegistryError(f"Unknown party “{party_name}”. Known parties: {known}.")
        return party

    accountable = snap.get("accountable") or ""
    if isinstance(accountable, list):
        if len(accountable) != 1:
            raise RegistryError(f"“{name}” must have exactly one Accountable party (got {len(accountable)}).")
        accountable = accountable[0]
    if not str(accountable).strip():
        raise RegistryError(f"“{name}” needs exactly one Accountable party.")
    cells: set[tuple[int, str]] = {(resolve(str(accountable)).id, "A")}
    for role, field_name in ROLE_LISTS.items():
        cells |= {(resolve(p).id, role) for p in snap.get(field_name) or []}

    if existing is None:
        existing = await find_area(session, workspace, name)
    if existing is None:
        clash = None
    else:
        clash = (
            await session.exec(
                select(Area).where(Area.workspace == workspace, Area.key == key(name), Area.id != existing.id)
            )
        ).first()
    if clash:
        raise RegistryError(f"Another area is already called “{clash.name}”.")
    before = area_snapshot(await area_view(session, existing)) if existing else None

    aliases = list(dict.fromkeys(" ".join(a.split()) for a in snap.get("aliases") or [] if key(a)))
    alias_keys = {key(a): a for a in aliases}
    if alias_keys:
        taken = await session.exec(
            select(AreaAlias.key, Area.name)
            .join(Area)
            .where(AreaAlias.workspace == workspace, AreaAlias.key.in_(alias_keys))
            .where(Area.id != (existing.id if existing else -1))
        )
        for alias_key, owner in taken:
            raise RegistryError(f"The alias “{alias_keys[alias_key]}” already belongs to “{owner}”.")

    area = existing or Area(workspace=workspace, name=name, key=key(name))
    area.name, area.key = name, key(name)
    area.notes = str(snap.get("notes") or "")
    area.updated_at = utcnow()
    if "verified_by" in snap:
        area.verified_by = snap.get("verified_by")
        verified_at = snap.get("verified_at")
        area.verified_at = _parse_time(verified_at) if verified_at else None
    session.add(area)
    await session.flush()
    await session.exec(delete(Assignment).where(Assignment.area_id == area.id))
    await session.exec(delete(AreaAlias).where(AreaAlias.area_id == area.id))
    await session.flush()
    session.add_all(Assignment(workspace=workspace, area_id=area.id, party_id=pid, role=role) for pid, role in cells)
    session.add_all(AreaAlias(workspace=workspace, area_id=area.id, alias=a, key=k) for k, a in alias_keys.items())
    await session.flush()
    await _bump(session, workspace)
    after = area_snapshot(await area_view(session, area))
    return await audit(session, workspace, actor, action, name, before, after)


async def delete_area(session: AsyncSession, workspace: str, area: Area, *, actor: str) -> AuditEntry:
    before = area_snapshot(await area_view(session, area))
    await session.exec(delete(Assignment).where(Assignment.area_id == area.id))
    await session.exec(delete(AreaAlias).where(AreaAlias.area_id == area.id))
    await session.delete(area)
    await _bump(session, workspace)
    return await audit(session, workspace, actor, "area.remove", area.name, before, None)


async def write_party(
    session: AsyncSession, workspace: str, snap: dict[str, Any], *, actor: str, existing: Party | None = None
) -> AuditEntry:
    name = _check_name(str(snap.get("name") or ""), "A party")
    if existing is None:
        existing = (
            await session.exec(select(Party).where(Party.workspace == workspace, Party.key == key(name)))
        ).first()
    before = party_snapshot(existing) if existing else None
    others = [p for p in await all_parties(session, workspace) if not existing or p.id != existing.id]
    lookup = party_lookup(others)
    aliases = list(dict.fromkeys(" ".join(a.split()) for a in snap.get("aliases") or [] if key(a)))
    for text in [name, *aliases]:
        if key(text) in lookup:
            raise RegistryError(f"“{text}” already names the party “{lookup[key(text)].name}”.")
    party = existing or Party(workspace=workspace, name=name, key=key(name))
    party.name, party.key = name, key(name)
    party.description = str(snap.get("description") or "")
    party.contact = str(snap.get("contact") or "")[:500]
    party.aliases = aliases
    session.add(party)
    await session.flush()
    await _bump(session, workspace)
    return await audit(session, workspace, actor, "party.set", name, before, party_snapshot(party))


async def record_gap(session: AsyncSession, workspace: str, text: str, user: str) -> None:
    """Remember a question nobody could answer (one row per normalised question). One statement
    inserts or counts, so people asking the same thing at once are all counted, none refused."""
    k = key(text)[:500] or text.strip()[:500]
    now = utcnow()
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    await session.exec(
        insert(UnansweredQuestion)
        .values(
            workspace=workspace,
            key=k,
            text=text.strip()[:500],
            asked_count=1,
            first_asked_by=user,
            last_asked_by=user,
            first_asked_at=now,
            last_asked_at=now,
        )
        .on_conflict_do_update(
            index_elements=["workspace", "key"],
            set_={"asked_count": UnansweredQuestion.asked_count + 1, "last_asked_by": user, "last_asked_at": now},
        )
    )


async def gaps(session: AsyncSession, workspace: str, limit: int = 20) -> list[UnansweredQuestion]:
    return list(
        (
            await session.exec(
                select(UnansweredQuestion)
                .where(UnansweredQuestion.workspace == workspace)
                .order_by(UnansweredQuestion.asked_count.desc(), UnansweredQuestion.last_asked_at.desc())
                .limit(limit)
            )
        ).all()
    )


async def recent_audit(session: AsyncSession, workspace: str, limit: int = 10) -> list[AuditEntry]:
    return list(
        (
            await session.exec(
                select(AuditEntry).where(AuditEntry.workspace == workspace).order_by(AuditEntry.id.desc()).limit(limit)
            )
        ).all()
    )


async def count_areas(session: AsyncSession, workspace: str) -> int:
    return await session.scalar(select(func.count()).select_from(Area).where(Area.workspace == workspace)) or 0


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
