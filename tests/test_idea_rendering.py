"""Every kind of idea reply renders within Slack's Block Kit limits and as a valid Adaptive Card 1.5."""

from __future__ import annotations

import pytest

from bot.adapters.slack.render import render_message, render_modal
from bot.adapters.teams.render import render_card
from bot.core import Incoming
from tests.conftest import ADMIN, assert_valid
from tests.slack.test_slack_render import assert_message_within_limits, assert_modal_within_limits

LONG = "Make the roadmap <!channel> & <b>searchable</b> " * 20  # 940 characters with markup to escape
SCRIPT = [  # (user, text): what people say before the reply under test
    ("U-ANN", f"improve {LONG}"),
    ("U-BOB", "improve idea Automate the weekly status report from Jira"),
    ("U-BOB", "improve vote 2"),
    (ADMIN, 'improve status 2 accepted "budget approved"'),
]
KINDS = {
    "logged": ("U-CARA", "improve Rotate the retro facilitator every sprint"),
    "looks like": ("U-CARA", "improve automate weekly status report from Jira"),
    "form": ("U-CARA", "improve"),
    "card with history": ("U-CARA", "improve show 2"),
    "list": ("U-CARA", "improve list all"),
    "search": ("U-CARA", "improve search roadmap"),
    "stats": ("U-CARA", "improve stats"),
    "digest": (ADMIN, "improve digest"),
    "triage": (ADMIN, "improve triage"),
    "help": ("U-CARA", "improve help"),
}


@pytest.mark.parametrize("kind", KINDS)
async def test_every_idea_reply_renders_on_slack_and_teams(bot, workspace, kind, card_validator):
    for user, text in SCRIPT:
        await bot.handle(Incoming(platform="slack", workspace=workspace, channel="C1", user=user, text=text))
    user, text = KINDS[kind]
    reply = await bot.handle(Incoming(platform="slack", workspace=workspace, channel="C1", user=user, text=text))
    message = render_message(reply)
    assert_message_within_limits(message)
    assert "<!channel>" not in str(message) and "<b>" not in str(message)
    if reply.form:
        assert_modal_within_limits(render_modal(reply.form, {"c": "C1", "t": None, "v": reply.form.value}))
    assert_valid(card_validator, render_card(reply))
