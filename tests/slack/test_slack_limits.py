"""The largest realistic replies, asked for with signed slash commands to the real app (answers in
the acknowledgement, on the response_url and through the stand-in Web API): every message is
within Block Kit's limits, and nothing is lost on the way (every card, area and idea is still
somewhere in what was sent)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import ADMIN
from tests.largest import AREAS, FACILITATOR, PEOPLE, RETRO_CARDS, Seeder
from tests.slack.conftest import Slack, StandIn
from tests.slack.test_slack_render import _texts, assert_message_within_limits, assert_modal_within_limits

SIZES: dict[str, list[tuple[int, int]]] = {}  # question -> (blocks, characters) per message (printed with -s)
POSTS = ("chat.postMessage", "chat.postEphemeral", "response_url")


async def test_the_largest_replies_fit_slack(clock, slack: Slack, standin: StandIn):
    clock.set("2026-11-23T10:00:00+00:00")
    slack.bot.senders["slack"].pacer.interval = 0  # Slack's 1 post/s per channel is tested elsewhere
    seed = Seeder(slack.bot, "slack", slack.team, "C-GENERAL")

    async def ask(label: str, text: str, command: str, user: str = FACILITATOR) -> str:
        """A slash command; returns everything the bot answered or posted, as read."""
        before = len(standin.calls)
        response = await slack.post(slack.command_body(text, command, user=user), "application/x-www-form-urlencoded")
        assert response.status == 200
        body = await response.read()
        await slack.settle()
        messages: list[dict[str, Any]] = [json.loads(body)] if body else []
        messages += [c.args for c in standin.calls[before:] if c.method in POSTS]
        assert messages, label
        SIZES[label] = [(len(m["blocks"]), len(json.dumps(m, ensure_ascii=False))) for m in messages]
        for message in messages:
            assert_message_within_limits(message)
        return "\n".join("\n".join(_texts(m["blocks"])) for m in messages)

    await ask("retro start", "start Release 9 retrospective", "/retro")
    await seed.retro_cards()
    await ask("retro status (hidden)", "status", "/retro")
    revealed = await ask("retro reveal (board)", "reveal", "/retro")
    board = await ask("retro status (revealed)", "status", "/retro")
    for shown in (revealed, board):
        assert all(f"#{n} " in shown for n in range(1, RETRO_CARDS + 1))
    voting = await ask("retro vote (voting open)", "vote", "/retro")
    assert all(f"#{n} [" in voting for n in range(1, RETRO_CARDS + 1))
    await seed.retro_votes()
    discussion = await ask("retro discuss", "discuss", "/retro")
    assert all(f"#{n} " in discussion for n in range(1, RETRO_CARDS + 1))
    await seed.retro_actions()
    summary = await ask("retro close (summary)", "close", "/retro")
    assert all(f"#{n} " in summary for n in range(1, RETRO_CARDS + 1)) and "Action items" in summary
    export = await ask("retro export", "export", "/retro")
    assert all(f"- #{n} " in export for n in range(1, RETRO_CARDS + 1))

    await seed.areas()
    owned = await ask("what does the PMO own? (100+ areas)", "what does the PMO own?", "/pmo")
    assert all(f"({i})" in owned for i in range(AREAS))
    await ask("areas (admin list)", "areas", "/pmo", user=ADMIN)
    response = await slack.command("", command="/improve", user=PEOPLE[1])  # the idea form: a modal
    assert response.status == 200
    view = (await standin.wait_for("views.open"))[-1].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert_modal_within_limits(view)
    [area] = [b["element"] for b in view["blocks"] if b["block_id"] == "area"]
    offered = [o["text"]["text"] for group in area["option_groups"] for o in group["options"]]
    assert all(any(f"({i})" in name for name in offered) for i in range(AREAS))  # every area, in groups of 100

    await seed.ideas()
    listed = await ask("improve list all (200 ideas)", "list all", "/improve", user=PEOPLE[0])
    assert "Proposal 199:" in listed
    print("\nSlack messages (blocks, characters of JSON):\n" + json.dumps(SIZES))
