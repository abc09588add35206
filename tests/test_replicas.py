"""Two `pmo-bot serve` replicas on one PostgreSQL: the scheduler leader is killed with SIGKILL
just before a meetup announcement falls due; the other takes over and exactly one announcement
reaches (a stand-in of) Slack, within the grace window."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlmodel import select

from storage.db import Database
from storage.models import Delivery, MeetupSeries, utcnow
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PMO_BOT_TEST_DATABASE_URL (PostgreSQL); CI sets it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def database_url():
    """A database of its own: the replicas' advisory lock and tables touch nothing else."""
    name = f"pmo_replicas_{uuid.uuid4().hex[:8]}"
    admin = Database(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.engine.connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    yield url
    async with admin.engine.connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture
async def slack_api():
    posts: list[dict] = []

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await request.text()
        args = (
            json.loads(body)
            if request.content_type == "application/json"
            else {k: v[0] for k, v in parse_qs(body).items()}
        )
        if method == "chat.postMessage":
            posts.append({"at": utcnow(), **args})
            return web.json_response({"ok": True, "channel": args.get("channel"), "ts": str(len(posts))})
        return web.json_response({"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"})

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/api/", posts
    await runner.cleanup()


async def scheduler_state(session: aiohttp.ClientSession, port: int) -> str | None:
    try:
        async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
            return (await response.json()).get("scheduler")
    except (aiohttp.ClientError, json.JSONDecodeError):
        return None


async def until(predicate, seconds: float, what: str):
    """Poll an async predicate until it returns something truthy; fail after `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not (result := await predicate()):
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)
    return result


async def add_series(database_url: str, due) -> None:
    """A meetup whose announcement (a day ahead) is due at `due`."""
    start = due + timedelta(days=1)
    db = Database(database_url)
    async with db.session() as session:
        session.add(
            MeetupSeries(
                workspace="T1",
                title="Lunch & Learn",
                rule="",
                timezone="UTC",
                starts_on=start.date(),
                start_time=start.time(),
                platform="slack",
                channel="C1",
                organiser="U1",
                created_at=utcnow() - timedelta(days=2),
                updated_at=utcnow() - timedelta(days=2),
            )
        )
    await db.close()


async def deliveries(database_url: str) -> list[tuple[str, str]]:
    db = Database(database_url)
    async with db.session() as session:
        rows = (await session.exec(select(Delivery))).all()
    await db.close()
    return [(row.kind, row.status) for row in rows]


async def test_leader_killed_before_an_announcement_exactly_one_arrives(database_url, slack_api):
    api_url, posts = slack_api
    db = Database(database_url)
    await db.upgrade()
    await db.close()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "PMO_BOT_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL=api_url,
        HOST="127.0.0.1",
        PYTHONPATH=str(ROOT),
    )
    ports = [free_port(), free_port()]
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.assembly.cli", "serve"],
            env={**env, "PORT": str(p)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for p in ports
    ]
    try:
        async with aiohttp.ClientSession() as http:

            async def elected():
                states = [await scheduler_state(http, p) for p in ports]
                return states if "leader" in states and None not in states else None

            states = await until(elected, 90, "both replicas to answer and one to lead")  # slow on a busy machine
            leader = states.index("leader")
            assert states[1 - leader] == "standby"
            # Due in a few seconds, counted from now that both are up: the leader dies before it.
            due = utcnow() + timedelta(seconds=3)
            await add_series(database_url, due)
            replicas[leader].send_signal(signal.SIGKILL)  # no goodbye: the lock goes with the connection
            replicas[leader].wait(timeout=10)
            assert not posts, "nothing was due while the leader lived"

            async def survivor_leads():
                return await scheduler_state(http, ports[1 - leader]) == "leader"

            async def sent():
                return ("meetup.announce", "sent") in await deliveries(database_url)

            await until(survivor_leads, 60, "the standby to lead")
            await until(sent, 60, "the announcement")
        assert await deliveries(database_url) == [("meetup.announce", "sent")], "claimed once, sent once"
        assert len(posts) == 1, posts
        assert posts[0]["channel"] == "C1" and "Lunch &amp; Learn" in posts[0]["text"]  # escaped for mrkdwn
        assert timedelta(0) <= posts[0]["at"] - due < timedelta(minutes=60), "on time, within the grace window"
    finally:
        for replica in replicas:
            if replica.poll() is None:
                replica.send_signal(signal.SIGTERM)
                try:
                    replica.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    replica.kill()
