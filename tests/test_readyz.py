"""/readyz answers quickly whatever the database does: a database that accepts connections and
never answers makes it report "not ready", within 2 s, and /healthz stays fast meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.assembly.app import Bot
from bot.assembly.server import create_app
from bot.core.config import Settings
from storage.db import Database


@pytest.fixture
async def hanging_database() -> AsyncIterator[str]:
    """A PostgreSQL URL whose server accepts the connection and then says nothing, ever."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"postgresql://pmo@127.0.0.1:{port}/pmo"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_readyz_reports_a_hanging_database_within_two_seconds(hanging_database):
    db = Database(hanging_database)
    bot = Bot(Settings(_env_file=None, database_url=hanging_database), db)
    async with TestClient(TestServer(create_app(bot), host="127.0.0.1")) as client:
        for _ in range(3):  # again and again: a check still hanging from before is not waited for twice
            response = await asyncio.wait_for(client.get("/readyz"), 2.0)
            assert response.status == 503
            assert (await response.json())["checks"]["database"] is False
            assert (await asyncio.wait_for(client.get("/healthz"), 0.5)).status == 200
    await db.close()


async def test_readyz_is_ready_with_a_working_database(bot):
    async with TestClient(TestServer(create_app(bot), host="127.0.0.1")) as client:
        response = await client.get("/readyz")
        assert response.status == 200 and (await response.json())["checks"] == {"database": True}
