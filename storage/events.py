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
# Built once: building an INSERT per request cost as much as running it.
_SIGNATURE_INSERTS = {
    name: insert(SeenSignature).on_conflict_do_nothing().returning(SeenSignature.signature)
    for name, insert in _INSERTS.items()
}


async def first_delivery(db: Database, platform: str, workspace: str, event_id: str) -> bool:
    """Record the event; True for its first delivery, False when it was seen before."""
    row = {"platform": platform, "workspace": workspace, "event_id": event_id[:255], "received_at": utcnow()}
    return await _insert_once(db, ProcessedEvent, row)


async def new_signatures(db: Database, rows: list[dict]) -> set[str]:
    """Record verified requests' signatures (rows of signature, workspace, expires_at) in one
    statement; returns those seen for the first time (the others are replays)."""
    statement = _SIGNATURE_INSERTS.get(db.engine.dialect.name)
    if statement is None:
        return {row["signature"] for row in rows if await _insert_once(db, SeenSignature, row)}
    async with db.engine.begin() as conn:  # many rows: SQLAlchemy sends them as one multi-row INSERT
        return set((await conn.execute(statement, rows)).scalars())


async def _insert_once(db: Database, model: type, row: dict) -> bool:
    insert = _INSERTS.get(db.engine.dialect.name)
    if insert is not None:
        # ON CONFLICT DO NOTHING: a duplicate is a normal outcome, not an error in the server log.
        async with db.engine.begin() as conn:
            result = await conn.execute(insert(model).on_conflict_do_nothing(), row)
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
