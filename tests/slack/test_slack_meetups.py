"""Meetups in Slack: scheduled by /meetup, announced through the Web API, RSVPs updating the
announcement in place, reminders that mention who is going."""

from __future__ import annotations

import json

from handlers.meetups import jobs
from tests.slack.conftest import Slack, StandIn, texts


async def schedule(slack: Slack, text: str, user: str = "UORGANISER") -> dict:
    response = await slack.command(text, command="/meetup", user=user)
    assert response.status == 200
    return await response.json()


async def test_announced_with_rsvps_that_update_in_place_and_a_reminder_that_mentions(
    clock, slack: Slack, standin: StandIn
):
    clock.set("2026-11-21T09:00:00+00:00")
    ack = await schedule(
        slack,
        'schedule "Coaching circle" once on 2026-11-23 at 12:30 Europe/London '
        "in <#C0COMMUNITY|community> host <@USAM|sam> link https://meet.example/cc",
    )
    assert "Scheduled meetup #" in json.dumps(ack) and ack["response_type"] == "ephemeral"
    series_id = int(ack["text"].split("#")[1].split()[0])

    clock.set("2026-11-22T12:30:00+00:00")
    await jobs.post_due(slack.bot.services, series_id)
    (post,) = standin.of("chat.postMessage")
    assert post.args["channel"] == "C0COMMUNITY"
    blocks = json.dumps(post.args["blocks"])
    assert "<!date^1795437000^{date_short_pretty} at {time}|Mon 23 Nov 2026, 12:30 GMT (60 min)>" in blocks
    assert "@sam" in blocks and "<@USAM" not in blocks  # shown, not pinged
    going = next(
        e
        for b in post.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"].startswith("Going")
    )

    await slack.click(going["action_id"], going["value"], user="UALICE")
    await slack.settle()
    update, notice = standin.of("response_url")[-2:]
    assert update.args["replace_original"] is True and "Going (1)" in texts(update)
    assert notice.args["response_type"] == "ephemeral" and "You're going." in texts(notice)

    clock.set("2026-11-23T12:15:00+00:00")
    await jobs.post_due(slack.bot.services, series_id)
    reminder = standin.of("chat.postMessage")[-1]
    assert reminder.args["text"].endswith("<@UALICE>") and "starts in 15 minutes" in reminder.args["text"]
    await jobs.post_due(slack.bot.services, series_id)
    assert len(standin.of("chat.postMessage")) == 2  # nothing twice


async def test_a_channel_the_bot_is_not_in_is_refused_and_nothing_is_scheduled(slack: Slack, standin: StandIn):
    ack = await schedule(slack, 'schedule "Circle" every Tuesday at 12:00 in <#C0OUTSIDE|secret>')
    assert "I'm not in #community. Invite me there first" in ack["text"] and "Nothing was scheduled" in ack["text"]
    listing = await (await slack.command("list", command="/meetup")).json()
    assert "No meetups scheduled yet" in listing["text"]


async def test_posts_to_one_channel_are_paced_and_other_channels_are_not_held_up(slack: Slack, standin: StandIn):
    import asyncio
    import time

    from bot.core import ConversationRef, Reply

    sender = slack.bot.senders["slack"]
    started = time.monotonic()
    await asyncio.gather(
        *(sender.send(ConversationRef("slack", slack.team, "C0BUSY"), Reply(f"post {i}")) for i in range(3)),
        sender.send(ConversationRef("slack", slack.team, "C0QUIET"), Reply("elsewhere")),
    )
    posts = standin.of("chat.postMessage")
    assert [p.args["channel"] for p in posts].count("C0BUSY") == 3
    assert time.monotonic() - started >= 2.0, "three posts to one channel take at least two seconds"
    assert [p.args["channel"] for p in posts].index("C0QUIET") < 2, "the quiet channel did not wait its turn"


async def test_skipping_a_date_rewrites_its_announcement(clock, slack: Slack, standin: StandIn):
    slack.bot.senders["slack"].pacer.interval = 0  # Slack's 1 post/s per channel is tested elsewhere
    clock.set("2026-11-21T09:00:00+00:00")
    ack = await schedule(slack, 'schedule "Coaching circle" once on 2026-11-23 at 12:30 Europe/London')
    series_id = int(ack["text"].split("#")[1].split()[0])
    clock.set("2026-11-22T12:30:00+00:00")
    await jobs.post_due(slack.bot.services, series_id)
    [announcement] = standin.of("chat.postMessage")
    posted_ts = announcement.answer["ts"]

    ack = await schedule(slack, f"skip {series_id} 2026-11-23")
    assert "the channel has been told" in ack["text"]
    [update] = standin.of("chat.update")
    assert update.args["channel"] == announcement.args["channel"] and update.args["ts"] == posted_ts
    assert "will not take place (skipped)" in update.args["text"]
    assert not [b for b in update.args["blocks"] if b["type"] == "actions"]  # no more RSVPs


def refusals(standin: StandIn) -> str:
    """What the bot said privately to people who pressed buttons."""
    return "\n".join(texts(c) for c in standin.of("chat.postEphemeral") + standin.of("response_url"))


async def test_a_private_channels_meetup_stays_with_its_members(clock, slack: Slack, standin: StandIn):
    slack.bot.senders["slack"].pacer.interval = 0
    standin.private["C0PRIVATE"] = {"UFAY", "UANN"}
    clock.set("2026-11-21T09:00:00+00:00")
    ack = await schedule(
        slack,
        'schedule "Leads circle" every Tuesday at 12:00 UTC in <#C0PRIVATE|leads> link https://meet.example/secret',
        user="UFAY",
    )
    series_id = int(ack["text"].split("#")[1].split()[0])

    listing = await schedule(slack, "list", user="UBOB")
    assert "Leads circle" not in json.dumps(listing)
    for text in (f"show {series_id}", f"rsvp {series_id} going", f"calendar {series_id}", f"cancel {series_id}"):
        answer = json.dumps(await schedule(slack, text, user="UBOB"), ensure_ascii=False)
        assert f"There is no meetup #{series_id} here" in answer and "Leads circle" not in answer, text
        assert "meet.example" not in answer
    assert "Leads circle" in json.dumps(await schedule(slack, "list", user="UANN"))  # a member, from #general

    peek = await schedule(slack, 'schedule "Peek" every Tuesday at 12:00 UTC in <#C0PRIVATE|leads>', user="UBOB")
    assert "You can only schedule a meetup in a channel you are in. Nothing was scheduled." in peek["text"]

    clock.set("2026-11-23T12:00:00+00:00")
    await jobs.post_due(slack.bot.services, series_id)
    (post,) = standin.of("chat.postMessage")
    assert post.args["channel"] == "C0PRIVATE"
    going = next(e for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"])
    await slack.click(going["action_id"], going["value"], user="UBOB")  # pressed from #general: forged
    await slack.settle()
    assert "There is no such meetup here any more" in refusals(standin)
    assert "Going (1)" not in refusals(standin)


async def test_unicode_digits_and_huge_ids_name_no_meetup(slack: Slack, standin: StandIn):
    for text in ("cancel ³3", "show 99999999999999999999", "rsvp ٣ going"):
        answer = await schedule(slack, text)
        assert "There is no meetup #" in answer["text"] and "went wrong" not in answer["text"], text
    await slack.click("meetup.rsvp", "99999999999999999999:going", user="UBOB")
    await slack.settle()
    assert "There is no such meetup here any more" in refusals(standin)
