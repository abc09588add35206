"""The workspace every row belongs to, and the clock all tables use."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Workspace(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=255)
    platform: str = Field(max_length=32)
    # Bumped on every registry write so each process knows when its match index is stale.
    registry_version: int = 0
    created_at: datetime = Field(default_factory=utcnow)
