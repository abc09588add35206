"""Replies longer than one Teams message, through the real endpoint and the stand-in Bot Connector:
split into messages that fit (in order, nothing lost, buttons on the last, a heading never
separated from its text), sent again in smaller parts when the connector answers 413, and
shortened (with a note) where one message is updated in place. Buttons beyond six are picked
from a "More…" menu and arrive as the button itself."""

from __future__ import annotations

import json
import re

import pytest

from bot.adapters.teams.fit import MAX_ACTIVITY_BYTES, SHORTENED
from bot.core import Button, Reply, Section
from tests.conftest import assert_valid
from tests.teams.conftest import card_inputs, card_text, start

LINES = [f"line {i:03d}: {'é' * 40} {'x' * 60} <b>&</b>" for i in range(600)]  # ~75 KB of card


def long_reply(**extra) -> Reply:
    sections = [Section(heading=f"Part {p}", text="\n".join(LINES[p * 40 : (p + 1) * 40])) for p in range(15)]
    buttons = [Button(f"Choice {i}", "test.pick", f"picked {i}") for i in range(9)]
    return Reply("A long answer", title="Everything", sections=sections, buttons=buttons, **extra)


@pytest.fixture
def long_bot(teams_settings, db):
    """The real features plus a few answers of a test feature: a long one, its in-place update,
    one with a mention, and what a picked button says."""
    from bot.assembly.app import Bot
    from bot.assembly.features import FEATURES
    from bot.core.feature import Feature
    from bot.core.router import Routes

    routes = Routes("test")

    @routes.command("long", "A long answer")
    async def long(ctx):
        return long_reply(mentions=["U-BOB"] if "mention" in ctx.args else [])

    @routes.action("test.update")
    async def update(ctx):
        return long_reply(replace=True)

    @routes.command("buttons", "Many buttons")
    async def buttons(ctx):
        return Reply("Pick one", buttons=[Button(f"Choice {i}", "test.pick", f"picked {i}") for i in range(30)])

    @routes.action("test.pick")
    async def pick(ctx):
        return Reply(f"You chose {ctx.action.value}.")

    return Bot(teams_settings, db, (*FEATURES, Feature("test", routes=(routes,))))


@pytest.fixture
async def long_client(long_bot):
    client = await start(long_bot)
    yield client
    await client.close()


def lines_in(posts) -> list[str]:
    return [t for p in posts for t in card_text(p["activity"]["attachments"][0]["content"]).split("\n")]


async def say(client, activity) -> None:
    response = await client.post("/api/messages", json=activity)
    assert response.status in (200, 201), await response.text()


async def test_a_long_reply_becomes_messages_that_fit_in_order(long_client, teams, connector, card_validator):
    await say(long_client, teams.channel_message("long mention", mentions=()))
    posts = connector.posts
    assert len(posts) >= 3
    assert all(p["bytes"] <= MAX_ACTIVITY_BYTES for p in posts)
    assert all(p["reply_to"] == "1700000000001" or p["conversation"].endswith("1700000000001") for p in posts)
    read = lines_in(posts)
    assert [line for line in read if line.startswith("line ")] == LINES  # all of it, in order
    assert read[0] == "Everything"
    count = len(posts)
    for n, post in enumerate(posts, start=1):
        card = post["activity"]["attachments"][0]["content"]
        assert_valid(card_validator, card)
        texts = card_text(card).split("\n")
        assert (texts[0] == f"… continued ({n} of {count})") == (n > 1)
        assert not texts[-1].startswith("Part "), "a heading is never the last line of a message"
        assert ("actions" in card) == (n == count)  # the buttons come last, once
    assert posts[0]["activity"]["entities"][0]["mentioned"]["id"] == "29:U-BOB"  # mentions notify once
    assert not any("entities" in p["activity"] for p in posts[1:])


async def test_a_413_from_the_connector_is_split_again_and_resent(long_client, teams, connector):
    connector.max_bytes = 9_000  # this Teams counts more strictly than the documented 28 KB
    await say(long_client, teams.personal("long"))
    assert connector.too_big, "the first try was refused as too big"
    assert all(p["bytes"] <= 9_000 for p in connector.posts)
    assert [line for line in lines_in(connector.posts) if line.startswith("line ")] == LINES
    tops = [card_text(p["activity"]["attachments"][0]["content"]).split("\n")[0] for p in connector.posts]
    assert tops[0] == "Everything"
    assert [re.match(r"… continued \((\d+) of \d+\)", top)[1] for top in tops[1:]] == [
        str(n) for n in range(2, len(tops) + 1)
    ]
    assert "actions" in connector.cards[-1] and not any("actions" in card for card in connector.cards[:-1])


async def test_an_update_in_place_is_shortened_to_one_message_with_a_note(long_client, teams, connector):
    await say(long_client, teams.submit({"pmo_action": "test.update", "pmo_value": ""}))
    [update] = connector.posts
    assert update["method"] == "PUT" and update["bytes"] <= MAX_ACTIVITY_BYTES
    read = card_text(update["activity"]["attachments"][0]["content"]).split("\n")
    assert read[0] == "Everything" and read[-1] == SHORTENED and "line 000" in read[2]
    assert "actions" in update["activity"]["attachments"][0]["content"]


async def test_a_button_from_the_more_menu_arrives_as_itself(long_client, teams, connector, card_validator):
    await say(long_client, teams.personal("buttons"))
    card = connector.cards[-1]
    assert_valid(card_validator, card)
    menu = card["actions"][-1]["card"]
    [choices] = menu["body"]
    assert [c["title"] for c in choices["choices"]] == [f"Choice {i}" for i in range(5, 30)]
    go = menu["actions"][0]
    picked = next(c["value"] for c in choices["choices"] if c["title"] == "Choice 17")
    await say(long_client, teams.submit({**go["data"], choices["id"]: picked}))
    assert card_text(connector.cards[-1]) == "You chose picked 17."


@pytest.mark.parametrize("choice", [None, "not json", json.dumps(["a"]), json.dumps([1, 2]), "x" * 20_000])
async def test_a_forged_menu_choice_gets_an_apology(long_client, teams, connector, choice):
    value = {"pmo_action": "teams.more", "pmo_value": ""}
    if choice is not None:
        value["pmo_more"] = choice
    await say(long_client, teams.submit(value))
    assert "I couldn't read that button press" in card_text(connector.cards[-1])


def test_the_size_teams_counts_is_the_compact_utf8_json():
    from bot.adapters.teams.fit import size

    assert size({"text": "é"}) == len('{"text":"é"}'.encode())
    assert MAX_ACTIVITY_BYTES <= 28 * 1000  # the documented "28 KB", whichever kilobyte is meant


def envelope(**extra):
    return {"type": "message", "serviceUrl": "https://smba.example/", "conversation": {"id": "a:1"}, **extra}


def test_an_image_goes_in_a_message_of_its_own_or_is_named_when_too_big():
    from bot.adapters.teams.fit import fit
    from bot.adapters.teams.render import render_activity
    from bot.core import Attachment

    chart = Attachment("chart.png", b"\x89PNG" + bytes(range(256)) * 60, "image/png")  # ~20 KB as base64
    huge = Attachment("huge.png", b"\x89PNG" + bytes(range(256)) * 200, "image/png")  # ~68 KB as base64
    reply = long_reply(files=[chart, huge])
    parts = fit({**render_activity(reply), **envelope()})
    assert all(size <= MAX_ACTIVITY_BYTES for size in map(_size, parts))
    *cards, image, note = parts
    assert image["attachments"][0]["name"] == "chart.png"
    assert "“huge.png” is too large" in card_text(note["attachments"][0]["content"])
    assert all(p["attachments"][0]["contentType"].endswith("adaptive") for p in cards)


def test_a_form_too_big_for_any_message_keeps_its_inputs_and_loses_choices(card_validator):
    from bot.adapters.teams.fit import fit
    from bot.adapters.teams.render import render_activity
    from bot.core import Form, Input

    areas = [(str(i), f"Area number {i} with a longish name") for i in range(2000)]  # ~120 KB of choices
    form = Form(
        "Log an idea", "idea.form", [Input("title", "Title"), Input("area", "Area", kind="select", choices=areas)]
    )
    [part] = fit({**render_activity(Reply("Fill in", form=form)), **envelope()})
    assert _size(part) <= MAX_ACTIVITY_BYTES
    card = part["attachments"][0]["content"]
    assert_valid(card_validator, card)
    inputs = card_inputs(card)
    assert list(inputs) == ["title", "area"] and 100 < len(inputs["area"]["choices"]) < 2000
    assert card["actions"][0]["data"] == {"pmo_action": "idea.form", "pmo_value": ""}


def _size(activity) -> int:
    from bot.adapters.teams.fit import size

    return size(activity)
