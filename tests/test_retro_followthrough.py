"""Retros keep their word (issue 17): unknown templates refused with the list, cancel asks first,
the facilitator sees how far the retro is, reminders promised only as they will be sent, a help
that lists every command; and numbers read strictly (issue 15, finding 8)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from bot.core import Action
from handlers.retros import jobs


@pytest.fixture(autouse=True)
def saturday_ten(clock):
    clock.set("2026-11-21T10:00:00+00:00")  # a Saturday, after the 09:00 reminders


async def test_an_unknown_template_is_refused_with_the_list(person, clock, posts):
    fay = person("U-FAY")
    out = await fay.say("retro start starfish Sprint")
    assert "“starfish” is not one of my templates" in out and "No retro was started" in out
    assert "ssc (Start / Stop / Continue), msg (Mad / Sad / Glad), 4ls (4Ls), sailboat (Sailboat)" in out
    assert 'retro start custom "Keep doing | Less of | More of | Stop doing | Start doing"' in out
    assert "Did you mean sailboat?" in await fay.say("retro start sailbot Sprint 12")
    assert posts == [] and "There is no open retro" in await fay.say("retro status")
    out = await fay.say('retro start "starfish Sprint"')  # a quoted title is a title
    assert "Started retro #" in out and "“starfish Sprint”" in out
    assert "Start, Stop, Continue" in posts[-1][1].sections[0].text


async def test_cancel_asks_first_and_a_typed_confirmation_cancels(person, clock, posts):
    fay, ann = person("U-FAY"), person("U-ANN")
    await fay.say("retro start Sprint 7")
    await ann.say("retro add start pairing")
    out = await fay.say("retro cancel")
    assert "Cancel retro #" in out and "Its 1 card and 0 action items are kept" in out
    assert "Added card #2" in await ann.say("retro add stop long meetings")  # nothing happened yet
    assert "Only the facilitator (U-FAY) can cancel" in await ann.say("retro cancel confirm")
    out = await fay.say("retro cancel confirm")
    assert "Cancelled retro #" in out and "was cancelled by U-FAY" in posts[-1][1].text
    assert "There is no open retro" in await fay.say("retro cancel confirm")


async def test_the_facilitator_sees_how_many_have_added_cards_and_voted(person, clock, posts):
    fay, ann, bob, cat = person("U-FAY"), person("U-ANN"), person("U-BOB"), person("U-CAT")
    await fay.say("retro start")
    await ann.say("retro add start pairing")
    await ann.say("retro add stop late demos")
    await bob.say("retro add continue retros --anon")
    out = await fay.say("retro status")
    assert "Progress:\n2 people have added cards (3 cards); voting has not opened yet." in out
    assert "U-BOB" not in out
    await fay.say("retro vote")
    await ann.say("retro vote 1")
    await cat.say("retro vote 3")
    await cat.say("retro vote 2")
    out = await fay.say("retro status")
    assert "2 people have added cards (3 cards), 2 have voted." in out


@pytest.mark.parametrize(
    "due, promise, sent",
    [
        ("2026-11-21", "It is due today and 09:00, the reminder time, has passed: no reminder will be sent.", []),
        ("2026-11-22", "The owner gets a reminder at 09:00 tomorrow.", ["due"]),
        ("2026-11-23", "The owner gets a reminder at 09:00 tomorrow and on Mon 23 Nov 2026.", ["before", "due"]),
    ],
)
async def test_reminders_are_promised_as_they_will_be_sent(bot, person, clock, posts, due, promise, sent):
    fay = person("U-FAY")
    await fay.say("retro start")
    out = await fay.say(f'retro action "Book the room" @U-ANN due {due}')
    assert promise in out
    action = int(re.search(r"Action A(\d+) added", out)[1])
    delivered = []
    for which in ("before", "due"):  # run each reminder at its own time, as the scheduler would
        clock.now = jobs.remind_at(bot.services, datetime.fromisoformat(due).date(), which)
        before = len(posts)
        await jobs.remind(bot.services, action, which)
        delivered += [which] if len(posts) > before else []
    assert delivered == sent


async def test_reminder_promise_before_nine_on_the_due_date(person, clock):
    clock.set("2026-11-21T07:30:00+00:00")
    await person("U-FAY").say("retro start")
    out = await person("U-FAY").say('retro action "Book the room" @U-ANN due today')
    assert "The owner gets a reminder at 09:00 today." in out


async def test_retro_help_lists_every_retro_command(bot, person):
    out = await person("U-ANN").say("retro")
    assert "retro escalate A12" in out and "retro cancel confirm" in out and "--anon" in out
    for command in bot.router.commands:
        if command.words.startswith("retro "):
            assert command.usage in out, command.usage


@pytest.mark.parametrize(
    "typed, answer",
    [
        ("retro vote ²", "Which card? Give its number"),
        ("retro vote 99999999999999999999", "has no card #99999999999999999999"),
        ("retro unvote ³", "Which card? Give its number"),
        ("retro delete ²", "Which card? Give its number"),
        ("retro delete 99999999999999999999", "has no card #99999999999999999999"),
        ("retro done A²", "Which action? Give its number"),
        ("retro done A99999999999999999999", "There is no action A99999999999999999999 here"),
        ("retro carry ²", "Which action? Give its number"),
        ("retro escalate A99999999999999999999", "There is no action A99999999999999999999 here"),
        ("retro budget ² max 1", "Usage: retro budget N [max M]"),
        ("retro add ² more pairing", "“²” is not a column"),
        ("retro export 99999999999999999999", "There is no retro #99999999999999999999 here"),
    ],
)
async def test_retro_numbers_are_read_strictly(person, clock, posts, typed, answer):
    fay = person("U-FAY")
    await fay.say("retro start")
    await person("U-ANN").say("retro add start pairing")
    if "vote" in typed:
        await fay.say("retro vote")
    out = await fay.say(typed)
    assert answer in out and "went wrong" not in out


async def test_forged_retro_button_and_form_values_name_nothing(bot, person, clock, posts):
    fay = person("U-FAY")
    await fay.say("retro start")
    await person("U-ANN").say("retro add start pairing")
    await fay.say("retro vote")
    base = dict(platform="console", workspace=fay.session.workspace, channel="C-GENERAL", user="U-FAY")
    retro_id = posts[-1][1].buttons[0].value
    for action_id, value, form in [
        ("retro.close", "²", {}),
        ("retro.close", "9" * 20, {}),
        ("retro.done", "9" * 20, {}),
        ("retro.escalate", "²", {}),
        ("retro.vote.form", retro_id, {"card": "9" * 20, "change": "add"}),
        ("retro.vote.form", retro_id, {"card": "²", "change": "add"}),
        ("retro.review.form", retro_id, {"action": "9" * 20, "change": "done"}),
        ("retro.cancel", "9" * 20, {}),
    ]:
        reply = await bot.handle(Action(**base, action_id=action_id, value=value, form=form))
        assert "went wrong" not in reply.text, (action_id, value, form, reply.text)
    assert "voting" in await fay.say("retro status")  # nothing was closed or cancelled
