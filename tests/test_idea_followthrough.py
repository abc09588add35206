"""Ideas keep their word (issue 17): `--anon` in one line, forward skips, the new owner told, long
details, strict ids, lists by votes and a page at a time, and a help that lists everything."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.models import Idea
from tests.conftest import ADMIN

TOPICS = (
    "glossary apples bridges canoes dolphins engines falcons gardens harbours islands jungles kettles lanterns "
    "meadows nebulas orchards pianos quarries rivers saddles tunnels umbrellas valleys wagons yachts zeppelins"
).split()


def dms(posts, user):
    return [reply for ref, reply in posts if ref.user == user]


async def test_anon_in_the_one_line_form_keeps_the_authors_name_out(bot, person, posts):
    author, admin = person("U-QUIET"), person(ADMIN)
    out = await author.say("improve Fewer approval steps --anon")
    assert "Logged idea #1: Fewer approval steps." in out and "anonymously" in out
    assert author.reply.private  # typed in a channel, answered to the author alone
    shown = await admin.say("improve show 1")
    assert "Submitted by  anonymous" in shown and "--anon" not in shown and "U-QUIET" not in shown
    async with bot.db.session() as session:
        idea = (await session.exec(select(Idea).where(Idea.workspace == author.session.workspace))).one()
    assert (idea.title, idea.submitter, idea.anonymous) == ("Fewer approval steps", None, True)
    # Still theirs: they can add detail and hear back, anonymously.
    assert "Added detail" in await author.say("improve detail 1 Two signatures are enough.")
    await admin.say('improve status 1 accepted "agreed"')
    await bot.settle()
    assert any("is now accepted: “agreed”" in r.text for r in dms(posts, "U-QUIET"))
    assert "--anon" in await author.say("improve help")


async def test_steps_skip_forwards_but_never_back(person):
    ann, admin = person("U-ANN"), person(ADMIN)
    await ann.say("improve Shared glossary of delivery terms")
    assert "is now in progress" in await admin.say("improve status 1 in progress")  # new → in progress
    out = await admin.say("improve status 1 accepted")
    assert "steps are never taken back, so it can go to done, declined, duplicate. Nothing was changed." in out
    assert "is now done" in await admin.say("improve status 1 done")


async def test_the_new_owner_is_told_once_and_may_move_the_idea_on(bot, person, posts):
    ann, bob, sam, admin = person("U-ANN"), person("U-BOB"), person("U-SAM"), person(ADMIN)
    await ann.say("improve Shared glossary of delivery terms")
    await sam.say("improve vote 1")  # Sam follows it already: he is told once, as its new owner
    await bot.settle()
    posts.clear()
    out = await admin.say("improve assign 1 @U-SAM")
    assert "now belongs to @U-SAM" in out and "I've sent them a message" in out
    await bot.settle()
    [told] = dms(posts, "U-SAM")
    assert "@U-ADMIN made you the owner of idea #1 “Shared glossary of delivery terms”" in told.text
    assert [b.text for b in told.buttons] == ["Triage", "Accept", "Decline…", "Duplicate of…"]
    assert any("has a new owner: @U-SAM" in r.text for r in dms(posts, "U-ANN"))  # the submitter hears too
    sam.session._buttons = told.buttons
    assert "is now accepted" in await sam.say("2")  # Accept, from the DM
    assert "already belongs to @U-SAM" in await admin.say("improve assign 1 @U-SAM")
    assert "Only admins and idea #1's owner can assign it" in await bob.say("improve assign 1 @U-BOB")


async def test_detail_holds_3000_characters_and_its_error_points_elsewhere(person):
    ann = person("U-ANN")
    await ann.say("improve Shared glossary of delivery terms")
    out = await ann.say("improve detail 1 " + "d" * 3001)
    assert "A detail can be up to 3,000 characters; that one has 3,001." in out and "Nothing was saved" in out
    assert "improve detail" not in out  # the failed command is not offered as the way out
    assert "Added detail" in await ann.say("improve detail 1 " + "d" * 3000)
    out = await ann.say("improve detail 1 more")
    assert "already has 3,000 characters of detail" in out and "improve detail" not in out
    assert "What should I add to idea #1?" in await ann.say("improve detail 1")


@pytest.mark.parametrize(
    "typed, answer",
    [
        ("improve vote 1.5", "“1.5” is not an idea number"),
        ("improve vote ²", "“²” is not an idea number"),
        ("improve vote ١", "“١” is not an idea number"),
        ("improve show 99999999999999999999", "There is no idea #99999999999999999999 here"),
        ("improve status 1 duplicate of 99999999999999999999", "There is no idea #99999999999999999999 here"),
        ("improve status 1 duplicate ²", "“²” is not an idea number"),
        ("improve list page ²", "Which page?"),
    ],
)
async def test_idea_numbers_are_read_strictly(bot, person, typed, answer):
    ann, admin = person("U-ANN"), person(ADMIN)
    await ann.say("improve Shared glossary of delivery terms")
    out = await admin.say(typed)
    assert answer in out and "went wrong" not in out
    assert "Votes         0" in await ann.say("improve show 1")


async def test_forged_button_and_form_values_name_no_idea(bot, person):
    from bot.core import Action

    ann = person("U-ANN")
    await ann.say("improve Shared glossary of delivery terms")
    base = dict(platform="console", workspace=ann.session.workspace, channel="C-GENERAL", user=ADMIN)
    for action_id, value, form in [
        ("idea.vote", "²", {}),
        ("idea.vote", "9" * 20, {}),
        ("idea.status", "9" * 20 + ":accepted", {}),
        ("idea.status_form", "1:duplicate", {"of": "9" * 20}),
        ("idea.form", "", {"title": "A new intake checklist", "area": "9" * 20}),
    ]:
        reply = await bot.handle(Action(**base, action_id=action_id, value=value, form=form))
        assert "went wrong" not in reply.text, (action_id, reply.text)
    assert "Votes         0" in await ann.say("improve show 1")


async def test_list_by_votes_a_page_at_a_time(person):
    people = [person(f"U-{n}") for n in range(4)]
    for n, topic in enumerate(TOPICS[:25], 1):
        assert f"Logged idea #{n}" in await people[0].say(f"improve idea Better {topic} for everyone")
    for voter in people[1:]:
        await voter.say("improve vote 3")
    for voter in people[1:3]:
        await voter.say("improve vote 7")
    reader = person("U-READER")
    out = await reader.say("improve list by votes")
    assert "Ideas open by votes (1–10 of 25)" in out
    lines = [line for line in out.splitlines() if line.startswith("• #")]
    assert lines[0].startswith("• #3 ") and lines[1].startswith("• #7 ") and lines[2].startswith("• #25 ")
    assert "…and 15 more. Next page: improve list by votes page 2." in out
    assert reader.reply.buttons[-1].text == "Next page"
    out = await reader.say(str(len(reader.reply.buttons)))  # presses Next page
    assert "Ideas open by votes (11–20 of 25)" in out and "• #17 " in out
    out = await reader.say("improve list page 3")  # newest first
    assert "(21–25 of 25)" in out and "• #5 Better dolphins" in out and "more." not in out
    assert "Next page" not in [b.text for b in reader.reply.buttons]
    assert "No more ideas open: there are 25" in await reader.say("improve list page 4")


async def test_help_lists_every_improve_command_anonymity_and_triage(bot, person):
    out = await person("U-ANN").say("improve help")
    assert "--anon" in out and "triage queue" in out and "improve triage" in out
    for command in bot.router.commands:
        if command.words.startswith("improve") and not command.admin:
            assert command.usage in out, command.usage
    assert "improve digest here" not in out  # admins only
    assert "improve digest here" in await person(ADMIN).say("improve help")
