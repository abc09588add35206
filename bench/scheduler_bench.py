"""The scheduler at scale: 10,000 meetup series.

Prints (1) the time to rebuild every job from the tables at start (target ≤ 3 s), (2) what the
scheduler's refresh costs: the one every minute (incremental: only series changed since are
read and expanded) and the full one made at start and every hour, each with the longest time it
held the event loop, (3) firing lateness p50/p99 when 500 announcements fall due within the
same minute (target p99 ≤ 1 s) while the minute refresh runs and a full one is forced in the
middle of that minute, with the longest stall of the event loop meanwhile, and (4) memory held
by the scheduler; beside the floor, bare APScheduler adding 10,000 no-op jobs and firing 500 of
them in the same window.

    .venv/bin/python bench/scheduler_bench.py [--series 10000] [--due 500] [--window 60] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # noqa: E402
from apscheduler.triggers.date import DateTrigger  # noqa: E402

from bot.adapters.console.sender import ConsoleSender  # noqa: E402
from bot.assembly.app import Bot  # noqa: E402
from bot.assembly.server import long_lived  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from handlers.meetups.jobs import RESYNC, NextDue  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import MeetupSeries  # noqa: E402

RULES = [
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=MONTHLY;BYDAY=+1TH",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=MONTHLY;BYDAY=-1FR",
]
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


async def floor(n_jobs: int, due: list[datetime]) -> tuple[float, list[float]]:
    aps = AsyncIOScheduler(job_defaults={"misfire_grace_time": None})
    aps.start()
    far = datetime.now(UTC) + timedelta(days=30)
    started = time.perf_counter()
    for i in range(n_jobs):
        aps.add_job(_noop, DateTrigger(far + timedelta(minutes=i)), id=f"j{i}")
    add_seconds = time.perf_counter() - started
    lateness: list[float] = []
    for i, at in enumerate(due):
        aps.add_job(_record, DateTrigger(at), args=(at, lateness), id=f"due{i}")
    while len(lateness) < len(due):
        await asyncio.sleep(0.2)
    aps.shutdown(wait=False)
    return add_seconds, lateness


class Stalls:
    """How long the event loop was held: a ticker that should wake every TICK records how late it
    woke; beside it, the longest garbage collection (a full one scans every object in the process)."""

    TICK = 0.005

    def __init__(self) -> None:
        self.worst = self.worst_gc = 0.0
        self._gc_started = 0.0
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.worst_gc = max(self.worst_gc, time.perf_counter() - self._gc_started)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.TICK)
            self.worst = max(self.worst, loop.time() - before - self.TICK)

    def take(self) -> tuple[float, float]:
        """The longest hold and the longest garbage collection since the last take."""
        worst, self.worst = self.worst, 0.0
        worst_gc, self.worst_gc = self.worst_gc, 0.0
        return worst, worst_gc


async def _noop() -> None:
    pass


async def _record(at: datetime, out: list[float]) -> None:
    out.append((datetime.now(UTC) - at).total_seconds())


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the due posts fall")
    parser.add_argument("--database-url")
    parser.add_argument(
        "--full-refresh-in-window",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="force the hourly full refresh into the minute the posts fall due (the worst case)",
    )
    args = parser.parse_args()
    logging.getLogger("scheduler.deliveries").setLevel(logging.ERROR)  # the "missed" posts of rules set up a month ago
    rng = random.Random(3)
    spread = [rng.uniform(0, args.window) for _ in range(args.due)]
    floor_start = datetime.now(UTC) + timedelta(seconds=2)
    floor_add, floor_late = await floor(args.series, sorted(floor_start + timedelta(seconds=x) for x in spread))
    now = datetime.now(UTC)
    t0 = now + timedelta(seconds=15)  # after the database is filled and the jobs rebuilt
    due = sorted(t0 + timedelta(seconds=x) for x in spread)

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.database_url or f"sqlite:///{tmp}/bench.db")
        await db.upgrade()
        rows = []
        for i in range(args.series - args.due):
            rows.append(
                MeetupSeries(
                    workspace="bench",
                    title=f"Series {i}",
                    rule=rng.choice(RULES),
                    timezone=rng.choice(ZONES),
                    starts_on=now.date(),
                    start_time=datetime(2000, 1, 1, rng.randrange(8, 18), rng.choice([0, 30])).time(),
                    platform="console",
                    channel=f"C{i % 200}",
                    organiser="U1",
                    created_at=now - timedelta(days=30),
                    updated_at=now - timedelta(days=30),
                )
            )
        for i, at in enumerate(due):  # one-off meetups whose announcement (1 day before) falls at `at`
            start = at + timedelta(days=1)
            rows.append(
                MeetupSeries(
                    workspace="bench",
                    title=f"Due {i}",
                    rule="",
                    timezone="UTC",
                    starts_on=start.date(),
                    start_time=start.time(),
                    platform="console",
                    channel=f"D{i}",
                    organiser="U1",
                    created_at=now - timedelta(days=30),
                    updated_at=now - timedelta(days=30),
                )
            )
        async with db.session() as session:
            session.add_all(rows)
        del rows  # a server does not hold every series in memory: neither does the bench
        print(
            f"{args.series:,} series in the database; {args.due} announcements due within "
            f"{args.window:.0f} s from {t0:%H:%M:%S}"
        )

        bot = Bot(Settings(_env_file=None, database_url=db.url), db)
        lateness: list[float] = []
        due_by_channel = {f"D{i}": at for i, at in enumerate(due)}

        def received(ref, _reply) -> None:
            if ref.channel in due_by_channel:
                lateness.append((datetime.now(UTC) - due_by_channel[ref.channel]).total_seconds())

        bot.senders["console"] = ConsoleSender(received)
        long_lived()  # as `pmo-bot serve` does once started
        stalls = Stalls()
        ticker = asyncio.create_task(stalls.run())
        before = rss()
        scheduler = bot.new_scheduler()
        started = time.perf_counter()
        await scheduler.start()
        while scheduler.state != "leader" or scheduler._aps is None or len(scheduler._aps.get_jobs()) < 2:
            await asyncio.sleep(0.01)
        rebuild, rebuild_stall = time.perf_counter() - started, stalls.take()
        jobs = len(scheduler._aps.get_jobs())
        held = rss() - before
        refresh, refresh_stall = await timed(scheduler.refresh, stalls)
        memo = bot.services.own(NextDue)
        hour_ago = datetime.now(UTC) - RESYNC - timedelta(seconds=1)
        memo.synced_at = hour_ago  # as once an hour: every series read and expanded again
        resync, resync_stall = await timed(scheduler.refresh, stalls)

        async def forced_resync() -> None:
            if not args.full_refresh_in_window:
                return
            await asyncio.sleep(max((t0 - datetime.now(UTC)).total_seconds() + args.window / 2, 0))
            memo.synced_at = hour_ago
            await scheduler.refresh()

        forcing = asyncio.create_task(forced_resync())
        await asyncio.sleep(max((t0 - datetime.now(UTC)).total_seconds(), 0))
        stalls.take()
        deadline = time.monotonic() + args.window + 60
        while len(lateness) < args.due and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        window_stall = stalls.take()
        await forcing
        ticker.cancel()
        await scheduler.stop()
        await db.close()

    print(f"machine load (1-minute average, {os.cpu_count()} cores): {os.getloadavg()[0]:.2f}")
    print(f"floor: APScheduler add {args.series:,} jobs          {floor_add:7.2f} s")
    print(
        f"rebuild all jobs from the tables at start    {rebuild:7.2f} s   ({jobs:,} jobs; target ≤ 3 s: "
        f"{'met' if rebuild <= 3 else 'MISSED'})"
    )
    print("  (wall times below include waiting for the database behind the posts due at start)")
    for name, (hold, collection) in (
        ("during the rebuild", rebuild_stall),
        ("during the refresh every minute (incremental)", refresh_stall),
        ("during the full refresh (at start, then hourly)", resync_stall),
    ):
        print(f"  {name:48} longest hold of the loop {hold * 1000:6.1f} ms, longest GC {collection * 1000:6.1f} ms")
    print(f"refresh every minute (incremental)           {refresh:7.2f} s")
    print(f"full refresh (hourly)                        {resync:7.2f} s")
    print(f"memory (RSS) added by starting the scheduler {held / 1e6:7.1f} MB")
    print(
        f"floor: no-op job lateness                    p50 {pct(floor_late, 50) * 1000:7.1f} ms   "
        f"p99 {pct(floor_late, 99) * 1000:7.1f} ms"
    )
    if len(lateness) < args.due:
        print(f"only {len(lateness)} of {args.due} announcements arrived")
        return
    p99 = pct(lateness, 99)
    print(
        f"announcement lateness ({args.due} in {args.window:.0f} s)       p50 {pct(lateness, 50) * 1000:7.1f} ms   "
        f"p99 {p99 * 1000:7.1f} ms   max {max(lateness) * 1000:7.1f} ms (target p99 ≤ 1 s: "
        f"{'met' if p99 <= 1 else 'MISSED'})"
    )
    forced = ", a full refresh forced into it" if args.full_refresh_in_window else ""
    hold, collection = window_stall
    print(
        f"  in that minute (the refresh every minute{forced}): longest hold of the loop {hold * 1000:.1f} ms, "
        f"longest GC {collection * 1000:.1f} ms"
    )


async def timed(work, stalls: Stalls) -> tuple[float, tuple[float, float]]:
    """Wall time of `work()`, the longest time the event loop was held meanwhile and the longest
    garbage collection."""
    stalls.take()
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started, stalls.take()


if __name__ == "__main__":
    asyncio.run(main())
