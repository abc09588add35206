"""Buttons, forms as modals, and their submissions, as Slack sends them."""

from __future__ import annotations

import json

import pytest

from bot.adapters.slack import app as slack_app
from bot.core import Reply
from handlers.ownership import registry
from tests.conftest import ADMIN
from tests.slack.conftest import Slack, texts


async def _area_id(slack: Slack, name: str) -> int:
    await slack.bot.ensure_workspace(slack.team, "slack")
    async with slack.bot.db.session() as session:
        area = await registry.find_area(session, slack.team, name)
        assert area is not None
        return area.id


async def test_rendered_action_ids_are_unique_and_map_back(slack: Slack):
    body = await (await slack.command("who owns the enterprise?")).json()
    buttons = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    ids = [b["action_id"] for b in buttons]
    assert len(ids) == len(set(ids)) >= 2, ids  # did-you-mean: several "ownership.area" buttons
    chosen = next(b for b in buttons if b["action_id"].startswith("ownership.area#"))
    assert (await slack.click(chosen["action_id"], chosen["value"], ephemeral=True)).status == 200
    [answer] = await slack.standin.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral" and answer.args["replace_original"] is False
    assert "is accountable for" in answer.args["text"]


async def test_button_on_a_public_answer_replies_in_its_thread(slack: Slack):
    area = await _area_id(slack, "Enterprise roadmap")
    await slack.click("ownership.area#3", str(area), thread_ts="1700000000.000001")
    [post] = await slack.standin.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == "1700000000.000001"
    assert "PMO is accountable for Enterprise roadmap" in post.args["text"]


@pytest.mark.parametrize(
    "action_id, value, expected",
    [
        ("evil.drop_tables#0", "1", "expired or is not one I know"),
        ("ownership.area#0", "not-a-number", "no longer exists"),
        ("ownership.area#0", "99999999", "no longer exists"),
        ("ownership.undo#0", "1", "Only admins"),
        ("x" * 300, "", "expired or is not one I know"),
    ],
)
async def test_forged_or_stale_actions_get_a_polite_reply(slack: Slack, action_id, value, expected):
    response = await slack.click(action_id, value, ephemeral=True)
    assert response.status == 200
    [answer] = await slack.standin.wait_for("response_url")
    assert expected in answer.args["text"]


async def test_malformed_interactive_payloads_do_nothing(slack: Slack):
    for payload in (
        {"type": "block_actions", "actions": "nope", "user": {"id": "U1"}},
        {"type": "block_actions", "actions": [], "user": {"id": "U1"}},
        {
            "type": "view_submission",
            "user": {"id": "U1"},
            "view": {"callback_id": "x", "private_metadata": "{not json"},
        },
        {"type": "shortcut", "callback_id": "nothing"},
    ):
        assert (await slack.interactive(payload)).status == 200
    await slack.settle()
    assert not slack.standin.of("chat.postMessage")


async def test_form_opens_as_a_modal_from_a_slash_command_and_submits(slack: Slack):
    response = await slack.command("area set", user=ADMIN)
    assert response.status == 200 and await response.text() == ""  # the modal is the answer
    [opened] = slack.standin.of("views.open")
    view = json.loads(opened.args["view"]) if isinstance(opened.args["view"], str) else opened.args["view"]
    assert view["type"] == "modal" and view["callback_id"] == "ownership.area_form"
    assert [b["block_id"] for b in view["blocks"]][:2] == ["area", "accountable"]
    meta = json.loads(view["private_metadata"])
    assert meta["c"] == "C-GENERAL" and meta["r"].startswith(slack.standin.url)

    values = {
        "area": {"area": {"type": "plain_text_input", "value": "Product <!channel> roadmap"}},
        "accountable": {"accountable": {"type": "plain_text_input", "value": "PMO"}},
        "notes": {"notes": {"type": "plain_text_input", "value": None}},
    }
    submission = {
        "type": "view_submission",
        "user": {"id": ADMIN, "team_id": slack.team},
        "view": {**view, "id": "V1", "state": {"values": values}},
    }
    assert (await slack.interactive(submission)).status == 200
    [confirmation] = await slack.standin.wait_for("response_url")
    assert "Added “Product &lt;!channel&gt; roadmap”" in confirmation.args["text"]
    assert "<!channel>" not in texts(confirmation)
    undo = [e for b in confirmation.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in undo] == ["ownership.undo#0"]


async def test_form_asked_by_mention_becomes_a_button_that_opens_the_modal(slack: Slack):
    await slack.mention("area set", user=ADMIN)
    [post] = await slack.standin.wait_for("chat.postMessage")
    [button] = [e for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"].startswith("slack.open_form#") and button["value"] == "area set"
    await slack.click(button["action_id"], button["value"], user=ADMIN, thread_ts=post.args["thread_ts"])
    [opened] = await slack.standin.wait_for("views.open")
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "ownership.area_form"
    assert json.loads(view["private_metadata"])["t"] == post.args["thread_ts"]


async def test_non_admin_clicking_the_form_button_is_refused(slack: Slack):
    await slack.click("slack.open_form#0", "area set", user="U-MALLORY", ephemeral=True)
    [answer] = await slack.standin.wait_for("response_url")
    assert "Only admins" in answer.args["text"]
    assert not slack.standin.of("views.open")


async def test_expired_trigger_falls_back_to_a_message(slack: Slack):
    slack.standin.scripted["views.open"] = [(200, {}, {"ok": False, "error": "expired_trigger_id"})]
    body = await (await slack.command("area set", user=ADMIN)).json()
    assert body["response_type"] == "ephemeral" and "area form" in body["text"]
    buttons = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0]["action_id"].startswith("slack.open_form#")


async def test_slow_answers_are_acknowledged_first_then_posted(slack: Slack, monkeypatch):
    async def slow(msg):
        import asyncio

        await asyncio.sleep(0.3)
        return Reply("done <!here>")

    monkeypatch.setattr(slack_app, "ACK_BUDGET", 0.05)
    monkeypatch.setattr(slack.bot, "handle", slow)
    response = await slack.command("anything")
    assert response.status == 200 and await response.text() == ""
    [later] = await slack.standin.wait_for("response_url")
    assert later.args["text"] == "done &lt;!here&gt;" and later.args["response_type"] == "ephemeral"


def test_a_press_in_the_bots_dm_is_a_one_to_one_conversation():
    from bot.adapters.slack.translate import block_action

    def press(channel: dict) -> bool:
        body = {
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "channel": channel,
            "container": {},
            "message": {},
            "actions": [{"action_id": "retro.done", "value": "3", "text": {"text": "Mark done"}}],
        }
        return block_action(body).direct

    assert press({"id": "D0123", "name": "directmessage"}) and press({"id": "D0123"})
    assert not press({"id": "C0123", "name": "general"})
