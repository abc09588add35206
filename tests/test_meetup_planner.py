"""The scheduler's refresh every minute is incremental: the first one (and one an hour) reads and
expands every series in pages; the others read only the series changed since, and re-expand
only those (bench/scheduler_bench.py measures what that buys with 10,000 series)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event

from handlers.meetups import jobs
from storage.models import MeetupSeries

pytestmark = pytest.mark.own_database  # the planner reads every workspace


@pytest.fixture
def reads():
    """The series ids read from the database (each row loaded into a MeetupSeries), in order."""
    seen: list[int] = []

    def loaded(target, _context):
        seen.append(target.id)

    event.listen(MeetupSeries, "load", loaded)
    yield seen
    event.remove(MeetupSeries, "load", loaded)


@pytest.fixture
def expansions(monkeypatch) -> list[int]:
    """The series ids whose next due post was worked out, in order."""
    seen: list[int] = []
    real = jobs.next_due

    def counting(series, now, services, **kwargs):
        seen.append(series.id)
        return real(series, now, services, **kwargs)

    monkeypatch.setattr(jobs, "next_due", counting)
    return seen


async def add(db, workspace: str, n: int, now: datetime) -> list[int]:
    rows = [
        MeetupSeries(
            workspace=workspace,
            title=f"Series {i}",
            rule="FREQ=DAILY",
            timezone="UTC",
            starts_on=now.date(),
            start_time=time(12, i % 60),
            platform="console",
            channel="C-1",
            organiser="U-1",
            remind_before_minutes=0,  # one post due per start: the arithmetic below stays simple
            created_at=now - timedelta(days=3),
            updated_at=now - timedelta(days=3),
        )
        for i in range(n)
    ]
    async with db.session() as session:
        session.add_all(rows)
        await session.flush()
        return [r.id for r in rows]


async def test_a_refresh_reads_and_expands_only_what_changed(bot, db, workspace, clock, expansions, reads, monkeypatch):
    monkeypatch.setattr("handlers.meetups.store.PAGE", 7)  # several pages
    bot.settings.pmo_bot_meetup_grace_minutes = 1  # so that the next post is the one ahead, not a late reminder
    now = datetime(2026, 11, 23, 11, 55, tzinfo=UTC)
    clock.now = now
    ids = await add(db, workspace, 30, now)
    planned = {spec.id: spec.run_at for spec in await jobs.plan(bot.services, now)}
    assert sorted(expansions) == ids  # the first refresh reads everything
    assert planned[f"meetup:{ids[0]}"] == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the 12:00 start, in 5 min

    expansions.clear()
    reads.clear()
    clock.now = now = now + timedelta(minutes=1)
    again = {spec.id: spec.run_at for spec in await jobs.plan(bot.services, now)}
    assert expansions == [] and reads == []  # nothing changed: nothing read, nothing re-expanded
    assert planned.items() <= again.items() and f"meetup:{ids[6]}" in again.keys() - planned.keys()  # 12:06 is near

    # Another replica moves one series to 11:57 and cancels another (both write updated_at).
    async with db.session() as session:
        moved, gone = await session.get(MeetupSeries, ids[3]), await session.get(MeetupSeries, ids[4])
        moved.start_time, moved.updated_at = time(11, 57), now
        gone.status, gone.updated_at = "cancelled", now
        session.add_all([moved, gone])
    clock.now = now = now + timedelta(minutes=1)
    reads.clear()
    latest = {spec.id: spec.run_at for spec in await jobs.plan(bot.services, now)}
    assert sorted(reads) == [ids[3], ids[4]] and expansions == [ids[3]]
    assert latest[f"meetup:{ids[3]}"] == datetime(2026, 11, 23, 11, 57, tzinfo=UTC)
    assert f"meetup:{ids[4]}" not in latest

    # A change stamped by a clock ten minutes slow slips past the refresh every minute ...
    async with db.session() as session:
        slipped = await session.get(MeetupSeries, ids[5])
        slipped.start_time, slipped.updated_at = time(11, 59), now - timedelta(minutes=10)
        session.add(slipped)
    expansions.clear()
    clock.now = now = now + timedelta(minutes=1)
    missed = {spec.id: spec.run_at for spec in await jobs.plan(bot.services, now)}
    assert missed[f"meetup:{ids[5]}"] == datetime(2026, 11, 23, 12, 5, tzinfo=UTC) and expansions == []
    # ... and is caught by the hourly full refresh, which compares every series' updated_at and reads
    # (as a whole row) and expands only what changed.
    bot.services.own(jobs.NextDue).synced_at = now - jobs.RESYNC
    reads.clear()
    planned = {spec.id: spec.run_at for spec in await jobs.plan(bot.services, now)}
    assert reads == [ids[5]] and expansions == [ids[5]]
    assert planned[f"meetup:{ids[5]}"] == datetime(2026, 11, 23, 11, 59, tzinfo=UTC)


async def test_a_post_whose_job_never_ran_is_worked_out_again(bot, db, workspace, clock, expansions):
    bot.settings.pmo_bot_meetup_grace_minutes = 5
    now = datetime(2026, 11, 23, 11, 55, tzinfo=UTC)
    clock.now = now
    ids = await add(db, workspace, 3, now)
    await jobs.plan(bot.services, now)
    expansions.clear()
    later = now + timedelta(minutes=50)  # the 12:00 starts' jobs never ran here (another replica led)
    clock.now = later
    planned = {spec.id: spec.run_at for spec in await jobs.plan(bot.services, later)}
    assert sorted(expansions) == ids
    assert all(at > later - jobs.grace(bot.services) for at in planned.values())
