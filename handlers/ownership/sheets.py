"""Spreadsheets as tables of text cells: CSV and Excel (.xlsx) in and out, and the classic RACI
grid (areas as rows, parties as columns, R/A/C/I in the cells).

Everything here is plain blocking code (openpyxl is): callers run it in a thread. Each row keeps
its number in the file, so every error can say where it is ("line 4", "cell D4").
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_ROWS = 100_000  # more than any registry; a larger sheet is refused, not read to the end
MAX_COLUMNS = 500
ROLE_WORDS = {"RESPONSIBLE": "R", "ACCOUNTABLE": "A", "CONSULTED": "C", "INFORMED": "I"}
_EMPTY = {"", "-", "–", "—", "N/A", "NA", "X/A"}
_SEPARATORS = re.compile(r"[\s/,;+&|]+")


@dataclass
class Table:
    """Rows of text cells, each with its line (CSV) or row (Excel) number."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    excel: bool = False
    sheet: str = ""
    list_separator: str = ";"  # inside a cell: "PMO; Oversight Team" (or "," when ";" separates cells)

    def at(self, number: int) -> str:
        return f"{self.sheet + ' sheet, ' if self.sheet else ''}{'row' if self.excel else 'line'} {number}"

    def cell(self, number: int, column: int, header: str = "") -> str:
        named = f" ({header})" if header else ""
        if self.excel:
            return f"{self.sheet + ' sheet, ' if self.sheet else ''}cell {column_letter(column)}{number}{named}"
        return f"line {number}, column {column + 1}{named}"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------------- reading


def read_csv(text: str) -> tuple[Table, list[str]]:
    """A CSV file (comma-, semicolon- or tab-separated, as spreadsheets save it) as a Table."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ","
    if "," not in first:
        delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    table = Table(list_separator="," if delimiter == ";" else ";")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            return table, [f"line {line}: {exc} (is the file truncated?)"]
        if len(table.rows) >= MAX_ROWS:
            return table, [f"line {line}: the file has more than {MAX_ROWS:,} rows"]
        table.rows.append((line, [c.strip() for c in cells]))
        line = reader.line_num + 1
    return table, []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> tuple[Table, Table | None, list[str]]:
    """The RACI sheet (named "RACI", else the first) and the "Parties" sheet if there is one."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        return Table(excel=True), None, [f"the file: not an Excel workbook (.xlsx) I can read ({str(exc)[:120]})"]
    try:
        sheets = {sheet.title.strip().lower(): sheet for sheet in book.worksheets}
        if not sheets:
            return Table(excel=True), None, ["the file: the workbook has no sheets"]
        main = sheets.get("raci") or book.worksheets[0]
        extra = sheets.get("parties")
        errors: list[str] = []
        table = _sheet(main, errors, named="")
        parties = _sheet(extra, errors, named=extra.title) if extra is not None and extra is not main else None
        return table, parties, errors
    finally:
        book.close()


def _sheet(sheet: Any, errors: list[str], *, named: str) -> Table:
    table = Table(excel=True, sheet=named)
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        if number > MAX_ROWS:
            errors.append(f"{table.at(number)}: the sheet has more than {MAX_ROWS:,} rows")
            break
        if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
            errors.append(f"{table.at(number)}: more than {MAX_COLUMNS} columns")
            break
        table.rows.append((number, [_text(v) for v in values[:MAX_COLUMNS]]))
    return table


def header_row(table: Table) -> int:
    """Index of the header: the first row with two or more cells filled (title rows above it are skipped)."""
    for i, (_, cells) in enumerate(table.rows):
        if sum(1 for c in cells if c) >= 2:
            return i
    return len(table.rows)


# ------------------------------------------------------------------------------ RACI grid


def roles_in(cell: str) -> set[str] | None:
    """'A/R' → {'A', 'R'}; '' → set(); None when the cell is not R/A/C/I ('S', 'yes')."""
    text = cell.strip().upper()
    if text in _EMPTY:
        return set()
    found: set[str] = set()
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        if part in ROLE_WORDS:
            found.add(ROLE_WORDS[part])
        elif set(part) <= set("RACI") and len(part) <= 4:
            found |= set(part)
        else:
            return None
    return found


def looks_like_grid(table: Table, start: int, extra_columns: Iterable[str]) -> bool:
    """A grid: below the header, the cells under party columns are R/A/C/I codes, and at least
    one is (so a row-per-area file with a wrong header is not taken for one)."""
    header = [h.strip().lower() for h in table.rows[start][1]]
    party_columns = [i for i, h in enumerate(header) if i > 0 and h not in extra_columns]
    codes = other = 0
    for _, cells in table.rows[start + 1 :]:
        for i in party_columns:
            if i < len(cells) and cells[i]:
                if roles_in(cells[i]):
                    codes += 1
                else:
                    other += 1
    return codes > 0 and codes >= 4 * other


# ------------------------------------------------------------------------------- writing


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def to_xlsx(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    """A workbook with one sheet per (title, rows): bold, frozen header row, filters, sensible widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if rows:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "B2"
            sheet.auto_filter.ref = sheet.dimensions
            for i in range(len(rows[0])):
                width = max(len(str(row[i])) if i < len(row) else 0 for row in rows[:500])
                sheet.column_dimensions[column_letter(i)].width = min(max(width + 2, 6), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
