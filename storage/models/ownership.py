"""The RACI registry: parties, areas and their aliases, assignments, unanswered questions, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow

ROLES = ("A", "R", "C", "I")
ROLE_NAMES = {"A": "Accountable", "R": "Responsible", "C": "Consulted", "I": "Informed"}


class Party(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    name: str = Field(max_length=200)
    key: str = Field(max_length=200)  # normalised name, for case-insensitive uniqueness
    description: str = ""
    contact: str = Field(default="", max_length=500)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Area(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    name: str = Field(max_length=200)
    key: str = Field(max_length=200)
    notes: str = ""
    verified_at: datetime | None = None
    verified_by: str | None = Field(default=None, max_length=255)
    verify_every_days: int | None = None  # how often its Accountable is asked to re-check it; None: the default
    updated_at: datetime = Field(default_factory=utcnow)


class AreaAlias(SQLModel, table=True):
    __tablename__ = "area_alias"
    __table_args__ = (UniqueConstraint("workspace", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    area_id: int = Field(foreign_key="area.id", ondelete="CASCADE", index=True)
    alias: str = Field(max_length=200)
    key: str = Field(max_length=200)


class Assignment(SQLModel, table=True):
    """One RACI cell: `party` holds `role` for `area`."""

    __table_args__ = (
        UniqueConstraint("area_id", "party_id", "role"),
        # Exactly one Accountable per area, enforced by the database as well as the handler.
        Index(
            "one_accountable_per_area",
            "area_id",
            unique=True,
            sqlite_where=text("role = 'A'"),
            postgresql_where=text("role = 'A'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    area_id: int = Field(foreign_key="area.id", ondelete="CASCADE", index=True)
    party_id: int = Field(foreign_key="party.id", ondelete="CASCADE", index=True)
    role: str = Field(max_length=1)


class UnansweredQuestion(SQLModel, table=True):
    """A question the bot could not answer directly (a gap), until the registry answers it.

    status: "open"; "answered" (a later registry change answers it: closed by itself), "accepted"
    (an admin added it as an alias) or "dismissed" (an admin decided it is not the registry's)."""

    __tablename__ = "unanswered_question"
    __table_args__ = (
        UniqueConstraint("workspace", "key"),
        Index("ix_unanswered_question_open", "workspace", "status", "asked_count"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    key: str = Field(max_length=500)
    text: str = Field(max_length=500)
    asked_count: int = 1
    first_asked_by: str = Field(max_length=255)
    last_asked_by: str = Field(max_length=255)
    first_asked_at: datetime = Field(default_factory=utcnow)
    last_asked_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default="open", max_length=16)
    outcome: str = Field(default="unknown", max_length=16)  # what the asker got last: "asked" or "unknown"
    # The area someone picked from the choices (proposed as an alias), or the one that answers it now.
    area_id: int | None = Field(default=None, foreign_key="area.id", ondelete="SET NULL")
    proposed_by: str | None = Field(default=None, max_length=255)
    proposed_at: datetime | None = None
    closed_by: str | None = Field(default=None, max_length=255)
    closed_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    actor: str = Field(max_length=255)
    at: datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=64)
    subject: str = Field(max_length=200)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
