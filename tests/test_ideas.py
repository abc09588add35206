"""Improvement ideas through the console: the whole life of an idea with several people, routing
to the area's owner, duplicate hints, votes, and a DM to the submitter and voters at every step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.console.sender import ConsoleSender
from tests.conftest import ADMIN


@pytest.fixture
def posts(bot):
    sender = ConsoleSender()
    bot.senders["console"] = sender
    return sender.outbox


@pytest.fixture
def clock(bot):
    now = {"t": datetime(2026, 11, 23, 9, 0, tzinfo=UTC)}
    bot.clock = lambda: now["t"]
    return now


def dms(posts, user):
    return [reply.text for ref, reply in posts if ref.user == user]


async def test_the_life_of_an_idea_from_submission_to_done(bot, person, posts, clock):
    admin, pmo = person(ADMIN), person("U-PMO-LEAD", channel="pmo")
    await admin.say("party set PMO; contact: @U-PMO-LEAD")  # the PMO's contact is a person: they own its ideas
    ann, bob, cara = person("U-ANN"), person("U-BOB"), person("U-CARA")

    out = await ann.say("improve Publish the enterprise roadmap monthly. Teams plan their quarters around it.")
    assert "Logged idea #1: Publish the enterprise roadmap monthly." in out
    assert "It is about Enterprise roadmap, so it goes to PMO (accountable)." in out
    await bot.settle()
    [(ref, notice)] = posts
    assert ref.user == "U-PMO-LEAD" and "New idea for Enterprise roadmap" in notice.text
    assert [b.text for b in notice.buttons] == ["Triage", "Accept", "Decline…", "Duplicate of…"]

    # Bob has the same idea: he is offered a +1 instead, and nothing is saved until he chooses.
    out = await bob.say("improve publish the enterprise roadmap every month")
    assert "it looks like this open idea" in out and "#1 Publish the enterprise roadmap monthly (new, 0 votes)" in out
    assert [b.text for b in bob.reply.buttons] == ["+1 #1 instead", "Log mine anyway"]
    assert "Ideas open (1)" in await cara.say("improve list")
    out = await bob.say("1")  # presses "+1 #1 instead"
    assert "You voted for idea #1 Publish the enterprise roadmap monthly. It has 1 vote." in out
    assert "not logged separately" in out
    out = await cara.say("improve vote 1")
    assert "It has 2 votes." in out
    assert "already voted" in await cara.say("improve vote #1")

    # Only admins and the owner move it on; declining needs a reason.
    out = await bob.say('improve status 1 accepted "looks good"')
    assert "Only admins and idea #1's owner (@U-PMO-LEAD) can change its status. Nothing was changed." in out
    assert "needs a reason" in await pmo.say("improve status 1 declined")
    clock["t"] = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    out = await pmo.say("improve status 1 triaged")
    assert "Idea #1 Publish the enterprise roadmap monthly is now triaged." in out
    clock["t"] = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    await pmo.say('improve status 1 accepted "budget approved"')
    clock["t"] = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    await admin.say("improve status 1 in progress")
    out = await admin.say('improve status 1 done "first monthly edition is out"')
    assert "is now done: “first monthly edition is out”" in out
    await bot.settle()

    expected = ["is now triaged.", "is now accepted: “budget approved”", "is now in progress.",
                "is now done: “first monthly edition is out”"]
    for user in ("U-ANN", "U-BOB", "U-CARA"):
        got = dms(posts, user)
        assert len(got) == 4, (user, got)
        assert all(e in g for e, g in zip(expected, got, strict=True))
    assert dms(posts, "U-PMO-LEAD") == [notice.text]  # the person acting is not told what they did

    out = await ann.say("improve status 1 new")
    assert "Only admins" in out
    out = await admin.say("improve status 1 new")
    assert "can't become new: It is done, so its status can't change any more. Nothing was changed." in out
    out = await cara.say("improve show 1")
    for line in ("submitted by @U-ANN", "new → triaged by @U-PMO-LEAD", "triaged → accepted by @U-PMO-LEAD: “budget approved”",
                 "accepted → in progress by @U-ADMIN", "in progress → done by @U-ADMIN: “first monthly edition is out”"):
        assert line in out
    assert "Idea #1 Publish the enterprise roadmap monthly" in out and "Teams plan their quarters around it" in out
    assert "Votes         2" in out and "Owner         @U-PMO-LEAD" in out


async def test_declining_needs_a_reason_and_duplicates_merge_votes_without_double_counting(bot, person, posts):
    admin, ann, bob, cara = person(ADMIN), person("U-ANN"), person("U-BOB"), person("U-CARA")
    await ann.say("improve Shared glossary of delivery terms for new joiners")
    await bob.say("improve idea Automate the weekly status report from Jira")
    await cara.say("improve vote 2")
    await ann.say("improve vote 2")
    out = await bob.say("improve Automate the weekly status report from Jira please")
    assert "+1 #2 instead" in out
    assert "Logged idea #3" in await bob.say("2")  # Log mine anyway
    out = await admin.say("improve list")
    assert "#3 Automate the weekly status report from Jira please" in out
    await ann.say("improve vote 3")
    out = await admin.say("improve status 3 duplicate of #2")
    assert "is now duplicate of #2." in out
    out = await admin.say("improve show 2")
    assert "Votes         3" in out  # Cara and Ann were there already; Bob (the duplicate's submitter) joins

    out = await admin.say('improve status 1 declined "covered by the onboarding wiki"')
    assert "is now declined: “covered by the onboarding wiki”" in out
    assert "takes no more votes" in await bob.say("improve vote 1")
    await bot.settle()
    assert any("is now declined: “covered by the onboarding wiki”" in t for t in dms(posts, "U-ANN"))
