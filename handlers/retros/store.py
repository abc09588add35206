"""Retros, cards, votes and actions in the database.

State changes are conditional UPDATEs (`… WHERE status IN (…)`): when two people press Close at
once exactly one UPDATE matches, and only that caller posts the summary. Card numbers and vote
slots are unique in the database, so concurrent adds and double-clicked votes retry, never collide.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import ConversationRef
from storage.db import Database
from storage.models.retros import OPEN_STATUSES, Retro, RetroAction, RetroCard, RetroVote

RETRIES = 5


def channel_of(retro: Retro | RetroAction) -> ConversationRef:
    return ConversationRef(retro.platform, retro.workspace, retro.channel)


async def get_retro(session: AsyncSession, workspace: str, retro_id: int) -> Retro | None:
    retro = await session.get(Retro, retro_id)
    return retro if retro and retro.workspace == workspace else None


async def open_in(session: AsyncSession, workspace: str, channel: str) -> Retro | None:
    query = select(Retro).where(
        Retro.workspace == workspace, Retro.channel == channel, col(Retro.status).in_(OPEN_STATUSES)
    )
    return (await session.exec(query)).first()


async def open_in_workspace(session: AsyncSession, workspace: str, platform: str) -> list[Retro]:
    query = (
        select(Retro)
        .where(Retro.workspace == workspace, Retro.platform == platform, col(Retro.status).in_(OPEN_STATUSES))
        .order_by(Retro.id)
    )
    return list((await session.exec(query)).all())


async def latest_in(session: AsyncSession, workspace: str, channel: str) -> Retro | None:
    query = (
        select(Retro)
        .where(Retro.workspace == workspace, Retro.channel == channel, Retro.status != "cancelled")
        .order_by(col(Retro.id).desc())
    )
    return (await session.exec(query)).first()


async def move(db: Database, retro_id: int, *, from_: tuple[str, ...], **values) -> bool:
    """Change a retro only if it is still in one of `from_`; True for the one caller that did."""
    async with db.session() as session:
        result = await session.exec(
            update(Retro).where(Retro.id == retro_id, col(Retro.status).in_(from_)).values(**values).returning(Retro.id)
        )
        return result.scalar_one_or_none() is not None


async def add_card(
    db: Database,
    retro: Retro,
    *,
    column: str,
    text: str,
    author: str | None,
    author_key: str | None,
    anonymous: bool,
    now: datetime,
) -> RetroCard | None:
    """The new card with the next number, or None when the retro stopped collecting meanwhile."""
    for _ in range(RETRIES):
        try:
            async with db.session() as session:
                # The retro's row locked (PostgreSQL; SQLite has one writer): numbers are taken in
                # turn, where max + 1 and retry ran out of retries with a hundred cards at once.
                current = await session.get(Retro, retro.id, with_for_update=True)
                if current is None or current.status != "collecting":
                    return None
                number = (
                    await session.exec(select(func.max(RetroCard.number)).where(RetroCard.retro_id == retro.id))
                ).one() or 0
                card = RetroCard(
                    workspace=retro.workspace,
                    retro_id=retro.id,
                    number=number + 1,
                    column_name=column,
                    text=text,
                    author=None if anonymous else author,
                    author_key=author_key,
                    anonymous=anonymous,
                    created_at=now,
                )
                session.add(card)
            return card
        except IntegrityError:
            continue  # someone took that number at the same moment: take the next one
    raise RuntimeError("could not number a retro card")


async def cards(session: AsyncSession, retro_id: int) -> list[RetroCard]:
    query = select(RetroCard).where(RetroCard.retro_id == retro_id).order_by(RetroCard.number)
    return list((await session.exec(query)).all())


async def card_by_number(session: AsyncSession, retro: Retro, number: int) -> RetroCard | None:
    query = select(RetroCard).where(RetroCard.retro_id == retro.id, RetroCard.number == number)
    return (await session.exec(query)).first()


async def delete_card(db: Database, card: RetroCard) -> None:
    async with db.session() as session:
        await session.exec(delete(RetroVote).where(RetroVote.card_id == card.id))
        await session.exec(delete(RetroCard).where(RetroCard.id == card.id))


@dataclass(slots=True)
class Ballot:
    """One voter's votes in a retro: card id -> count."""

    mine: Counter

    @property
    def used(self) -> int:
        return sum(self.mine.values())


async def ballot(session: AsyncSession, retro_id: int, voter_key: str) -> Ballot:
    rows = (
        await session.exec(
            select(RetroVote.card_id).where(RetroVote.retro_id == retro_id, RetroVote.voter_key == voter_key)
        )
    ).all()
    return Ballot(Counter(rows))


class VoteRefused(Exception):
    """Why a vote can't be cast or taken back; the message is for the user."""


async def vote(db: Database, retro_id: int, card: RetroCard, voter_key: str, now: datetime) -> Ballot:
    for _ in range(RETRIES):
        try:
            async with db.session() as session:
                retro = await session.get(Retro, retro_id)
                if retro is None or retro.status != "voting":
                    raise VoteRefused(
                        "Voting is not open in this retro"
                        + (" any more." if retro and retro.status in ("discussing", "closed", "cancelled") else ".")
                    )
                mine = await ballot(session, retro_id, voter_key)
                if mine.used >= retro.vote_budget:
                    raise VoteRefused(
                        f"You have used all {retro.vote_budget} of your votes. "
                        "Take one back (retro unvote N) to vote for another card."
                    )
                if mine.mine[card.id] >= retro.max_per_card:
                    raise VoteRefused(
                        f"You already gave card #{card.number} {retro.max_per_card} vote"
                        f"{'' if retro.max_per_card == 1 else 's'}, "
                        "the most one card can get from one person."
                    )
                slots = set(
                    (
                        await session.exec(
                            select(RetroVote.slot).where(
                                RetroVote.retro_id == retro_id, RetroVote.voter_key == voter_key
                            )
                        )
                    ).all()
                )
                card_slots = set(
                    (
                        await session.exec(
                            select(RetroVote.card_slot).where(
                                RetroVote.card_id == card.id, RetroVote.voter_key == voter_key
                            )
                        )
                    ).all()
                )
                session.add(
                    RetroVote(
                        workspace=card.workspace,
                        retro_id=retro_id,
                        card_id=card.id,
                        voter_key=voter_key,
                        slot=_free(slots),
                        card_slot=_free(card_slots),
                        created_at=now,
                    )
                )
                mine.mine[card.id] += 1
            return mine
        except IntegrityError:
            continue  # a double click: the other press took that slot; count again
    raise VoteRefused("Too many votes at once; please try again.")


def _free(taken: set[int]) -> int:
    return next(n for n in range(1, len(taken) + 2) if n not in taken)


async def unvote(db: Database, retro_id: int, card: RetroCard, voter_key: str) -> Ballot:
    async with db.session() as session:
        retro = await session.get(Retro, retro_id)
        if retro is None or retro.status != "voting":
            raise VoteRefused("Voting is not open in this retro, so votes can't be taken back.")
        mine_id = (
            await session.exec(
                select(RetroVote.id)
                .where(RetroVote.card_id == card.id, RetroVote.voter_key == voter_key)
                .order_by(col(RetroVote.card_slot).desc())
            )
        ).first()
        if mine_id is None:
            raise VoteRefused(f"You have no vote on card #{card.number} to take back.")
        await session.exec(delete(RetroVote).where(RetroVote.id == mine_id))
        return await ballot(session, retro_id, voter_key)


async def tallies(session: AsyncSession, retro_id: int) -> Counter:
    rows = (await session.exec(select(RetroVote.card_id).where(RetroVote.retro_id == retro_id))).all()
    return Counter(rows)


async def voters(session: AsyncSession, retro_id: int) -> int:
    return (
        await session.exec(select(func.count(func.distinct(RetroVote.voter_key))).where(RetroVote.retro_id == retro_id))
    ).one()


# ---------------------------------------------------------------------------------- actions


async def actions_of(session: AsyncSession, retro_id: int) -> list[RetroAction]:
    query = select(RetroAction).where(RetroAction.retro_id == retro_id).order_by(RetroAction.id)
    return list((await session.exec(query)).all())


async def open_actions(
    session: AsyncSession, workspace: str, channel: str, *, before_retro: int | None = None
) -> list[RetroAction]:
    """Open actions of this channel's retros (those of earlier retros only, with `before_retro`)."""
    query = select(RetroAction).where(
        RetroAction.workspace == workspace, RetroAction.channel == channel, RetroAction.status == "open"
    )
    if before_retro is not None:
        query = query.where(RetroAction.retro_id != before_retro)
    return list(
        (
            await session.exec(query.order_by(col(RetroAction.due_on).is_(None), RetroAction.due_on, RetroAction.id))
        ).all()
    )


async def get_action(session: AsyncSession, workspace: str, action_id: int) -> RetroAction | None:
    action = await session.get(RetroAction, action_id)
    return action if action and action.workspace == workspace else None


async def finish_action(db: Database, action_id: int, *, status: str, by: str, now: datetime) -> bool:
    """Mark an open action done or carried; False when someone else changed it first."""
    async with db.session() as session:
        result = await session.exec(
            update(RetroAction)
            .where(RetroAction.id == action_id, RetroAction.status == "open")
            .values(status=status, done_at=now, done_by=by)
            .returning(RetroAction.id)
        )
        return result.scalar_one_or_none() is not None


async def carry(db: Database, action: RetroAction, into: Retro, *, by: str, now: datetime) -> RetroAction | None:
    """Copy an open action into the retro `into`; the old one becomes "carried" (one transaction)."""
    async with db.session() as session:
        result = await session.exec(
            update(RetroAction)
            .where(RetroAction.id == action.id, RetroAction.status == "open")
            .values(status="carried", done_at=now, done_by=by)
            .returning(RetroAction.id)
        )
        if result.scalar_one_or_none() is None:
            return None
        copy = RetroAction(
            workspace=action.workspace,
            retro_id=into.id,
            platform=into.platform,
            channel=into.channel,
            text=action.text,
            owner=action.owner,
            due_on=action.due_on,
            origin_id=action.origin_id or action.id,
            created_by=by,
            created_at=now,
        )
        session.add(copy)
    return copy


async def due_between(session: AsyncSession, first: date, last: date) -> list[RetroAction]:
    query = select(RetroAction).where(
        RetroAction.status == "open",
        col(RetroAction.owner).is_not(None),
        col(RetroAction.due_on) >= first,
        col(RetroAction.due_on) <= last,
    )
    return list((await session.exec(query)).all())
