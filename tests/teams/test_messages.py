"""Messages from Teams reach the core and come back as Adaptive Cards, in the right place, literally."""

import pytest

from storage import conversations
from tests.teams.conftest import BOT_ID, card_text


async def test_personal_message_is_answered_in_the_chat(chat, teams, connector):
    activity = teams.personal("who owns the enterprise roadmap?")
    await chat.send(activity)
    [sent] = connector.posts
    assert sent["conversation"] == teams.chat and sent["reply_to"] == activity["id"]
    assert "PMO is accountable for Enterprise roadmap." in card_text(connector.cards[0])
    assert sent["activity"]["from"]["id"] == BOT_ID
    assert sent["activity"]["recipient"]["aadObjectId"] == "U-ALICE"
    assert "PMO is accountable" in sent["activity"]["summary"]  # plain text for notifications


async def test_channel_mention_is_stripped_and_answered_in_the_thread(chat, teams, connector):
    activity = teams.channel_message("who owns the enterprise roadmap?", thread="1700000000042")
    await chat.send(activity)
    [sent] = connector.posts
    assert sent["conversation"] == f"{teams.channel};messageid=1700000000042"
    assert sent["reply_to"] == activity["id"]
    assert "PMO is accountable for Enterprise roadmap." in card_text(connector.cards[0])


async def test_a_mention_alone_gets_a_polite_nudge(chat, teams, connector):
    await chat.send(teams.channel_message(""))
    assert "I didn't catch that" in card_text(connector.cards[0])


async def test_other_peoples_mentions_keep_their_names(chat, teams, connector):
    activity = teams.channel_message("what does <at>Pat</at> own?")
    activity["entities"].append(
        {"type": "mention", "text": "<at>Pat</at>", "mentioned": {"id": "29:pat", "name": "Pat"}}
    )
    await chat.send(activity)
    assert "I don't know a party called “Pat”" in card_text(connector.cards[0])


async def test_group_chat_without_a_mention_is_not_answered_but_remembered(chat, teams, connector, db, workspace):
    activity = teams.personal("lunch anyone?")
    activity["conversation"].update(conversationType="groupChat", isGroup=True)
    await chat.send(activity)
    assert connector.posts == []
    record = await conversations.get(db, "teams", workspace, teams.chat)
    assert record is not None and record.kind == "groupChat"


async def test_commands_work_without_a_slash(chat, teams, connector):
    await chat.send(teams.personal("help"))
    await chat.send(teams.personal("improve the onboarding checklist"))
    help_text, logged = card_text(connector.cards[0]), card_text(connector.cards[1])
    assert "What I can do" in help_text and "who owns the enterprise roadmap?" in help_text
    assert "Logged idea #1: the onboarding checklist." in logged


@pytest.mark.parametrize(
    "text",
    [
        "who owns **bold** [link](http://x)?",
        "who owns <b>html</b> & {{DATE(2017-02-14T06:08:00Z, SHORT)}} _x_?",
    ],
)
async def test_user_text_comes_back_literally(chat, teams, connector, text):
    await chat.send(teams.personal(text))
    card = connector.cards[0]
    question = text.removeprefix("who owns ").rstrip("?")
    shown = card_text(card).replace("\u200b", "")
    assert f"“{question}”" in shown  # the unknown-question answer quotes it, as typed
    body = str(card)
    assert "'TextBlock'" not in body and "'FactSet'" not in body  # the elements Teams reads Markdown in
    assert "\\*\\*bold\\*\\*" in card["fallbackText"] or "\\_x\\_" in card["fallbackText"]


async def test_empty_and_huge_messages_get_polite_replies(chat, teams, connector):
    await chat.send(teams.personal(""))
    await chat.send(teams.personal("who owns " + "x" * 100_000))
    assert "I didn't catch that" in card_text(connector.cards[0])
    assert "characters long" in card_text(connector.cards[1])


@pytest.mark.parametrize("kind", ["typing", "messageReaction", "event", "invoke", "somethingNew"])
async def test_other_activity_types_get_a_quiet_success(client, teams, connector, kind):
    activity = teams.personal("")
    activity["type"] = kind
    response = await client.post("/api/messages", json=activity)
    assert response.status < 500 and response.status != 401
    assert connector.posts == []


async def test_malformed_requests_are_refused_without_a_500(client, teams, connector):
    assert (
        await client.post("/api/messages", data=b"{not json", headers={"Content-Type": "application/json"})
    ).status == 400
    assert (await client.post("/api/messages", data=b"hello", headers={"Content-Type": "text/plain"})).status == 415
    assert (await client.post("/api/messages", json=[1, 2])).status == 400
    assert (await client.post("/api/messages", json={"text": "no type"})).status == 400
    no_service_url = teams.personal("who owns the enterprise roadmap?")
    del no_service_url["serviceUrl"]
    assert (await client.post("/api/messages", json=no_service_url)).status == 400
    assert (await client.get("/api/messages")).status == 405
    assert connector.posts == []


async def test_the_reference_is_stored_and_follows_a_new_service_url(chat, teams, connector, db, workspace):
    await chat.send(teams.personal("help"))
    record = await conversations.get(db, "teams", workspace, teams.chat)
    assert record.service_url == connector.url and record.kind == "personal"
    assert record.data["conversation"] == {"id": teams.chat, "conversationType": "personal", "tenantId": workspace}
    assert record.data["bot"]["id"] == BOT_ID
    moved = f"{connector.url}emea/"
    await chat.send(teams.personal("help") | {"serviceUrl": moved})
    record = await conversations.get(db, "teams", workspace, teams.chat)
    assert record.service_url == moved and record.data["serviceUrl"] == moved
    assert [p["region"] for p in connector.posts] == [None, "emea"]


async def test_channel_reference_points_at_the_channel_not_the_thread(chat, teams, db, workspace):
    await chat.send(teams.channel_message("help", thread="1700000000077"))
    record = await conversations.get(db, "teams", workspace, teams.channel)
    assert record is not None and record.kind == "channel"
    assert record.data["conversation"]["id"] == teams.channel


async def test_tenants_are_workspaces(chat, teams, connector, db, workspace):
    await chat.send(teams.personal("who owns the coffee machine?"))
    other = teams.personal("who owns the coffee machine?")
    other["channelData"]["tenant"]["id"] = other["conversation"]["tenantId"] = workspace + "-OTHER"
    await chat.send(other)
    assert await conversations.get(db, "teams", workspace + "-OTHER", teams.chat) is not None
    admin = teams.personal("gaps", user="U-ADMIN")
    await chat.send(admin)
    assert "asked 1×" in card_text(connector.cards[-1])  # the other tenant's question is not counted here
