"""Counters stay equal to what they count when many people act at once (PostgreSQL runs these
under READ COMMITTED, where count-then-write loses updates)."""

from __future__ import annotations

import asyncio
import hashlib
import textwrap

from sqlalchemy import func
from sqlmodel import select

from storage.models import Idea, IdeaVote, UnansweredQuestion


async def idea_counts(db, workspace: str) -> tuple[int, int]:
    async with db.session() as session:
        idea = (await session.exec(select(Idea).where(Idea.workspace == workspace, Idea.number == 1))).one()
        rows = await session.scalar(select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea.id))
    return idea.votes, rows


async def test_two_hundred_people_voting_at_once_are_all_counted(person, db, workspace):
    assert "Logged idea #1" in await person("U-SUBMITTER").say("improve Share retro templates across teams")
    voters = [person(f"U-VOTER{i:03d}") for i in range(200)]
    answers = await asyncio.gather(*(v.say("improve vote 1") for v in voters))
    assert all("You voted for idea #1" in a for a in answers)
    assert await idea_counts(db, workspace) == (200, 200)

    # Half take their vote back while the other half press again (already voted: no change).
    answers = await asyncio.gather(
        *(v.say("improve unvote 1") for v in voters[:100]), *(v.say("improve vote 1") for v in voters[100:])
    )
    assert all("taken back" in a for a in answers[:100]) and all("already voted" in a for a in answers[100:])
    assert await idea_counts(db, workspace) == (100, 100)


async def test_merging_a_duplicate_adds_its_voters_once(person, db, workspace):
    admin = person("U-ADMIN")
    await person("U-A").say("improve Share retro templates across teams")
    await person("U-B").say("improve Quarterly budget review for teams")
    await asyncio.gather(*(person(f"U-V{i}").say(f"improve vote {1 + i % 2}") for i in range(40)))
    await person("U-V0").say("improve vote 2")  # U-V0 voted for #1 too: counted once after the merge
    answer = await admin.say("improve status 2 duplicate of 1")
    assert "duplicate" in answer.lower()
    votes, rows = await idea_counts(db, workspace)
    assert votes == rows == 20 + 20 + 1  # its voters, the duplicate's other voters, and its submitter U-B


async def test_the_same_unanswered_question_asked_at_once_is_counted_every_time(person, db, workspace):
    askers = [person(f"U-ASK{i:02d}") for i in range(50)]
    answers = await asyncio.gather(*(a.say("who owns the coffee machine?") for a in askers))
    assert not [a for a in answers if "went wrong" in a]
    async with db.session() as session:
        gaps = (await session.exec(select(UnansweredQuestion).where(UnansweredQuestion.workspace == workspace))).all()
    assert [g.asked_count for g in gaps] == [50]


async def test_a_hundred_ideas_logged_at_once_each_get_their_own_number(person, db, workspace):
    # Numbers are the workspace's max + 1: taken in turn, not guessed and retried until retries run out.
    titles = [" ".join(textwrap.wrap(hashlib.sha256(bytes([i])).hexdigest()[:30], 10)) for i in range(100)]  # unalike
    answers = await asyncio.gather(*(person(f"U-P{i:03d}").say(f"improve {t}") for i, t in enumerate(titles)))
    assert all("Logged idea #" in a for a in answers), [a for a in answers if "Logged idea #" not in a][:1]
    async with db.session() as session:
        numbers = (await session.exec(select(Idea.number).where(Idea.workspace == workspace))).all()
    assert sorted(numbers) == list(range(1, 101))
