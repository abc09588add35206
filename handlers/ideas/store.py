"""Reading and writing ideas. Every change of state is a conditional UPDATE on the status it
started from, so two people acting at once never both succeed, and each change is recorded in
the idea's history in the same transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import delete, func, or_, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.ideas.lifecycle import LABELS, OPEN
from handlers.ideas.text import words
from storage.db import Database
from storage.models import Idea, IdeaEvent, IdeaVote, IdeaWord, Workspace

SIMILAR_AT = 72  # token-set similarity of the identifying words, out of 100
CANDIDATES = 25  # ideas sharing the most words that get a closer look
POSTINGS = 1000  # newest ideas read per query word
PAGE = 10
COUNT_UP_TO = 1000  # "…and 990+ more" is as useful as an exact count of 60,000, and far cheaper


async def create(
    db: Database, idea: Idea, *, actor: str | None, submitter_key: Callable[[int], str] | None = None
) -> Idea:
    """Insert with the workspace's next number (retried if another idea took it meanwhile).
    `submitter_key` gives an anonymous submitter's pseudonym for the idea's id, once it has one."""
    for attempt in range(5):
        try:
            async with db.session() as session:
                # The workspace's row locked (PostgreSQL; SQLite has one writer): numbers are taken in
                # turn, where max + 1 and retry ran out of retries with many ideas at once.
                await session.exec(select(Workspace.id).where(Workspace.id == idea.workspace).with_for_update())
                top = await session.scalar(select(func.max(Idea.number)).where(Idea.workspace == idea.workspace))
                row = Idea(**idea.model_dump(exclude={"id", "number"}), number=(top or 0) + 1)
                session.add(row)
                await session.flush()
                if submitter_key is not None:
                    row.submitter_key = submitter_key(row.id)
                session.add_all(
                    IdeaWord(idea_id=row.id, word=w, workspace=row.workspace)
                    for w in words(f"{row.title} {row.details} {row.area_name}")
                )
                session.add(
                    IdeaEvent(
                        workspace=row.workspace,
                        idea_id=row.id,
                        at=row.created_at,
                        actor=actor,
                        kind="submitted",
                        to_status="new",
                    )
                )
            return row
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


async def get(session: AsyncSession, workspace: str, number: int) -> Idea | None:
    return (await session.exec(select(Idea).where(Idea.workspace == workspace, Idea.number == number))).first()


async def _ranked(
    session: AsyncSession, workspace: str, query_words: list[str], statuses: Sequence[str] | None, limit: int
) -> list[tuple[Idea, int]]:
    """Ideas sharing the most words with the query, with how many they share.

    Each word contributes at most its POSTINGS newest ideas, read in index order, so a common word
    ("report") costs the same in 100,000 ideas as in 1,000; older ideas are found through their
    rarer words."""
    if not query_words:
        return []
    per_word = [
        select(IdeaWord.idea_id)
        .where(IdeaWord.workspace == workspace, IdeaWord.word == w)
        .order_by(col(IdeaWord.idea_id).desc())
        .limit(POSTINGS)
        .subquery()
        for w in query_words
    ]
    postings = union_all(*(select(p.c.idea_id) for p in per_word)).subquery()
    # Count first, look ideas up after: only the best few hundred are joined to check their status.
    counted = (
        select(postings.c.idea_id, func.count().label("hits"))
        .group_by(postings.c.idea_id)
        .order_by(func.count().desc(), postings.c.idea_id.desc())
        .limit(limit * 8)
        .subquery()
    )
    stmt = (
        select(counted.c.idea_id, counted.c.hits)
        .join(Idea, col(Idea.id) == counted.c.idea_id)
        .order_by(counted.c.hits.desc(), counted.c.idea_id.desc())
        .limit(limit)
    )
    if statuses is not None:
        stmt = stmt.where(col(Idea.status).in_(statuses))
    ranked = (await session.exec(stmt)).all()
    if not ranked:
        return []
    ideas = {i.id: i for i in (await session.exec(select(Idea).where(col(Idea.id).in_([r[0] for r in ranked])))).all()}
    return [(ideas[idea_id], n) for idea_id, n in ranked if idea_id in ideas]


async def similar(db: Database, workspace: str, text: str, limit: int = 3) -> list[Idea]:
    """Open ideas that look like the same idea: most words in common, then close on the words."""
    mine = words(text)
    async with db.session() as session:
        ranked = await _ranked(session, workspace, mine, OPEN, CANDIDATES)
    needed = 1 if len(mine) == 1 else 2
    mine_text = " ".join(mine)
    scored = []
    for idea, shared in ranked:
        if shared < needed:
            continue
        score = fuzz.token_set_ratio(mine_text, " ".join(words(idea.title)))
        if score >= SIMILAR_AT:
            scored.append((score, idea.votes, idea))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2].number))
    return [idea for *_, idea in scored[:limit]]


async def search(db: Database, workspace: str, text: str, limit: int = PAGE) -> list[Idea]:
    async with db.session() as session:
        ranked = await _ranked(session, workspace, words(text), None, limit)
    return [idea for idea, _ in ranked]


async def listing(
    db: Database,
    workspace: str,
    *,
    statuses: Sequence[str],
    area_id: int | None = None,
    mine: tuple[str, Callable[[int], str]] | None = None,
    by_votes: bool = False,
    offset: int = 0,
    limit: int = PAGE,
) -> tuple[list[Idea], int]:
    """A page of ideas, newest first (or most votes first, the newest of equals first), and how
    many there are (counted up to COUNT_UP_TO). `mine` is the person and their pseudonym per idea
    id: their named ideas, and the anonymous ones whose pseudonym is theirs (each idea has its own,
    so those are found by checking each anonymous idea's)."""
    where: list[Any] = [Idea.workspace == workspace]
    if set(statuses) != set(LABELS):
        where.append(col(Idea.status).in_(statuses))
    if area_id is not None:
        where.append(Idea.area_id == area_id)
    order = (col(Idea.votes).desc(), col(Idea.number).desc()) if by_votes else (col(Idea.number).desc(),)
    async with db.session() as session:
        if mine is not None:
            return await _mine(session, where, *mine, order, offset, limit)
        # Numbers grow with time: ordering by them walks the (workspace, number) index newest first;
        # by votes, the (workspace, votes, number) index.
        rows = (await session.exec(select(Idea).where(*where).order_by(*order).offset(offset).limit(limit))).all()
        total = offset + len(rows)
        if len(rows) == limit or (offset and not rows):
            capped = select(Idea.id).where(*where).limit(COUNT_UP_TO).subquery()
            total = await session.scalar(select(func.count()).select_from(capped)) or 0
    return list(rows), total


async def _mine(
    session: AsyncSession,
    where: list[Any],
    user: str,
    key_of: Callable[[int], str],
    order: tuple[Any, ...],
    offset: int,
    limit: int,
) -> tuple[list[Idea], int]:
    """The person's ideas: named ones by the (workspace, submitter, number) index, anonymous ones
    by checking each anonymous idea's own pseudonym (a few µs each, in slices between which
    other requests get the event loop)."""
    named = select(Idea.id, Idea.number, Idea.votes).where(*where, Idea.submitter == user).order_by(*order)
    found = list((await session.exec(named.limit(COUNT_UP_TO))).all())
    anonymous = (
        await session.exec(
            select(Idea.id, Idea.number, Idea.votes, Idea.submitter_key).where(
                *where, col(Idea.submitter_key).is_not(None)
            )
        )
    ).all()
    for start in range(0, len(anonymous), 4096):
        found += [(i, n, v) for i, n, v, key in anonymous[start : start + 4096] if key == key_of(i)]
        await asyncio.sleep(0)
    by_votes = len(order) == 2
    found.sort(key=lambda row: (-row[2], -row[1]) if by_votes else -row[1])
    page = [i for i, _, _ in found[offset : offset + limit]]
    rows = (await session.exec(select(Idea).where(col(Idea.id).in_(page)).order_by(*order))).all() if page else []
    return list(rows), min(len(found), COUNT_UP_TO)


async def vote(db: Database, idea: Idea, voter: str, platform: str, *, add: bool) -> bool:
    """Add or take back a vote; False when there was nothing to do (already voted / no vote).

    The counter moves by one in the same transaction as the row (`votes = votes + 1`): the row
    lock orders concurrent voters, where counting and then writing the count lost votes."""
    try:
        async with db.session() as session:
            if add:
                session.add(IdeaVote(workspace=idea.workspace, idea_id=idea.id, voter=voter, platform=platform))
                await session.flush()
            else:
                gone = await session.exec(delete(IdeaVote).where(IdeaVote.idea_id == idea.id, IdeaVote.voter == voter))
                if not gone.rowcount:
                    return False
            idea.votes = await _add_votes(session, idea.id, 1 if add else -1)
        return True
    except IntegrityError:
        return False


async def _add_votes(session: AsyncSession, idea_id: int | None, change: int) -> int:
    moved = await session.exec(
        update(Idea).where(Idea.id == idea_id).values(votes=Idea.votes + change).returning(Idea.votes)
    )
    return moved.scalar_one()


async def voters(db: Database, idea_id: int) -> list[tuple[str, str]]:
    """(voter, platform) of everyone who voted, in the order they voted."""
    async with db.session() as session:
        rows = await session.exec(
            select(IdeaVote.voter, IdeaVote.platform).where(IdeaVote.idea_id == idea_id).order_by(col(IdeaVote.id))
        )
        return [tuple(r) for r in rows]


async def has_voted(db: Database, idea_id: int, voter: str) -> bool:
    async with db.session() as session:
        return (
            await session.scalar(
                select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea_id, IdeaVote.voter == voter)
            )
            > 0
        )


async def change(
    db: Database,
    idea: Idea,
    *,
    actor: str | None,
    now: datetime,
    kind: str,
    to_status: str | None = None,
    comment: str = "",
    merge_into: Idea | None = None,
    **values: Any,
) -> IdeaEvent | None:
    """Apply one change if the idea is still in the status it was read in; record it in the history.
    Returns the history entry, or None when someone else changed the idea first."""
    values["updated_at"] = now
    if to_status:
        values["status"] = to_status
    async with db.session() as session:
        done = await session.exec(update(Idea).where(Idea.id == idea.id, Idea.status == idea.status).values(**values))
        if not done.rowcount:
            return None
        event = IdeaEvent(
            workspace=idea.workspace,
            idea_id=idea.id,
            at=now,
            actor=actor,
            kind=kind,
            from_status=idea.status if to_status else None,
            to_status=to_status,
            comment=comment,
        )
        session.add(event)
        if merge_into is not None:
            await _merge_votes(session, idea, merge_into)
        await session.flush()
    for name, value in values.items():
        setattr(idea, name, value)
    return event


async def _merge_votes(session: AsyncSession, duplicate: Idea, original: Idea) -> None:
    """The duplicate's voters (and its named submitter) back the original; nobody counts twice."""
    already = set((await session.exec(select(IdeaVote.voter).where(IdeaVote.idea_id == original.id))).all())
    backers = (
        await session.exec(select(IdeaVote.voter, IdeaVote.platform).where(IdeaVote.idea_id == duplicate.id))
    ).all()
    if duplicate.submitter:
        backers = [(duplicate.submitter, duplicate.platform), *backers]
    added = 0
    for voter, platform in backers:
        if voter not in already:
            already.add(voter)
            session.add(IdeaVote(workspace=original.workspace, idea_id=original.id, voter=voter, platform=platform))
            added += 1
    await session.flush()
    await _add_votes(session, original.id, added)


async def history(db: Database, idea_id: int) -> list[IdeaEvent]:
    async with db.session() as session:
        return list(
            (
                await session.exec(
                    select(IdeaEvent).where(IdeaEvent.idea_id == idea_id).order_by(col(IdeaEvent.at), col(IdeaEvent.id))
                )
            ).all()
        )


async def triage_queue(db: Database, workspace: str, waiting_since: datetime, limit: int = 50) -> list[Idea]:
    """New ideas that no area claimed, and new ideas waiting since before `waiting_since`: oldest first."""
    async with db.session() as session:
        return list(
            (
                await session.exec(
                    select(Idea)
                    .where(
                        Idea.workspace == workspace,
                        Idea.status == "new",
                        or_(col(Idea.area_id).is_(None), Idea.created_at < waiting_since),
                    )
                    .order_by(col(Idea.created_at))
                    .limit(limit)
                )
            ).all()
        )
