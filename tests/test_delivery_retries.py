"""A post that fails is tried again with backoff while its grace window lasts, by a job the
scheduler plans from the `delivery_retry` table (so retries survive a restart); then it is
recorded as failed and the meetup's organiser is told. Whatever the feature: the weekly digest
that failed once used to be lost for the week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.adapters.console.sender import ConsoleSender
from handlers.digest import jobs as digest_jobs
from handlers.meetups import jobs as meetup_jobs
from scheduler import deliveries
from storage.models import Delivery, DeliveryRetry
from tests.conftest import ADMIN

pytestmark = pytest.mark.own_database  # the retry planner reads every workspace's pending retries


class Flaky(ConsoleSender):
    """The console's outbox, failing the next `failures` posts to one channel with `error`."""

    def __init__(self, channel: str, failures: int, error: Exception | None = None) -> None:
        super().__init__()
        self.channel, self.failures, self.error, self.tries = channel, failures, error, 0

    async def send(self, conversation, reply):
        if conversation.channel == self.channel and not conversation.user:
            self.tries += 1
            if self.failures:
                self.failures -= 1
                raise self.error or ConnectionError("the platform did not answer")
        return await super().send(conversation, reply)


async def pending(bot) -> list:
    return await deliveries.plan_retries(bot.services, bot.clock())


async def run_retries(bot, clock) -> list[datetime]:
    """Run the planned retry jobs one after another, moving the clock to each; their times."""
    times = []
    while planned := await pending(bot):
        [job] = planned
        clock.now = job.run_at
        times.append(job.run_at)
        await job.func(bot.services, *job.args)
    return times


async def rows(bot, kind: str) -> list[Delivery]:
    async with bot.db.session() as session:
        return list((await session.exec(select(Delivery).where(Delivery.kind == kind))).all())


async def test_a_digest_that_failed_once_is_posted_by_its_retry(bot, person, clock):
    admin = person(ADMIN, channel="pmo-leads")
    await admin.say("improve digest here")
    outbox = Flaky("pmo-leads", failures=1)
    bot.senders["console"] = outbox
    clock.now = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)  # Monday 09:00: the digest is due
    await digest_jobs.post_digest(bot.services, admin.session.workspace)
    assert outbox.outbox == [] and [r.status for r in await rows(bot, "digest.weekly")] == ["failed"]

    [job] = await pending(bot)
    assert timedelta(seconds=24) <= job.run_at - clock.now <= timedelta(seconds=36)  # about 30 s, with jitter
    assert await run_retries(bot, clock) == [job.run_at]
    [(where, digest)] = outbox.outbox
    assert where.channel == "pmo-leads" and digest.title.startswith("PMO weekly digest")
    [row] = await rows(bot, "digest.weekly")
    assert (row.status, row.attempts) == ("sent", 2)
    await digest_jobs.post_digest(bot.services, admin.session.workspace)  # nothing twice
    assert len(outbox.outbox) == 1


async def test_a_meetup_post_that_keeps_failing_is_given_up_and_the_organiser_told(bot, person, clock):
    organiser = person("U-ORG")
    await organiser.say('meetup schedule "Circle" once on 2026-11-24 at 12:00 UTC')
    sid = int(organiser.reply.title.split()[0].lstrip("#"))
    outbox = Flaky("C-GENERAL", failures=99)
    bot.senders["console"] = outbox
    clock.set("2026-11-23T12:00:00+00:00")
    await meetup_jobs.post_due(bot.services, sid)

    times = await run_retries(bot, clock)
    tried = [datetime(2026, 11, 23, 12, tzinfo=UTC), *times]
    waits = [(b - a).total_seconds() for a, b in zip(tried, tried[1:], strict=False)]
    assert len(waits) == deliveries.MAX_ATTEMPTS - 1 and outbox.tries == deliveries.MAX_ATTEMPTS
    for wait, expected in zip(waits, (30, 60, 120, 240), strict=True):  # backoff doubles, ±20 % jitter
        assert 0.8 * expected <= wait <= 1.2 * expected
    [row] = await rows(bot, "meetup.announce")
    assert (row.status, row.attempts) == ("failed", deliveries.MAX_ATTEMPTS) and "did not answer" in row.error
    [(to, report)] = [(ref, reply) for ref, reply in outbox.outbox if ref.user]
    assert to.user == "U-ORG"
    assert report.text.startswith(
        "I could not post “Circle” (channel C-GENERAL): ConnectionError: the platform did not answer. "
        "I tried 5 times and have given up"
    )
    async with bot.db.session() as session:
        assert (await session.exec(select(DeliveryRetry))).all() == []  # nothing left pending


async def test_retries_stop_when_the_grace_window_closes(bot, person, clock):
    bot.settings.pmo_bot_meetup_grace_minutes = 2  # room for the 30 s and 1 min retries, not the 2 min one
    organiser = person("U-ORG")
    await organiser.say('meetup schedule "Circle" once on 2026-11-24 at 12:00 UTC')
    sid = int(organiser.reply.title.split()[0].lstrip("#"))
    outbox = Flaky("C-GENERAL", failures=99)
    bot.senders["console"] = outbox
    clock.set("2026-11-23T12:00:00+00:00")
    await meetup_jobs.post_due(bot.services, sid)
    assert len(await run_retries(bot, clock)) == 2 and outbox.tries == 3
    assert [ref.user for ref, _ in outbox.outbox] == ["U-ORG"]
    assert "I tried 3 times" in outbox.outbox[0][1].text


async def test_nowhere_to_send_is_reported_at_once_and_not_retried(bot, person, clock):
    organiser = person("U-ORG")
    await organiser.say('meetup schedule "Circle" once on 2026-11-24 at 12:00 UTC')
    sid = int(organiser.reply.title.split()[0].lstrip("#"))
    outbox = Flaky("C-GENERAL", failures=1, error=LookupError("no such channel"))
    bot.senders["console"] = outbox
    clock.set("2026-11-23T12:00:00+00:00")
    await meetup_jobs.post_due(bot.services, sid)
    assert await pending(bot) == []
    [(to, report)] = outbox.outbox
    assert to.user == "U-ORG" and "LookupError: no such channel. I tried once" in report.text
    [row] = await rows(bot, "meetup.announce")
    assert (row.status, row.attempts) == ("undeliverable", 1)
    clock.set("2026-11-23T12:05:00+00:00")
    await meetup_jobs.post_due(bot.services, sid)  # a later run within the grace window claims it no more
    assert outbox.tries == 1 and len(outbox.outbox) == 1


async def test_a_retry_planned_before_a_restart_still_runs_after_it(bot, person, clock, settings, db):
    from bot.assembly.app import Bot

    organiser = person("U-ORG")
    await organiser.say('meetup schedule "Circle" once on 2026-11-24 at 12:00 UTC')
    sid = int(organiser.reply.title.split()[0].lstrip("#"))
    bot.senders["console"] = Flaky("C-GENERAL", failures=1)
    clock.set("2026-11-23T12:00:00+00:00")
    await meetup_jobs.post_due(bot.services, sid)

    restarted = Bot(settings, db)  # a new process: nothing in memory, the table says what is pending
    restarted.clock = clock
    outbox = restarted.senders["console"] = ConsoleSender()
    scheduler = restarted.new_scheduler()
    assert deliveries.plan_retries in scheduler.planners
    [job] = await deliveries.plan_retries(restarted.services, clock.now)
    clock.now = job.run_at
    await job.func(restarted.services, *job.args)
    assert [reply.text for _, reply in outbox.outbox] == ["Coming up: Circle, Tue 24 Nov 2026, 12:00 UTC."]
