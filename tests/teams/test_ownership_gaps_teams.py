"""From Teams: a "did you mean" pick proposes an alias, and the admin accepts it with one button."""

from tests.conftest import ADMIN
from tests.teams.conftest import card_text, submit_data


async def say(client, activity):
    response = await client.post("/api/messages", json=activity)
    assert response.status in (200, 201), await response.text()


def button(card, title_part):
    return next(a for a in card.get("actions", []) if title_part in a["title"])


async def test_a_pick_becomes_an_alias_the_admin_accepts_with_one_button(client, teams, connector):
    await say(client, teams.personal("who owns delivery?"))
    card = connector.cards[-1]
    assert "Did you mean one of these?" in card_text(card)
    await say(client, teams.submit(submit_data(button(card, "Value discovery and delivery"))))
    assert "I'll suggest “delivery” to the registry admins" in card_text(connector.cards[-1])

    await say(client, teams.personal("gaps", user=ADMIN))
    gaps = connector.cards[-1]
    assert "→ proposed as another name for Value discovery and delivery" in card_text(gaps)
    await say(client, teams.submit(submit_data(button(gaps, "Add “delivery”")), user=ADMIN))
    assert "Added “delivery” as another name for “Value discovery and delivery”." in card_text(connector.cards[-1])

    await say(client, teams.personal("who owns delivery?"))
    assert "Oversight Team is accountable for Value discovery and delivery." in card_text(connector.cards[-1])


async def test_the_accept_button_is_for_admins_only(client, teams, connector):
    await say(client, teams.personal("who owns delivery?"))
    await say(client, teams.submit(submit_data(button(connector.cards[-1], "Delivery framework"))))
    await say(client, teams.personal("gaps", user=ADMIN))
    accept = button(connector.cards[-1], "Add “delivery”")
    await say(client, teams.submit(submit_data(accept)))  # pressed by someone who is not an admin
    assert card_text(connector.cards[-1]).startswith("Only admins can")
    await say(client, teams.personal("who owns delivery?"))
    assert "Did you mean one of these?" in card_text(connector.cards[-1])
