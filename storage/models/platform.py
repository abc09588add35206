"""What adapters keep: handled event ids, seen request signatures and stored conversation references."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class ProcessedEvent(SQLModel, table=True):
    """Platform events already handled: a retried delivery finds its row and does nothing."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("platform", "workspace", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    platform: str = Field(max_length=32)
    event_id: str = Field(max_length=255)
    received_at: datetime = Field(default_factory=utcnow, index=True)


class SeenSignature(SQLModel, table=True):
    """A signed Slack request already accepted: the same signature again, within the window its
    timestamp allows, is a replay. In the database, so every replica refuses it."""

    __tablename__ = "seen_signature"

    signature: str = Field(primary_key=True, max_length=80)  # v0= and 64 hex digits
    workspace: str = Field(max_length=255)  # the team it named, "" when it named none
    expires_at: datetime = Field(index=True)  # its timestamp + 5 minutes: afterwards it is refused as stale


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
