"""RACI matrix files: CSV (one row per area) and YAML (parties and areas), in and out.

Import checks the whole file and reports every bad line before anything is written, then
writes everything in one transaction: all or nothing. Export writes the same formats back,
so export → import round-trips.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from sqlmodel import select

from handlers.ownership import registry
from handlers.ownership.matching import key
from storage.db import Database
from storage.models import Area, AreaAlias, Assignment, Party

COLUMNS = ("area", "accountable", "responsible", "consulted", "informed", "aliases", "notes")
LIST_COLUMNS = ("responsible", "consulted", "informed", "aliases")
MAX_BYTES = 20 * 1024 * 1024


class ImportFailed(ValueError):
    def __init__(self, errors: list[str]) -> None:
        errors = sorted(errors, key=_line_of)  # in file order, whichever check found them
        super().__init__("\n".join(errors))
        self.errors = errors


def _line_of(error: str) -> int:
    head = error.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)


def _split(cell: Any) -> list[str]:
    if cell is None:
        return []
    if isinstance(cell, list):
        return [str(x).strip() for x in cell if str(x).strip()]
    return [part.strip() for part in str(cell).replace("|", ";").split(";") if part.strip()]


# ------------------------------------------------------------------------------- parsing


def parse_csv(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Returns (parties, areas, errors); areas carry their line number under "line"."""
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [], [f"line 1: {exc}"]
    if not header:
        return [], [], ["the file is empty: expected a header line with " + ", ".join(COLUMNS)]
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    missing = [c for c in ("area", "accountable") if c not in names]
    if unknown or missing:
        problem = []
        if missing:
            problem.append("missing column(s) " + ", ".join(missing))
        if unknown:
            problem.append("unknown column(s) " + ", ".join(unknown))
        return [], [], [f"line 1: {'; '.join(problem)} (columns are: {', '.join(COLUMNS)})"]
    areas: list[dict[str, Any]] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {line}: {exc} (is the file truncated?)")
            break
        if any(c.strip() for c in cells):
            if len(cells) > len(names):
                errors.append(f"line {line}: {len(cells)} cells, but the header has {len(names)} columns")
            else:
                row: dict[str, Any] = dict(
                    zip(names, (c.strip() for c in cells), strict=False)
                )  # short rows: missing cells are empty
                for col in LIST_COLUMNS:
                    row[col] = _split(row.get(col))
                row["accountable"] = _split(row.get("accountable"))
                row["line"] = line
                areas.append(row)
        line = reader.line_num + 1
    return [], areas, errors


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line number, so errors can point at it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["line"] = node.start_mark.line + 1
        return mapping


def parse_yaml(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "the file"
        return [], [], [f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})"]
    if not isinstance(doc, dict) or not ({"parties", "areas"} & doc.keys()):
        return [], [], ["the file: expected a mapping with “parties:” and/or “areas:” lists"]
    errors: list[str] = []
    lists: dict[str, list[dict[str, Any]]] = {}
    for section in ("parties", "areas"):
        items = doc.get(section) or []
        if not isinstance(items, list):
            errors.append(f"line {doc['line']}: “{section}” must be a list")
            items = []
        good = []
        for item in items:
            if not isinstance(item, dict):
                errors.append(f"“{section}”: every entry must be a mapping, got {str(item)[:40]!r}")
                continue
            item = dict(item)
            for col in LIST_COLUMNS if section == "areas" else ("aliases",):
                item[col] = _split(item.get(col))
            if section == "areas":
                item["accountable"] = _split(item.get("accountable"))
            good.append(item)
        lists[section] = good
    return lists["parties"], lists["areas"], errors


def parse(text: str, fmt: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    if fmt == "csv":
        return parse_csv(text)
    if fmt in ("yaml", "yml"):
        return parse_yaml(text)
    raise ValueError(f"unknown format {fmt!r}: use csv or yaml")


def validate(parties: list[dict[str, Any]], areas: list[dict[str, Any]], known_parties: dict[str, Party]) -> list[str]:
    """Every problem in the file, each with its line number."""
    errors: list[str] = []
    party_keys = set(known_parties)
    for p in parties:
        if not key(str(p.get("name") or "")):
            errors.append(f"line {p['line']}: a party without a name")
            continue
        party_keys |= {key(str(p["name"]))} | {key(a) for a in p["aliases"]}
    seen_areas: dict[str, int] = {}
    seen_aliases: dict[str, tuple[str, int]] = {}
    for a in areas:
        line, name = a["line"], " ".join(str(a.get("area") or "").split())
        if not key(name):
            errors.append(f"line {line}: the area name is empty")
            continue
        if len(name) > registry.MAX_NAME:
            errors.append(f"line {line}: the area name is longer than {registry.MAX_NAME} characters")
        if key(name) in seen_areas:
            errors.append(f"line {line}: the area “{name}” appears again (first on line {seen_areas[key(name)]})")
        seen_areas.setdefault(key(name), line)
        accountable = a["accountable"]
        if not accountable:
            errors.append(f"line {line}: “{name}” has no Accountable party (exactly one is required)")
        elif len(accountable) > 1:
            errors.append(
                f"line {line}: “{name}” has {len(accountable)} Accountable parties "
                f"({', '.join(accountable)}); exactly one is allowed"
            )
        for col in ("accountable", "responsible", "consulted", "informed"):
            for party in a[col]:
                if key(party) not in party_keys:
                    errors.append(f"line {line}: unknown party “{party}” in {col}")
        for alias in a["aliases"]:
            other = seen_aliases.get(key(alias))
            if other and other[0] != key(name):
                errors.append(f"line {line}: the alias “{alias}” is also given to another area on line {other[1]}")
            seen_aliases.setdefault(key(alias), (key(name), line))
    return errors


# ----------------------------------------------------------------------------- importing


async def import_matrix(db: Database, workspace: str, text: str, fmt: str, *, actor: str) -> ImportResult:
    if len(text.encode()) > MAX_BYTES:
        raise ImportFailed([f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"])
    parties, areas, errors = parse(text, fmt)
    async with db.session() as session:
        known = registry.party_lookup(await registry.all_parties(session, workspace))
        errors += validate(parties, areas, known)
        if errors:
            raise ImportFailed(errors)
        return await write_matrix(session, workspace, parties, areas, actor=actor)


async def write_matrix(
    session: Any,
    workspace: str,
    parties: list[dict[str, Any]],
    areas: list[dict[str, Any]],
    *,
    actor: str,
    now: datetime | None = None,
) -> ImportResult:
    """Write validated rows; any RegistryError aborts the surrounding transaction."""
    result = ImportResult()
    errors: list[str] = []
    for p in parties:
        try:
            await registry.write_party(session, workspace, p, actor=actor, now=now)
            result.parties.append(str(p["name"]))
        except registry.RegistryError as exc:
            errors.append(f"line {p['line']}: {exc}")
    lookup = registry.party_lookup(await registry.all_parties(session, workspace))
    for a in areas:
        existing = await registry.area_named(session, workspace, str(a["area"]))
        try:
            await registry.write_area(
                session, workspace, a, actor=actor, action="area.import", existing=existing, parties=lookup, now=now
            )
        except registry.RegistryError as exc:
            errors.append(f"line {a['line']}: {exc}")
            continue
        (result.updated if existing else result.created).append(str(a["area"]))
    if errors:
        raise ImportFailed(errors)
    return result


# ----------------------------------------------------------------------------- exporting


async def export_rows(db: Database, workspace: str) -> tuple[list[Party], list[dict[str, Any]]]:
    async with db.session() as session:
        parties = await registry.all_parties(session, workspace)
        names = {p.id: p.name for p in parties}
        areas = (await session.exec(select(Area).where(Area.workspace == workspace).order_by(Area.name))).all()
        cells: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for area_id, party_id, role in await session.exec(
            select(Assignment.area_id, Assignment.party_id, Assignment.role).where(Assignment.workspace == workspace)
        ):
            cells[area_id][role].append(names[party_id])
        aliases: dict[int, list[str]] = defaultdict(list)
        for area_id, alias in await session.exec(
            select(AreaAlias.area_id, AreaAlias.alias).where(AreaAlias.workspace == workspace).order_by(AreaAlias.alias)
        ):
            aliases[area_id].append(alias)
    rows = []
    for area in areas:
        c = cells[area.id]
        row: dict[str, Any] = {"area": area.name, "accountable": (c["A"] or [""])[0]}
        for role, col in registry.ROLE_LISTS.items():
            row[col] = sorted(c[role])
        row["aliases"] = aliases[area.id]
        row["notes"] = area.notes
        row["verified_at"] = area.verified_at.isoformat() if area.verified_at else None
        row["verified_by"] = area.verified_by
        rows.append(row)
    return parties, rows


async def export_matrix(db: Database, workspace: str, fmt: str) -> str:
    parties, rows = await export_rows(db, workspace)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["; ".join(row[c]) if c in LIST_COLUMNS else row[c] for c in COLUMNS])
        return out.getvalue()
    doc = {
        "parties": [{k: v for k, v in registry.party_snapshot(p).items() if v} for p in parties],
        "areas": [{k: v for k, v in row.items() if v} for row in rows],
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
