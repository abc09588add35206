"""Stored conversation references: where an adapter can post later without being asked.

Platform-neutral: the reference is whatever plain dict the adapter needs (Teams keeps its
ConversationReference here, serialised). One row per (platform, workspace, channel).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.db import Database
from storage.models import ConversationRecord, utcnow


async def upsert(
    db: Database,
    *,
    platform: str,
    workspace: str,
    channel: str,
    kind: str = "",
    service_url: str | None = None,
    data: dict[str, Any],
) -> bool:
    """Insert or refresh a reference; returns True when something was written (new or changed)."""
    for attempt in range(2):  # a concurrent first insert makes ours fail once: then it's an update
        try:
            async with db.session() as session:
                row = (
                    await session.exec(
                        select(ConversationRecord).where(
                            ConversationRecord.platform == platform,
                            ConversationRecord.workspace == workspace,
                            ConversationRecord.channel == channel,
                        )
                    )
                ).first()
                if row is None:
                    session.add(
                        ConversationRecord(
                            platform=platform,
                            workspace=workspace,
                            channel=channel,
                            kind=kind,
                            service_url=service_url,
                            data=data,
                        )
                    )
                    return True
                if row.kind == kind and row.service_url == service_url and row.data == data:
                    return False
                row.kind, row.service_url, row.data, row.updated_at = kind, service_url, data, utcnow()
                session.add(row)
                return True
        except IntegrityError:
            if attempt:
                raise
    return False


async def get(db: Database, platform: str, workspace: str, channel: str) -> ConversationRecord | None:
    async with db.session() as session:
        return (
            await session.exec(
                select(ConversationRecord).where(
                    ConversationRecord.platform == platform,
                    ConversationRecord.workspace == workspace,
                    ConversationRecord.channel == channel,
                )
            )
        ).first()
