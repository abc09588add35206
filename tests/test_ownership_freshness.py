"""Areas are re-checked as knowledge tools do it: each has an interval (90 days unless set); when it
comes due, its Accountable's contact is asked once, and "Still correct" verifies it."""

from datetime import timedelta

import pytest

from bot.adapters.console.sender import ConsoleSender
from bot.core import ConversationRef
from handlers.digest.compose import compose
from handlers.ownership import reverify
from tests.conftest import ADMIN

pytestmark = pytest.mark.own_database  # the daily sweep reads every workspace


async def asked(bot, workspace) -> list[int]:
    """Run the daily sweep; the areas it asked about this time."""
    asked = await reverify.ask_owners(bot.services)
    assert {where for where, _ in asked} <= {workspace}
    return [area for _, area in asked]


def sent(posts, workspace) -> list:
    return [(where, reply) for where, reply in posts if where.workspace == workspace]


async def test_a_due_area_is_asked_about_once_in_its_owners_channel_and_still_correct_verifies_it(
    bot, clock, posts, person, workspace
):
    admin = person(ADMIN)
    out = await admin.say("area set Enterprise roadmap; verify every: 30 days")
    assert "Updated “Enterprise roadmap”." in out
    clock.set("2026-12-20T09:00:00+00:00")  # 29 days later: not yet
    assert await asked(bot, workspace) == [] and sent(posts, workspace) == []
    assert "overdue" not in await person().say("who owns the enterprise roadmap?")

    clock.set("2026-12-21T09:00:00+00:00")  # 30 days: due
    (roadmap,) = await asked(bot, workspace)
    assert await asked(bot, workspace) == []  # once per due date, however often the sweep runs
    ((where, message),) = sent(posts, workspace)
    assert where == ConversationRef("console", workspace, "pmo")  # PMO's contact is #pmo: posted there
    assert "Is this still correct? “Enterprise roadmap” is due for its check" in message.text
    assert [b.text for b in message.buttons] == ["Still correct", "Change"]
    out = await person().say("who owns the enterprise roadmap?")
    assert "not verified yet (overdue: it is to be checked every 30 days, so it may be out of date)" in out

    out = await person("U-PAT", channel="pmo").press("Still correct", on=message)
    assert "“Enterprise roadmap” is verified as still correct by U-PAT, 2026-12-21. Next check due 2027-01-20." in out
    clock.set("2026-12-31T10:00:00+00:00")
    out = await person().say("who owns the enterprise roadmap?")
    assert "Last verified  2026-12-21 by U-PAT, 10 days ago" in out and "overdue" not in out

    clock.set("2027-01-19T09:00:00+00:00")
    assert await asked(bot, workspace) == []
    clock.set("2027-01-20T09:00:00+00:00")  # the next due date is asked about again
    assert await asked(bot, workspace) == [roadmap]
    assert len(sent(posts, workspace)) == 2


async def test_a_person_as_contact_gets_a_direct_message_and_only_they_or_an_admin_may_answer(
    bot, clock, posts, person, workspace
):
    admin = person(ADMIN)
    await admin.say("party set Finance; contact: @fiona")
    await admin.say("area set Cost centres; accountable: Finance; verify every: 2 weeks")
    clock.now += timedelta(days=14)
    await asked(bot, workspace)
    ((where, message),) = sent(posts, workspace)
    assert where == ConversationRef.direct("console", workspace, "fiona")
    out = await person("U-BOB").press("Still correct", on=message)
    assert "Only registry admins and the Accountable's contact (@fiona) can confirm this. Nothing was changed." in out
    assert "not verified yet" in await person().say("who owns cost centres?")
    out = await person("fiona").press("Still correct", on=message)
    assert "verified as still correct by fiona" in out
    assert "by fiona, today" in await person().say("who owns cost centres?")


async def test_change_opens_the_area_form_filled_in_for_an_admin_and_explains_for_others(
    bot, clock, posts, person, workspace
):
    admin = person(ADMIN)
    await admin.say("area set Enterprise roadmap; verify every: 7 days")
    clock.now += timedelta(days=7)
    await asked(bot, workspace)
    ((_, message),) = sent(posts, workspace)
    out = await person("U-BOB").press("Change", on=message)
    assert "Only registry admins can change “Enterprise roadmap”" in out
    out = await admin.press("Change", on=message)
    assert "Area and its RACI" in out and "[now: Enterprise roadmap; an empty line keeps it]" in out
    out = await admin.say("")  # name kept
    assert "[now: PMO; an empty line keeps it]" in out
    for answer in ("Leadership Team", "", "", "", "", "", ""):
        out = await admin.say(answer)
    assert "Updated “Enterprise roadmap”." in out
    assert "Leadership Team is accountable for Enterprise roadmap." in out
    assert "Also known as  initiative roadmap, portfolio roadmap, the roadmap" in out  # kept
    assert "Informed     Coaching Community (#coaching-community), Oversight Team" in out


async def test_the_default_interval_is_90_days_and_areas_stale_lists_the_overdue(bot, clock, posts, person, workspace):
    await person().say("hello")  # the workspace and its default model, written now
    clock.now += timedelta(days=89)
    admin = person(ADMIN)
    assert "No area is due for a check." in await admin.say("areas stale")
    clock.now += timedelta(days=1)
    out = await admin.say("areas stale")
    assert "Areas due for a check 1–9 of 9" in out
    assert "• Enterprise roadmap — PMO · ⚠ due for a check (not verified yet, every 90 days)" in out
    await admin.say("area verify enterprise roadmap")
    out = await admin.say("areas stale")
    assert "1–8 of 8" in out and "Enterprise roadmap" not in out
    assert len(await asked(bot, workspace)) == 8


async def test_the_pmo_digest_lists_the_areas_due_for_a_check(bot, clock, person, workspace):
    admin = person(ADMIN)
    await admin.say("area set Enterprise roadmap; verify every: 10 days")
    await admin.say("area verify delivery framework")
    clock.now += timedelta(days=11)
    reply = await compose(bot.services, workspace, since=clock.now - timedelta(days=7), until=clock.now)
    (section,) = [s for s in reply.sections if s.heading.startswith("Areas due for a check")]
    assert section.heading == "Areas due for a check (1)"
    assert section.text == "• Enterprise roadmap — PMO, never verified"


async def test_the_sweep_is_planned_daily_at_nine_like_the_other_sweeps(bot, clock):
    assert reverify.plan in bot.planners
    (spec,) = await reverify.plan(bot.services, clock.now)  # 09:00 exactly: the next one is tomorrow's
    assert spec.id == "ownership:verify" and spec.run_at.isoformat() == "2026-11-22T09:00:00+00:00"
    clock.set("2026-11-21T08:59:00+00:00")
    (spec,) = await reverify.plan(bot.services, clock.now)
    assert spec.run_at.isoformat() == "2026-11-21T09:00:00+00:00"


async def test_bad_intervals_are_refused(person):
    admin = person(ADMIN)
    for command, message in [
        ("area set Enterprise roadmap; verify every: sometimes", "I can't read “sometimes” as an interval"),
        ("area set Enterprise roadmap; verify every: 0 days", "1 day to 10 years"),
        ("area set Enterprise roadmap; verify every: 99999 days", "I can't read"),
    ]:
        out = await admin.say(command)
        assert message in out and "Nothing was changed" in out
    assert "verify every: 3 months" not in await admin.say("audit")
    assert "verify every: default → 90 days" in (
        await admin.say("area set Enterprise roadmap; verify every: quarterly") and await admin.say("audit")
    )


async def test_a_question_that_could_not_be_delivered_is_tried_again_at_the_next_sweep(bot, clock, person, workspace):
    class Down(ConsoleSender):
        async def send(self, conversation, reply):
            raise ConnectionError("the platform is down for now")

    await person(ADMIN).say("area set Enterprise roadmap; verify every: 1 day")
    clock.now += timedelta(days=1)
    bot.senders["console"] = Down()  # a failure worth another try
    (roadmap,) = await asked(bot, workspace)  # tried, failed
    sender = ConsoleSender()
    bot.senders["console"] = sender
    clock.now += timedelta(days=1)
    assert await asked(bot, workspace) == [roadmap]
    assert len(sent(sender.outbox, workspace)) == 1
    assert await asked(bot, workspace) == []  # delivered: not again for this due date


async def test_a_question_with_nowhere_to_go_is_final(bot, clock, person, workspace):
    await person(ADMIN).say("area set Enterprise roadmap; verify every: 1 day")
    clock.now += timedelta(days=1)
    del bot.senders["console"]  # no adapter can send there: a LookupError, final (scheduler/deliveries.py)
    (roadmap,) = await asked(bot, workspace)
    sender = ConsoleSender()
    bot.senders["console"] = sender
    clock.now += timedelta(days=1)
    assert await asked(bot, workspace) == [] and sent(sender.outbox, workspace) == []
