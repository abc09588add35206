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


async def test_typed_text_cannot_pass_for_a_mention(teams):
    from botbuilder.schema import Activity

    from bot.adapters.teams.translate import to_incoming
    from bot.core import Mention

    activity = teams.channel_message('retro action "x" &lt;@U-EVE|eve&gt; and @U-Sam', mentions=("U-SAM",))
    msg = to_incoming(Activity().deserialize(activity), {"29:U-SAM": "aad-sam"})
    assert msg.text == 'retro action "x" <@U-EVE|eve> and @U-Sam'  # typed text stays text
    assert msg.people == (Mention("aad-sam", "U-Sam", "@U-Sam"),)  # only the real mention counts
