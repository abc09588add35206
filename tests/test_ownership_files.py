"""RACI matrix files through `pmo-bot ownership import|export`, run in-process on real files: CSV,
Excel and YAML, one row per area or the classic grid; whole-file checks with line and cell
numbers, all or nothing, round trips."""

import threading

import openpyxl
import pytest

from bot.assembly import cli
from handlers.ownership import matrix, sheets
from handlers.ownership.registry import RegistryCache
from tests.conftest import ADMIN


@pytest.fixture
def pmo_bot(bot, settings, db, capsys, monkeypatch, tmp_path):
    """`pmo-bot ARGS…` as main() runs it once the database is up; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    async def run(*argv: str) -> tuple[int, str, str]:
        args = cli.parse_args(["ownership", *argv, "--user", ADMIN])
        code = await cli.ownership(args, settings, db)
        # The command is another process to the chatting bot, which trusts its registry for a second.
        bot.services.own(RegistryCache).forget(args.workspace)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def xlsx(path, rows, *, title="RACI", more=()):
    """A workbook as a PMO would keep it: a sheet of rows (and maybe more sheets)."""
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    for name, extra in more:
        sheet = book.create_sheet(name)
        for row in extra:
            sheet.append(row)
    book.save(path)
    return path


async def test_a_csv_export_imports_into_a_fresh_install_creating_the_parties_it_names(
    pmo_bot, person, workspace, tmp_path
):
    await person().say("hello")
    code, _, err = await pmo_bot("export", "--workspace", workspace, "--out", "raci.csv")
    assert code == 0 and "Wrote raci.csv" in err
    fresh = workspace + "-fresh"
    code, out, err = await pmo_bot("import", "raci.csv", "--workspace", fresh)
    assert code == 0, err
    assert "Imported raci.csv: 9 area(s) added, 0 updated, 0 unchanged" in out
    assert (
        "New parties (5), named in the file and created without a contact: PMO, Coaching Community, "
        "Leadership Team, Enterprise Architect, Oversight Team." in out
    )
    assert "PMO is accountable for Enterprise roadmap." in await person(workspace_id=fresh).say("who owns the roadmap")
    code, _, _ = await pmo_bot("export", "--workspace", fresh, "--out", "again.csv")
    assert (tmp_path / "again.csv").read_text() == (tmp_path / "raci.csv").read_text()


async def test_a_party_name_close_to_a_known_one_is_an_error_with_a_suggestion(pmo_bot, person, workspace, tmp_path):
    await person().say("hello")
    (tmp_path / "raci.csv").write_text(
        "area,accountable,responsible,consulted\n"
        "Risk register,Project Mgmt Office,Human Resources,\n"
        "Vendor list,Finance,Finanse,Oversight Team\n"
        "Hiring,Human Resources,,Leadership\n",
        encoding="utf-8",
    )
    code, out, err = await pmo_bot("import", "raci.csv", "--workspace", workspace)
    assert code == 1 and out == ""
    assert "Nothing was imported: 2 problem(s) in raci.csv:" in err
    assert (
        "line 2: “Project Mgmt Office” (accountable) is not a party yet but is close to “PMO”: write that name "
        "if you mean it, or add the new party first (party set Project Mgmt Office) if it is another one" in err
    )
    assert "line 3: “Finanse” (responsible) is not a party yet but is close to “Finance”" in err
    assert "Human Resources" not in err  # a new name far from every party is simply created…
    assert "I don't know a party called “Finance”" in await person().say("what does Finance own?")  # …but not now

    (tmp_path / "raci.csv").write_text(
        "area,accountable,responsible,consulted\n"
        "Risk register,PMO,Human Resources,\n"
        "Hiring,Human Resources,,Leadership\n",
        encoding="utf-8",
    )
    code, out, err = await pmo_bot("import", "raci.csv", "--workspace", workspace)
    assert code == 0, err
    assert "New parties (1), named in the file and created without a contact: Human Resources." in out
    out = await person().say("who owns hiring?")
    assert "Human Resources is accountable for Hiring." in out and "Consulted    Leadership Team" in out  # an alias


async def test_a_bad_file_reports_every_bad_line_and_imports_nothing(pmo_bot, person, workspace, tmp_path):
    await person().say("hello")
    (tmp_path / "bad.csv").write_text(
        "area,accountable,responsible,consulted,informed,aliases,notes\n"
        "Risk register,PMO,,,,,\n"  # line 2: fine
        ",PMO,,,,,\n"  # line 3: no name
        "Budget review,PMO; Oversight Team,,,,,\n"  # line 4: two Accountables
        "Hiring,Human Resourses,,,,,Human Resources\n"  # line 5: fine (a new party)
        "Risk register,PMO,,,,,\n"  # line 6: duplicate
        "Vendor list,,,,,,\n"  # line 7: no Accountable
        "Tooling,PMO,,,,,,,x\n"  # line 8: too many cells
        "Roadmap,PMO,,,,,\n"  # line 9: an alias of Enterprise roadmap
    )
    code, _, err = await pmo_bot("import", "bad.csv", "--workspace", workspace)
    assert code == 1
    errors = err.splitlines()[1:]
    assert [e.split(":")[0].strip() for e in errors] == ["line 3", "line 4", "line 6", "line 7", "line 8", "line 9"]
    assert "exactly one is allowed" in errors[1] and "first on line 2" in errors[2]
    assert "9 cells, but the header has 7 columns" in errors[4]
    assert "“Roadmap” is another name (alias) of the area “Enterprise roadmap”" in errors[5]
    assert "is accountable for Risk register" not in await person().say("who owns the risk register?")
    assert "I don't know a party called" in await person().say("what does Human Resourses own?")


@pytest.mark.parametrize(
    "text, fmt, message",
    [
        ("", "csv", "the file is empty"),
        ("area,owner\nX,PMO\n", "csv", "line 1: missing column(s) accountable; unknown column(s) owner"),
        ('area,accountable\nRisk register,"PMO\n', "csv", "line 2:"),
        ("area,accountable,verify_every_days\nX,PMO,often\n", "csv", "line 2, column 3 (verify_every_days): I can't"),
        ("areas:\n  - area: X\n    accountable: [PMO\n", "yaml", "not valid YAML"),
        ("just a string", "yaml", "expected a mapping"),
        ("areas:\n  - area: X\n    accountable: [PMO, Oversight Team]\n", "yaml", "line 2: “X” has 2 Accountable"),
        (
            "parties:\n  - name: Finance\nareas:\n  - area: X\n    accountable: Finance\n"
            "  - area: Y\n    accountable: Nobody\n",
            "yaml",
            "line 6: unknown party “Nobody”",  # YAML lists its parties: a name not among them is an error
        ),
        ("not a zip at all", "xlsx", "the file: not an Excel workbook (.xlsx) I can read"),
    ],
)
async def test_malformed_files_get_clear_messages(bot, db, workspace, text, fmt, message):
    await bot.ensure_workspace(workspace, "console")
    with pytest.raises(matrix.ImportFailed) as failure:
        await matrix.import_matrix(db, workspace, text.encode(), fmt, actor=ADMIN)
    assert any(message in e for e in failure.value.errors), failure.value.errors
    _, rows = await matrix.export_rows(db, workspace)
    assert {r["area"] for r in rows} >= {"Enterprise roadmap"} and "X" not in {r["area"] for r in rows}


@pytest.mark.parametrize(
    "name, layout",
    [("raci.csv", "rows"), ("raci.yml", "rows"), ("raci.xlsx", "rows"), ("grid.csv", "grid"), ("grid.xlsx", "grid")],
)
async def test_export_then_import_round_trips(pmo_bot, person, workspace, name, layout):
    admin = person(ADMIN)
    await admin.say("area verify enterprise roadmap")
    await admin.say("area set Delivery framework; verify every: 30 days")
    code, _, err = await pmo_bot("export", "--workspace", workspace, "--layout", layout, "--out", name)
    assert code == 0, err
    target = workspace + "-copy"
    code, out, err = await pmo_bot("import", name, "--workspace", target)
    assert code == 0, err
    assert "9 area(s) added" in out
    _, mine, _ = await pmo_bot("export", "--workspace", workspace, "--format", "yaml")
    _, theirs, _ = await pmo_bot("export", "--workspace", target, "--format", "yaml")
    if not name.endswith(".yml"):  # spreadsheets carry no verification
        mine = "".join(line for line in mine.splitlines(keepends=True) if "verified" not in line)
    if name.endswith(".csv"):  # nor, in CSV, party details: the areas are the same
        mine, theirs = mine.split("areas:")[1], theirs.split("areas:")[1]
    assert mine == theirs  # a workbook's Parties sheet brings contacts and descriptions along
    out = await person(workspace_id=target).say("who owns the enterprise roadmap?")
    assert "PMO is accountable for Enterprise roadmap." in out


async def test_the_classic_grid_imports_from_a_workbook_with_cell_numbered_errors(pmo_bot, person, workspace, tmp_path):
    await person().say("hello")
    grid = [
        ["RACI matrix, IT operations"],  # a title row above the header
        [],
        ["Activity", "PMO", "Finance", "Service desk", "Notes"],
        ["Planning"],  # a section heading: no R/A/C/I
        ["Release calendar", "A/R", "i", "C", "Agreed with the CAB"],
        ["Cost reports", "A", "S", "", ""],  # S is not a RACI role
        ["Incident reviews", "A", "A", "R", ""],  # two Accountables
        ["Change freeze", "R", "", "", ""],  # no Accountable
    ]
    path = xlsx(tmp_path / "grid.xlsx", grid)
    code, _, err = await pmo_bot("import", str(path), "--workspace", workspace)
    assert code == 1
    errors = err.splitlines()[1:]
    assert len(errors) == 3, err
    assert "cell C6 (Finance): “S” is not R, A, C or I" in errors[0]
    assert "row 7: “Incident reviews” has 2 Accountable parties (PMO, Finance)" in errors[1]
    assert "row 8: “Change freeze” has no Accountable party" in errors[2]
    assert "Release calendar" not in await person().say("what does the PMO own?")

    grid[5][2], grid[6][2], grid[7][2] = "C", "", "A"
    code, out, err = await pmo_bot("import", str(xlsx(path, grid)), "--workspace", workspace)
    assert code == 0, err
    assert "4 area(s) added" in out
    assert "created without a contact: Finance, Service desk." in out
    assert "Skipped 1 row(s) with no R/A/C/I (headings?): row 4 “Planning”" in out
    out = await person().say("who owns the release calendar?")
    assert "PMO is accountable for Release calendar." in out
    assert "Responsible  PMO (#pmo)" in out and "Consulted    Service desk" in out and "Informed     Finance" in out
    assert "Agreed with the CAB" in out
    assert "Finance is accountable for Change freeze." in await person().say("who owns the change freeze?")


async def test_a_grid_over_the_registry_sets_the_raci_and_keeps_aliases_and_notes(pmo_bot, person, workspace, tmp_path):
    await person().say("hello")
    # As Excel saves CSV where the comma is the decimal sign: semicolons between cells.
    (tmp_path / "grid.csv").write_bytes(
        "Area;PMO;Leadership Team;Oversight Team\nEnterprise roadmap;C;A/R;I\n".encode("cp1252")
    )
    code, out, err = await pmo_bot("import", "grid.csv", "--workspace", workspace)
    assert code == 0, err
    assert "0 area(s) added, 1 updated" in out and "New parties" not in out
    out = await person().say("who owns the roadmap?")
    assert "Leadership Team is accountable for Enterprise roadmap." in out
    assert "Consulted    PMO (#pmo)" in out and "Informed     Oversight Team (#oversight-team)" in out
    assert "Enterprise Architect" not in out  # the grid says who holds which role: others hold none
    assert "Also known as  initiative roadmap, portfolio roadmap, the roadmap" in out  # no aliases column: kept
    code, out, _ = await pmo_bot("import", "grid.csv", "--workspace", workspace)
    assert "0 updated, 1 unchanged" in out
    audit = await person(ADMIN).say("audit Enterprise roadmap")
    assert audit.count("area.import") == 2  # the seed and the first import; the second changed nothing


async def test_workbook_parsing_runs_off_the_event_loop(pmo_bot, person, workspace, tmp_path, monkeypatch):
    threads = []
    real = sheets.read_xlsx

    def spy(data):
        threads.append(threading.current_thread())
        return real(data)

    monkeypatch.setattr(sheets, "read_xlsx", spy)
    path = xlsx(tmp_path / "r.xlsx", [["area", "accountable"], ["Risk register", "PMO"]])
    code, out, err = await pmo_bot("import", str(path), "--workspace", workspace)
    assert code == 0, err
    assert threads and threads[0] is not threading.main_thread()
    assert "PMO is accountable for Risk register." in await person().say("who owns the risk register?")


async def test_files_that_are_not_what_their_name_says_get_a_clear_refusal(pmo_bot, workspace, tmp_path):
    xlsx(tmp_path / "real.xlsx", [["area", "accountable"]])
    (tmp_path / "real.xlsx").rename(tmp_path / "looks.csv")
    code, _, err = await pmo_bot("import", "looks.csv", "--workspace", workspace)
    assert code == 1 and "this is an Excel workbook; name it .xlsx or use --format xlsx" in err
    (tmp_path / "raci.numbers").write_text("x")
    code, _, err = await pmo_bot("import", "raci.numbers", "--workspace", workspace)
    assert code == 2 and "Can't tell the format of raci.numbers" in err
    code, _, err = await pmo_bot("import", "missing.csv", "--workspace", workspace)
    assert code == 1 and "Can't read missing.csv" in err
    code, _, err = await pmo_bot("export", "--format", "yaml", "--layout", "grid", "--workspace", workspace)
    assert code == 2 and "The grid layout is for spreadsheets" in err
