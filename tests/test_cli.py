"""The `pmo-bot` command as a user runs it: a fresh SQLite database in the working directory.

Two tests cross the real process boundary (a new interpreter, stdin, exit status); the rest call
the same `main()` in this process, which is what the console script runs, at a fraction of the cost.
"""

import io
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.assembly import cli

PMO_BOT = [sys.executable, "-m", "bot.assembly.cli"]
ROOT = Path(__file__).resolve().parents[1]
UNSET = ("DATABASE_URL", "PMO_BOT_", "SLACK_", "MICROSOFT_")


def spawn(args, cwd, stdin=None):
    """`pmo-bot ARGS` in a process of its own, with no configuration."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(UNSET)}
    environment.update(PYTHONPATH=str(ROOT))
    return subprocess.run(
        [*PMO_BOT, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60, env=environment
    )


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(monkeypatch, capsys):
    """`pmo-bot ARGS` through `bot.assembly.cli.main` in this process: the working directory, environment and
    standard streams are the test's own."""

    def invoke(args, cwd, stdin="", **env):
        monkeypatch.chdir(cwd)
        for name in [k for k in os.environ if k.startswith(UNSET)]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = cli.main(args)
        except SystemExit as exit:  # argparse refusing the arguments
            code = exit.code
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


def test_ask_works_with_no_configuration(tmp_path):
    result = spawn(["ask", "who owns the enterprise roadmap?"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "PMO is accountable for Enterprise roadmap." in result.stdout
    assert (tmp_path / "pmo-bot.db").exists()  # the default: SQLite in the working directory


def test_chat_reads_one_message_per_line_and_prints_json(tmp_path):
    stdin = "who owns the roadmap?\n\nwhat does the PMO own?\n"
    result = spawn(["chat", "--json", "--user", "U-1"], tmp_path, stdin)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 2
    assert replies[0]["title"] == "Enterprise roadmap"
    assert replies[0]["buttons"][0]["action_id"] == "ownership.party"
    assert replies[1]["title"] == "PMO"


def test_a_chart_is_saved_beside_the_database_and_its_place_shown(run, tmp_path):
    stdin = "improve Publish the enterprise roadmap monthly\nimprove stats\n"
    result = run(["chat"], tmp_path, stdin)
    assert result.returncode == 0, result.stderr
    [chart] = (tmp_path / "pmo-bot-files").iterdir()
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert f"saved to pmo-bot-files/{chart.name}" in result.stdout


def test_a_multi_person_conversation_against_one_database(run, tmp_path):
    env = {"PMO_BOT_ADMINS": "U-ADMIN"}
    denied = run(["ask", "area set Risk register; accountable: PMO", "--user", "U-BOB"], tmp_path, **env)
    assert "Only admins can" in denied.stdout
    added = run(["ask", "area set Risk register; accountable: PMO", "--user", "U-ADMIN"], tmp_path, **env)
    assert "Added “Risk register”." in added.stdout
    asked = run(["ask", "who owns the risk register?", "--user", "U-BOB", "--channel", "C-2"], tmp_path, **env)
    assert "PMO is accountable for Risk register." in asked.stdout
    elsewhere = run(["ask", "who owns the risk register?", "--workspace", "other"], tmp_path, **env)
    assert "I don't know who owns" in elsewhere.stdout


def test_import_export_round_trip_and_all_or_nothing(run, tmp_path):
    exported = run(["ownership", "export", "--format", "yaml", "--out", "model.yml"], tmp_path)
    assert exported.returncode == 0, exported.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("area,accountable\nRisk register,PMO\nHiring,Project Mgmt Office\nVendors,PMO; Oversight Team\n")
    result = run(["ownership", "import", "bad.csv"], tmp_path)
    assert result.returncode == 1
    assert "Nothing was imported: 2 problem(s)" in result.stderr
    assert "line 3: “Project Mgmt Office” (accountable) is not a party yet but is close to “PMO”" in result.stderr
    assert "line 4:" in result.stderr
    assert "Risk register" not in run(["ownership", "export"], tmp_path).stdout
    imported = run(["ownership", "import", "model.yml", "--workspace", "copy"], tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "9 area(s) added" in imported.stdout
    copy = run(["ownership", "export", "--format", "yaml", "--workspace", "copy"], tmp_path).stdout
    assert copy == (tmp_path / "model.yml").read_text()


def test_db_upgrade(run, tmp_path):
    result = run(["db", "upgrade"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 0 and "up to date" in result.stdout


@pytest.mark.parametrize("args", [["ownership", "import", "missing.csv"], ["nonsense"]])
def test_clear_errors_for_bad_invocations(run, tmp_path, args):
    result = run(args, tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`pmo-bot ask … | head -1`: the reader went away before the answer was written."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(UNSET)}
    environment.update(PYTHONPATH=str(ROOT))
    read, write = os.pipe()
    os.close(read)  # like `head -1` once it has its line
    try:
        result = subprocess.run(
            [*PMO_BOT, "ask", "what does the PMO own?"],
            cwd=tmp_path,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=environment,
        )
    finally:
        os.close(write)
    assert result.stderr == ""  # no BrokenPipeError traceback, no "Exception ignored" at exit
    assert result.returncode == 141


def test_a_superscript_digit_line_in_chat_is_just_text(run, tmp_path):
    result = run(["chat"], tmp_path, "improve Shared glossary of delivery terms\n²\n٣\nimprove show 1\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Idea #1 Shared glossary" in result.stdout


@pytest.mark.parametrize(
    "url, says",
    [
        ("not a url", "DATABASE_URL is not a database URL (e.g. sqlite:///pmo-bot.db or postgresql://"),
        ("oracle+nothing://scott:tiger@db/orcl", "DATABASE_URL names a database I can't use (oracle+nothing)"),
        ("postgresql://pmo:s3cret@127.0.0.1:1/pmo", "can't open the database at DATABASE_URL=postgresql://pmo:***@"),
        ("sqlite:////no/such/folder/pmo.db", "can't open the database at DATABASE_URL=sqlite:////no/such/folder/"),
    ],
)
# A failed SQLite connect left aiosqlite's thread answering a loop already closed (a warning here).
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_bad_database_url_is_one_clear_line(run, tmp_path, url, says):
    before = set(threading.enumerate())
    result = run(["ask", "who owns the roadmap?"], tmp_path, DATABASE_URL=url)
    for thread in set(threading.enumerate()) - before:  # a driver thread still finishing: let it, here
        thread.join(timeout=10)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("pmo-bot: ") and says in line, line
    assert "s3cret" not in line
