"""A meetup belongs to its channel: only that channel and its members reach it (series, dates,
RSVPs, join links, calendar), and everyone else is told there is no such meetup, exactly as for
an id that does not exist. Ids are read strictly: Unicode digits and huge numbers name nothing.
Through the console, whose outbox here answers membership from a table (as Slack and Teams do)."""

from __future__ import annotations

import pytest

from bot.adapters.console.sender import ConsoleSender
from bot.core import Button
from handlers.meetups import jobs

MEMBERS = {"C-GENERAL": {"U-ORG", "U-ANN", "U-OUT"}, "leads": {"U-ORG", "U-ANN"}}


class Members(ConsoleSender):
    """The console's outbox, but with channels that not everyone is in."""

    async def is_member(self, channel, user):
        return user in MEMBERS.get(channel.channel, set())


@pytest.fixture
def outbox(bot):
    sender = Members()
    bot.senders["console"] = sender
    return sender


async def private_meetup(person) -> int:
    organiser = person("U-ORG")
    await organiser.say(
        'meetup schedule "Leads circle" every Tuesday at 12:00 UTC in #leads link https://meet.example/secret'
    )
    assert "Scheduled meetup #" in organiser.reply.text, organiser.reply.text
    return int(organiser.reply.title.split()[0].lstrip("#"))


async def test_outsiders_cannot_see_or_reach_a_private_channels_meetup(bot, person, clock, outbox):
    sid = await private_meetup(person)
    outsider = person("U-OUT")
    assert "No meetups scheduled yet in the channels you are in" in await outsider.say("meetup list")
    nowhere = f"There is no meetup #{sid} here."
    for command in (
        f"meetup show {sid}",
        f"meetup dates {sid}",
        f"meetup calendar {sid}",
        f"meetup rsvp {sid} going",
        f"meetup skip {sid}",
        f"meetup unskip {sid}",
        f"meetup host {sid} @me",
        f'meetup topic {sid} "mine"',
        f"meetup edit {sid} at 13:00",
        f"meetup cancel {sid}",
    ):
        out = await outsider.say(command)
        assert nowhere in out and "Leads circle" not in out and "secret" not in out, (command, out)
    # Word for word what an id that was never used gets: ids can't be probed.
    assert (await outsider.say(f"meetup show {sid + 1000}")).replace(str(sid + 1000), str(sid)) == (
        await outsider.say(f"meetup show {sid}")
    )
    # A member sees it from anywhere, e.g. in a direct message with the bot.
    member = person("U-ANN", channel="D-ANN", direct=True)
    assert "Leads circle" in await member.say("meetup list")
    assert "https://meet.example/secret" in await member.say(f"meetup show {sid}")
    assert "You're going" in await member.say(f"meetup rsvp {sid} going")


async def test_an_rsvp_button_from_outside_the_channel_names_no_meetup(bot, person, clock, outbox):
    sid = await private_meetup(person)
    clock.set("2026-11-23T12:00:00+00:00")
    await jobs.post_due(bot.services, sid)
    [(where, announcement)] = outbox.outbox
    assert where.channel == "leads"
    going = announcement.buttons[0]
    outsider = person("U-OUT")
    outsider.session._buttons = [going]  # a forged press from #C-GENERAL
    out = await outsider.say("1")
    assert "There is no such meetup here any more" in out and "Leads circle" not in out
    member = person("U-ANN", channel="leads")
    member.session._buttons = [going]
    assert "You're going." in await member.say("1")


async def test_scheduling_into_a_channel_needs_the_asker_there(bot, person, clock, outbox):
    out = await person("U-OUT").say('meetup schedule "Peek" every Tuesday at 12:00 UTC in #leads')
    assert "You can only schedule a meetup in a channel you are in. Nothing was scheduled." in out
    assert "No meetups scheduled yet" in await person("U-ORG").say("meetup list")
    sid = await private_meetup(person)
    out = await person("U-ORG").say(f"meetup edit {sid} in #elsewhere")
    assert "You can only move a meetup to a channel you are in. Nothing was changed." in out


async def test_another_workspace_never_sees_a_meetup(bot, person, clock, outbox):
    organiser = person("U-ORG")
    await organiser.say('meetup schedule "Circle" every Tuesday at 12:00 UTC')
    sid = int(organiser.reply.title.split()[0].lstrip("#"))
    stranger = person("U-ORG", workspace_id=organiser.session.workspace + "X")
    assert f"There is no meetup #{sid} here." in await stranger.say(f"meetup show {sid}")
    assert "Circle" not in await stranger.say("meetup list")


@pytest.mark.parametrize(
    "command, message",
    [
        ("meetup cancel ³3", "There is no meetup #³3 here."),
        ("meetup show 99999999999999999999", "There is no meetup #99999999999999999999 here."),
        ("meetup show 2147483648", "There is no meetup #2147483648 here."),
        ("meetup rsvp ٣ going", "There is no meetup #٣ here."),
        ("meetup dates #0", "There is no meetup #0 here."),
        ("meetup show", "Which meetup? Give its number"),
        ("meetup show circle", "Which meetup? Give its number"),
    ],
)
async def test_ids_are_ascii_numbers_that_fit_and_anything_else_names_no_meetup(person, clock, command, message):
    out = await person().say(command)
    assert message in out and "something went wrong" not in out


async def test_counts_and_button_values_are_read_strictly(bot, person, clock):
    organiser = person("U-ORG")
    await organiser.say('meetup schedule "Circle" every Tuesday at 12:00 UTC')
    sid = int(organiser.reply.title.split()[0].lstrip("#"))
    for count in ("²", "99999999999999999999", "0", "101"):
        assert "A number from 1 to 100" in await organiser.say(f"meetup dates {sid} {count}")
    presser = person("U-1")
    for value in ("99999999999999999999:going", "²:going", "-1:going", "1:maybe-not", ":going", ""):
        presser.session._buttons = [Button("Going", "meetup.rsvp", value)]
        out = await presser.say("1")
        assert "There is no such meetup here any more" in out, value
