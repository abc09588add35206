"""Replies longer than one Slack message, through the real app: a slash command's answer goes
through its response_url in order, a mention's answer and a proactive post as several
chat.postMessage calls in the thread; every message within Block Kit's limits, later ones
labelled, the buttons once at the end, nothing lost. An update in place stays one message."""

from __future__ import annotations

import re

import pytest

from bot.adapters.slack.render import SHORTENED, render_messages, unescape
from bot.core import Button, ConversationRef, Reply, Section
from tests.slack.conftest import Slack, StandIn, slack_settings, start
from tests.slack.test_slack_render import _texts, assert_message_within_limits

PARTS = 130  # sections: more blocks than two messages hold
LINES = [f"line {p:03d}.{i}: café <b>&</b> {'x' * 40}" for p in range(PARTS) for i in range(4)]


def long_reply(**extra) -> Reply:
    sections = [Section(heading=f"Part {p}", text="\n".join(LINES[p * 4 : p * 4 + 4])) for p in range(PARTS)]
    buttons = [Button(f"Choice {i}", "test.pick", str(i)) for i in range(30)]
    return Reply("A long answer", title="Everything", sections=sections, buttons=buttons, **extra)


@pytest.fixture
async def slack(db, standin, workspace):
    """The real features plus a test feature's long answer (and its in-place update)."""
    from bot.assembly.app import Bot
    from bot.assembly.features import FEATURES
    from bot.core.feature import Feature
    from bot.core.router import Routes

    routes = Routes("test")

    @routes.command("long", "A long answer")
    async def long(ctx):
        return long_reply(mentions=["UBOB"])

    @routes.action("test.update")
    async def update(ctx):
        return long_reply(replace=True)

    bot = Bot(slack_settings(db, standin), db, (*FEATURES, Feature("test", routes=(routes,))))
    rig, client = await start(bot, standin, workspace)
    rig.bot.senders["slack"].pacer.interval = 0
    yield rig
    await client.close()


def read(messages: list[dict]) -> list[str]:
    return [unescape(line) for m in messages for t in _texts(m["blocks"]) for line in t.split("\n")]


def check_in_order(messages: list[dict]) -> None:
    for message in messages:
        assert_message_within_limits(message)
    lines = read(messages)
    assert [line for line in lines if line.startswith("line ")] == LINES
    count = len(messages)
    assert count >= 3
    for n, message in enumerate(messages, start=1):
        first = message["blocks"][0]
        assert (first["type"] == "context" and first["elements"][0]["text"] == f"… continued ({n} of {count})") == (
            n > 1
        )
        has_buttons = any(b["type"] == "actions" for b in message["blocks"])
        assert has_buttons == (n == count)
        assert ("<@UBOB>" in message["text"]) == (n == count)  # the mention pings once


async def test_a_long_slash_command_answer_comes_in_order_through_the_response_url(slack: Slack, standin: StandIn):
    response = await slack.post(slack.command_body("long", hook="long1"), "application/x-www-form-urlencoded")
    assert response.status == 200 and not await response.read()  # acknowledged; the answer follows
    await slack.settle()
    posted = [c.args for c in standin.calls if c.method == "response_url" and c.hook == "long1"]
    assert all(m["response_type"] == "ephemeral" and m["replace_original"] is False for m in posted)
    check_in_order(posted)


async def test_a_long_answer_to_a_mention_is_posted_in_order_in_its_thread(slack: Slack, standin: StandIn):
    await slack.mention("long", ts="1700000000.000300")
    await slack.settle()
    posts = standin.of("chat.postMessage")
    assert all(p.args["thread_ts"] == "1700000000.000300" for p in posts)
    check_in_order([p.args for p in posts])


async def test_a_long_proactive_post_returns_the_message_with_the_buttons(slack: Slack, standin: StandIn):
    where = ConversationRef(platform="slack", workspace=slack.team, channel="C-NEWS")
    ts = await slack.bot.senders["slack"].send(where, long_reply(mentions=["UBOB"]))
    posts = standin.of("chat.postMessage")
    check_in_order([p.args for p in posts])
    assert ts == posts[-1].answer["ts"]


async def test_an_update_in_place_stays_one_message_shortened_with_a_note(slack: Slack, standin: StandIn):
    await slack.click("test.update#0", "", message_ts="1700000000.000200")
    [replaced] = await standin.wait_for("response_url")
    assert replaced.args["replace_original"] is True
    assert_message_within_limits(replaced.args)
    blocks = replaced.args["blocks"]
    assert blocks[-3]["type"] == "context" and unescape(blocks[-3]["elements"][0]["text"]) == SHORTENED
    assert [b["type"] for b in blocks[-2:]] == ["actions", "actions"]


def test_beyond_five_messages_the_answer_is_shortened_with_a_note():
    huge = Reply("x", sections=[Section(heading=f"H{i}", text="y") for i in range(400)], buttons=[Button("B", "b")])
    messages = render_messages(huge)
    assert len(messages) == 5
    for message in messages:
        assert_message_within_limits(message)
    assert re.search("Shortened", messages[-1]["blocks"][-2]["elements"][0]["text"])
    assert messages[-1]["blocks"][-1]["type"] == "actions"
