"""Messages the bot posts on its own, each claimed once (see scheduler/deliveries.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


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
    status: str = Field(default="claimed", max_length=16)  # claimed/sent/failed/missed/undeliverable
    attempts: int = 0
    message_id: str | None = Field(default=None, max_length=255)
    error: str | None = Field(default=None, max_length=1000)
    claimed_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class DeliveryRetry(SQLModel, table=True):
    """A failed delivery still to be tried again (scheduler/deliveries.py): when next, until when
    (its grace window), and what to send where, sealed, because a direct message's address names
    its person and the delivery row must not. Deleted once sent or given up, so the table holds
    only what is pending."""

    __tablename__ = "delivery_retry"

    delivery_id: int = Field(foreign_key="delivery.id", primary_key=True, ondelete="CASCADE")
    workspace: str = Field(max_length=255, index=True)
    next_at: datetime
    until: datetime
    payload: str = Field(sa_type=Text)
