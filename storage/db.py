"""Async engine and sessions; migrations applied through Alembic on the same engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 0x706D6F  # "pmo": serialises `db upgrade` across replicas on PostgreSQL


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://, sqlite:///) and pick async drivers."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    driver = {"postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}.get(parsed.drivername)
    if driver:
        parsed = parsed.set(drivername=driver)
    return parsed.render_as_string(hide_password=False)


class Database:
    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = normalise_url(url)
        self.options = engine_options  # as given: another Database on the same place takes them too
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            # SQLite has one writer: one connection serialises work in the pool's queue instead
            # of failing with "database is locked" when two transactions upgrade to writes.
            engine_options = {"pool_size": 1, "max_overflow": 0, **engine_options}
        self.engine: AsyncEngine = create_async_engine(self.url, **engine_options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed when the block ends cleanly, rolled back otherwise."""
        async with self._sessions() as session:
            async with session.begin():
                yield session

    async def upgrade(self, revision: str = "head", *, settings: Any = None) -> None:
        """Migrate. `settings` (bot.config.Settings) key the data migrations that need the bot's
        secret (0009); without them those read the environment, as the bot does."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade, revision, settings)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores ON DELETE CASCADE without it
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: no fsync per commit, still crash-safe
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _upgrade(connection: Connection, revision: str, settings: Any = None) -> None:
    from alembic import command
    from alembic.config import Config

    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["settings"] = settings
    command.upgrade(config, revision)
