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
LOCK_NAME = "pmo-bot scheduler"
# Keyed by schema too: advisory locks are database-wide, and deployments (or test runs) that
# share a database in separate schemas must each elect their own leader.
LOCK = text("SELECT pg_try_advisory_lock(hashtext(current_schema() || ':' || :name))")


class Leadership:
    """Stopped through `stop` rather than cancellation: a query cut off mid-flight can leave a
    pooled connection unusable, so every await here ends on its own."""

    def __init__(self, db: Database, *, retry_seconds: float = 2.0) -> None:
        self.db = db
        self.retry_seconds = retry_seconds
        self.is_leader = False
        self.campaigns = 0  # attempts to take the lock so far (logs, tests)
        self.stopping = asyncio.Event()

    async def _pause(self) -> bool:
        """Wait one retry interval; True if asked to stop meanwhile."""
        try:
            await asyncio.wait_for(self.stopping.wait(), self.retry_seconds)
        except TimeoutError:
            return False
        return True

    async def run(self, on_elected: Callable[[], Awaitable[None]], on_lost: Callable[[], Awaitable[None]]) -> None:
        """Campaign, lead while the lock holds, campaign again, until `stopping` is set."""
        if self.db.is_sqlite:
            self.is_leader = True
            try:
                await on_elected()
                await self.stopping.wait()
            finally:
                self.is_leader = False
                await on_lost()
            return
        while not self.stopping.is_set():
            self.campaigns += 1
            try:
                async with self.db.engine.connect() as conn:
                    try:
                        if await conn.scalar(LOCK, {"name": LOCK_NAME}):
                            await self._lead(conn, on_elected, on_lost)
                    finally:
                        # Session locks live as long as the connection: close it rather than
                        # hand a connection that still holds the lock back to the pool.
                        await conn.invalidate()
            except Exception:
                log.warning("scheduler leadership check failed; retrying", exc_info=True)
            if await self._pause():
                return

    async def _lead(
        self, conn, on_elected: Callable[[], Awaitable[None]], on_lost: Callable[[], Awaitable[None]]
    ) -> None:
        self.is_leader = True
        log.info("elected scheduler leader")
        try:
            await on_elected()
            while not await self._pause():  # a broken connection means the lock may be gone
                await conn.execute(text("SELECT 1"))
        finally:
            self.is_leader = False
            await on_lost()
            log.info("no longer scheduler leader")
