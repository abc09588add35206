"""Improvement ideas in Teams: logged from a personal chat, routed to the owning party's channel
with triage buttons, and every follower told in their 1:1 chat with the bot."""

from tests.conftest import ADMIN
from tests.teams.conftest import card_inputs, card_text, submit_data


def cards_in(connector, conversation: str) -> list[str]:
    """The cards posted to one chat. Read a person's own chat, not whichever card came last: what
    the bot tells others about an idea goes out after the reply, and may already be there."""
    return [
        card_text(p["activity"]["attachments"][0]["content"])
        for p in connector.posts
        if p["conversation"] == conversation
    ]


async def test_an_idea_routed_to_the_owners_channel_triaged_by_card_and_followers_told(
    client, teams_bot, teams, connector
):
    await client.post(
        "/api/messages", json=teams.channel_message(f"party set PMO; contact: {teams.channel}", user=ADMIN)
    )
    await client.post(
        "/api/messages", json=teams.personal("improve Publish the enterprise roadmap monthly", user="U-ANN")
    )
    assert any("Logged idea #1: Publish the enterprise roadmap monthly." in t for t in cards_in(connector, teams.chat))
    await teams_bot.settle()
    notice = connector.posts[-1]
    assert notice["conversation"] == teams.channel and notice["method"] == "POST"
    card = connector.cards[-1]
    assert "New idea for Enterprise roadmap, where PMO is accountable" in card_text(card)

    await client.post("/api/messages", json=teams.channel_message("improve vote 1", user="U-BOB"))
    assert "You voted for idea #1" in card_text(connector.cards[-1])

    accept = next(a for a in card["actions"] if a["title"] == "Accept")
    await client.post("/api/messages", json=teams.submit(submit_data(accept), user="U-BOB", kind="channel"))
    assert "Only admins and idea #1's owner can change its status" in card_text(connector.cards[-1])
    await client.post("/api/messages", json=teams.submit(submit_data(accept), user=ADMIN, kind="channel"))
    updated = next(p for p in reversed(connector.posts) if p["method"] == "PUT")  # the DMs may follow it already
    assert "is now accepted" in card_text(updated["activity"]["attachments"][0]["content"])
    await teams_bot.settle()

    dms = {p["conversation"]: card_text(p["activity"]["attachments"][0]["content"]) for p in connector.posts[-2:]}
    assert set(dms) == {teams.chat, "a:dm-29:U-BOB"}  # Ann's own chat; Bob's opened for him
    assert all("Idea #1 “Publish the enterprise roadmap monthly” is now accepted." in t for t in dms.values())
    assert [c["members"] for c in connector.created] == [[{"id": "29:U-BOB"}]]


async def test_the_stats_chart_rides_along_as_an_inline_image(client, teams, connector):
    await client.post("/api/messages", json=teams.personal("improve Shared glossary of delivery terms"))
    await client.post("/api/messages", json=teams.personal("improve stats"))
    card, image = connector.posts[-1]["activity"]["attachments"]
    assert "By status (1)\nnew\n1" in card_text(card["content"])
    assert image["contentType"] == "image/png" and image["contentUrl"].startswith("data:image/png;base64,iVBOR")


async def test_a_mention_assigns_the_person_who_can_then_move_the_idea_on(client, teams_bot, teams, connector):
    await client.post("/api/messages", json=teams.personal("improve Shared glossary of delivery terms", user="U-ANN"))
    await client.post(
        "/api/messages", json=teams.channel_message("improve assign 1 @U-Sam", user=ADMIN, mentions=("U-SAM",))
    )
    assert any("now belongs to @U-SAM" in t for t in cards_in(connector, "a:dm-29:U-ADMIN"))
    await client.post("/api/messages", json=teams.channel_message("improve status 1 triaged", user="U-SAM"))
    assert any("is now triaged" in t for t in cards_in(connector, "a:dm-29:U-SAM"))
    await teams_bot.settle()  # the team's chat is told too (in whatever order beside the reply)
    assert any("is now triaged" in t for t in cards_in(connector, teams.chat))


async def test_the_idea_form_as_card_inputs(client, teams, connector):
    await client.post("/api/messages", json=teams.personal("improve", user="U-CARA"))
    form = connector.cards[-1]
    inputs = card_inputs(form)
    assert list(inputs) == ["title", "details", "area", "anonymous"]
    # As long as the idea may be, not one size for every input.
    assert (inputs["title"]["maxLength"], inputs["details"]["maxLength"]) == (300, 3000)
    submit = next(a for a in form["actions"] if a["type"] == "Action.Submit")
    await client.post(
        "/api/messages",
        json=teams.submit(submit_data(submit, title="Rotate the retro facilitator", details="", area="", anonymous="")),
    )
    assert "Logged idea #1: Rotate the retro facilitator." in card_text(connector.cards[-1])


async def test_a_contact_teams_cannot_reach_sends_the_notice_to_the_triage_queue(client, teams_bot, teams, connector):
    await client.post("/api/messages", json=teams.channel_message("improve triage here", user=ADMIN))
    # The default model's PMO contact is "#pmo": a name, which Teams can't post to.
    await client.post("/api/messages", json=teams.personal("improve Publish the enterprise roadmap monthly"))
    await teams_bot.settle()
    notice = connector.posts[-1]
    assert notice["conversation"] == teams.channel
    assert "New idea for Enterprise roadmap, where PMO is accountable" in card_text(connector.cards[-1])
