"""Retrospectives: the retro, its cards, dot votes and the action items that outlive it.

Closed retros are kept: the history (and the open actions it left) is the point. Anonymous
cards keep no user id, only `author_key`, a pseudonym scoped to the retro (bot/core/identity.py) that
lets the author manage their own card but cannot be read back as an identity, nor matched with
anything else they did; named cards keep `author` and no pseudonym. Votes carry the voter's
pseudonym for this retro's votes, unrelated to their cards.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow

OPEN_STATUSES = ("collecting", "voting", "discussing")
# One open retro per channel, held by the database (a partial unique index on both backends).
_OPEN = text("status IN ('collecting', 'voting', 'discussing')")


class Retro(SQLModel, table=True):
    __tablename__ = "retro"
    __table_args__ = (
        Index(
            "uq_retro_open_per_channel", "workspace", "channel", unique=True, sqlite_where=_OPEN, postgresql_where=_OPEN
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=500)
    title: str = Field(max_length=200)
    template: str = Field(max_length=32)  # ssc / msg / 4ls / sailboat / custom
    columns: list[str] = Field(sa_column=Column(JSON, nullable=False))
    facilitator: str = Field(max_length=255)
    # collecting → voting → discussing → closed; or cancelled. Moves by conditional UPDATE only.
    status: str = Field(default="collecting", max_length=16)
    revealed: bool = False
    vote_budget: int = 5
    max_per_card: int = 3
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class RetroCard(SQLModel, table=True):
    __tablename__ = "retro_card"
    __table_args__ = (UniqueConstraint("retro_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    retro_id: int = Field(foreign_key="retro.id", ondelete="CASCADE", index=True)
    number: int  # what people type: "vote 3"
    column_name: str = Field(max_length=100)
    text: str = Field(max_length=1000)
    author: str | None = Field(default=None, max_length=255)  # NULL for anonymous cards
    author_key: str | None = Field(default=None, max_length=64)  # anonymous cards only: pseudonym in this retro
    anonymous: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class RetroVote(SQLModel, table=True):
    """One row per dot. `slot` (1..budget per voter and retro) and `card_slot` (1..cap per voter
    and card) are unique, so two presses at once can never overspend a budget or a card cap."""

    __tablename__ = "retro_vote"
    __table_args__ = (
        UniqueConstraint("retro_id", "voter_key", "slot"),
        UniqueConstraint("card_id", "voter_key", "card_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    retro_id: int = Field(foreign_key="retro.id", ondelete="CASCADE", index=True)
    card_id: int = Field(foreign_key="retro_card.id", ondelete="CASCADE", index=True)
    voter_key: str = Field(max_length=64)  # pseudonym among this retro's voters
    slot: int
    card_slot: int
    created_at: datetime = Field(default_factory=utcnow)


class RetroAction(SQLModel, table=True):
    """An action item. Carried over into a later retro, it is copied there (status "carried" on
    the old row) and `origin_id` keeps pointing at the first one, so reminders go out once."""

    __tablename__ = "retro_action"

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    retro_id: int = Field(foreign_key="retro.id", ondelete="CASCADE", index=True)
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=500)
    text: str = Field(max_length=1000)
    owner: str | None = Field(default=None, max_length=255)
    due_on: date | None = Field(default=None, index=True)  # the reminder planner looks it up
    status: str = Field(default="open", max_length=16)  # open / done / carried
    origin_id: int | None = None
    created_by: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None
    done_by: str | None = Field(default=None, max_length=255)
