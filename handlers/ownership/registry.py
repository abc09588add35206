"""Reading and writing the RACI registry. Every write goes through a snapshot:

an area (or party) is described by a plain dict; `write_area` validates it whole (exactly one
Accountable, parties exist, aliases free), replaces the stored rows, bumps the workspace's
registry version and records before/after in the audit log. Undo is writing `before` back.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, delete, func, null, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import Reply
from bot.core.ids import parse_id
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
    answer_day: Any = None  # what `answer` was built for: (date, stale?)

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
            entries = await index_entries(session, workspace)
        # Off the event loop: 10,000 areas take most of a second, and the first index loads the
        # word list. (The thread shares the GIL, so the loop keeps turning meanwhile.)
        index = await asyncio.to_thread(AreaIndex, entries)
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


async def index_entries(session: AsyncSession, workspace: str) -> list[tuple[int, str, list[str], str, str]]:
    """(area id, name, aliases, notes, Accountable party's description) for the match index; the
    last two are searched with less weight."""
    rows = (
        await session.exec(
            select(Area.id, Area.name, Area.notes, Party.description)
            .outerjoin(Assignment, (Assignment.area_id == Area.id) & (Assignment.role == "A"))
            .outerjoin(Party, Party.id == Assignment.party_id)
            .where(Area.workspace == workspace)
        )
    ).all()
    aliases: dict[int, list[str]] = {}
    for area_id, alias in await session.exec(
        select(AreaAlias.area_id, AreaAlias.alias).where(AreaAlias.workspace == workspace)
    ):
        aliases.setdefault(area_id, []).append(alias)
    return [(i, name, aliases.get(i, []), notes or "", about or "") for i, name, notes, about in rows]


async def find_area(session: AsyncSession, workspace: str, name: str) -> Area | None:
    """An area by its exact name or one of its aliases (normalised)."""
    k = key(name)
    area = (await session.exec(select(Area).where(Area.workspace == workspace, Area.key == k))).first()
    if area:
        return area
    return (
        await session.exec(select(Area).join(AreaAlias).where(AreaAlias.workspace == workspace, AreaAlias.key == k))
    ).first()


async def area_named(session: AsyncSession, workspace: str, name: str) -> Area | None:
    """An area by its own name (normalised), never by an alias."""
    return (await session.exec(select(Area).where(Area.workspace == workspace, Area.key == key(name)))).first()


async def names_and_aliases(session: AsyncSession, workspace: str) -> list[tuple[str, Area]]:
    """Every name an area goes by (its own and its aliases), with the area."""
    areas = {a.id: a for a in (await session.exec(select(Area).where(Area.workspace == workspace))).all()}
    rows = await session.exec(select(AreaAlias.alias, AreaAlias.area_id).where(AreaAlias.workspace == workspace))
    return [(a.name, a) for a in areas.values()] + [(alias, areas[area_id]) for alias, area_id in rows]


@dataclass(slots=True)
class AreaLine:
    """One area as `areas` lists it (plain columns: thousands of them are read at once)."""

    id: int
    name: str
    verified_at: datetime | None
    verified_by: str | None
    updated_at: datetime
    verify_every_days: int | None
    accountable: str


async def area_lines(
    session: AsyncSession, workspace: str, *, offset: int = 0, limit: int | None = None
) -> list[AreaLine]:
    """Areas with their Accountable's name, in name order (case-insensitive)."""
    query = (
        select(
            Area.id,
            Area.name,
            Area.verified_at,
            Area.verified_by,
            Area.updated_at,
            Area.verify_every_days,
            Party.name,
        )
        .outerjoin(Assignment, (Assignment.area_id == Area.id) & (Assignment.role == "A"))
        .outerjoin(Party, Party.id == Assignment.party_id)
        .where(Area.workspace == workspace)
        .order_by(func.lower(Area.name), Area.id)
        .offset(offset)
        .limit(limit)
    )
    return [AreaLine(*row[:-1], row[-1] or "") for row in await session.exec(query)]


def row_id(value: str) -> int:
    """A row id from a button or form (see `parse_id`); -1 matches nothing."""
    return parse_id(value) or -1


async def get_area(session: AsyncSession, workspace: str, area_id: int) -> Area | None:
    if not 0 < area_id < 10**12:
        return None
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


async def party_named(session: AsyncSession, workspace: str, name: str) -> Party | None:
    """A party by its own name (normalised), never by an alias."""
    return (await session.exec(select(Party).where(Party.workspace == workspace, Party.key == key(name)))).first()


async def area_keys(session: AsyncSession, workspace: str) -> dict[str, tuple[str, bool]]:
    """Normalised name or alias -> (the area's name, whether it is the area's own name)."""
    rows = await session.exec(
        select(AreaAlias.key, Area.name)
        .join(Area, Area.id == AreaAlias.area_id)
        .where(AreaAlias.workspace == workspace)
    )
    found = {k: (name, False) for k, name in rows}
    found.update(
        {
            k: (name, True)
            for k, name in await session.exec(select(Area.key, Area.name).where(Area.workspace == workspace))
        }
    )
    return found


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
    snap["verified_at"] = _iso(a.verified_at) if a.verified_at else None
    snap["verified_by"] = a.verified_by
    snap["verify_every_days"] = a.verify_every_days
    return snap


def _same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a write would change nothing (lists compared as sets: their order is the database's)."""

    def norm(snap: dict[str, Any]) -> dict[str, Any]:
        return {k: sorted(v) if isinstance(v, list) else v for k, v in snap.items()}

    return norm(before) == norm(after)


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
    now: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        workspace=workspace,
        actor=actor,
        action=action,
        subject=subject[:200],
        before=before,
        after=after,
        at=now or utcnow(),
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
    now: datetime | None = None,
) -> AuditEntry | None:
    """Create or replace one area from a snapshot. Raises RegistryError, having written nothing.

    Returns the audit entry, or None when the area already is exactly as the snapshot says
    (nothing is written, bumped or audited). Verification and its interval keep their value
    unless the snapshot names them."""
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
    held: dict[str, list[Party]] = {"A": [resolve(str(accountable))]}
    for role, field_name in ROLE_LISTS.items():
        held[role] = list({p.id: p for p in map(resolve, snap.get(field_name) or [])}.values())
    cells = {(p.id, role) for role, ps in held.items() for p in ps}

    if existing is None:  # by its own name only: an alias never turns a new area into a rewrite of another
        existing = await area_named(session, workspace, name)
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

    verified = ("verified_at", "verified_by")
    after = {
        "area": name,
        "accountable": held["A"][0].name,
        **{field_name: [p.name for p in held[role]] for role, field_name in ROLE_LISTS.items()},
        "aliases": list(alias_keys.values()),
        "notes": str(snap.get("notes") or ""),
        **{k: (snap.get(k) if "verified_by" in snap else (before or {}).get(k)) for k in verified},
        "verify_every_days": _interval(snap["verify_every_days"])
        if "verify_every_days" in snap
        else (before or {}).get("verify_every_days"),
    }
    if after["verified_at"]:
        after["verified_at"] = _iso(after["verified_at"])
    if before is not None and _same(before, after):
        return None

    area = existing or Area(workspace=workspace, name=name, key=key(name))
    area.name, area.key = name, key(name)
    area.notes = after["notes"]
    area.updated_at = now or utcnow()
    area.verified_by = after["verified_by"]
    area.verified_at = _parse_time(after["verified_at"]) if after["verified_at"] else None
    area.verify_every_days = after["verify_every_days"]
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
    return await audit(session, workspace, actor, action, name, before, after, now)


MAX_INTERVAL_DAYS = 3650


def _interval(value: Any) -> int | None:
    """A verification interval in days (None: the default); RegistryError if out of range."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isascii():
        raise RegistryError(f"The verification interval must be a number of days, not “{str(value)[:40]}”.")
    text = str(value).strip()
    if not text.isdigit() or not 1 <= len(text) <= 4 or not 1 <= int(text) <= MAX_INTERVAL_DAYS:
        raise RegistryError(f"The verification interval must be 1 to {MAX_INTERVAL_DAYS} days (got “{text[:40]}”).")
    return int(text)


async def delete_area(
    session: AsyncSession, workspace: str, area: Area, *, actor: str, now: datetime | None = None
) -> AuditEntry:
    before = area_snapshot(await area_view(session, area))
    await session.exec(delete(Assignment).where(Assignment.area_id == area.id))
    await session.exec(delete(AreaAlias).where(AreaAlias.area_id == area.id))
    await session.delete(area)
    await _bump(session, workspace)
    return await audit(session, workspace, actor, "area.remove", area.name, before, None, now)


async def delete_party(
    session: AsyncSession, workspace: str, party: Party, *, actor: str, now: datetime | None = None
) -> AuditEntry:
    """Remove a party that holds no role anywhere; RegistryError naming what still refers to it."""
    held = {role: names for role, names in (await party_areas(session, party)).items() if names}
    if held:
        titles = {"A": "accountable for", "R": "responsible for", "C": "consulted on", "I": "informed about"}
        count = len({name for names in held.values() for name in names})
        raise RegistryError(
            f"“{party.name}” still holds roles in {count} area{'s' if count != 1 else ''}: "
            + "; ".join(f"{titles[role]} {', '.join(names)}" for role, names in held.items())
            + ". Give those roles to another party first (area set …)."
        )
    before = party_snapshot(party)
    await session.delete(party)
    await _bump(session, workspace)
    return await audit(session, workspace, actor, "party.remove", party.name, before, None, now)


async def write_party(
    session: AsyncSession,
    workspace: str,
    snap: dict[str, Any],
    *,
    actor: str,
    existing: Party | None = None,
    now: datetime | None = None,
) -> AuditEntry | None:
    """Create or change a party; None (nothing written) when it already is as `snap` says."""
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
    after = {
        "name": name,
        "description": str(snap.get("description") or ""),
        "contact": str(snap.get("contact") or "")[:500],
        "aliases": aliases,
    }
    if before is not None and _same(before, after):
        return None
    party = existing or Party(workspace=workspace, name=name, key=key(name))
    party.name, party.key = name, key(name)
    party.description, party.contact, party.aliases = after["description"], after["contact"], aliases
    session.add(party)
    await session.flush()
    await _bump(session, workspace)
    return await audit(session, workspace, actor, "party.set", name, before, party_snapshot(party), now)


# ----------------------------------------------------------------------------------- gaps

GAP_OPEN, GAP_ANSWERED, GAP_ACCEPTED, GAP_DISMISSED = "open", "answered", "accepted", "dismissed"


async def record_gap(
    session: AsyncSession, workspace: str, text: str, user: str, *, outcome: str = "unknown", now: datetime
) -> UnansweredQuestion:
    """Count a question the bot could not answer directly (one row per normalised question). One
    statement inserts or counts, so people asking the same thing at once are all counted.

    Asked again after the registry seemed to answer it, it opens again; a dismissed one stays
    dismissed (an admin decided it is not the registry's) but is still counted."""
    k = key(text)[:500] or text.strip()[:500]
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    gap = UnansweredQuestion.__table__.c
    reopen = gap.status.in_((GAP_ANSWERED, GAP_ACCEPTED))
    statement = (
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
            status=GAP_OPEN,
            outcome=outcome,
        )
        .on_conflict_do_update(
            index_elements=["workspace", "key"],
            set_={
                "asked_count": gap.asked_count + 1,
                "last_asked_by": user,
                "last_asked_at": now,
                "outcome": outcome,
                "status": case((reopen, GAP_OPEN), else_=gap.status),
                "closed_at": case((reopen, null()), else_=gap.closed_at),
                "closed_by": case((reopen, null()), else_=gap.closed_by),
            },
        )
        .returning(gap.id)
    )
    gap_id = (await session.exec(statement)).scalar_one()
    return await session.get(UnansweredQuestion, gap_id, populate_existing=True)


async def get_gap(session: AsyncSession, workspace: str, gap_id: int) -> UnansweredQuestion | None:
    gap = await session.get(UnansweredQuestion, gap_id)
    return gap if gap and gap.workspace == workspace else None


async def gaps(session: AsyncSession, workspace: str, limit: int = 20) -> list[UnansweredQuestion]:
    """Open gaps, most asked first."""
    return list(
        (
            await session.exec(
                select(UnansweredQuestion)
                .where(UnansweredQuestion.workspace == workspace, UnansweredQuestion.status == GAP_OPEN)
                .order_by(UnansweredQuestion.asked_count.desc(), UnansweredQuestion.last_asked_at.desc())
                .limit(limit)
            )
        ).all()
    )


async def count_gaps(session: AsyncSession, workspace: str) -> int:
    query = select(func.count()).select_from(UnansweredQuestion)
    return (
        await session.scalar(
            query.where(UnansweredQuestion.workspace == workspace, UnansweredQuestion.status == GAP_OPEN)
        )
        or 0
    )


def close_gap(gap: UnansweredQuestion, status: str, by: str, now: datetime, area_id: int | None = None) -> None:
    gap.status, gap.closed_by, gap.closed_at = status, by, now
    if area_id is not None:
        gap.area_id = area_id


async def settle_gaps(
    session: AsyncSession, workspace: str, index: AreaIndex, now: datetime, limit: int = 500
) -> list[tuple[UnansweredQuestion, str]]:
    """Close the open gaps that `index` (the registry as it is now) answers: (gap, area name)."""
    closed = []
    open_gaps = await gaps(session, workspace, limit)
    for gap in open_gaps:
        match = index.match(gap.text)
        if match.kind == "answer":
            close_gap(gap, GAP_ANSWERED, "registry change", now, match.best.area_id)
            session.add(gap)
            closed.append((gap, match.best.name))
    return closed


async def recent_audit(
    session: AsyncSession, workspace: str, limit: int = 10, *, subjects: set[str] | None = None
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.workspace == workspace)
    if subjects:
        query = query.where(AuditEntry.subject.in_(sorted(subjects)))
    return list((await session.exec(query.order_by(AuditEntry.id.desc()).limit(limit))).all())


async def count_areas(session: AsyncSession, workspace: str) -> int:
    return await session.scalar(select(func.count()).select_from(Area).where(Area.workspace == workspace)) or 0


def _iso(value: Any) -> str:
    """A moment as ISO text in UTC: one spelling per moment, so snapshots compare equal."""
    return _parse_time(value).astimezone(UTC).isoformat()


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
