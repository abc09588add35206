"""Meetups through the console, with a clock the test moves: scheduling, announcements,
reminders, skip, cancel, RSVPs and the waitlist, lateness and exactly-once posting."""

from datetime import UTC, datetime

import pytest

from handlers.meetups import asks, jobs, replies
from tests.conftest import ADMIN


async def schedule(person, text):
    organiser = person("U-ORG")
    out = await organiser.say(text)
    series_id = int(organiser.reply.title.split()[0].lstrip("#"))
    return organiser, out, series_id


async def run(bot, clock, when, series_id):
    clock.set(when)
    await jobs.post_due(bot.services, series_id)


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


@pytest.mark.own_database  # the sweep reads every workspace
async def test_the_organiser_is_asked_a_week_ahead_for_a_missing_host_or_topic(bot, person, clock, posts):
    organiser, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    await organiser.say(f'meetup topic {sid} 2026-11-24 "Coaching stances"')
    clock.set("2026-11-23T09:00:00+00:00")  # Monday morning: only Tue 24 Nov is within a week

    async def sweep() -> list[datetime]:
        return [start for series, start in await asks.ask_organisers(bot.services)]

    assert await sweep() == [datetime(2026, 11, 24, 12, 0, tzinfo=UTC)]
    [(where, question)] = posts
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
    assert "has no topic yet" in posts[-1][1].text and f'meetup topic {sid} 2026-12-08 "…"' in posts[-1][1].text
    clock.set("2026-12-10T09:00:00+00:00")
    assert len(await sweep()) == 1
    assert "has no host and no topic yet. Set them with: meetup host" in posts[-1][1].text
    [job] = await asks.plan(bot.services, bot.clock())
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


@pytest.mark.parametrize(
    "text, message",
    [
        ('meetup schedule "X" FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30 at 12:00', "Meetups repeat at most daily"),
        ('meetup schedule "X" FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 at 12:00', "no future date"),
        ('meetup schedule "X" FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z at 12:00', "COUNT or UNTIL, not both"),
        ('meetup schedule "X" every Tuesday at 12:00 EST', "Did you mean America/New_York?"),
        ('meetup schedule "X" every Tuesday at 12:00 PST', "Did you mean America/Los_Angeles?"),
        ('meetup schedule "X" every Tuesday at 12:00 UTC link ftp://x', "The link must start with https://"),
        ('meetup schedule "X" every Tuesday at 12:00 UTC capacity ³', "at least 1"),
    ],
)
async def test_rules_zones_and_links_that_cannot_be_used_save_nothing(person, clock, text, message):
    out = await person().say(text)
    assert message in out and "Nothing was scheduled" in out
    assert "No meetups scheduled yet" in await person().say("meetup list")


async def test_rrule_lists_are_scheduled_described_and_shown(person, clock):
    """FREQ=MONTHLY;BYMONTHDAY=1,15 used to answer "something went wrong" yet save, and `show` crashed."""
    _, out, sid = await schedule(person, 'meetup schedule "Clinic" BYMONTHDAY=1,15;FREQ=MONTHLY at 12:00 UTC')
    assert "Repeats    monthly on the 1st and 15th" in out
    assert "• Tue 01 Dec 2026, 12:00 UTC" in out and "• Tue 15 Dec 2026, 12:00 UTC" in out
    out = await person().say(f"meetup show {sid}")
    assert "monthly on the 1st and 15th" in out and "something went wrong" not in out
    _, out, _ = await schedule(person, 'meetup schedule "Close" FREQ=MONTHLY;BYMONTHDAY=-1 at 16:00 UTC')
    assert "monthly on the last day" in out and "• Mon 30 Nov 2026, 16:00 UTC" in out


async def test_everyday_recurrences_and_zones_in_any_case(person, clock):
    _, out, _ = await schedule(person, 'meetup schedule "Standup" every Monday and Wednesday at 9:30 europe/london')
    assert "every Monday and Wednesday" in out and "Europe/London" in out
    assert "• Mon 23 Nov 2026, 09:30 GMT" in out and "• Wed 25 Nov 2026, 09:30 GMT" in out
    _, out, _ = await schedule(person, 'meetup schedule "Guild" every 2nd and 4th Tuesday at 12:00 UTC')
    assert "every 2nd and 4th Tuesday of the month" in out
    assert "• Tue 24 Nov 2026" in out and "• Tue 08 Dec 2026" in out and "• Tue 22 Dec 2026" in out
    # An ordinal names the week of the month, and the reply says so where the dates are shown.
    _, out, _ = await schedule(person, 'meetup schedule "Brunch" every second Sunday at 11:00 UTC')
    assert "Read as the second Sunday of each month" in out and "• Sun 13 Dec 2026" in out
    assert "every second Sunday” is the second Sunday of each month" in await person().say("meetup")


async def test_a_quoted_title_is_the_title_whatever_its_words(person, clock):
    """A title like "Link" or "Daily" used to get "Give the meetup a title first, in quotes"."""
    _, out, _ = await schedule(person, 'meetup schedule "Link" every Tuesday at 12:00 UTC host carol')
    assert "Scheduled meetup" in out and "carol" in out
    out = await person().say('meetup schedule "Daily" every Tuesday at 12:00 UTC link ftp://x')
    assert "The link must start with https://" in out and "title first" not in out
    out = await person().say('meetup schedule "X" at 12:00 UTC every Tuesday')  # options in any order
    assert "Scheduled meetup" in out and "every Tuesday" in out


async def test_several_dates_a_day_never_go_silent(person, clock):
    """The next dates come from "now": a series of several dates a day used to show "next none" after a day."""
    _, _, sid = await schedule(person, 'meetup schedule "Office hours" FREQ=DAILY;BYHOUR=9,13,17 at 9:00 UTC')
    for when, expected in [
        ("2026-11-23T14:00:00+00:00", "Mon 23 Nov 2026, 17:00 UTC"),
        ("2027-06-30T18:00:00+00:00", "Thu 01 Jul 2027, 09:00 UTC"),
    ]:
        clock.set(when)
        assert f"#{sid} Office hours: next {expected}" in await person().say("meetup list")


async def test_show_has_everything_and_who_is_coming(person, clock):
    organiser, _, sid = await schedule(
        person,
        'meetup schedule "Circle" every Tuesday at 12:00 Europe/London for 45m in #pmo-community '
        'host @sam capacity 2 location "Room 4"',
    )
    await organiser.say(f'meetup topic {sid} 2026-11-24 "Flow metrics"')
    await organiser.say(f"meetup host {sid} 2026-12-01 @kim")
    for user in ("U-1", "U-2", "U-3"):
        await person(user).say(f"meetup rsvp {sid} going")
    await person("U-4").say(f"meetup rsvp {sid} maybe")
    out = await organiser.say(f"meetup show {sid}")
    for expected in (
        "every Tuesday",
        "12:00 Europe/London, for 45 min",
        "#pmo-community",
        "Organiser  U-ORG",
        "2 (then a waitlist)",
        "Room 4",
        "• Tue 24 Nov 2026, 12:00 GMT, topic “Flow metrics”: 2 going, 1 maybe, 0 not going",
        "going: U-1, U-2",
        "waitlist: U-3",
        "maybe: U-4",
        "• Tue 01 Dec 2026, 12:00 GMT, host @kim: no RSVPs yet",
    ):
        assert expected in out, expected
    other = await person("U-9").say(f"meetup show {sid}")
    assert "2 going, 1 maybe" in other and "U-1" not in other and "U-3" not in other


async def test_dates_lists_further_ahead(person, clock):
    _, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    out = await person().say(f"meetup dates {sid} 20")
    assert out.count("• Tue") == 20 and "• Tue 06 Apr 2027, 12:00 UTC" in out
    assert out.count("• Tue") == 20
    assert "A number from 1 to 100" in await person().say(f"meetup dates {sid} 500")


async def test_a_meetup_set_up_less_than_a_day_ahead_is_not_announced_as_late(bot, person, clock, posts):
    _, _, sid = await schedule(person, 'meetup schedule "Pop-up" once on 2026-11-21 at 15:00 UTC')
    await run(bot, clock, "2026-11-21T09:03:00+00:00", sid)  # picked up by the scheduler's next refresh
    assert posts[0][1].title == "Pop-up" and "late" not in posts[0][1].text


async def test_edit_takes_the_same_checks_and_a_refused_edit_changes_nothing(person, clock):
    organiser, _, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    for change, message in [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "no future date"),
        ("FREQ=MINUTELY", "at most daily"),
        ("at 13:00 EST", "Did you mean America/New_York?"),
    ]:
        out = await organiser.say(f"meetup edit {sid} {change}")
        assert message in out and "Nothing was changed" in out
    out = await organiser.say(f"meetup show {sid}")
    assert "every Tuesday" in out and "12:00 UTC" in out
    out = await organiser.say(f"meetup edit {sid} every 2nd and 4th Tuesday")
    assert "Updated meetup" in out and "every 2nd and 4th Tuesday of the month" in out


async def test_a_failure_while_scheduling_saves_nothing(person, clock, monkeypatch):
    """A rule that made the summary fail used to answer "something went wrong" with the series saved."""

    def broken(*args, **kwargs):
        raise RuntimeError("the summary could not be built")

    monkeypatch.setattr(replies, "schedule_summary", broken)
    assert "something went wrong" in await person().say('meetup schedule "X" every Tuesday at 12:00 UTC')
    monkeypatch.undo()
    assert "No meetups scheduled yet" in await person().say("meetup list")
