"""What people type is shown as they typed it: in Slack's mrkdwn, *, _, ~ and ` in user text must
not turn into bold, italics, strike-through or code, nor URLs into links; the bot's own bold
headings and labels stay."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.adapters.slack.render import render_message
from bot.core import Field, Reply, Section
from tests.slack.conftest import Slack

TYPED = "*urgent* _please_ ~not~ `code` https://x.example/a_b :white_check_mark:"
FORMATTED = ("*urgent*", "_please_", "~not~", "`code`")
# A date token whose format Slack can't use shows its fallback text, as plain text: Slack's
# documented "fallback" (jsx-slack's <Escape> relies on it). Nothing else in our text is markup.
DATE = re.compile(r"<!date\^\d+\^[^|<>]*\|([^<>]*)>")


def mrkdwn_objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "mrkdwn" else []
        return found + [o for v in node.values() for o in mrkdwn_objects(v)]
    if isinstance(node, list):
        return [o for v in node for o in mrkdwn_objects(v)]
    return []


def shown(text: str) -> str:
    """What a Slack client displays for a piece of mrkdwn (formatting aside)."""
    return DATE.sub(lambda m: m[1], text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parsed(text: str) -> str:
    """The part of a piece of mrkdwn that Slack parses for formatting: outside date tokens."""
    return DATE.sub("", text)


def assert_verbatim(message: dict[str, Any], typed: str = TYPED) -> None:
    objects = mrkdwn_objects(message["blocks"])
    holding = [o for o in objects if typed in shown(o["text"])]
    assert holding, json.dumps(message, indent=1)
    for o in holding:
        assert o.get("verbatim") is True, o  # no auto-links for URLs or #channel names in user text
        for span in FORMATTED:
            assert span not in parsed(o["text"]), o
        assert ":white_check_mark:" in o["text"]  # an emoji shortcode stays one


async def test_an_idea_is_shown_as_typed(slack: Slack):
    ack = json.loads(await (await slack.command(TYPED, command="/improve")).text())
    assert_verbatim(ack)
    shown_ack = json.loads(await (await slack.command("show 1", command="/improve")).text())
    assert_verbatim(shown_ack)
    # The bot's own formatting stays: field labels are bold.
    assert any(o["text"].startswith("*Status*\n") for o in mrkdwn_objects(shown_ack["blocks"]))


async def test_a_retro_card_is_shown_as_typed(slack: Slack):
    assert (await slack.command("start", command="/retro", user="U-FAC")).status == 200
    assert (await slack.command(f"add Start {TYPED}", command="/retro")).status == 200
    assert (await slack.command("reveal", command="/retro", user="U-FAC")).status == 200
    board = json.loads(await (await slack.command("status", command="/retro")).text())
    assert_verbatim(board)


def test_headings_fields_and_long_text_keep_user_text_as_typed():
    long = "\n".join(f"{i} {TYPED}" for i in range(400))  # split over several sections
    reply = Reply(
        text="x",
        sections=[Section(heading=TYPED, text=long, fields=[Field(TYPED, TYPED)])],
    )
    message = render_message(reply)
    objects = mrkdwn_objects(message["blocks"])
    assert objects[0]["text"].startswith("*") and objects[0]["text"].split("\n")[0].endswith("*")  # bold heading
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b]
    assert len(texts) > 1
    lines = "\n".join(shown(t) for t in texts).split("\n")
    assert [line for line in lines if line[:1].isdigit()] == long.split("\n")  # nothing lost or cut mid-token
    for o in objects:
        assert len(o["text"]) <= 3000 and o.get("verbatim") is True
        for span in FORMATTED:
            assert span not in parsed(o["text"])
    [field] = [f["text"] for b in message["blocks"] for f in b.get("fields", [])]
    assert shown(field) == f"*{TYPED}*\n{TYPED}"


def test_a_quote_mark_typed_at_the_start_of_a_line_is_not_a_quote():
    message = render_message(Reply(text="x", sections=[Section(text="> not a quote\nfine > fine")]))
    text = message["blocks"][0]["text"]["text"]
    assert not re.search(r"(?m)^&gt;", text)
    assert shown(text).replace("\u00ad", "") == "> not a quote\nfine > fine"
