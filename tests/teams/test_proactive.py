"""The bot posts on its own (announcements, reminders) into conversations it has stored, paced and retried."""

import pytest

from bot.adapters.teams.connector import ConnectorError
from bot.adapters.teams.sender import Pacer, RetryPolicy
from bot.assembly.app import Bot
from bot.core import ConversationRef, Reply, Section
from tests.teams.conftest import card_text, start

FAST = RetryPolicy(attempts=5, base=0.01, cap=0.05)


async def test_a_send_after_a_restart_reaches_the_stored_conversation(teams_settings, db, teams, connector, workspace):
    first = await start(Bot(teams_settings, db))
    response = await first.post("/api/messages", json=teams.bot_added("channel"))
    assert response.status in (200, 201)
    await first.close()
    connector.posts.clear()

    bot = Bot(teams_settings, db)  # a new process: nothing in memory, only the database
    second = await start(bot)
    try:
        message_id = await bot.services.outbox.send(
            ConversationRef("teams", workspace, teams.channel),
            Reply(
                "Lunch & learn tomorrow at 12:00",
                title="Meetup",
                sections=[Section(text="Lunch & learn tomorrow at 12:00")],
            ),
        )
    finally:
        await second.close()
    [sent] = connector.posts
    assert message_id == "m-1"
    assert sent["conversation"] == teams.channel and sent["reply_to"] is None
    assert "Lunch & learn tomorrow at 12:00" in card_text(connector.cards[0])
    assert sent["activity"]["channelData"] == {"tenant": {"id": workspace}}


async def test_a_send_into_a_thread_and_to_an_unknown_conversation(client, teams_bot, teams, connector, workspace):
    await client.post("/api/messages", json=teams.channel_message("help"))
    await teams_bot.services.outbox.send(
        ConversationRef("teams", workspace, teams.channel, thread="1700000000099"), Reply("Reminder")
    )
    assert connector.posts[-1]["conversation"] == f"{teams.channel};messageid=1700000000099"
    with pytest.raises(LookupError):
        await teams_bot.services.outbox.send(
            ConversationRef("teams", workspace, "19:never-seen@thread.tacv2"), Reply("Hi")
        )


@pytest.mark.parametrize("statuses", [[429], [412, 502, 504], [429, 429, 429, 429]])
async def test_throttling_and_gateway_errors_are_retried(client, teams_bot, teams, connector, workspace, statuses):
    await client.post("/api/messages", json=teams.installed("personal"))
    teams_bot.senders["teams"].outbox.retry = FAST
    connector.posts.clear()
    connector.attempts = 0
    connector.failures = list(statuses)
    await teams_bot.services.outbox.send(ConversationRef("teams", workspace, teams.chat), Reply("Digest"))
    assert connector.attempts == len(statuses) + 1
    assert len(connector.posts) == 1


async def test_other_errors_and_too_many_failures_are_not_hidden(client, teams_bot, teams, connector, workspace):
    await client.post("/api/messages", json=teams.installed("personal"))
    teams_bot.senders["teams"].outbox.retry = FAST
    connector.attempts, connector.failures = 0, [403]
    with pytest.raises(ConnectorError):
        await teams_bot.services.outbox.send(ConversationRef("teams", workspace, teams.chat), Reply("Digest"))
    assert connector.attempts == 1  # a 403 is not retried
    connector.attempts, connector.failures = 0, [429] * 10
    with pytest.raises(ConnectorError):
        await teams_bot.services.outbox.send(ConversationRef("teams", workspace, teams.chat), Reply("Digest"))
    assert connector.attempts == FAST.attempts


async def test_a_reply_is_retried_too(client, teams_bot, teams, connector):
    teams_bot.senders["teams"].outbox.retry = FAST  # the turn's replies share the sender's outbox
    connector.failures = [502]
    response = await client.post("/api/messages", json=teams.personal("help"))
    assert response.status in (200, 201)
    assert connector.attempts == 2 and len(connector.posts) == 1


def test_backoff_grows_with_jitter_and_honours_retry_after():
    policy = RetryPolicy(base=1.0, cap=30.0)
    for attempt, (low, high) in enumerate([(0.5, 1), (1, 2), (2, 4), (4, 8)]):
        delays = {policy.delay(attempt, None) for _ in range(50)}
        assert all(low <= d <= high for d in delays) and len(delays) > 1
    assert policy.delay(0, 12.0) == 12.0
    assert policy.delay(10, None) <= 30.0


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    async def sleep(self, seconds):
        self.now += seconds


async def test_pacing_keeps_each_conversation_under_teams_limits():
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    stamps = []
    for _ in range(70):
        await pacer.wait("busy")
        stamps.append(time.now)
    for window, limit in ((1.0, 7), (2.0, 8), (30.0, 60)):
        for i in range(len(stamps) - limit):
            assert stamps[i + limit] - stamps[i] >= window - 1e-9, (window, limit, i)
    assert stamps[7] < 2.0 and stamps[60] >= 30.0  # paced, not serialised to one a second


async def test_a_busy_conversation_does_not_hold_up_the_others():
    import asyncio

    held, gate = [], asyncio.Event()

    async def sleep(seconds):  # a busy conversation's wait lasts until the test ends
        held.append(seconds)
        await gate.wait()

    pacer = Pacer(clock=lambda: 0.0, sleep=sleep)
    for _ in range(7):
        await pacer.wait("busy")
    waiting = asyncio.create_task(pacer.wait("busy"))  # an 8th within the second must wait
    while not held:
        await asyncio.sleep(0)
    await asyncio.wait_for(pacer.wait("quiet"), 10)  # another conversation goes at once
    assert len(held) == 1 and not waiting.done()
    waiting.cancel()


async def test_a_direct_message_opens_the_persons_chat_once_and_reuses_it(
    teams_settings, db, teams, connector, workspace
):
    first = await start(Bot(teams_settings, db))
    await first.post("/api/messages", json=teams.channel_message("help", user="U-BOB"))
    await first.close()
    connector.posts.clear()

    bot = Bot(teams_settings, db)  # after a restart: only the database knows how to reach Bob
    second = await start(bot)
    try:
        await bot.services.outbox.send(
            ConversationRef.direct("teams", workspace, "U-BOB"), Reply("Your action is due tomorrow")
        )
        await bot.services.outbox.send(
            ConversationRef.direct("teams", workspace, "U-BOB"), Reply("Your action is due today")
        )
        with pytest.raises(LookupError):
            await bot.services.outbox.send(ConversationRef.direct("teams", workspace, "U-NEVER-SEEN"), Reply("Hi"))
    finally:
        await second.close()
    [created] = connector.created
    assert created["members"] == [{"id": "29:U-BOB"}] and created["isGroup"] is False
    assert created["tenantId"] == workspace
    assert [p["conversation"] for p in connector.posts] == ["a:dm-29:U-BOB"] * 2
    assert "due today" in card_text(connector.cards[-1])


async def test_someone_who_wrote_to_the_bot_personally_is_messaged_in_that_chat(
    client, teams_bot, teams, connector, workspace
):
    await client.post("/api/messages", json=teams.personal("help", user="U-CARA"))
    await client.post("/api/messages", json=teams.channel_message("help", user="U-CARA"))  # keeps the chat
    await teams_bot.services.outbox.send(
        ConversationRef.direct("teams", workspace, "U-CARA"), Reply("Idea #3 was accepted")
    )
    assert connector.created == [] and connector.posts[-1]["conversation"] == teams.chat
