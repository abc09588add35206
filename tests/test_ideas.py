"""Improvement ideas through the console: the whole life of an idea with several people, routing
to the area's owner, duplicate hints, votes, and a DM to the submitter and voters at every step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import ADMIN


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
    assert "taken back. It has 1 vote." in await cara.say("improve unvote 1")
    assert "It has 2 votes." in await cara.say("improve vote 1")

    # Only admins and the owner move it on; declining needs a reason.
    out = await bob.say('improve status 1 accepted "looks good"')
    assert "Only admins and idea #1's owner (@U-PMO-LEAD) can change its status. Nothing was changed." in out
    assert "needs a reason" in await pmo.say("improve status 1 declined")
    clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    out = await pmo.say("improve status 1 triaged")
    assert "Idea #1 Publish the enterprise roadmap monthly is now triaged." in out
    clock.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    await pmo.say('improve status 1 accepted "budget approved"')
    clock.now = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    await admin.say("improve status 1 in progress")
    out = await admin.say('improve status 1 done "first monthly edition is out"')
    assert "is now done: “first monthly edition is out”" in out
    await bot.settle()

    expected = [
        "is now triaged.",
        "is now accepted: “budget approved”",
        "is now in progress.",
        "is now done: “first monthly edition is out”",
    ]
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
    for line in (
        "submitted by @U-ANN",
        "new → triaged by @U-PMO-LEAD",
        "triaged → accepted by @U-PMO-LEAD: “budget approved”",
        "accepted → in progress by @U-ADMIN",
        "in progress → done by @U-ADMIN: “first monthly edition is out”",
    ):
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


async def _seed_week(person, clock):
    """A fixed history: ideas submitted over three weeks, some triaged and finished."""
    admin, ann, bob = person(ADMIN), person("U-ANN"), person("U-BOB")
    clock.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    await ann.say("improve Publish the enterprise roadmap monthly")
    await bob.say("improve idea Lunch and learn recordings in one place")
    clock.now = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
    await admin.say("improve status 1 triaged")  # 2 days to triage
    clock.now = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    await admin.say("improve status 1 accepted")
    await ann.say("improve A shared RAID log template for every project")
    clock.now = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    await admin.say("improve status 1 done")  # 10 days to done
    await admin.say("improve status 3 triaged")  # 2 days to triage
    await bob.say("improve vote 3")
    clock.now = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
    await bob.say("improve Stand-up bot for distributed teams")
    return admin, ann, bob


async def test_stats_count_statuses_and_areas_time_medians_and_chart_the_weeks(bot, person, clock):
    admin, ann, _ = await _seed_week(person, clock)
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    out = await ann.say("improve stats")
    assert "  done     1" in out and "  triaged  1" in out and "  new      2" in out
    assert "• no area: 2" in out and "• Enterprise roadmap: 1" in out and "• Community and knowledge sharing: 1" in out
    assert "Median time to triage  2.0 days" in out and "Median time to done    10 days" in out
    [chart] = ann.reply.files
    assert chart.mime == "image/png" and chart.data.startswith(b"\x89PNG\r\n\x1a\n") and len(chart.data) > 5000
    assert "[file: ideas-per-week.png" in out


@pytest.mark.own_database  # the escalation sweep reads every workspace
async def test_waiting_ideas_are_escalated_once_and_the_weekly_digest_sums_up_the_week(bot, person, posts, clock):
    from handlers.digest import jobs as digest_jobs
    from handlers.ideas import jobs

    admin, ann, bob = await _seed_week(person, clock)
    await person(ADMIN, channel="pmo-triage").say("improve triage here")
    await person(ADMIN, channel="pmo-leads").say("improve digest here")
    await bot.settle()
    posts.clear()
    clock.now = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
    workspace = ann.session.workspace
    escalated = await jobs.escalate(bot.services)
    assert [(i.workspace, i.number) for i in escalated] == [(workspace, 2)]  # new since 2 Nov; #4 is not a week old
    assert await jobs.escalate(bot.services) == []
    [(ref, notice)] = posts
    assert ref.channel == "pmo-triage" and "Waiting for triage for 14 days: #2 Lunch and learn" in notice.text
    assert "#2 Lunch and learn recordings in one place" in await admin.say("improve triage")

    # The rest of the week, across features: a status change, a retro action, a gap, a meetup.
    clock.now = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    await admin.say('improve status 3 accepted "go ahead"')
    await bob.say("who owns the coffee machine?")
    facilitator = person("U-FAC", channel="pmo-leads")
    await facilitator.say("retro start")
    await facilitator.say('retro action "Fix the build radiator" @U-BOB due 2026-11-20')
    await person(ADMIN, channel="pmo-leads").say(
        'meetup schedule "Lunch & Learn" once on 2026-11-26 at 12:30 Europe/London'
    )
    # Another team's retro and meetup are theirs: the digest channel's members are not all in it.
    other_team = person("U-FAC", channel="team-x")
    await other_team.say("retro start")
    await other_team.say('retro action "Rotate the on-call secretly" @U-BOB due 2026-11-20')
    await other_team.say('meetup schedule "Team X offsite" once on 2026-11-25 at 12:30 Europe/London')

    clock.now = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)  # Monday 09:00 (PMO_BOT_TIMEZONE is UTC here)
    await digest_jobs.post_digest(bot.services, workspace)
    await digest_jobs.post_digest(bot.services, workspace)  # a second run (a replica, a retry) posts nothing
    [digest] = [r for ref, r in posts if ref.channel == "pmo-leads" and (r.title or "").startswith("PMO weekly")]
    assert digest.title == "PMO weekly digest · 16 Nov – 23 Nov 2026"
    parts = {s.heading: s.text for s in digest.sections}
    assert parts["New ideas (1)"] == "• #4 Stand-up bot for distributed teams (new)"
    assert (
        parts["Status changes (1)"]
        == "• #3 A shared RAID log template for every project: triaged → accepted (“go ahead”)"
    )
    assert parts["Waiting for triage too long (1)"] == "• #2 Lunch and learn recordings in one place: new for 21 days"
    assert parts["Top-voted open ideas"] == "• #3 A shared RAID log template for every project: 1 vote"
    assert parts["Open retro actions (1)"] == "• Fix the build radiator — @U-BOB, due 2026-11-20 (overdue)"
    assert parts["Unanswered “who owns” questions (1)"] == "• “coffee machine” asked 1 time"
    assert parts["Meetups in the coming week"] == "• Lunch & Learn: Thu 26 Nov 2026, 12:30 GMT"
    assert "on-call" not in str(digest.to_dict()) and "Team X" not in str(digest.to_dict())


async def test_bad_input_gets_a_clear_message_and_changes_nothing(bot, person, posts):
    ann, bob, admin = person("U-ANN"), person("U-BOB"), person(ADMIN)
    assert "What's your idea?" in await ann.say("improve idea")
    out = await ann.say("improve " + "x" * 1200)
    assert "up to 1,000 characters; that one has 1,200" in out and "Nothing was saved" in out
    assert "up to 4,000" in await ann.say("improve " + "x" * 10_000)  # refused before any handler runs
    assert "No ideas open" in await ann.say("improve list")

    await ann.say("improve Shared glossary of delivery terms")
    assert "There is no idea #99 here" in await ann.say("improve vote 99")
    assert "Which idea?" in await ann.say("improve show twelve")
    assert "Only the person who submitted idea #1 can withdraw it" in await bob.say("improve withdraw 1")
    assert "“finished-ish” is not a status" in await admin.say("improve status 1 finished-ish")
    # Steps can be skipped forwards (as the README says), never taken back.
    assert "is now in progress" in await admin.say("improve status 1 in progress")
    assert (
        "can't become triaged: It is in progress; steps are never taken back, so it can go to done, declined, "
        "duplicate. Nothing was changed." in await admin.say("improve status 1 triaged")
    )
    assert "Duplicate of which idea?" in await admin.say("improve status 1 duplicate")
    assert "can't be the original" in await admin.say("improve status 1 duplicate 1")
    assert "Only admins can choose where the digest is posted" in await ann.say("improve digest here")

    # Another workspace has its own numbering and never sees this one's ideas.
    elsewhere = person("U-ANN", workspace_id=f"{ann.session.workspace}-OTHER")
    assert "There is no idea #1 here" in await elsewhere.say("improve show 1")
    assert "Logged idea #1" in await elsewhere.say("improve Rotate the retro facilitator")
    assert "Shared glossary" in await ann.say("improve show 1")

    out = await ann.say("improve withdraw 1")
    assert "is now withdrawn" in out
    assert "takes no more votes" in await bob.say("improve vote 1")
    assert "already withdrawn" in await ann.say("improve withdraw 1")


async def test_an_anonymous_idea_never_shows_its_author_but_they_still_hear_back(bot, person, posts, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    author, admin, bob = person("U-SECRET-AUTHOR"), person(ADMIN), person("U-BOB")
    shown = [await author.say("improve")]  # the form: title, details, area, anonymous
    shown.append(await author.say("Blameless post-incident reviews"))
    shown.append(await author.say("Reviews today look for someone to blame; people stop reporting."))
    shown.append(await author.say(""))  # no area
    shown.append(await author.say("yes"))  # anonymously
    assert "Logged idea #1" in shown[-1] and "anonymously" in shown[-1]
    assert author.reply.private
    shown += [
        await bob.say("improve vote 1"),
        await bob.say("improve show 1"),
        await admin.say("improve list"),
        await admin.say("improve search blameless"),
        await admin.say('improve status 1 accepted "yes please"'),
        await admin.say("improve digest"),
        await admin.say("improve stats"),
    ]
    assert "Submitted by  anonymous" in shown[6] and "submitted by anonymous" in shown[6]
    shown.append(await author.say("improve detail 1 Start with the next incident."))  # still theirs to manage
    assert "Added detail" in shown[-1]
    await bot.settle()
    assert any("is now accepted: “yes please”" in reply.text for ref, reply in posts if ref.user == "U-SECRET-AUTHOR")

    shown += [reply.text for _, reply in posts] + [str(reply.to_dict()) for _, reply in posts]
    shown += [record.getMessage() + str(record.__dict__) for record in caplog.records]
    async with bot.db.session() as session:
        from sqlmodel import select

        from storage.models import Idea, IdeaEvent

        idea = (await session.exec(select(Idea).where(Idea.workspace == author.session.workspace))).one()
        events = (await session.exec(select(IdeaEvent).where(IdeaEvent.idea_id == idea.id))).all()
    stored = [str(idea.model_dump())] + [str(e.model_dump()) for e in events]
    for text in shown[1:] + stored:
        assert "SECRET" not in text.upper(), text


async def test_a_retro_action_that_needs_outside_help_becomes_an_idea_in_one_step(bot, person, clock):
    import re

    facilitator, ann = person("U-FAC", channel="team-rocket"), person("U-ANN", channel="team-rocket")
    await facilitator.say("retro start")
    out = await facilitator.say('retro action "Budget for initiative tooling licences" @U-ANN due 2026-12-05')
    action = re.search(r"Action A(\d+) added", out)[1]
    out = await ann.say(f"retro escalate A{action}")
    assert "Logged idea #1: Budget for initiative tooling licences." in out
    assert "It is about Enterprise initiative budgets, so it goes to PMO (accountable)." in out
    out = await ann.say("improve show 1")
    assert f"Escalated from action A{action} of" in out and "owner @U-ANN, due 2026-12-05" in out
    assert "submitted by @U-ANN" in out
    out = await ann.say(f"retro escalate A{action}")  # a second press: the look-alike offer, nothing saved
    assert "+1 #1 instead" in out and "Nothing is saved until you choose" in out
    assert "There is no action A999999 here" in await ann.say("retro escalate A999999")


@pytest.mark.own_database
async def test_the_scheduler_plans_an_hourly_sweep_and_each_workspaces_next_digest(bot, person, posts, clock):
    from handlers.digest import jobs

    admin = person(ADMIN, channel="pmo-leads")
    await admin.say("improve digest here")
    workspace = admin.session.workspace

    async def planned(now: datetime) -> dict[str, datetime]:  # what the bot's scheduler would plan
        clock.now = now
        return {spec.id: spec.run_at for planner in bot.planners for spec in await planner(bot.services, now)}

    specs = await planned(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))  # Monday, half an hour after the digest
    assert specs["ideas:escalate"] == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert specs[f"digest:{workspace}"] == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # not sent yet: catch up
    await jobs.post_digest(bot.services, workspace)
    specs = await planned(datetime(2026, 11, 23, 9, 31, tzinfo=UTC))
    assert specs[f"digest:{workspace}"] == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # sent: next Monday
    specs = await planned(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # too late for a catch-up on Wednesday
    assert specs[f"digest:{workspace}"] == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert len([reply for ref, reply in posts if ref.channel == "pmo-leads"]) == 1
