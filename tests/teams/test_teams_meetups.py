"""Meetups in Teams: scheduled in a channel, announced as a card through the stored
conversation reference, RSVPs updating that card in place."""

import json

from handlers.meetups import jobs
from tests.teams.conftest import card_text, submit_data


async def test_announced_in_the_channel_and_rsvp_updates_the_card(clock, client, teams_bot, teams, connector):
    clock.set("2026-11-21T09:00:00+00:00")
    response = await client.post(
        "/api/messages",
        json=teams.channel_message(
            'meetup schedule "Coaching circle" once on 2026-11-23 at 12:30 Europe/London host @sam'
        ),
    )
    assert response.status in (200, 201)
    confirmation = card_text(connector.cards[-1])
    assert "Scheduled meetup #" in confirmation and "Mon 23 Nov 2026, 12:30 GMT" in confirmation
    series_id = int(confirmation.split("meetup #")[1].split(".")[0])

    clock.set("2026-11-22T12:30:00+00:00")
    await jobs.post_due(teams_bot.services, series_id)
    announcement = connector.posts[-1]
    assert announcement["conversation"] == teams.channel and announcement["method"] == "POST"
    card = connector.cards[-1]
    assert "Coming up: Coaching circle, Mon 23 Nov 2026, 12:30 GMT." in card_text(card)
    going = next(a for a in card["actions"] if a["title"].startswith("Going"))

    await client.post("/api/messages", json=teams.submit(submit_data(going), user="U-BOB", kind="channel"))
    update = connector.posts[-1]
    assert update["method"] == "PUT" and "1 going, 0 maybe" in card_text(connector.cards[-1])
    assert [a["title"] for a in connector.cards[-1]["actions"]][0] == "Going (1)"
    await jobs.post_due(teams_bot.services, series_id)  # run again: nothing is announced twice
    announcements = [
        p
        for p in connector.posts
        if p["method"] == "POST" and "Coming up" in card_text(p["activity"]["attachments"][0]["content"])
    ]
    assert len(announcements) == 1


async def announced_circle(clock, client, teams_bot, teams, connector) -> int:
    """A one-off meetup scheduled in the channel and announced there (a day ahead); its series id."""
    clock.set("2026-11-21T09:00:00+00:00")
    await client.post(
        "/api/messages",
        json=teams.channel_message('meetup schedule "Coaching circle" once on 2026-11-23 at 12:30 Europe/London'),
    )
    series_id = int(card_text(connector.cards[-1]).split("meetup #")[1].split(".")[0])
    clock.set("2026-11-22T12:30:00+00:00")
    await jobs.post_due(teams_bot.services, series_id)
    return series_id


async def test_the_reminder_mentions_the_people_going(clock, client, teams_bot, teams, connector):
    series_id = await announced_circle(clock, client, teams_bot, teams, connector)
    going = next(a for a in connector.cards[-1]["actions"] if a["title"].startswith("Going"))
    for user in ("U-BOB", "U-ANN"):
        await client.post("/api/messages", json=teams.submit(submit_data(going), user=user, kind="channel"))
    connector.rosters[teams.channel] = {"U-BOB"}  # U-ANN has left the team since: no mention for her

    clock.set("2026-11-23T12:15:00+00:00")
    await jobs.post_due(teams_bot.services, series_id)
    reminder = connector.posts[-1]["activity"]
    assert "starts in 15 minutes" in card_text(reminder["attachments"][0]["content"])
    assert reminder["text"] == "<at>U-Bob</at>" and reminder["textFormat"] == "xml"
    assert reminder["entities"] == [
        {"type": "mention", "text": "<at>U-Bob</at>", "mentioned": {"id": "29:U-BOB", "name": "U-Bob"}}
    ]


async def test_cancelling_the_series_rewrites_its_announcement(clock, client, teams_bot, teams, connector):
    series_id = await announced_circle(clock, client, teams_bot, teams, connector)
    announced = len(connector.posts)  # the Bot Connector gave it the id m-<that number>

    await client.post("/api/messages", json=teams.channel_message(f"meetup cancel {series_id}"))
    [update] = [p for p in connector.posts if p["method"] == "PUT"]
    assert update["conversation"] == teams.channel and update["reply_to"] == f"m-{announced}"
    card = update["activity"]["attachments"][0]["content"]
    assert "Coaching circle (cancelled)" in card_text(card) and "actions" not in card


async def test_a_meetup_is_only_for_the_people_of_its_channel(clock, client, teams_bot, teams, connector):
    clock.set("2026-11-21T09:00:00+00:00")
    await client.post(
        "/api/messages",
        json=teams.channel_message(
            'meetup schedule "Leads circle" every Tuesday at 12:00 UTC link https://x.example/s'
        ),
    )
    series_id = int(card_text(connector.cards[-1]).split("meetup #")[1].split(".")[0])
    connector.rosters[teams.channel] = {"U-ALICE"}  # a private channel: U-BOB is not in it

    def last_reply() -> str:
        return card_text(connector.cards[-1]) if connector.cards else ""

    for text in (f"meetup show {series_id}", f"meetup rsvp {series_id} going", "meetup list"):
        await client.post("/api/messages", json=teams.personal(text, user="U-BOB"))
        reply = last_reply() + json.dumps(connector.posts[-1]["activity"])
        assert "Leads circle" not in reply and "x.example" not in reply, text
    assert f"There is no meetup #{series_id} here" in json.dumps(connector.posts[-2]["activity"])
    await client.post("/api/messages", json=teams.personal(f"meetup show {series_id}", user="U-ALICE"))
    assert "https://x.example/s" in json.dumps(connector.posts[-1]["activity"])
