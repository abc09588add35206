"""From Teams: a "did you mean" pick proposes an alias, and the admin accepts it with one button."""

from tests.conftest import ADMIN


async def test_a_pick_becomes_an_alias_the_admin_accepts_with_one_button(chat):
    assert "Did you mean one of these?" in await chat.say("who owns delivery?", channel=False)
    picked = await chat.press("Value discovery and delivery", channel=False)
    assert "I'll suggest “delivery” to the registry admins" in picked

    gaps = await chat.say("gaps", user=ADMIN, channel=False)
    assert "→ proposed as another name for Value discovery and delivery" in gaps
    accepted = await chat.press("Add “delivery”", user=ADMIN, channel=False)
    assert "Added “delivery” as another name for “Value discovery and delivery”." in accepted

    answer = await chat.say("who owns delivery?", channel=False)
    assert "Oversight Team is accountable for Value discovery and delivery." in answer


async def test_the_accept_button_is_for_admins_only(chat):
    await chat.say("who owns delivery?", channel=False)
    await chat.press("Delivery framework", channel=False)
    await chat.say("gaps", user=ADMIN, channel=False)
    refused = await chat.press("Add “delivery”", channel=False)  # pressed by someone who is not an admin
    assert refused.startswith("Only admins can")
    assert "Did you mean one of these?" in await chat.say("who owns delivery?", channel=False)
