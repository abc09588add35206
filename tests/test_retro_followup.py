"""Retro follow-up and anonymity: owners reminded by DM the day before and on the due date,
exactly once; and an anonymous card's author appears on no surface at all."""

import logging
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.adapters.console.render import render
from bot.core import Action, Incoming
from handlers.retros import jobs
from storage.models.retros import RetroAction, RetroCard
from tests.conftest import ADMIN


@pytest.fixture(autouse=True)
def berlin_saturday_ten(bot, clock):
    bot.settings.pmo_bot_timezone = "Europe/Berlin"  # UTC+1 in November: 09:00 local is 08:00 UTC
    clock.set("2026-11-21T10:00:00+00:00")


async def action_ids(bot, workspace):
    async with bot.db.session() as session:
        rows = (
            await session.exec(select(RetroAction).where(RetroAction.workspace == workspace).order_by(RetroAction.id))
        ).all()
    return [a.id for a in rows]


async def at(bot, clock, when, action_id, which):
    clock.set(when)
    await jobs.remind(bot.services, action_id, which)


@pytest.mark.own_database  # the planner reads every workspace
async def test_owner_is_reminded_the_day_before_and_on_the_day_exactly_once(bot, person, clock, posts, workspace):
    fay = person("U-FAY")
    await fay.say("retro start")
    await fay.say("retro discuss")
    await fay.say('retro action "Book the room" @U-BOB due 2026-11-24')
    await fay.say('retro action "Nobody owns this" due 2026-11-24')
    await fay.say('retro action "Already done" @U-ANN due 2026-11-24')
    booked, unowned, finished = await action_ids(bot, workspace)
    await fay.say(f"retro done A{finished}")
    posts.clear()

    # The planner offers the day-before reminder once it is near, for owned open actions only.
    clock.set("2026-11-23T07:45:00+00:00")
    assert list(await jobs.plan(bot.services, clock.now)) == []  # not near yet
    clock.set("2026-11-23T07:52:00+00:00")
    specs = list(await jobs.plan(bot.services, clock.now))
    assert [(s.id, s.run_at) for s in specs] == [
        (f"retro-remind:{booked}:before", datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    ]
    await at(bot, clock, "2026-11-23T07:59:00+00:00", booked, "before")  # not yet
    assert posts == []
    await at(bot, clock, "2026-11-23T08:00:00+00:00", booked, "before")
    await at(bot, clock, "2026-11-23T08:00:30+00:00", booked, "before")  # a retry or a second replica
    ((ref, dm),) = posts
    assert ref.user == "U-BOB" and ref.channel == ""
    assert dm.text.startswith("Reminder: your action “Book the room” is due tomorrow, Tue 24 Nov 2026.")
    assert [(b.text, b.action_id, b.value) for b in dm.buttons] == [
        ("Mark done", "retro.done", str(booked)),
        ("Needs outside help: make it an idea", "retro.escalate", str(booked)),
    ]

    await at(bot, clock, "2026-11-24T08:00:00+00:00", booked, "due")
    await at(bot, clock, "2026-11-24T08:05:00+00:00", booked, "due")
    assert len(posts) == 2 and "is due today" in posts[1][1].text
    for action_id in (unowned, finished):
        await at(bot, clock, "2026-11-24T08:00:00+00:00", action_id, "due")
    assert len(posts) == 2

    # Bob presses Mark done in his DM; the channel's next retro no longer lists it, the unowned one shows.
    bob = person("U-BOB", channel="D-BOB", direct=True)
    bob.session._buttons = dm.buttons
    assert f"Marked action A{booked} done" in await bob.say("1")
    clock.set("2026-11-25T09:00:00+00:00")
    await fay.say("retro close")
    await person("U-ANN").say("retro start")
    board = render(posts[-1][1])
    assert "Nobody owns this — owner missing, due Tue 24 Nov 2026, OVERDUE by 1 day" in board
    assert "Book the room" not in board and "Already done" not in board


async def test_a_reminder_missed_by_more_than_the_grace_window_is_not_sent_late(bot, person, clock, posts, workspace):
    fay = person("U-FAY")
    await fay.say("retro start")
    await fay.say('retro action "Write it up" @U-BOB due 2026-11-24')
    (action_id,) = await action_ids(bot, workspace)
    await at(bot, clock, "2026-11-23T12:00:00+00:00", action_id, "before")  # 4 h late: the bot was down
    await at(bot, clock, "2026-11-24T08:30:00+00:00", action_id, "due")  # within the hour: sent
    assert [r.title for _, r in posts[1:]] == [f"Action A{action_id} is due today"]
    clock.set("2026-11-23T12:00:00+00:00")
    assert [s for s in await jobs.plan(bot.services, clock.now) if s.args[0] == action_id] == []


async def test_carried_action_is_not_reminded_twice(bot, person, clock, posts, workspace):
    fay = person("U-FAY")
    await fay.say("retro start")
    await fay.say('retro action "Write it up" @U-BOB due 2026-11-24')
    await fay.say("retro close")
    await at(bot, clock, "2026-11-23T08:00:00+00:00", (await action_ids(bot, workspace))[0], "before")
    await fay.say("retro start")
    (first,) = await action_ids(bot, workspace)
    assert "Carried action" in await fay.say(f"retro carry A{first}")
    copy = (await action_ids(bot, workspace))[1]
    await at(bot, clock, "2026-11-23T08:10:00+00:00", copy, "before")
    await at(bot, clock, "2026-11-24T08:00:00+00:00", copy, "due")
    reminders = [r.title for ref, r in posts if ref.user]
    assert reminders == [f"Action A{first} is due tomorrow", f"Action A{copy} is due today"]


SECRET_ID, SECRET_NAME = "U-SECRET-7", "Sam Hidden"


async def test_an_anonymous_authors_id_and_name_appear_nowhere(bot, person, clock, posts, workspace, caplog, db):
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    async def secret(text="", *, channel="C-GENERAL", **action):
        base = dict(
            platform="console",
            workspace=workspace,
            channel=channel,
            user=SECRET_ID,
            user_name=SECRET_NAME,
            direct=channel.startswith("D"),
        )
        msg = Action(**base, **action) if action else Incoming(**base, text=text)
        reply = await bot.handle(msg)
        seen.append(render(reply))
        return render(reply)

    async def other(who, text, channel="C-GENERAL"):
        out = await person(who, channel=channel).say(text)
        seen.append(out)
        return out

    await other("U-FAY", "retro start Sprint 5")
    retro_id = int(posts[-1][1].title.split("#")[1].split(":")[0])
    assert "anonymously" in await secret("retro add stop blaming the testers --anon")
    assert "anonymously" in await secret(
        action_id="retro.add.form",
        value=str(retro_id),
        form={"column": "Start", "text": "pairing with ops", "anonymous": "true"},
    )
    assert "anonymously" in await secret("retro add continue the demos --anon", channel="D-SECRET")
    await secret("retro add stop " + "x" * 1200 + " --anon")  # refused: the error names nobody
    await other("U-ANN", "retro add start code reviews within a day")
    await other("U-ANN", "retro delete 1")  # not hers: refused without saying whose it is
    await other("U-ANN", "retro status")
    await other("U-FAY", "retro reveal")
    await other("U-FAY", "retro vote")
    assert "Voted" in await secret("retro vote 4")
    await secret("retro vote 1")
    await other("U-ANN", "retro vote 1")
    await other("U-FAY", "retro discuss")
    await other("U-FAY", 'retro action "Blameless post-mortems" @U-ANN due 2026-12-01')
    await other("U-FAY", "retro close")
    await other("U-FAY", "retro export")
    await other(ADMIN, f"retro export {retro_id}")  # admins see no more than anyone
    await other("U-ANN", "retro actions")
    await other("U-FAY", "retro start")  # the next retro's board
    seen += [render(reply) + " " + str(ref) for ref, reply in posts]
    exported = "\n".join(seen)
    assert "#1 blaming the testers — anonymous (2 votes)" in exported and "pairing with ops — anonymous" in exported
    assert "#3 the demos — anonymous" in exported and "a card holds up to 1,000" in exported
    assert "card,1,Stop,blaming the testers,anonymous,2,," in exported

    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for surface in (exported, logged):
        assert SECRET_ID not in surface and SECRET_NAME not in surface
        assert SECRET_ID.lower() not in surface.lower()

    async with db.session() as session:
        cards = (await session.exec(select(RetroCard).where(RetroCard.retro_id == retro_id, RetroCard.anonymous))).all()
    assert len(cards) == 3 and {c.author for c in cards} == {None}
    assert all(SECRET_ID not in c.author_key and len(c.author_key) == 64 for c in cards)
