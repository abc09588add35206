"""`pmo-bot scheduler` on its own (issue 17): console posts printed on stdout, and a post with
nowhere to go recorded once as undeliverable, never tried again."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.adapters.console.adapter import ConsoleSession
from bot.assembly import cli
from handlers.meetups import jobs
from storage.models import Delivery
from tests.conftest import ADMIN, Clock


class PlannedJobs:
    """The scheduler as features see it, recording what they ask for."""

    def __init__(self) -> None:
        self.put_ids: list[str] = []

    def put(self, spec) -> None:
        self.put_ids.append(spec.id)

    def remove(self, job_id: str) -> None:
        pass


async def meetup(bot, workspace: str) -> int:
    organiser = ConsoleSession(bot, workspace=workspace, channel="C-COMMUNITY", user=ADMIN)
    [reply] = await organiser.send('meetup schedule "Lunch & Learn" once on 2026-11-26 at 12:30 UTC')
    return int(reply.title.split()[0].lstrip("#"))


async def test_the_scheduler_alone_prints_console_posts(settings, db, workspace, capsys):
    bot = cli.scheduler_bot(settings, db)
    bot.clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    series_id = await meetup(bot, workspace)
    capsys.readouterr()
    bot.clock.set("2026-11-25T12:30:00+00:00")  # a day before: the announcement
    await jobs.post_due(bot.services, series_id)
    out = capsys.readouterr().out
    assert "[posted in #C-COMMUNITY]" in out and "Coming up: Lunch & Learn" in out


async def test_a_post_with_nowhere_to_go_is_final_and_not_retried(bot, workspace, clock):
    series_id = await meetup(bot, workspace)
    del bot.senders["console"]  # a process with no console outbox: "no adapter can send to 'console'"
    bot.services.jobs = planned = PlannedJobs()
    clock.set("2026-11-25T12:30:00+00:00")
    await jobs.post_due(bot.services, series_id)
    clock.set("2026-11-25T12:35:00+00:00")
    await jobs.post_due(bot.services, series_id)  # what a retry would run
    async with bot.db.session() as session:
        rows = (await session.exec(select(Delivery).where(Delivery.workspace == workspace))).all()
    [row] = [r for r in rows if r.kind == "meetup.announce"]  # (the organiser's notice of it fails too)
    assert (row.status, row.attempts) == ("undeliverable", 1)  # tried once: LookupError is final
    assert "no adapter can send to 'console'" in (row.error or "")
    assert not [job for job in planned.put_ids if job.startswith("meetup-retry:")]
