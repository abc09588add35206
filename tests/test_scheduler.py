"""The scheduler for real: APScheduler firing on time, rebuilt after a restart, one leader.

Each test has a database of its own: a running scheduler plans for every workspace, and must
not meet what other tests left (a Monday-morning digest, a retro reminder due at 09:00)."""

import asyncio
from datetime import timedelta

import pytest

from bot.adapters.console.sender import ConsoleSender
from bot.assembly.app import Bot
from scheduler.leader import Leadership
from storage.db import Database
from storage.models import MeetupSeries, utcnow
from tests.conftest import BACKENDS

pytestmark = pytest.mark.own_database


async def add_series(db, workspace, start, **extra) -> MeetupSeries:
    series = MeetupSeries(
        workspace=workspace,
        title="Soon",
        rule="",
        timezone="UTC",
        starts_on=start.date(),
        start_time=start.time(),
        platform="console",
        channel="C-1",
        organiser="U-1",
        **extra,
    )
    async with db.session() as session:
        session.add(series)
    return series


async def wait_for(predicate, seconds=20.0):
    """Poll until `predicate()` holds; generous for a loaded machine, and a hang still fails."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_jobs_fire_on_time_and_are_rebuilt_after_a_restart(settings, db, workspace):
    start = (utcnow() + timedelta(seconds=4)).replace(microsecond=0)
    series = await add_series(db, workspace, start)
    first = Bot(settings, db)
    outbox = []
    first.senders["console"] = ConsoleSender(lambda ref, reply: outbox.append((utcnow(), reply)))
    scheduler = first.new_scheduler()
    await scheduler.start()
    try:
        assert await wait_for(lambda: len(outbox) == 1), "the announcement is due at once"
        assert outbox[0][1].text.startswith("Coming up: Soon")
        assert scheduler.state == "leader"
    finally:
        await scheduler.stop()  # the process "restarts" before the meetup starts

    second = Bot(settings, db)
    second.senders["console"] = ConsoleSender(lambda ref, reply: outbox.append((utcnow(), reply)))
    scheduler = second.new_scheduler()
    await scheduler.start()
    try:
        assert await wait_for(lambda: scheduler._aps is not None and scheduler._aps.get_job(f"meetup:{series.id}"))
        assert await wait_for(lambda: len(outbox) == 2), "the start post fires after the restart"
        sent_at, post = outbox[1]
        assert post.text == "Soon is starting now."
        assert timedelta(0) <= sent_at - start < timedelta(seconds=2)
        assert [reply.text.split(":")[0] for _, reply in outbox] == ["Coming up", "Soon is starting now."]
        assert scheduler._aps.get_job(f"meetup:{series.id}") is None, "nothing is left to post for this date"
    finally:
        await scheduler.stop()


async def test_readiness_reports_the_scheduler(settings, db):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.assembly.server import create_app

    bot = Bot(settings, db)
    scheduler = bot.new_scheduler()
    await scheduler.start()
    try:
        async with TestClient(TestServer(create_app(bot))) as client:
            assert await wait_for(lambda: scheduler.state == "leader")
            response = await client.get("/readyz")
            body = await response.json()
            assert response.status == 200 and body["scheduler"] == "leader" and body["checks"]["database"]
    finally:
        await scheduler.stop()


@pytest.mark.skipif("postgres" not in BACKENDS, reason="needs PMO_BOT_TEST_DATABASE_URL (PostgreSQL); CI sets it")
@pytest.mark.parametrize("db", ["postgres"], indirect=True)  # advisory locks: SQLite is one process and leads
async def test_one_leader_at_a_time_and_a_quick_takeover(db):
    other_db = Database(db.url, **db.options)
    events = []

    def tracker(name):
        async def elected():
            events.append((name, "elected"))

        async def lost():
            events.append((name, "lost"))

        return elected, lost

    a, b = Leadership(db, retry_seconds=0.2), Leadership(other_db, retry_seconds=0.2)
    task_a = asyncio.create_task(a.run(*tracker("a")))
    assert await wait_for(lambda: a.is_leader)
    task_b = asyncio.create_task(b.run(*tracker("b")))
    assert await wait_for(lambda: b.campaigns >= 2), "the second replica keeps trying"
    assert not b.is_leader, "the lock is held: the second replica waits"
    a.stopping.set()
    await task_a
    assert await wait_for(lambda: b.is_leader, seconds=10), "the standby takes over within seconds"
    assert events == [("a", "elected"), ("a", "lost"), ("b", "elected")]
    b.stopping.set()
    await task_b
    await other_db.close()
