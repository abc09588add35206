"""Tables. Every row carries `workspace` (Slack team, Teams tenant, or the console's "local").

Times are timezone-aware UTC; SQLModel's UTCDateTime keeps them so on SQLite too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

ROLES = ("A", "R", "C", "I")
ROLE_NAMES = {"A": "Accountable", "R": "Responsible", "C": "Consulted", "I": "Informed"}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Workspace(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=255)
    platform: str = Field(max_length=32)
    # Bumped on every registry write so each process knows when its match index is stale.
    registry_version: int = 0
    created_at: datetime = Field(default_factory=utcnow)


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
    __tablename__ = "unanswered_question"
    __table_args__ = (UniqueConstraint("workspace", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    key: str = Field(max_length=500)
    text: str = Field(max_length=500)
    asked_count: int = 1
    first_asked_by: str = Field(max_length=255)
    last_asked_by: str = Field(max_length=255)
    first_asked_at: datetime = Field(default_factory=utcnow)
    last_asked_at: datetime = Field(default_factory=utcnow)


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


class ProcessedEvent(SQLModel, table=True):
    """Platform events already handled: a retried delivery finds its row and does nothing."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("platform", "workspace", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    platform: str = Field(max_length=32)
    event_id: str = Field(max_length=255)
    received_at: datetime = Field(default_factory=utcnow, index=True)


class ConversationRecord(SQLModel, table=True):
    """Where the bot can post on its own later (Teams needs a stored ConversationReference)."""

    __tablename__ = "conversation_ref"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=500)
    kind: str = Field(default="", max_length=32)  # personal / channel / groupChat / im …
    service_url: str | None = Field(default=None, max_length=500)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class MeetupSeries(SQLModel, table=True):
    """A recurring (or one-off) meetup. `rule` is an RRULE body expanded in `timezone` from
    `starts_on` at local `start_time`; one-off meetups have no rule and `starts_on` is the day."""

    __tablename__ = "meetup_series"

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    title: str = Field(max_length=200)
    topic: str = Field(default="", max_length=1000)
    host: str = Field(default="", max_length=255)
    location: str = Field(default="", max_length=500)
    link: str = Field(default="", max_length=1000)
    capacity: int | None = None
    rule: str = Field(default="", max_length=500)
    timezone: str = Field(max_length=64)
    starts_on: date
    start_time: time
    duration_minutes: int = 60
    announce_before_minutes: int = 24 * 60
    remind_before_minutes: int = 15
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=500)
    organiser: str = Field(max_length=255)
    status: str = Field(default="active", max_length=16)  # active / cancelled
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MeetupOccurrence(SQLModel, table=True):
    """One date of a series, created when it is first needed (announced, skipped, RSVP'd, edited)."""

    __tablename__ = "meetup_occurrence"
    __table_args__ = (UniqueConstraint("series_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    series_id: int = Field(foreign_key="meetup_series.id", ondelete="CASCADE", index=True)
    starts_at: datetime
    # scheduled / announced / reminded / done / skipped / cancelled
    status: str = Field(default="scheduled", max_length=16)
    host: str | None = Field(default=None, max_length=255)
    topic: str | None = Field(default=None, max_length=1000)


class MeetupRsvp(SQLModel, table=True):
    __tablename__ = "meetup_rsvp"
    __table_args__ = (UniqueConstraint("occurrence_id", "user"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    occurrence_id: int = Field(foreign_key="meetup_occurrence.id", ondelete="CASCADE", index=True)
    user: str = Field(max_length=255)
    answer: str = Field(max_length=8)  # going / maybe / no
    at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """A message the bot posts on its own. The row is claimed (inserted) before the send, and
    (kind, subject, target) is unique: a restart, a retry or a second replica can't post twice."""

    __table_args__ = (UniqueConstraint("kind", "subject", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    kind: str = Field(max_length=32)  # e.g. meetup.announce
    subject: str = Field(max_length=255)  # e.g. occurrence:12
    target: str = Field(max_length=600)  # platform:workspace:channel
    due_at: datetime
    status: str = Field(default="claimed", max_length=16)  # claimed / sent / failed / missed
    attempts: int = 0
    message_id: str | None = Field(default=None, max_length=255)
    error: str | None = Field(default=None, max_length=1000)
    claimed_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
