"""Every card the bot renders is a valid Adaptive Card 1.5, and its buttons and forms work from Teams."""

import pytest

from tests.conftest import ADMIN, assert_valid
from tests.teams.conftest import card_inputs, card_text, submit_data


def button(card, title_part):
    return next(a for a in card.get("actions", []) if title_part in a["title"])


async def test_every_card_the_bot_renders_is_valid(chat, teams, connector, card_validator):
    await chat.send(teams.installed("personal"))  # hello
    await chat.send(teams.personal("help"))
    await chat.send(teams.personal("help", user=ADMIN))  # with the admin commands
    await chat.send(teams.personal("who owns the enterprise roadmap?"))  # area answer
    await chat.send(teams.submit(submit_data(button(connector.cards[-1], "What else does"))))  # party
    await chat.send(teams.personal("who owns the coffee machine?"))  # unknown
    await chat.send(teams.personal("area set Product roadmap; accountable: Oversight Team", user=ADMIN))
    await chat.send(teams.personal("who owns delivery?"))  # did you mean
    await chat.send(teams.personal("area set", user=ADMIN))  # a form
    await chat.send(teams.submit("forged"))  # bad submit apology
    await chat.send(teams.personal("retro start"))  # coming soon
    titles = [card_text(card).split("\n")[0] for card in connector.cards]
    assert len(connector.cards) == 11, titles
    for card in connector.cards:
        assert_valid(card_validator, card)


async def test_the_validator_can_fail(card_validator):
    bad = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": 5}]}],
    }
    assert list(card_validator.iter_errors(bad))


async def test_did_you_mean_buttons_carry_the_choice_back(chat, teams, connector):
    await chat.send(teams.personal("who owns delivery?"))
    card = connector.cards[-1]
    assert "Did you mean one of these?" in card_text(card)
    choice = button(card, "Value discovery and delivery")
    assert choice["type"] == "Action.Submit" and choice["data"]["pmo_action"] == "ownership.area"
    await chat.send(teams.submit(submit_data(choice)))
    assert "Oversight Team is accountable for Value discovery and delivery." in card_text(connector.cards[-1])
    await chat.send(teams.submit(submit_data(button(card, "None of these"))))
    assert "I've noted" in card_text(connector.cards[-1])


async def test_admin_change_has_an_undo_button_that_works(chat, teams, connector):
    await chat.send(teams.personal("area set Coffee machine; accountable: PMO", user=ADMIN))
    card = connector.cards[-1]
    undo = button(card, "Undo")
    assert undo["style"] == "destructive"
    await chat.send(teams.submit(submit_data(undo), user="U-BOB"))
    assert "Only admins can" in card_text(connector.cards[-1])
    await chat.send(teams.submit(submit_data(undo), user=ADMIN))
    assert "Undone" in card_text(connector.cards[-1])
    await chat.send(teams.personal("who owns the coffee machine?"))
    assert "I don't know who owns" in card_text(connector.cards[-1])


async def test_a_form_is_card_inputs_and_its_submission_is_an_action(chat, teams, connector):
    await chat.send(teams.personal("area set", user=ADMIN))
    card = connector.cards[-1]
    inputs = card_inputs(card)
    assert {"area", "accountable", "notes"} <= inputs.keys()
    assert inputs["area"]["isRequired"] is True and inputs["notes"]["isMultiline"] is True
    save = button(card, "Save")
    assert save["style"] == "positive"
    # Teams merges the input values into the Action.Submit data.
    data = submit_data(
        save,
        area="Coffee machine",
        accountable="PMO",
        responsible="",
        consulted="Enterprise Architect",
        informed="",
        aliases="espresso",
        notes="Second floor",
    )
    await chat.send(teams.submit(data, user=ADMIN))
    assert "Added “Coffee machine”." in card_text(connector.cards[-1])
    await chat.send(teams.personal("who owns the espresso?"))
    assert "PMO is accountable for Coffee machine." in card_text(connector.cards[-1])


@pytest.mark.parametrize(
    "value",
    [
        "forged",  # not an object
        {},  # no action id
        {"pmo_action": 7},
        {"pmo_action": "ownership.area", "pmo_value": {"nested": True}},
        {"pmo_action": "ownership.area", "pmo_value": "1", "x": {"nested": True}},
        {"pmo_action": "ownership.area", "pmo_value": "1", **{f"k{i}": "v" for i in range(100)}},
    ],
)
async def test_missing_or_forged_submit_data_gets_an_apology(chat, teams, connector, value):
    await chat.send(teams.submit(value))
    assert "I couldn't read that button press" in card_text(connector.cards[-1])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"pmo_action": "no.such.action", "pmo_value": "1"}, "That button or form has expired"),
        ({"pmo_action": "ownership.area", "pmo_value": "not-a-number"}, "That area no longer exists"),
        ({"pmo_action": "ownership.area", "pmo_value": "99999999"}, "That area no longer exists"),
        ({"pmo_action": "ownership.undo", "pmo_value": "1"}, "Only admins can"),
    ],
)
async def test_well_formed_but_stale_or_forged_actions_are_refused_politely(chat, teams, connector, value, expected):
    await chat.send(teams.submit(value))
    assert expected in card_text(connector.cards[-1])


@pytest.fixture
def replacing_bot(teams_settings, db):
    """The real router plus one action that answers by updating the card (as meetup RSVPs do)."""
    from bot.assembly.app import Bot
    from bot.assembly.features import FEATURES
    from bot.core import Reply
    from bot.core.feature import Feature
    from bot.core.router import Routes

    routes = Routes("test")

    @routes.action("test.rsvp")
    async def rsvp(ctx):
        return Reply("Lunch: 1 going", title="Lunch", replace=True, notice="You're going.")

    return Bot(teams_settings, db, (*FEATURES, Feature("test", routes=(routes,))))


@pytest.mark.parametrize("kind", ["personal", "channel"])
async def test_a_replacing_answer_updates_the_card_in_place(replacing_bot, teams, connector, kind):
    from tests.teams.conftest import TeamsChat, start

    client = await start(replacing_bot)
    chat = TeamsChat(client, teams, connector)
    try:
        await chat.send(teams.submit({"pmo_action": "test.rsvp", "pmo_value": "1"}, kind=kind))
        connector.failures = [404]  # the card is gone: a new message instead
        await chat.send(teams.submit({"pmo_action": "test.rsvp", "pmo_value": "1"}, kind=kind))
    finally:
        await client.close()
    update, *rest = connector.posts
    assert update["method"] == "PUT" and update["reply_to"] == "1700000000555"
    assert "Lunch: 1 going" in card_text(update["activity"]["attachments"][0]["content"])
    if kind == "personal":  # the presser's own line; in a channel everyone would see it
        notice, *rest = rest
        assert card_text(notice["activity"]["attachments"][0]["content"]) == "You're going."
    [fallback] = rest
    assert fallback["method"] == "POST" and "Lunch: 1 going" in card_text(
        fallback["activity"]["attachments"][0]["content"]
    )
