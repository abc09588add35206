"""RACI matrix files: CSV, Excel (.xlsx) and YAML, in and out.

Two spreadsheet layouts are read, told apart by their header: one row per area (`area,
accountable, responsible, consulted, informed, aliases, notes, verify_every_days`), or the classic
grid (areas as rows, parties as columns, R/A/C/I or combinations like "A/R" in the cells).

Import checks the whole file and reports every problem with its place ("line 4", "cell D4")
before anything is written, then writes everything in one transaction: all or nothing. Parties
a spreadsheet names that the registry does not know yet are created, unless the name is close
to a known one ("Project Mgmt Office" beside "PMO"): that is an error with the suggestion, not a
second PMO. Each listed area gets the RACI the file gives it; its aliases, notes and verification
interval keep their value where the file has no column for them. Parsing and building files is
blocking work (openpyxl), so it runs in a thread. Export writes the same formats back.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from sqlmodel import select

from handlers.ownership import freshness, names, registry, sheets
from handlers.ownership.matching import key
from storage.db import Database
from storage.models import Area, AreaAlias, Assignment, Party

COLUMNS = ("area", "accountable", "responsible", "consulted", "informed", "aliases", "notes", "verify_every_days")
ROLE_COLUMNS = ("accountable", "responsible", "consulted", "informed")
LIST_COLUMNS = ("responsible", "consulted", "informed", "aliases")
EXTRA_COLUMNS = ("aliases", "notes", "verify_every_days")  # beside the parties of a grid
PARTY_COLUMNS = ("name", "contact", "description", "aliases")
HEADER_ALIASES = {"verify_every": "verify_every_days", "verify_every_(days)": "verify_every_days"}
CODES = {"A": "accountable", "R": "responsible", "C": "consulted", "I": "informed"}
FORMATS = ("csv", "xlsx", "yaml")
MAX_BYTES = 20 * 1024 * 1024
_PLACE = re.compile(r"(?:line|row|cell [A-Z]+) (\d+)")


class ImportFailed(ValueError):
    def __init__(self, errors: list[str]) -> None:
        errors = sorted(errors, key=_place_of)  # in file order, whichever check found them
        super().__init__("\n".join(errors))
        self.errors = errors


def _place_of(error: str) -> int:
    m = _PLACE.match(error.split(":", 1)[0].split("sheet, ")[-1])
    return int(m[1]) if m else 0


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)  # parties the file describes (YAML, a Parties sheet)
    new_parties: list[str] = field(default_factory=list)  # parties created because areas name them
    skipped: list[str] = field(default_factory=list)  # grid rows without any R/A/C/I (headings?)


@dataclass
class Parsed:
    """A file read but not yet checked against the registry."""

    at: Callable[[int], str]
    parties: list[dict[str, Any]] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)  # with "line" and "refs": [(party, place, column)]
    errors: list[str] = field(default_factory=list)
    named: list[tuple[str, str]] = field(default_factory=list)  # grid header parties: (name, place)
    creates_parties: bool = True  # spreadsheets create the parties they name; YAML lists them
    skipped: list[str] = field(default_factory=list)
    new_parties: list[str] = field(default_factory=list)  # set by validate(): named, not known, to create


def _lines(number: int) -> str:
    return f"line {number}"


def _split(cell: Any, separator: str = ";") -> list[str]:
    if cell is None:
        return []
    if isinstance(cell, list):
        return [str(x).strip() for x in cell if str(x).strip()]
    return [part.strip() for part in str(cell).replace("|", separator).split(separator) if part.strip()]


def _column(header: str) -> str:
    name = re.sub(r"[\s-]+", "_", header.strip().lower())
    return HEADER_ALIASES.get(name, name)


def _interval(value: str, place: str, errors: list[str]) -> int | None:
    try:
        return freshness.parse_interval(value)
    except ValueError as exc:
        errors.append(f"{place}: {exc}")
        return None


# ------------------------------------------------------------------------------- parsing


def decode(data: bytes) -> str:
    """Text as spreadsheets save it: UTF-8 (with or without BOM), UTF-16, or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFailed(["the file: not UTF-8 text (save it as “CSV UTF-8”)"]) from None


def parse(data: bytes | str, fmt: str) -> Parsed:
    """Blocking: run it in a thread inside the server."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use csv, xlsx or yaml")
    if isinstance(data, bytes) and fmt != "xlsx":
        if data.startswith(b"PK\x03\x04"):
            return Parsed(_lines, errors=["the file: this is an Excel workbook; name it .xlsx or use --format xlsx"])
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            return Parsed(_lines, errors=["the file: this is the old Excel .xls format; save it as .xlsx"])
        data = decode(data)
    if fmt == "yaml":
        return parse_yaml(data if isinstance(data, str) else decode(data))
    if fmt == "csv":
        table, errors = sheets.read_csv(data if isinstance(data, str) else decode(data))
        party_table = None
    else:
        if isinstance(data, str) or data.startswith(b"\xd0\xcf\x11\xe0"):
            return Parsed(_lines, errors=["the file: not an .xlsx workbook (an old .xls? save it as .xlsx)"])
        table, party_table, errors = sheets.read_xlsx(data)
    if errors:
        return Parsed(table.at, errors=errors)
    parsed = parse_table(table)
    if party_table is not None:
        parsed.parties, errors = parse_party_table(party_table)
        parsed.errors += errors
    return parsed


def parse_table(table: sheets.Table) -> Parsed:
    """One row per area, or a grid: decided by the header and what is under it."""
    start = sheets.header_row(table)
    if start == len(table.rows):
        return Parsed(
            table.at,
            errors=[
                "the file is empty: expected a header line with " + ", ".join(COLUMNS) + " (one row per area), "
                "or a grid with areas as rows, parties as columns and R/A/C/I in the cells"
            ],
        )
    header = [_column(h) for h in table.rows[start][1]]
    if "accountable" not in header and sheets.looks_like_grid(table, start, EXTRA_COLUMNS):
        return _grid(table, start)
    return _rows(table, start)


def _width(cells: list[str]) -> int:
    return max((i + 1 for i, c in enumerate(cells) if c), default=0)


def _rows(table: sheets.Table, start: int) -> Parsed:
    number, cells = table.rows[start]
    header = [_column(h) for h in cells[: _width(cells)]]
    parsed = Parsed(table.at)
    unknown = [h or "(empty)" for h in header if h not in COLUMNS]
    missing = [c for c in ("area", "accountable") if c not in header]
    twice = sorted({h for h in header if header.count(h) > 1 and h in COLUMNS})
    if unknown or missing or twice:
        problem = [f"missing column(s) {', '.join(missing)}"] if missing else []
        problem += [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        problem += [f"column(s) given twice: {', '.join(twice)}"] if twice else []
        parsed.errors.append(f"{table.at(number)}: {'; '.join(problem)} (columns are: {', '.join(COLUMNS)})")
        return parsed
    for number, cells in table.rows[start + 1 :]:
        width = _width(cells)
        if not width:
            continue
        if width > len(header):
            parsed.errors.append(f"{table.at(number)}: {width} cells, but the header has {len(header)} columns")
            continue
        row: dict[str, Any] = {"line": number, **{c: [] for c in ROLE_COLUMNS}}
        for i, (column, value) in enumerate(zip(header, cells, strict=False)):
            if column in LIST_COLUMNS or column == "accountable":
                row[column] = _split(value, table.list_separator)
            elif column == "verify_every_days":
                row[column] = _interval(value, table.cell(number, i, column), parsed.errors)
            else:
                row[column] = value
        row["refs"] = [(p, table.at(number), c) for c in ROLE_COLUMNS for p in row[c]]
        parsed.areas.append(row)
    return parsed


def _grid(table: sheets.Table, start: int) -> Parsed:
    number, header = table.rows[start]
    parsed = Parsed(table.at)
    parties: list[tuple[int, str]] = []
    extras: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, text in enumerate(header[1:], start=1):
        if _column(text) in EXTRA_COLUMNS:
            extras[i] = _column(text)
        elif text:
            place = table.cell(number, i)
            if key(text) in seen:
                parsed.errors.append(f"{place}: the party “{text}” has a column already ({seen[key(text)]})")
            seen.setdefault(key(text), place)
            parties.append((i, text))
            parsed.named.append((text, place))
    party_columns = dict(parties)
    for number, cells in table.rows[start + 1 :]:
        if not _width(cells):
            continue
        name = cells[0] if cells else ""
        holders: dict[str, list[str]] = {c: [] for c in ROLE_COLUMNS}
        refs, bad = [], False
        for i, party in parties:
            code = cells[i] if i < len(cells) else ""
            roles = sheets.roles_in(code)
            if roles is None:
                parsed.errors.append(
                    f"{table.cell(number, i, party)}: “{code[:20]}” is not R, A, C or I (combinations like A/R do)"
                )
                bad = True
                continue
            for role in sorted(roles):
                holders[CODES[role]].append(party)
                refs.append((party, table.cell(number, i, party), CODES[role]))
        orphans = [i for i, c in enumerate(cells) if c and i > 0 and i not in extras and i not in party_columns]
        for i in orphans:
            parsed.errors.append(f"{table.cell(number, i)}: “{cells[i][:20]}” is in a column with no party name")
        if not refs and not bad and not orphans:
            parsed.skipped.append(f"{table.at(number)} “{name[:60]}”" if name else table.at(number))
            continue
        if not name:
            parsed.errors.append(f"{table.at(number)}: R/A/C/I given but no area name in the first column")
            continue
        row: dict[str, Any] = {"line": number, "area": name, **holders, "refs": refs}
        for i, column in extras.items():
            value = cells[i] if i < len(cells) else ""
            if column == "aliases":
                row[column] = _split(value, table.list_separator)
            elif column == "verify_every_days":
                row[column] = _interval(value, table.cell(number, i, column), parsed.errors)
            else:
                row[column] = value
        parsed.areas.append(row)
    return parsed


def parse_party_table(table: sheets.Table) -> tuple[list[dict[str, Any]], list[str]]:
    """The Parties sheet of a workbook: name, contact, description, aliases."""
    start = sheets.header_row(table)
    if start == len(table.rows):
        return [], []
    number, cells = table.rows[start]
    header = [_column(h) for h in cells[: _width(cells)]]
    unknown = [h or "(empty)" for h in header if h not in PARTY_COLUMNS]
    if "name" not in header or unknown:
        return [], [f"{table.at(number)}: the Parties sheet needs columns {', '.join(PARTY_COLUMNS)} (name required)"]
    parties = []
    for number, cells in table.rows[start + 1 :]:
        if _width(cells):
            party: dict[str, Any] = {"line": number, "where": table.at(number)}
            for column, value in zip(header, cells, strict=False):
                party[column] = _split(value, table.list_separator) if column == "aliases" else value
            parties.append(party)
    return parties, []


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line number, so errors can point at it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["line"] = node.start_mark.line + 1
        return mapping


def parse_yaml(text: str) -> Parsed:
    parsed = Parsed(_lines, creates_parties=False)
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "the file"
        parsed.errors.append(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})")
        return parsed
    if not isinstance(doc, dict) or not ({"parties", "areas"} & doc.keys()):
        parsed.errors.append("the file: expected a mapping with “parties:” and/or “areas:” lists")
        return parsed
    for section in ("parties", "areas"):
        items = doc.get(section) or []
        if not isinstance(items, list):
            parsed.errors.append(f"line {doc['line']}: “{section}” must be a list")
            items = []
        for item in items:
            if not isinstance(item, dict):
                parsed.errors.append(f"“{section}”: every entry must be a mapping, got {str(item)[:40]!r}")
                continue
            item = dict(item)
            if "aliases" in item:
                item["aliases"] = _split(item["aliases"])
            if section == "parties":
                item["where"] = _lines(item["line"])
                parsed.parties.append(item)
                continue
            for column in ROLE_COLUMNS:
                item[column] = _split(item.get(column))
            if "verify_every_days" in item:
                item["verify_every_days"] = _interval(
                    str(item["verify_every_days"] or ""), _lines(item["line"]), parsed.errors
                )
            item["refs"] = [(p, _lines(item["line"]), c) for c in ROLE_COLUMNS for p in item[c]]
            parsed.areas.append(item)
    return parsed


# ---------------------------------------------------------------------------- validation


def validate(
    parsed: Parsed, known_parties: dict[str, Party], known_areas: dict[str, tuple[str, bool]] | None = None
) -> list[str]:
    """Every problem in the file, each with its place; fills `parsed.new_parties`-to-be."""
    errors: list[str] = []
    at = parsed.at
    declared: dict[str, str] = {}
    for p in parsed.parties:
        name = " ".join(str(p.get("name") or "").split())
        if not key(name):
            errors.append(f"{p['where']}: a party without a name")
            continue
        for text in [name, *p.get("aliases", [])]:
            declared.setdefault(key(text), name)
    texts = {text: party.name for party in known_parties.values() for text in [party.name, *party.aliases]}
    texts |= {name: name for name in declared.values()}
    new: dict[str, str] = {}

    def check(name: str, place: str, column: str) -> None:
        k = key(name)
        if not k or k in known_parties or k in declared or k in new:
            return
        near = list(dict.fromkeys(texts[t] for t in names.close(name, texts, abbreviations=True)))
        near += [n for n in names.close(name, new.values()) if n not in near]
        role = f" ({column})" if column else ""
        if near:
            which = " or ".join(f"“{n}”" for n in near)
            errors.append(
                f"{place}: “{name}”{role} is not a party yet but is close to {which}: write that name if you mean it, "
                f"or add the new party first (party set {name}) if it is another one"
            )
        elif not parsed.creates_parties:
            errors.append(f"{place}: unknown party “{name}” in {column}")
        else:
            new[k] = name

    for name, place in parsed.named:
        check(name, place, "")
    for a in parsed.areas:
        for name, place, column in a.get("refs", []):
            check(name, place, column)
    parsed.new_parties = list(new.values())

    seen_areas: dict[str, int] = {}
    seen_aliases: dict[str, tuple[str, int]] = {}
    for a in parsed.areas:
        line, name = a["line"], " ".join(str(a.get("area") or "").split())
        if not key(name):
            errors.append(f"{at(line)}: the area name is empty")
            continue
        if len(name) > registry.MAX_NAME:
            errors.append(f"{at(line)}: the area name is longer than {registry.MAX_NAME} characters")
        if key(name) in seen_areas:
            errors.append(f"{at(line)}: the area “{name}” appears again (first on {at(seen_areas[key(name)])})")
        seen_areas.setdefault(key(name), line)
        other = (known_areas or {}).get(key(name))
        if other and not other[1]:
            errors.append(
                f"{at(line)}: “{name}” is another name (alias) of the area “{other[0]}”: "
                f"write “{other[0]}” to change that area, or add the new area first (area add {name})"
            )
        accountable = a["accountable"]
        if not accountable:
            errors.append(f"{at(line)}: “{name}” has no Accountable party (exactly one is required)")
        elif len(accountable) > 1:
            errors.append(
                f"{at(line)}: “{name}” has {len(accountable)} Accountable parties "
                f"({', '.join(accountable)}); exactly one is allowed"
            )
        for alias in a.get("aliases", []):
            other_alias = seen_aliases.get(key(alias))
            if other_alias and other_alias[0] != key(name):
                errors.append(f"{at(line)}: the alias “{alias}” is also given to another area on {at(other_alias[1])}")
            seen_aliases.setdefault(key(alias), (key(name), line))
    return errors


# ----------------------------------------------------------------------------- importing


async def import_matrix(
    db: Database, workspace: str, data: bytes | str, fmt: str, *, actor: str, now: datetime | None = None
) -> ImportResult:
    size = len(data) if isinstance(data, bytes) else len(data.encode())
    if size > MAX_BYTES:
        raise ImportFailed([f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"])
    parsed = await asyncio.to_thread(parse, data, fmt)  # openpyxl and big files block: not on the event loop
    async with db.session() as session:
        known = registry.party_lookup(await registry.all_parties(session, workspace))
        areas = await registry.area_keys(session, workspace)
        errors = parsed.errors + validate(parsed, known, areas)
        if errors:
            raise ImportFailed(errors)
        result = await write_matrix(
            session,
            workspace,
            parsed.parties,
            parsed.areas,
            actor=actor,
            now=now,
            new_parties=parsed.new_parties,
            at=parsed.at,
        )
        result.skipped = parsed.skipped
        return result


async def write_matrix(
    session: Any,
    workspace: str,
    parties: list[dict[str, Any]],
    areas: list[dict[str, Any]],
    *,
    actor: str,
    now: datetime | None = None,
    new_parties: list[str] = (),
    at: Callable[[int], str] = _lines,
) -> ImportResult:
    """Write validated rows; any RegistryError aborts the surrounding transaction."""
    result = ImportResult()
    errors: list[str] = []
    fields = ("name", "description", "contact", "aliases")
    for p in parties:
        existing = await registry.party_named(session, workspace, str(p["name"]))
        snap = registry.party_snapshot(existing) if existing else {}
        snap.update({k: v for k, v in p.items() if k in fields})
        try:
            await registry.write_party(session, workspace, snap, actor=actor, existing=existing, now=now)
            result.parties.append(str(p["name"]))
        except registry.RegistryError as exc:
            errors.append(f"{p['where']}: {exc}")
    for name in new_parties:
        await registry.write_party(session, workspace, {"name": name}, actor=actor, now=now)
        result.new_parties.append(name)
    lookup = registry.party_lookup(await registry.all_parties(session, workspace))
    kept = ("area", "accountable", "responsible", "consulted", "informed", *EXTRA_COLUMNS, "verified_at", "verified_by")
    for a in areas:
        existing = await registry.area_named(session, workspace, str(a["area"]))
        snap = registry.area_snapshot(await registry.area_view(session, existing)) if existing else {}
        snap.update({k: v for k, v in a.items() if k in kept})
        try:
            entry = await registry.write_area(
                session, workspace, snap, actor=actor, action="area.import", existing=existing, parties=lookup, now=now
            )
        except registry.RegistryError as exc:
            errors.append(f"{at(a['line'])}: {exc}")
            continue
        (result.unchanged if entry is None else result.updated if existing else result.created).append(str(a["area"]))
    if errors:
        raise ImportFailed(errors)
    return result


# ----------------------------------------------------------------------------- exporting


async def export_rows(db: Database, workspace: str) -> tuple[list[Party], list[dict[str, Any]]]:
    async with db.session() as session:
        parties = await registry.all_parties(session, workspace)
        names_by_id = {p.id: p.name for p in parties}
        areas = (await session.exec(select(Area).where(Area.workspace == workspace).order_by(Area.name))).all()
        cells: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for area_id, party_id, role in await session.exec(
            select(Assignment.area_id, Assignment.party_id, Assignment.role).where(Assignment.workspace == workspace)
        ):
            cells[area_id][role].append(names_by_id[party_id])
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
        row["verify_every_days"] = area.verify_every_days
        row["verified_at"] = area.verified_at.isoformat() if area.verified_at else None
        row["verified_by"] = area.verified_by
        rows.append(row)
    return parties, rows


def _row_layout(rows: list[dict[str, Any]]) -> list[list[str]]:
    def cell(row: dict[str, Any], column: str) -> str:
        value = row[column]
        return "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)

    return [list(COLUMNS), *([cell(row, c) for c in COLUMNS] for row in rows)]


def _grid_layout(parties: list[Party], rows: list[dict[str, Any]]) -> list[list[str]]:
    out = [["area", *(p.name for p in parties), *EXTRA_COLUMNS]]
    for row in rows:
        codes = [
            "/".join(code for code, column in CODES.items() if party.name in _split(row[column])) for party in parties
        ]
        out.append([row["area"], *codes, "; ".join(row["aliases"]), row["notes"], str(row["verify_every_days"] or "")])
    return out


async def export_matrix(db: Database, workspace: str, fmt: str, layout: str = "rows") -> str | bytes:
    """The registry as CSV or YAML text, or an .xlsx workbook (bytes); `layout` "grid" for the grid."""
    parties, rows = await export_rows(db, workspace)
    if fmt == "yaml":
        doc = {
            "parties": [{k: v for k, v in registry.party_snapshot(p).items() if v} for p in parties],
            "areas": [{k: v for k, v in row.items() if v} for row in rows],
        }
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    table = _grid_layout(parties, rows) if layout == "grid" else _row_layout(rows)
    if fmt == "csv":
        return await asyncio.to_thread(sheets.to_csv, table)
    people = [list(PARTY_COLUMNS)] + [[p.name, p.contact, p.description, "; ".join(p.aliases)] for p in parties]
    return await asyncio.to_thread(sheets.to_xlsx, [("RACI", table), ("Parties", people)])
