"""The scheduler: APScheduler 3.x in this process, fed from our tables.

Our tables are the source of truth. Features register a *planner* (what should be scheduled,
read from their tables) and module-level job functions taking the services and ids. At start, on
election as leader and every REFRESH, the jobs are rebuilt from the planners; a feature whose data
changes moves its job through the Jobs port so this replica picks it up at once. Jobs decide
lateness themselves (send "(late)" within the grace window, skip after it), so APScheduler runs
them however late.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.core.ports import JobSpec, NoJobs, Planner, Services
from scheduler.deliveries import plan_retries
from scheduler.leader import Leadership

log = logging.getLogger(__name__)
REFRESH = timedelta(seconds=60)  # bounds how long a change made on another replica waits
STOP_WAIT = timedelta(seconds=10)


class Scheduler:
    """Leads (or stands by) and keeps APScheduler's jobs in step with the planners. While it runs,
    it is the services' Jobs port."""

    def __init__(self, services: Services, planners: Sequence[Planner]) -> None:
        self.services = services
        self.planners = (*planners, plan_retries)  # failed deliveries are tried again, whatever the feature
        self.leadership = Leadership(services.db)
        self._aps: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None
        self._planned: set[str] = set()  # job ids the last refresh made (others are left alone)
        self._running: set[asyncio.Task[Any]] = set()

    @property
    def state(self) -> str:
        if self._task is None:
            return "stopped"
        return "leader" if self._aps else "standby"

    async def start(self) -> None:
        self.services.jobs = self
        self._task = asyncio.create_task(self.leadership.run(self._lead, self._step_down), name="scheduler-leadership")

    async def stop(self) -> None:
        if self._task:
            self.leadership.stopping.set()
            await self._task
            self._task = None
        await self._step_down()
        if self.services.jobs is self:
            self.services.jobs = NoJobs()

    async def _lead(self) -> None:
        # A job may be moved (refresh, an edit) while it runs; a second instance is harmless
        # because every post is claimed exactly once, while a skipped run would lose a post.
        self._aps = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 3, "misfire_grace_time": None})
        self._aps.start()
        self._aps.add_job(
            self._run, "interval", args=(self.refresh,), seconds=REFRESH.total_seconds(), id="scheduler:refresh"
        )
        await self.refresh()

    async def _step_down(self) -> None:
        if self._aps:
            aps, self._aps, self._planned = self._aps, None, set()
            aps.pause()
            # Let running jobs finish (APScheduler's shutdown would cancel them mid-query).
            if self._running:
                await asyncio.wait(list(self._running), timeout=STOP_WAIT.total_seconds())
            aps.shutdown(wait=False)

    async def refresh(self) -> None:
        """Rebuild every job from the tables (cheap enough to run every REFRESH)."""
        if not self._aps:
            return
        now = self.services.now()
        wanted: dict[str, JobSpec] = {}
        for planner in self.planners:
            for spec in await planner(self.services, now):
                wanted[spec.id] = spec
        if not self._aps:
            return  # lost leadership meanwhile
        for job_id in self._planned - wanted.keys():
            self.remove(job_id)
        for spec in wanted.values():
            self.put(spec)
        self._planned = set(wanted)
        log.info("scheduler rebuilt", extra={"jobs": len(wanted)})

    def put(self, spec: JobSpec) -> None:
        """Schedule (or move) one job; a no-op on a replica that is not the leader."""
        if not self._aps:
            return
        job = self._aps.get_job(spec.id)
        if job and job.next_run_time == spec.run_at:
            return  # unchanged: leave it be
        self._aps.add_job(
            self._run,
            DateTrigger(spec.run_at),
            args=(spec.func, self.services, *spec.args),
            id=spec.id,
            name=spec.func.__qualname__,
            replace_existing=True,
        )

    def remove(self, job_id: str) -> None:
        if self._aps and self._aps.get_job(job_id):
            self._aps.remove_job(job_id)

    async def _run(self, func: Callable[..., Awaitable[None]], *args: Any) -> None:
        """Run one job, tracked so that stepping down can wait for it."""
        task = asyncio.current_task()
        if task:
            self._running.add(task)
        try:
            await func(*args)
        finally:
            self._running.discard(task)
