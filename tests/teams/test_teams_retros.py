"""A whole retro through Teams: channel messages without a slash, the board and summary posted
to the channel through the stored reference, Add card as card inputs, owners reminded by DM."""

from handlers.retros import jobs
from tests.teams.conftest import card_text, submit_data


def action(card: dict, title: str) -> dict:
    return next(a for a in card["actions"] if a["title"] == title)


async def test_a_full_retro_in_teams(clock, client, teams_bot, teams, connector):
    clock.set("2026-11-21T10:00:00+00:00")

    async def say(text: str, user: str = "U-FAY", mentions: tuple[str, ...] = ()) -> str:
        response = await client.post("/api/messages", json=teams.channel_message(text, user=user, mentions=mentions))
        assert response.status in (200, 201)
        return card_text(connector.cards[-1])

    async def submit(data: dict, user: str) -> str:
        response = await client.post("/api/messages", json=teams.submit(data, user=user, kind="channel"))
        assert response.status in (200, 201)
        return card_text(connector.cards[-1])

    assert "you are the facilitator" in await say("retro start sailboat Release 3")
    board = next(c for c in connector.cards if "Wind: 0 cards" in card_text(c))
    assert [a["title"] for a in board["actions"]] == ["Add card", "Close"]

    # Add card: the form comes as card inputs; submitted with the anonymous toggle on.
    form = await submit(submit_data(action(board, "Add card")), user="U-ANN")
    assert "Add a retro card" in form
    filled = submit_data(
        action(connector.cards[-1], "Add card"), column="Rocks", text="Late test data", anonymous="true"
    )
    assert "Added card #1 to Rocks" in await submit(filled, user="U-ANN")
    assert "Added card #2 to Wind" in await say("retro add wind great pairing", user="U-BOB")

    await say("retro vote")
    posted = card_text(connector.cards[-2])
    assert "voting is open" in posted and "#1 [Rocks] Late test data" in posted
    assert "Voted for card #1" in await say("retro vote 1", user="U-BOB")
    assert "Voted for card #1" in await say("retro vote 1", user="U-CAT")
    await say("retro discuss")
    assert "#1 Late test data — anonymous (2 votes)" in card_text(connector.cards[-2])
    added = await say('retro action "Order test data early" @U-Bob due monday', mentions=("U-BOB",))
    assert "owner U-BOB, due Mon 23 Nov 2026" in added
    typed = await say('retro action "Order pizza" @U-Bob due monday')  # typed, not picked: names nobody
    assert "“@U-Bob” is not someone I can remind" in typed and "No action was added" in typed
    await say("retro close")
    summary = card_text(connector.cards[-2])
    assert "Retro #" in summary and "Top voted" in summary and "Order test data early" in summary
    # Answers for the asker alone (a vote, a refusal) went to their 1:1 chat: Teams would show the
    # channel anything the bot says there. Everything else is in the channel.
    private = [p for p in connector.posts if p["conversation"].startswith("a:dm-")]
    assert private and all(p["conversation"].startswith(teams.channel) for p in connector.posts if p not in private)
    assert all("U-ANN" not in card_text(c) for c in connector.cards)

    # The owner hears about it by DM, the day before and on the day.
    action_id = int(summary.split("• A")[1].split()[0])
    clock.set("2026-11-22T09:00:00+00:00")
    before = len(connector.posts)
    await jobs.remind(teams_bot.services, action_id, "before")
    await jobs.remind(teams_bot.services, action_id, "before")
    dms = [p for p in connector.posts[before:] if p["conversation"] == "a:dm-29:U-BOB"]
    assert len(dms) == 1 and any(c["members"][0]["id"] == "29:U-BOB" for c in connector.created)
    assert "is due tomorrow, Mon 23 Nov 2026" in card_text(dms[0]["activity"]["attachments"][0]["content"])


async def test_a_retro_reached_by_dm_only_by_people_of_its_channel(client, teams, connector):
    async def say(activity) -> str:
        response = await client.post("/api/messages", json=activity)
        assert response.status in (200, 201)
        return card_text(connector.cards[-1])

    connector.rosters[teams.channel] = {"U-FAY", "U-ANN"}  # a private team
    assert "you are the facilitator" in await say(teams.channel_message("retro start Leads sync", user="U-FAY"))
    assert "Added card #1 to Start" in await say(teams.personal("retro add start fewer meetings", user="U-ANN"))
    outsider = await say(teams.personal("retro add start peek", user="U-BOB"))
    assert "No retro is open in a channel you are in" in outsider and "Leads sync" not in outsider


async def test_an_answer_for_the_asker_alone_goes_to_their_private_chat(chat, connector, teams):
    """Teams shows a channel everything the bot says there: "your cards" would name an anonymous
    card's author, so it goes to the asker's 1:1 chat instead."""
    await chat.say("retro start Sprint 5", user="U-FAY")
    await chat.say("retro add start pairing on reviews --anon", user="U-ANN")
    before = len(connector.posts)
    status = await chat.say("retro status", user="U-ANN")
    assert "pairing on reviews" in status
    answered = connector.posts[before:]
    assert answered and all(p["conversation"] == "a:dm-29:U-ANN" for p in answered)
    in_channel = [card_text(p["activity"]["attachments"][0]["content"]) for p in connector.posts if p not in answered]
    assert not any("U-ANN" in text for text in in_channel)
