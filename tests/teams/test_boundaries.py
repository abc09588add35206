"""Only bot/adapters/teams may import botbuilder: a move to the Microsoft 365 Agents SDK touches one package."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK_IMPORT = re.compile(r"^\s*(from|import)\s+(botbuilder|botframework|msrest)\b", re.MULTILINE)


def test_botbuilder_is_imported_only_by_the_teams_adapter():
    offenders = []
    for folder in ("bot", "handlers", "storage", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            if ROOT / "bot" / "adapters" / "teams" in path.parents:
                continue
            if SDK_IMPORT.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
