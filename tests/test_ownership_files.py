"""RACI matrix import/export: whole-file checks with line numbers, all or nothing, round trips."""

import pytest

from handlers.ownership import matrix
from tests.conftest import ADMIN

GOOD_CSV = """area,accountable,responsible,consulted,informed,aliases,notes
Risk register,PMO,PMO; Oversight Team,Enterprise Architect,,risks; risk log,"Reviewed monthly, with the board"
Enterprise roadmap,Leadership Team,PMO,,Oversight Team,the roadmap,
"""


async def test_csv_import_adds_and_updates_areas(bot, db, workspace, person):
    await bot.ensure_workspace(workspace, "console")
    result = await matrix.import_matrix(db, workspace, GOOD_CSV, "csv", actor=ADMIN)
    assert result.created == ["Risk register"] and result.updated == ["Enterprise roadmap"]
    out = await person().say("who owns the risk log?")
    assert "PMO is accountable for Risk register." in out
    assert "Responsible  Oversight Team (#oversight-team), PMO (#pmo)" in out
    assert "Reviewed monthly, with the board" in out
    assert "Leadership Team is accountable for Enterprise roadmap." in await person().say("who owns the roadmap")


async def test_bad_file_reports_every_bad_line_and_imports_nothing(bot, db, workspace, person):
    await bot.ensure_workspace(workspace, "console")
    text = (
        "area,accountable,responsible,consulted,informed,aliases,notes\n"
        "Risk register,PMO,,,,,\n"  # line 2: fine
        ",PMO,,,,,\n"  # line 3: no name
        "Budget review,PMO; Oversight Team,,,,,\n"  # line 4: two Accountables
        "Hiring,Human Resources,,,,,\n"  # line 5: unknown party
        "Risk register,PMO,,,,,\n"  # line 6: duplicate
        "Vendor list,,,,,,\n"  # line 7: no Accountable
        "Tooling,PMO,,,,,,,,\n"  # line 8: too many cells
    )
    with pytest.raises(matrix.ImportFailed) as failure:
        await matrix.import_matrix(db, workspace, text, "csv", actor=ADMIN)
    errors = failure.value.errors
    assert [e.split(":")[0] for e in errors] == ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8"]
    assert "exactly one is allowed" in errors[1] and "unknown party “Human Resources”" in errors[2]
    assert "first on line 2" in errors[3] and "10 cells, but the header has 7 columns" in errors[5]
    assert "is accountable for Risk register" not in await person().say("who owns the risk register?")


@pytest.mark.parametrize(
    "text, fmt, message",
    [
        ("", "csv", "the file is empty"),
        ("area,owner\nX,PMO\n", "csv", "line 1: missing column(s) accountable; unknown column(s) owner"),
        ('area,accountable\nRisk register,"PMO\n', "csv", "line 2:"),
        ("areas:\n  - area: X\n    accountable: [PMO\n", "yaml", "not valid YAML"),
        ("just a string", "yaml", "expected a mapping"),
        ("areas:\n  - area: X\n    accountable: [PMO, Oversight Team]\n", "yaml", "line 2: “X” has 2 Accountable"),
        (
            "parties:\n  - name: Finance\nareas:\n  - area: X\n    accountable: Finance\n"
            "  - area: Y\n    accountable: Nobody\n",
            "yaml",
            "line 6: unknown party “Nobody”",
        ),
    ],
)
async def test_malformed_files_get_clear_messages(bot, db, workspace, text, fmt, message):
    await bot.ensure_workspace(workspace, "console")
    with pytest.raises(matrix.ImportFailed) as failure:
        await matrix.import_matrix(db, workspace, text, fmt, actor=ADMIN)
    assert any(message in e for e in failure.value.errors), failure.value.errors
    _, rows = await matrix.export_rows(db, workspace)
    assert {r["area"] for r in rows} >= {"Enterprise roadmap"} and "X" not in {r["area"] for r in rows}


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
async def test_export_then_import_round_trips(bot, db, workspace, person, fmt):
    await person(ADMIN).say("area verify enterprise roadmap")
    await bot.ensure_workspace(workspace, "console")
    exported = await matrix.export_matrix(db, workspace, fmt)
    target = workspace + "-copy"
    await bot.ensure_workspace(target, "console", seed=fmt == "csv")  # CSV carries no parties
    await matrix.import_matrix(db, target, exported, fmt, actor=ADMIN)
    assert await matrix.export_matrix(db, target, fmt) == exported
    out = await person(workspace_id=target).say("who owns the enterprise roadmap?")
    assert "PMO is accountable for Enterprise roadmap." in out
    if fmt == "yaml":
        assert f"by {ADMIN}" in out  # verification travels with YAML
