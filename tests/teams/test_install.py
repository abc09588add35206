"""Installing the bot anywhere makes it say hello once and remember where it is."""

import pytest

from storage import conversations
from tests.teams.conftest import card_text


async def test_added_to_a_team_says_hello_in_the_channel_and_remembers_it(chat, teams, connector, db, workspace):
    await chat.send(teams.bot_added("channel"))
    [sent] = connector.posts
    assert sent["conversation"] == teams.channel and sent["reply_to"] is None  # a new post, not a thread reply
    text = card_text(connector.cards[0])
    assert "Hello! I'm the PMO bot" in text and "help" in text
    record = await conversations.get(db, "teams", workspace, teams.channel)
    assert record.kind == "channel" and record.service_url == connector.url


@pytest.mark.parametrize("kind", ["personal", "groupChat"])
async def test_install_update_and_conversation_update_greet_once(chat, teams, connector, db, workspace, kind):
    installed = teams.installed(kind)
    added = teams.bot_added(kind)
    if kind == "groupChat":
        for activity in (installed, added):
            activity["conversation"].update(conversationType="groupChat", isGroup=True)
    await chat.send(installed)
    await chat.send(added)  # Teams sends both for one install
    assert len(connector.posts) == 1 and "Hello!" in card_text(connector.cards[0])
    record = await conversations.get(db, "teams", workspace, teams.chat)
    assert record.kind == kind


async def test_someone_else_joining_or_an_uninstall_is_quiet(chat, teams, connector, db, workspace):
    joined = teams.bot_added("channel")
    joined["membersAdded"] = [{"id": "29:new-colleague"}]
    await chat.send(joined)
    await chat.send(teams.installed("personal", action="remove"))
    assert connector.posts == []
    assert await conversations.get(db, "teams", workspace, teams.channel) is not None
