"""Rendered Block Kit of every reply type stays within Slack's limits; long content is cut, not refused."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.adapters.slack.render import neutral_action_id, render_message, render_modal
from bot.core import MAX_VALUE, Button, Field, Form, Incoming, Input, Reply, Section
from handlers.ownership.admin import area_form
from tests.conftest import ADMIN


def _texts(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        found = [obj["text"]] if isinstance(obj.get("text"), str) else []
        return found + [t for v in obj.values() for t in _texts(v)]
    if isinstance(obj, list):
        return [t for v in obj for t in _texts(v)]
    return []


_DATE = re.compile(r"<!date\^\d+\^[^|<>]*\|[^<>]*>")
_MENTION = re.compile(r"<@[UW][A-Z0-9]{2,20}>")  # a Reply's own `mentions`: user ids, never user text


def assert_message_within_limits(message: dict[str, Any]) -> None:
    blocks = message["blocks"]
    assert message["text"].strip() and len(message["text"]) <= 40_000
    assert 1 <= len(blocks) <= 50
    action_ids = []
    for block in blocks:
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= 150
        elif block["type"] == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        elif block["type"] == "actions":
            assert 1 <= len(block["elements"]) <= 25
            for button in block["elements"]:
                assert 0 < len(button["text"]["text"]) <= 75
                assert len(button.get("value", "")) <= 2000
                assert len(button["action_id"]) <= 255
                action_ids.append(button["action_id"])
        else:
            assert block["type"] == "context"
    assert len(action_ids) == len(set(action_ids)), "action_id must be unique within a message"
    for text in [message["text"], *_texts(blocks)]:
        text = _MENTION.sub("", _DATE.sub("", text))  # our own date tokens (Field.at) and mentions only
        assert "<" not in text and ">" not in text, text  # nothing can become a mention, link or ping


def assert_modal_within_limits(view: dict[str, Any]) -> None:
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    assert len(view["close"]["text"]) <= 24
    assert len(view["private_metadata"]) <= 3000 and len(view["callback_id"]) <= 255
    assert 1 <= len(view["blocks"]) <= 100
    assert len({b["block_id"] for b in view["blocks"]}) == len(view["blocks"])
    for block in view["blocks"]:
        assert block["type"] == "input" and len(block["label"]["text"]) <= 2000
        element = block["element"]
        assert len(element["action_id"]) <= 255
        groups = element.get("option_groups", [{"label": {"text": ""}, "options": element.get("options", [])}])
        assert len(groups) <= 100
        for group in groups:
            assert len(group["label"]["text"]) <= 75 and len(group["options"]) <= 100
            assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in group["options"])
        assert element.get("max_length", 0) <= 3000 and len(element.get("initial_value", "")) <= 3000


QUESTIONS = {
    "help": ("help", "U-ALICE"),
    "area answer": ("who owns the enterprise roadmap?", "U-ALICE"),
    "did you mean": ("who owns the enterprise?", "U-ALICE"),
    "unknown": ("who owns the <!channel> coffee machine & kettle?", "U-ALICE"),
    "party": ("what does the PMO own?", "U-ALICE"),
    "admin confirmation": ("area set Coffee <b>; accountable: PMO; notes: " + "long & <tricky> " * 200, ADMIN),
    "form": ("area set", ADMIN),
}


@pytest.mark.parametrize("kind", QUESTIONS)
async def test_every_reply_type_renders_within_limits(bot, workspace, kind):
    text, user = QUESTIONS[kind]
    reply = await bot.handle(Incoming(platform="slack", workspace=workspace, channel="C1", user=user, text=text))
    assert reply is not None
    message = render_message(reply)
    assert_message_within_limits(message)
    if kind == "admin confirmation":
        assert [b["action_id"] for b in message["blocks"][-1]["elements"]] == ["ownership.undo#0"]
    if kind == "did you mean":
        ids = [b["action_id"] for b in message["blocks"][-1]["elements"]]
        assert {neutral_action_id(i) for i in ids} == {"ownership.area", "ownership.none"}
    if kind == "form":
        assert reply.form is not None
        assert_modal_within_limits(render_modal(reply.form, {"c": "C1", "t": None, "v": reply.form.value}))


def test_huge_reply_is_cut_to_fit():
    reply = Reply(
        text="<!channel> " * 10_000,
        title="T" * 500,
        sections=[
            Section(heading="H" * 400, text=("line & <b>\n" * 600), fields=[Field("L" * 300, "v" * 3000)] * 23)
            for _ in range(30)
        ],
        buttons=[Button("B" * 200, "some.action" + "x" * 300, "v" * 5000, style="danger") for _ in range(60)],
    )
    message = render_message(reply)
    assert_message_within_limits(message)
    assert message["blocks"][-4]["type"] == "context"  # says it was shortened, before 3 actions blocks
    assert json.dumps(message).count("&lt;!channel&gt;") > 100


def test_text_split_keeps_every_line_and_entities_whole():
    lines = [f"{i:04d} a & b <c>" for i in range(500)]
    message = render_message(Reply(text="x", sections=[Section(text="\n".join(lines))]))
    assert_message_within_limits(message)
    joined = "\n".join(b["text"]["text"] for b in message["blocks"])
    assert joined.split("\n") == [
        line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in lines
    ]


def test_big_form_fits_a_modal_and_oversized_state_is_refused():
    form = Form(
        title="A very long form title indeed",
        submit_action_id="f.submit",
        submit_label="Save it all now please",
        inputs=[
            Input(
                f"n{i}",
                "Label " * 500,
                kind=kind,
                placeholder="p" * 300,
                initial="i" * 4000,
                choices=[(f"v{j}" * 100, "c" * 100) for j in range(150)],
            )
            for i, kind in zip(range(120), ["text", "multiline", "select", "checkbox"] * 30, strict=True)
        ],
    )
    view = render_modal(form, {"c": "C1", "v": "x" * 100})
    assert_modal_within_limits(view)
    select = next(b["element"] for b in view["blocks"] if b["element"]["type"] == "static_select")
    assert [len(g["options"]) for g in select["option_groups"]] == [100, 50]  # every choice, in groups
    assert render_modal(form, {"v": "x" * 3000}) is None


def test_area_form_renders_every_input():
    view = render_modal(area_form().form, {"c": "C1"})
    assert [b["block_id"] for b in view["blocks"]] == [i.name for i in area_form().form.inputs]
    assert view["blocks"][-1]["element"]["multiline"] is True


def test_a_button_value_as_long_as_the_contract_allows_reaches_slack_whole():
    value = "é" * MAX_VALUE  # what handlers may put in a button anywhere (a draft idea, a pending change)
    [element] = render_message(Reply("x", buttons=[Button("B", "a.b", value)]))["blocks"][-1]["elements"]
    assert element["value"] == value
