"""Improvement ideas: the idea, its words (for duplicate hints and search), votes, history, and
where each workspace wants its triage notices and weekly digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow

_ANONYMOUS = text("submitter_key IS NOT NULL")


class Idea(SQLModel, table=True):
    """`number` counts per workspace (people say "idea #12"). An anonymous idea has no
    `submitter`: only `submitter_key` (its author's pseudonym for this idea alone, so they can
    withdraw it and nothing else they did matches it) and `reply_to` (a sealed delivery address,
    so its author still hears back). A named idea has `submitter` and no pseudonym."""

    # Lists are newest first (by number) within one status, one person's ideas or one area.
    __table_args__ = (
        UniqueConstraint("workspace", "number"),
        Index("ix_idea_status_number", "workspace", "status", "number"),
        Index("ix_idea_submitter_number", "workspace", "submitter", "number"),
        # "improve list mine" checks every anonymous idea's own pseudonym: read from this index alone.
        Index(
            "ix_idea_anonymous",
            "workspace",
            "status",
            "number",
            "submitter_key",
            sqlite_where=_ANONYMOUS,
            postgresql_where=_ANONYMOUS,
        ),
        Index("ix_idea_area_number", "workspace", "area_id", "number"),
        Index("ix_idea_votes_number", "workspace", "votes", "number"),  # `improve list by votes`
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    number: int
    title: str = Field(max_length=300)
    details: str = Field(default="", max_length=3000)
    status: str = Field(default="new", max_length=16)
    area_id: int | None = Field(default=None, foreign_key="area.id", ondelete="SET NULL")
    area_name: str = Field(default="", max_length=200)  # kept if the area is renamed or deleted
    owner: str | None = Field(default=None, max_length=255)
    submitter: str | None = Field(default=None, max_length=255)
    submitter_key: str | None = Field(default=None, max_length=64)
    anonymous: bool = False
    reply_to: str | None = Field(default=None, max_length=1000)
    platform: str = Field(max_length=32)
    channel: str = Field(default="", max_length=500)
    duplicate_of: int | None = None  # the number of the idea it duplicates
    votes: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    triaged_at: datetime | None = None
    done_at: datetime | None = None
    escalated_at: datetime | None = None


class IdeaWord(SQLModel, table=True):
    """One normalised word of an idea's title and details: a portable inverted index."""

    __tablename__ = "idea_word"
    __table_args__ = (Index("ix_idea_word_lookup", "workspace", "word", "idea_id"),)

    idea_id: int = Field(foreign_key="idea.id", ondelete="CASCADE", primary_key=True)
    word: str = Field(max_length=64, primary_key=True)
    workspace: str = Field(max_length=255)


class IdeaVote(SQLModel, table=True):
    __tablename__ = "idea_vote"
    __table_args__ = (UniqueConstraint("idea_id", "voter"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    idea_id: int = Field(foreign_key="idea.id", ondelete="CASCADE", index=True)
    voter: str = Field(max_length=255)
    platform: str = Field(max_length=32)
    at: datetime = Field(default_factory=utcnow)


class IdeaEvent(SQLModel, table=True):
    """The idea's history: submitted, every status change, assignment, detail, vote merges.
    `actor` is None for the anonymous submitter's own actions."""

    __tablename__ = "idea_event"

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    idea_id: int = Field(foreign_key="idea.id", ondelete="CASCADE", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str | None = Field(default=None, max_length=255)
    kind: str = Field(max_length=16)  # submitted / status / assigned / detail / escalated
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    comment: str = Field(default="", max_length=1000)


class IdeaChannels(SQLModel, table=True):
    """Where a workspace's PMO wants triage notices and the weekly digest (set from chat)."""

    __tablename__ = "idea_channels"

    workspace: str = Field(primary_key=True, max_length=255)
    platform: str = Field(max_length=32)
    triage_channel: str | None = Field(default=None, max_length=500)
    digest_channel: str | None = Field(default=None, max_length=500)
    updated_by: str = Field(max_length=255)
    updated_at: datetime = Field(default_factory=utcnow)
