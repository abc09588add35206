"""Seen request signatures, checked against the database with group commits.

Every signed request must be checked against the signatures every replica has accepted, before
it acts. One INSERT per request cost more than the rest of a request; so requests arriving
while a check is under way wait for the next one, which records all of them in one statement
(INSERT … ON CONFLICT DO NOTHING RETURNING: those returned are new, the others replays). A
signature this process accepted is refused from memory, without asking the database again.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from storage.db import Database
from storage.events import SignatureLedger

MAX_BATCH = 500  # rows per statement: well inside SQLite's and asyncpg's limits on parameters
REMEMBERED = 100_000  # signatures this process remembers, as a shortcut, before starting afresh


class SeenSignatures:
    def __init__(self, db: Database) -> None:
        self.ledger = SignatureLedger(db)
        self._waiting: dict[str, tuple[dict, asyncio.Future[bool]]] = {}
        self._accepted: set[str] = set()  # signatures this process accepted
        self._flushing: asyncio.Task | None = None

    async def first(self, workspace: str, signature: str, expires_at: datetime) -> bool:
        """True when no replica has accepted this signature before (it is recorded now)."""
        if signature in self._accepted or signature in self._waiting:
            return False
        future = asyncio.get_running_loop().create_future()
        row = {"signature": signature, "workspace": workspace[:255], "expires_at": expires_at}
        self._waiting[signature] = (row, future)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._waiting:
            batch = [self._waiting.pop(s) for s in list(self._waiting)[:MAX_BATCH]]
            try:
                new = await self.ledger.record([row for row, _ in batch])
            except Exception as exc:  # the database is down: each request decides what to say
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for row, future in batch:
                first = row["signature"] in new
                if first:
                    self._accepted.add(row["signature"])
                if not future.done():
                    future.set_result(first)
            if len(self._accepted) > REMEMBERED:
                self._accepted.clear()  # only a shortcut: the database still refuses those replays

    async def close(self) -> None:
        if self._flushing is not None:
            await asyncio.wait([self._flushing])
        await asyncio.to_thread(self.ledger.close)
