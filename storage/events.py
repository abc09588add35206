"""Platform event de-duplication: a retried delivery of an event must not act twice.

The row lives in the database, so the check holds across restarts and across replicas.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import ProcessedEvent, utcnow

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


async def first_delivery(db: Database, platform: str, workspace: str, event_id: str) -> bool:
    """Record the event; True for its first delivery, False when it was seen before."""
    row = {"platform": platform, "workspace": workspace, "event_id": event_id[:255], "received_at": utcnow()}
    insert = _INSERTS.get(db.engine.dialect.name)
    if insert is not None:
        # ON CONFLICT DO NOTHING: a duplicate is a normal outcome, not an error in the server log.
        statement = insert(ProcessedEvent).values(**row).on_conflict_do_nothing()
        async with db.session() as session:
            result = await session.exec(statement)
            return result.rowcount == 1
    try:
        async with db.session() as session:
            session.add(ProcessedEvent(**row))
        return True
    except IntegrityError:
        return False


async def forget_events_before(db: Database, cutoff: datetime) -> int:
    """Drop records older than any retry can be (Slack retries within minutes); returns rows deleted."""
    async with db.session() as session:
        result = await session.exec(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
        return result.rowcount or 0
