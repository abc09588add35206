"""Slash commands, mentions and DMs over real signed HTTP: what Slack receives back."""

from __future__ import annotations

import json

from bot.assembly.app import Bot
from tests.conftest import ADMIN
from tests.slack.conftest import BOT_ID, BOT_USER, TOKEN, Slack, slack_settings, start, texts

ROADMAP = "PMO is accountable for Enterprise roadmap"


async def test_slash_command_answer_is_in_the_ack(slack: Slack):
    response = await slack.command("who owns the enterprise roadmap?")
    assert response.status == 200
    body = await response.json()
    assert body["response_type"] == "ephemeral"
    assert ROADMAP in body["text"]
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Enterprise roadmap", "emoji": True},
    }
    await slack.settle()
    assert not slack.standin.of("chat.postMessage")  # the ack carried it: no extra round trip


async def test_a_repeated_answer_follows_the_registry(slack: Slack):
    """The ack body of a cached answer is reused until the registry changes, then rebuilt."""
    first = await (await slack.command("who owns the enterprise roadmap?")).json()
    again = await (await slack.command("who owns the enterprise roadmap")).json()
    assert again == first
    changed = await slack.command("area set enterprise roadmap; accountable: Leadership Team", user=ADMIN)
    assert "Undo" in json.dumps(await changed.json())
    after = await (await slack.command("who owns the enterprise roadmap?")).json()
    assert after["text"].startswith("Leadership Team is accountable for Enterprise roadmap")
    assert after["blocks"] != first["blocks"]


async def test_help_and_feature_commands(slack: Slack, monkeypatch):
    help_body = await (await slack.command("help")).json()
    assert help_body["text"].startswith("I answer who owns what")
    seen = []
    real_handle = slack.bot.handle

    async def spy(msg):
        seen.append((msg.text, msg.channel, msg.user, msg.workspace))
        return await real_handle(msg)

    monkeypatch.setattr(slack.bot, "handle", spy)
    for command in ("/improve", "/retro", "/meetup"):
        body = await (await slack.command("a  better standup ", command=command)).json()
        assert body["response_type"] == "ephemeral" and "I didn't catch that" not in body["text"], command
    assert seen == [
        (f"{word} a  better standup", "C-GENERAL", "U-ALICE", slack.team) for word in ("improve", "retro", "meetup")
    ]


async def test_mention_is_answered_in_its_thread(slack: Slack):
    response = await slack.mention("who owns the enterprise roadmap?", ts="1700000000.000111")
    assert response.status == 200
    [post] = await slack.standin.wait_for("chat.postMessage")
    assert post.args["channel"] == "C-GENERAL"
    assert post.args["thread_ts"] == "1700000000.000111"
    assert ROADMAP in post.args["text"]
    assert post.token == TOKEN


async def test_mention_inside_a_thread_answers_in_that_thread(slack: Slack):
    await slack.mention("who owns the enterprise roadmap?", ts="1700000000.000300", thread_ts="1700000000.000001")
    [post] = await slack.standin.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == "1700000000.000001"


async def test_direct_message_is_answered(slack: Slack):
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D-ALICE",
            "user": "U-ALICE",
            "text": "who owns the enterprise roadmap?",
            "ts": "1700000000.000500",
        }
    )
    [post] = await slack.standin.wait_for("chat.postMessage")
    assert post.args["channel"] == "D-ALICE"
    assert "thread_ts" not in post.args  # a top-level DM is answered top-level
    assert ROADMAP in post.args["text"]


async def test_own_messages_edits_and_channel_chatter_are_ignored(slack: Slack):
    dm = {"type": "message", "channel_type": "im", "channel": "D-ALICE", "ts": "1.2"}
    await slack.event({**dm, "user": BOT_USER, "bot_id": BOT_ID, "text": "who owns the enterprise roadmap?"})
    await slack.event({**dm, "subtype": "message_changed", "message": {"text": "who owns x"}})
    await slack.event(
        {
            "type": "message",
            "channel_type": "channel",
            "channel": "C-GENERAL",
            "user": "U-ALICE",
            "text": "who owns the enterprise roadmap?",
            "ts": "1.3",
        }
    )
    await slack.settle()
    assert not slack.standin.of("chat.postMessage")


async def test_another_bot_is_answered_only_when_it_addresses_us(slack: Slack):
    await slack.event(
        {
            "type": "message",
            "channel_type": "channel",
            "channel": "C-GENERAL",
            "bot_id": "BOTHER",
            "subtype": "bot_message",
            "text": "who owns the enterprise roadmap?",
            "ts": "1.4",
        }
    )
    await slack.settle()
    assert not slack.standin.of("chat.postMessage")
    await slack.mention("who owns the enterprise roadmap?", user="U-OTHERBOT", bot_id="BOTHER")
    [post] = await slack.standin.wait_for("chat.postMessage")
    assert ROADMAP in post.args["text"]


async def test_retried_event_has_one_effect_even_after_a_restart(slack: Slack, db, workspace):
    event = {
        "type": "app_mention",
        "user": "U-ALICE",
        "channel": "C-GENERAL",
        "ts": "1700000000.000900",
        "text": f"<@{BOT_USER}> who owns the enterprise roadmap?",
    }
    for retry in (None, 1, 2):
        response = await slack.event(event, event_id="Ev-RETRIED", retry=retry)
        assert response.status == 200
        await slack.settle()
    assert len(slack.standin.of("chat.postMessage")) == 1
    # A new process (another replica, or after a restart) sharing the database: still no second answer.
    again, client = await start(Bot(slack_settings(db, slack.standin), db), slack.standin, workspace)
    try:
        assert (await again.event(event, event_id="Ev-RETRIED", retry=3)).status == 200
        await again.settle()
    finally:
        await client.close()
    assert len(slack.standin.of("chat.postMessage")) == 1


async def test_user_text_never_pings(slack: Slack):
    # How Slack encodes @channel, @here and a user mention typed into a message.
    await slack.mention("who owns <!channel> and <!here> for <@U123>?")
    [post] = await slack.standin.wait_for("chat.postMessage")
    posted = texts(post)
    assert "“@channel and @here for @U123”" in posted  # echoed as read, not as markup
    for ping in ("<!channel>", "<!here>", "<@U123>"):
        assert ping not in posted
    # Slash commands arrive with &, <, > as entities; the answer escapes them again rather than decoding them.
    body = await (await slack.command("who owns &lt;!channel&gt; &amp; &lt;!here&gt;?")).json()
    echoed = body["text"] + json.dumps(body["blocks"])
    assert "<!channel>" not in echoed and "<!here>" not in echoed
    assert "&lt;!channel&gt; &amp; &lt;!here&gt;" in body["text"]


async def test_oversized_text_gets_a_polite_reply(slack: Slack):
    body = await (await slack.command("who owns " + "x" * 6000)).json()
    assert "characters long" in body["text"]


async def test_a_question_and_its_follow_up_button_read_like_a_conversation(slack: Slack):
    answer = await slack.say("who owns the enterprise roadmap?")
    assert "PMO is accountable for Enterprise roadmap." in answer
    follow_up = await slack.press("What else does PMO own?")
    assert "Enterprise roadmap" in follow_up and "Enterprise initiative budgets" in follow_up
