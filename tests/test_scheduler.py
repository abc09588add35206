"""The scheduler for real: APScheduler firing on time, rebuilt after a restart, one leader."""

import asyncio
from datetime import timedelta

import pytest

from bot.adapters.console.sender import ConsoleSender
from bot.app import Bot, build_planners
from scheduler.leader import Leadership
from scheduler.service import Scheduler
from storage.db import Database
from storage.models import MeetupSeries, utcnow


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


async def wait_for(predicate, seconds=10.0):
    for _ in range(int(seconds * 20)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_jobs_fire_on_time_and_are_rebuilt_after_a_restart(settings, db, workspace):
    start = (utcnow() + timedelta(seconds=4)).replace(microsecond=0)
    series = await add_series(db, workspace, start)
    first = Bot(settings, db)
    outbox = []

    def record(ref, reply):
        # Only this test's workspace: the scheduler serves every workspace in the database, and
        # other tests' weekly digests fall due on Mondays after 09:00.
        if ref.workspace == workspace:
            outbox.append((utcnow(), reply))

    first.senders["console"] = ConsoleSender(record)
    scheduler = Scheduler(first, build_planners())
    await scheduler.start()
    try:
        assert await wait_for(lambda: len(outbox) == 1), "the announcement is due at once"
        assert outbox[0][1].text.startswith("Coming up: Soon")
        assert scheduler.state == "leader"
    finally:
        await scheduler.stop()  # the process "restarts" before the meetup starts

    second = Bot(settings, db)
    second.senders["console"] = ConsoleSender(record)
    scheduler = Scheduler(second, build_planners())
    await scheduler.start()
    try:
        assert await wait_for(lambda: scheduler._aps is not None and scheduler._aps.get_job(f"meetup:{series.id}"))
        assert await wait_for(lambda: len(outbox) == 2), "the start post fires after the restart"
        sent_at, post = outbox[1]
        assert post.text == "Soon is starting now."
        assert timedelta(0) <= sent_at - start < timedelta(seconds=1)
        await asyncio.sleep(0.5)
        assert len(outbox) == 2, "the rebuilt scheduler did not announce a second time"
    finally:
        await scheduler.stop()


async def test_readiness_reports_the_scheduler(settings, db):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.server import create_app

    bot = Bot(settings, db)
    scheduler = Scheduler(bot, build_planners())
    await scheduler.start()
    try:
        async with TestClient(TestServer(create_app(bot))) as client:
            assert await wait_for(lambda: scheduler.state == "leader")
            response = await client.get("/readyz")
            body = await response.json()
            assert response.status == 200 and body["scheduler"] == "leader" and body["checks"]["database"]
    finally:
        await scheduler.stop()


async def test_one_leader_at_a_time_and_a_quick_takeover(db, database_urls):
    if db.is_sqlite:
        pytest.skip("advisory-lock leadership is PostgreSQL's; SQLite is one process and always leads")
    url, options = database_urls["postgres"]
    other_db = Database(url, **options)
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
    await asyncio.sleep(0.6)
    assert not b.is_leader, "the lock is held: the second replica waits"
    a.stopping.set()
    await task_a
    assert await wait_for(lambda: b.is_leader, seconds=3), "the standby takes over within seconds"
    assert events == [("a", "elected"), ("a", "lost"), ("b", "elected")]
    b.stopping.set()
    await task_b
    await other_db.close()
