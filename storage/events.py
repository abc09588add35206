"""Platform event de-duplication: a retried delivery of an event must not act twice, and a
replayed request (the same signature again) must not act at all.

The rows live in the database, so the checks hold across restarts and across replicas.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import ProcessedEvent, SeenSignature, utcnow

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


async def first_delivery(db: Database, platform: str, workspace: str, event_id: str) -> bool:
    """Record the event; True for its first delivery, False when it was seen before."""
    row = {"platform": platform, "workspace": workspace, "event_id": event_id[:255], "received_at": utcnow()}
    return await _insert_once(db, ProcessedEvent, row)


async def first_signature(db: Database, workspace: str, signature: str, expires_at: datetime) -> bool:
    """Record a verified request's signature; True the first time, False for a replay."""
    row = {"signature": signature[:80], "workspace": workspace[:255], "expires_at": expires_at}
    return await _insert_once(db, SeenSignature, row)


async def _insert_once(db: Database, model: type, row: dict) -> bool:
    insert = _INSERTS.get(db.engine.dialect.name)
    if insert is not None:
        # ON CONFLICT DO NOTHING: a duplicate is a normal outcome, not an error in the server log.
        statement = insert(model).values(**row).on_conflict_do_nothing()
        async with db.session() as session:
            result = await session.exec(statement)
            return result.rowcount == 1
    try:
        async with db.session() as session:
            session.add(model(**row))
        return True
    except IntegrityError:
        return False


async def forget_events_before(db: Database, cutoff: datetime) -> int:
    """Drop records older than any retry can be (Slack retries within minutes); returns rows deleted."""
    async with db.session() as session:
        result = await session.exec(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
        return result.rowcount or 0


async def forget_signatures_before(db: Database, cutoff: datetime) -> int:
    """Drop signatures whose window ended before `cutoff`: a request that old is refused as stale anyway."""
    async with db.session() as session:
        result = await session.exec(delete(SeenSignature).where(SeenSignature.expires_at < cutoff))
        return result.rowcount or 0
