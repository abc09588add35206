"""What adapters keep: handled event ids and stored conversation references."""

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
