"""Which replica runs the scheduler: the one holding a PostgreSQL advisory lock.

The lock is held on a connection of its own; when that process dies, PostgreSQL drops the
connection and the lock with it, and another replica takes it on its next try (every few
seconds). SQLite means a single process, which simply leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from storage.db import Database

log = logging.getLogger(__name__)
LOCK_KEY = 0x706D6F5343  # "pmoSC"


class Leadership:
    def __init__(self, db: Database, *, retry_seconds: float = 2.0) -> None:
        self.db = db
        self.retry_seconds = retry_seconds
        self.is_leader = False

    async def run(self, on_elected: Callable[[], Awaitable[None]], on_lost: Callable[[], Awaitable[None]]) -> None:
        """Runs until cancelled: campaign, lead while the lock holds, campaign again."""
        if self.db.is_sqlite:
            self.is_leader = True
            try:
                await on_elected()
                await asyncio.Event().wait()
            finally:
                self.is_leader = False
        while True:
            try:
                async with self.db.engine.connect() as conn:
                    try:
                        if await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}):
                            await self._lead(conn, on_elected, on_lost)
                    finally:
                        # Session locks live as long as the connection: close it rather than
                        # hand a connection that still holds the lock back to the pool.
                        await conn.invalidate()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("scheduler leadership check failed; retrying", exc_info=True)
            await asyncio.sleep(self.retry_seconds)

    async def _lead(self, conn, on_elected: Callable[[], Awaitable[None]], on_lost: Callable[[], Awaitable[None]]) -> None:
        self.is_leader = True
        log.info("elected scheduler leader")
        try:
            await on_elected()
            while True:  # a broken connection means the lock may be gone: stop leading
                await asyncio.sleep(self.retry_seconds)
                await conn.execute(text("SELECT 1"))
        finally:
            self.is_leader = False
            await on_lost()
            log.info("no longer scheduler leader")
