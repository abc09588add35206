"""The largest realistic replies, asked for through Teams (activities to /api/messages, answers and
channel posts caught by the stand-in Bot Connector): every activity the bot sends fits Teams'
message size limit, every card is a valid Adaptive Card 1.5 Teams can show, and nothing is lost on
the way (every card, area and idea is still somewhere in what was sent)."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.teams.fit import MAX_ACTIVITY_BYTES
from bot.adapters.teams.render import MAX_ACTIONS
from tests.conftest import ADMIN, assert_valid
from tests.largest import AREAS, FACILITATOR, PEOPLE, RETRO_CARDS, Seeder
from tests.teams.conftest import card_inputs, card_text

SIZES: dict[str, list[int]] = {}  # what each question brought back, in bytes per activity (printed with -s)


def check_activity(post: dict[str, Any], card_validator) -> None:
    assert post["bytes"] <= MAX_ACTIVITY_BYTES, f"{post['bytes']} bytes"
    assert post["bytes"] <= 28 * 1000  # Teams' documented limit, counted as the connector received it
    card = post["activity"]["attachments"][0]["content"]
    assert_valid(card_validator, card)
    assert len(card.get("actions", [])) <= MAX_ACTIONS
    for item in _walk(card):
        if item.get("type") == "Input.Text":
            assert item["maxLength"] >= 1


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


async def test_the_largest_replies_fit_teams(clock, client, teams_bot, teams, connector, card_validator):
    clock.set("2026-11-23T10:00:00+00:00")
    seed = Seeder(teams_bot, "teams", teams.tenant, teams.channel)

    async def ask(label: str, text: str, user: str = FACILITATOR) -> str:
        """Say `text` in the channel; returns everything the bot sent back or posted, as read."""
        before = len(connector.posts)
        response = await client.post("/api/messages", json=teams.channel_message(text, user=user))
        assert response.status in (200, 201), await response.text()
        await teams_bot.settle()
        sent = connector.posts[before:]
        assert sent, label
        SIZES[label] = [p["bytes"] for p in sent]
        for post in sent:
            check_activity(post, card_validator)
        return "\n".join(card_text(p["activity"]["attachments"][0]["content"]) for p in sent)

    await ask("retro start", "retro start Release 9 retrospective")
    await seed.retro_cards()
    await ask("retro status (hidden)", "retro status")
    revealed = await ask("retro reveal (board)", "retro reveal")
    board = await ask("retro status (revealed)", "retro status")
    for shown in (revealed, board):
        assert all(f"#{n} " in shown for n in range(1, RETRO_CARDS + 1))
    voting = await ask("retro vote (voting open)", "retro vote")
    assert all(f"#{n} [" in voting for n in range(1, RETRO_CARDS + 1))
    await seed.retro_votes()
    discussion = await ask("retro discuss", "retro discuss")
    assert all(f"#{n} " in discussion for n in range(1, RETRO_CARDS + 1))
    await seed.retro_actions()
    summary = await ask("retro close (summary)", "retro close")
    assert all(f"#{n} " in summary for n in range(1, RETRO_CARDS + 1)) and "Action items" in summary
    export = await ask("retro export", "retro export")
    assert all(f"- #{n} " in export for n in range(1, RETRO_CARDS + 1))  # the Markdown, whole
    assert export.count("\ncard,") + export.startswith("card,") >= RETRO_CARDS - 1  # the CSV rows

    await seed.areas()
    owned = await ask("what does the PMO own? (100+ areas)", "what does the PMO own?")
    assert all(f"({i})" in owned for i in range(AREAS))
    await ask("areas (admin list)", "areas", user=ADMIN)
    await ask("improve (the idea form)", "improve", user=PEOPLE[1])
    area = card_inputs(connector.cards[-1])["area"]
    assert all(any(f"({i})" in c["title"] for c in area["choices"]) for i in range(AREAS))  # every area

    await seed.ideas()
    listed = await ask("improve list all (200 ideas)", "improve list all", user=PEOPLE[0])
    assert "Proposal 199:" in listed
    print("\nTeams activity sizes (bytes):\n" + json.dumps(SIZES, indent=1))
