"""Alembic environment: runs on the connection `storage.db.Database.upgrade` hands in.

For `alembic revision --autogenerate` during development, run from `storage/` with
DATABASE_URL set; see storage/alembic.ini.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import normalise_url

target_metadata = SQLModel.metadata


def _ours(_object, name, type_, reflected, _compare_to) -> bool:
    # slack_sdk's installation tables are created by our migration 0003 but are not in our
    # metadata: autogenerate must not offer to drop them.
    return not (type_ == "table" and reflected and name not in target_metadata.tables)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_ours,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:

    async def _standalone() -> None:
        engine = create_async_engine(normalise_url(os.environ.get("DATABASE_URL", "sqlite:///pmo-bot.db")))
        async with engine.begin() as conn:
            await conn.run_sync(_run)
        await engine.dispose()

    asyncio.run(_standalone())
