"""Meetups through the console, with a clock the test moves: scheduling, announcements,
reminders, skip, cancel, RSVPs and the waitlist, lateness and exactly-once posting."""

from datetime import UTC, datetime

import pytest

from handlers.meetups import asks, jobs
from tests.conftest import ADMIN


async def schedule(person, text):
    organiser = person("U-ORG")
    out = await organiser.say(text)
    series_id = int(organiser.reply.title.split()[0].lstrip("#"))
    return organiser, out, series_id


async def run(bot, clock, when, series_id):
    clock.set(when)
    await jobs.post_due(bot, series_id)


async def test_schedule_shows_next_five_dates_in_local_time(person, clock):
    _, out, _ = await schedule(
        person,
        'meetup schedule "Lunch & Learn: risk registers" every first Thursday '
        "at 12:30 Europe/London for 60m in #pmo-community",
    )
    assert "Scheduled meetup #" in out
    assert "• Thu 03 Dec 2026, 12:30 GMT" in out and "• Thu 01 Apr 2027, 12:30 BST" in out
    assert out.count("• Thu") == 5
    assert "Repeats    every first Thursday of the month" in out


async def test_announce_remind_start_each_exactly_once(bot, person, clock, posts):
    _, _, sid = await schedule(
        person,
        'meetup schedule "Coaching circle" once on 2026-11-23 at 12:30 '
        'Europe/London for 45m link https://meet.example/cc topic "Retros that work"',
    )
    await run(bot, clock, "2026-11-22T12:00:00+00:00", sid)
    assert posts == []
    await run(bot, clock, "2026-11-22T12:30:00+00:00", sid)
    await run(bot, clock, "2026-11-22T12:30:20+00:00", sid)  # a second run (a retry, a replica) posts nothing
    assert len(posts) == 1
    ref, announcement = posts[0]
    assert ref.channel == "C-GENERAL" and announcement.title == "Coaching circle"
    assert "Coming up: Coaching circle, Mon 23 Nov 2026, 12:30 GMT." in announcement.text
    assert [b.text for b in announcement.buttons] == ["Going (0)", "Maybe (0)", "Not going (0)"]

    await person("U-ANN").say(f"meetup rsvp {sid} going")
    await run(bot, clock, "2026-11-23T12:15:00+00:00", sid)
    reminder = posts[1][1]
    assert "Coaching circle starts in 15 minutes." in reminder.text and reminder.mentions == ["U-ANN"]
    await run(bot, clock, "2026-11-23T12:30:00+00:00", sid)
    assert posts[2][1].text == "Coaching circle is starting now. Join: https://meet.example/cc"
    await run(bot, clock, "2026-11-23T12:31:00+00:00", sid)
    assert len(posts) == 3


async def test_late_within_grace_says_late_and_beyond_grace_is_skipped(bot, person, clock, posts):
    _, _, sid = await schedule(person, 'meetup schedule "Lunch" once on 2026-11-25 at 12:00 UTC')
    await run(bot, clock, "2026-11-24T12:40:00+00:00", sid)  # announcement 40 min late: within 1 h
    assert posts[0][1].title == "Lunch (late)"
    await run(bot, clock, "2026-11-25T13:30:00+00:00", sid)  # reminder and start 1 h+ late: dropped
    assert len(posts) == 1


async def test_rsvp_buttons_update_counts_and_waitlist(bot, person, clock, posts):
    _, _, sid = await schedule(person, 'meetup schedule "Clinic" once on 2026-11-25 at 12:00 UTC capacity 2')
    await run(bot, clock, "2026-11-24T12:00:00+00:00", sid)
    going = posts[0][1].buttons[0]
    people = [person(u) for u in ("U-1", "U-2", "U-3")]
    for p in people:
        p.session._buttons = [going]
        out = await p.say("1")
    assert "The meetup is full: you're on the waitlist" in out
    assert people[2].reply.replace and people[2].reply.buttons[0].text == "Going (2)"
    assert "2 going, 0 maybe, 0 not going; 0 of 2 places left, 1 on the waitlist" in out
    people[0].session._buttons = [posts[0][1].buttons[2]]  # U-1 can't come after all
    out = await people[0].say("1")
    assert "0 of 2 places left" in out and "waitlist" not in out.split("RSVPs")[1]  # U-3 moved up
    assert "You're going" in await person("U-3").say(f"meetup rsvp {sid} going")


async def test_rsvp_after_the_end_is_refused(bot, person, clock):
    _, _, sid = await schedule(person, 'meetup schedule "Clinic" once on 2026-11-21 at 10:00 UTC')
    clock.set("2026-11-21T09:59:00+00:00")
    assert "You're going" in await person("U-1").say(f"meetup rsvp {sid} going")
    clock.set("2026-11-21T11:05:00+00:00")
    assert "has ended; RSVPs are closed" in await person("U-2").say(f"meetup rsvp {sid} going 2026-11-21")


async def test_skip_posts_a_notice_and_nothing_else(bot, person, clock, posts):
    organiser, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    assert "Only the organiser (U-ORG) or an admin" in await person("U-BOB").say(f"meetup skip {sid}")
    out = await organiser.say(f"meetup skip {sid} 2026-11-24")
    assert "Skipped Circle on Tue 24 Nov 2026, 12:00 UTC" in out
    assert posts[0][1].title == "Circle: skipped"
    await run(bot, clock, "2026-11-24T12:00:00+00:00", sid)
    assert len(posts) == 1
    await run(bot, clock, "2026-11-30T12:00:00+00:00", sid)  # the next Tuesday is announced as usual
    assert posts[1][1].text.startswith("Coming up: Circle, Tue 01 Dec 2026")


async def test_skip_and_cancel_rewrite_announcements_already_posted(bot, person, clock, posts):
    organiser, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    await run(bot, clock, "2026-11-23T12:00:00+00:00", sid)  # Tue 24 Nov announced a day before
    [(_, announcement)] = posts
    assert any(b.action_id == "meetup.rsvp" for b in announcement.buttons)
    clock.set("2026-11-23T15:00:00+00:00")
    await organiser.say(f"meetup skip {sid} 2026-11-24")
    [(where, message_id, rewritten)] = bot.senders["console"].updated
    assert message_id == "console-1" and where.channel == "C-GENERAL"
    assert rewritten.title == "Circle (skipped)" and not rewritten.buttons
    assert "Circle on Tue 24 Nov 2026, 12:00 UTC will not take place (skipped)." in rewritten.text

    await run(bot, clock, "2026-11-30T12:00:00+00:00", sid)  # Tue 1 Dec announced
    # A week later (1 Dec's "starting now" missed in an outage): only 8 Dec is still to come.
    await run(bot, clock, "2026-12-07T12:00:00+00:00", sid)
    await person(ADMIN).say(f"meetup cancel {sid}")
    assert [u[2].title for u in bot.senders["console"].updated] == ["Circle (skipped)", "Circle (cancelled)"]
    assert "Tue 08 Dec 2026" in bot.senders["console"].updated[-1][2].text


async def test_the_organiser_is_asked_a_week_ahead_for_a_missing_host_or_topic(bot, person, clock, posts):
    organiser, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    await organiser.say(f'meetup topic {sid} 2026-11-24 "Coaching stances"')
    clock.set("2026-11-23T09:00:00+00:00")  # Monday morning: only Tue 24 Nov is within a week

    async def sweep() -> list[datetime]:  # the sweep covers every workspace: look at ours
        return [start for series, start in await asks.ask_organisers(bot) if series.id == sid]

    assert await sweep() == [datetime(2026, 11, 24, 12, 0, tzinfo=UTC)]
    ours = [p for p in posts if p[0].workspace == organiser.session.workspace]
    [(where, question)] = ours
    assert where.user == "U-ORG" and where.platform == "console"  # a DM to the organiser
    assert question.text == (
        f"Circle on Tue 24 Nov 2026, 12:00 UTC has no host yet. Set it with: meetup host {sid} 2026-11-24 @person."
    )
    assert await sweep() == []  # asked once per date, however often the sweep runs

    await organiser.say(f"meetup skip {sid} 2026-12-01")
    clock.set("2026-11-26T09:00:00+00:00")
    assert await sweep() == []  # 1 Dec is skipped
    await organiser.say(f"meetup host {sid} 2026-12-08 @U-SAM")
    clock.set("2026-12-02T09:00:00+00:00")
    assert len(await sweep()) == 1
    ours = [p for p in posts if p[0].workspace == organiser.session.workspace]
    assert "has no topic yet" in ours[-1][1].text and f'meetup topic {sid} 2026-12-08 "…"' in ours[-1][1].text
    clock.set("2026-12-10T09:00:00+00:00")
    assert len(await sweep()) == 1
    ours = [p for p in posts if p[0].workspace == organiser.session.workspace]
    assert "has no host and no topic yet. Set them with: meetup host" in ours[-1][1].text
    [job] = await asks.plan(bot, bot.clock())
    assert job.run_at == datetime(2026, 12, 11, 9, 0, tzinfo=UTC)


async def test_cancel_series_by_admin(bot, person, clock, posts):
    _, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    out = await person(ADMIN).say(f"meetup cancel {sid}")
    assert "Cancelled meetup" in out and posts[0][1].title == "Circle: cancelled"
    await run(bot, clock, "2026-11-23T12:00:00+00:00", sid)
    assert len(posts) == 1
    assert "No meetups scheduled yet" in await person().say("meetup list")


async def test_edit_host_topic_and_show(bot, person, clock, posts):
    organiser, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    out = await organiser.say(f"meetup edit {sid} at 13:15 Europe/London")
    assert "• Tue 24 Nov 2026, 13:15 GMT" in out
    assert "Host of Circle on Tue 01 Dec 2026, 13:15 GMT: @sam." in await organiser.say(
        f"meetup host {sid} 2026-12-01 @sam"
    )
    await organiser.say(f'meetup topic {sid} 2026-12-01 "Flow metrics"')
    await run(bot, clock, "2026-11-30T13:15:00+00:00", sid)
    fields = {f.label: f.value for s in posts[-1][1].sections for f in s.fields}
    assert fields["Host"] == "@sam" and fields["Topic"] == "Flow metrics"
    assert "1 going" not in await person().say(f"meetup show {sid}")


@pytest.mark.parametrize(
    "text, message",
    [
        ('meetup schedule "X" every 30 February at 12:30', "I can't read the recurrence"),
        ('meetup schedule "X" once on 2026-02-30 at 12:30', "is not a date"),
        ('meetup schedule "X" every Tuesday at 12:30 Mars/Olympus', "is not a time zone I know"),
        ('meetup schedule "X" once on 2025-02-03 at 12:30', "no future date"),
        ('meetup schedule "X" every Tuesday at 12:30 capacity 0', "at least 1"),
        ('meetup schedule "X" every Tuesday', "At what time?"),
        ('meetup schedule "X" every Tuesday at 25:00', "not a time of day"),
        ('meetup schedule "X" FREQ=SOMETIMES at 12:00', "FREQ=SOMETIMES is not a frequency"),
        ('meetup schedule "X every Tuesday at 12:00', "not closed"),
    ],
)
async def test_bad_schedules_get_a_clear_message_and_nothing_is_saved(person, clock, text, message):
    out = await person().say(text)
    assert message in out and "Nothing was scheduled" in out
    assert "No meetups scheduled yet" in await person().say("meetup list")


async def test_rules_are_expanded_in_the_series_zone_across_dst(person, clock):
    _, out, _ = await schedule(person, 'meetup schedule "NY" every Sunday at 02:30 America/New_York')
    clock.set("2027-03-01T00:00:00+00:00")
    out = await person().say("meetup list")
    assert "Sun 07 Mar 2027, 02:30 EST" in out


async def test_a_broken_quote_in_a_series_command_is_a_clear_message(person, clock):
    out = await person().say('meetup topic 1 "never closed')
    assert "A quotation mark is not closed." in out and "something went wrong" not in out
