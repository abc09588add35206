"""Changes keep promises: an edit carries each date's RSVPs, waitlist, host, topic and skip to the
new schedule (by date), tells whoever answered going or maybe when their date moves or goes, and
says what changed; skip/unskip/cancel tell the people concerned, in words that fit what happened.
Through the console, with a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from handlers.meetups import jobs, replies
from storage.models import MeetupOccurrence, MeetupRsvp


async def schedule(person, text):
    organiser = person("U-ORG")
    out = await organiser.say(text)
    assert "Scheduled meetup #" in out, out
    return organiser, int(organiser.reply.title.split()[0].lstrip("#"))


def dms(posts, user=None):
    """Direct messages the bot sent: (user, text)."""
    return [(ref.user, reply.text) for ref, reply in posts if ref.user and (user is None or ref.user == user)]


async def rows(bot, series_id):
    async with bot.db.session() as session:
        occurrences = (
            await session.exec(select(MeetupOccurrence).where(MeetupOccurrence.series_id == series_id))
        ).all()
        ids = [o.id for o in occurrences]
        answers = (await session.exec(select(MeetupRsvp).where(col(MeetupRsvp.occurrence_id).in_(ids)))).all()
    return sorted(occurrences, key=lambda o: o.starts_at), answers


async def test_a_new_time_keeps_every_dates_rsvps_host_topic_and_skip_and_tells_who_answered(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC capacity 1')
    await person("U-1").say(f"meetup rsvp {sid} going")
    await person("U-2").say(f"meetup rsvp {sid} going")  # waitlisted
    await person("U-3").say(f"meetup rsvp {sid} no")
    await person("U-4").say(f"meetup rsvp {sid} maybe 2026-12-01")
    await organiser.say(f'meetup topic {sid} 2026-12-01 "Flow metrics"')
    await organiser.say(f"meetup host {sid} 2026-12-08 @sam")
    await organiser.say(f"meetup skip {sid} 2026-12-15")
    await bot.settle()
    posts.clear()

    await organiser.say(f"meetup edit {sid} at 13:00")
    assert f"Updated meetup #{sid} “Circle”: Moved from 12:00 to 13:00 UTC; 3 people told." in organiser.reply.text
    await bot.settle()
    told = dms(posts)
    assert sorted(user for user, _ in told) == ["U-1", "U-2", "U-4"]  # not U-3, who said no
    assert "Circle on Tue 24 Nov 2026, 12:00 UTC has moved to Tue 24 Nov 2026, 13:00 UTC." in dict(told)["U-1"]
    assert "has moved to Tue 01 Dec 2026, 13:00 UTC" in dict(told)["U-4"]
    [(_, notice)] = [(ref, r) for ref, r in posts if not ref.user]
    assert notice.text == "Meetup “Circle” has changed: Moved from 12:00 to 13:00 UTC."

    shown = await organiser.say(f"meetup show {sid}")
    for line in (
        "• Tue 24 Nov 2026, 13:00 UTC: 1 going, 0 maybe, 1 not going; 0 of 1 places left, 1 on the waitlist",
        "going: U-1",
        "waitlist: U-2",
        "• Tue 01 Dec 2026, 13:00 UTC, topic “Flow metrics”: 0 going, 1 maybe",
        "• Tue 08 Dec 2026, 13:00 UTC, host @sam: no RSVPs yet",
        "• Tue 15 Dec 2026, 13:00 UTC (skipped)",
    ):
        assert line in shown, line
    occurrences, answers = await rows(bot, sid)  # nothing left behind at the old times
    assert [o.starts_at.hour for o in occurrences] == [13, 13, 13, 13]
    assert len(answers) == 4 and {a.occurrence_id for a in answers} <= {o.id for o in occurrences}


async def test_a_new_day_drops_the_dates_that_no_longer_exist_and_says_so(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    await person("U-1").say(f"meetup rsvp {sid} going")
    await organiser.say(f'meetup topic {sid} 2026-12-01 "Flow"')
    out = await organiser.say(f"meetup edit {sid} every Wednesday")
    assert "Repeats every Wednesday (was every Tuesday); 1 person told." in out
    await bot.settle()
    [(user, text)] = dms(posts)
    assert user == "U-1"
    assert (
        "Circle on Tue 24 Nov 2026, 12:00 UTC will not take place: the schedule has changed to every Wednesday" in text
    )
    assert await rows(bot, sid) == ([], [])  # the Tuesdays' rows went with them
    assert "• Wed 25 Nov 2026, 12:00 UTC: no RSVPs yet" in await organiser.say(f"meetup show {sid}")


async def test_several_dates_a_day_move_in_order(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Office hours" FREQ=DAILY;BYHOUR=9,13 at 9:00 UTC')
    await person("U-1").say(f"meetup rsvp {sid} going 2026-11-23")  # the first of Monday's two: 09:00
    await person("U-2").say(f"meetup rsvp {sid} going")  # the next one: today 13:00
    out = await organiser.say(f"meetup edit {sid} FREQ=DAILY;BYHOUR=10,13")
    assert "1 person told" in out  # 13:00 stays 13:00; Monday's 09:00 becomes 10:00
    occurrences, _ = await rows(bot, sid)
    assert [o.starts_at for o in occurrences] == [
        datetime(2026, 11, 21, 13, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    ]


async def test_a_moved_dates_announcement_is_rewritten_and_the_new_time_announced(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    clock.set("2026-11-23T12:00:00+00:00")
    await jobs.post_due(bot.services, sid)
    [(_, first)] = posts
    await person("U-1").say(f"meetup rsvp {sid} going")
    clock.set("2026-11-23T15:00:00+00:00")
    await organiser.say(f"meetup edit {sid} at 13:00")
    [(_, message_id, rewritten)] = bot.senders["console"].updated
    assert message_id == "console-1" and not rewritten.buttons
    assert rewritten.text == "Circle on Tue 24 Nov 2026, 12:00 UTC has moved to Tue 24 Nov 2026, 13:00 UTC."
    await jobs.post_due(bot.services, sid)  # the edit moved the series' job to now
    again = [r for ref, r in posts if not ref.user][-1]
    assert again.text == "Coming up: Circle, Tue 24 Nov 2026, 13:00 UTC." and again.title == "Circle"
    assert again.buttons[0].text == "Going (1)"  # the RSVP came along


async def test_zone_and_title_edits_mean_what_they_say_and_an_empty_edit_is_refused(bot, person, clock):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 Europe/London')
    await organiser.say(f"meetup edit {sid} america/new_york")
    assert "“Circle”: Moved from 12:00 Europe/London to 12:00 America/New_York." in organiser.reply.text
    await organiser.say(f'meetup edit {sid} title "Coaching circle"')
    assert "Renamed from “Circle” to “Coaching circle”" in organiser.reply.text
    assert "“Coaching circle”" in await organiser.say(f"meetup show {sid}")
    for text, message in [
        (f"meetup edit {sid}", "What should change?"),
        (f"meetup edit {sid} Coaching", "I don't understand “Coaching” here"),
        (f"meetup edit {sid} at 12:00", "already is like that"),
        (f"meetup edit {sid} EST", "Did you mean America/New_York?"),
    ]:
        out = await organiser.say(text)
        assert message in out, (text, out)
    shown = await organiser.say(f"meetup show {sid}")
    assert "12:00 America/New_York" in shown and "Coaching circle" in shown


async def test_an_edit_that_fails_saves_nothing_and_tells_nobody(bot, person, clock, posts, monkeypatch):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    await person("U-1").say(f"meetup rsvp {sid} going")

    def broken(*args, **kwargs):
        raise RuntimeError("the summary could not be built")

    monkeypatch.setattr(replies, "schedule_summary", broken)  # fails after the dates were carried over
    assert "something went wrong" in await organiser.say(f"meetup edit {sid} at 13:00")
    monkeypatch.undo()
    await bot.settle()
    assert dms(posts) == []
    assert "• Tue 24 Nov 2026, 12:00 UTC: 1 going" in await organiser.say(f"meetup show {sid}")


async def test_commands_without_a_date_mean_the_next_date_that_takes_place_and_unskip(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    assert "Skipped Circle on Tue 24 Nov 2026" in await organiser.say(f"meetup skip {sid}")
    assert "to Circle on Tue 01 Dec 2026" in await person("U-1").say(f"meetup rsvp {sid} going")
    assert "on Tue 01 Dec 2026, 12:00 UTC: @sam" in await organiser.say(f"meetup host {sid} @sam")
    assert "Tue 01 Dec 2026" in await organiser.say(f'meetup topic {sid} "Flow"')
    assert "Skipped Circle on Tue 01 Dec 2026" in await organiser.say(f"meetup skip {sid}")
    assert "is not taking place" in await person("U-2").say(f"meetup rsvp {sid} going 2026-12-01")

    out = await organiser.say(f"meetup unskip {sid}")  # the next skipped date
    assert "Circle on Tue 24 Nov 2026, 12:00 UTC takes place after all" in out
    assert "Tue 01 Dec 2026, 12:00 UTC takes place after all" in await organiser.say(f"meetup unskip {sid} 2026-12-01")
    assert "has no skipped date coming up" in await organiser.say(f"meetup unskip {sid}")
    assert "is not skipped" in await organiser.say(f"meetup unskip {sid} 2026-12-08")
    await bot.settle()
    back = [text for user, text in dms(posts, "U-1") if "after all" in text]
    assert back == [
        "Circle on Tue 01 Dec 2026, 12:00 UTC takes place after all. Your answer (going) still stands; change it "
        f"with `meetup rsvp {sid} going|maybe|no`.\nYou get this because you answered going or maybe to Circle "
        f"(meetup #{sid})."
    ]
    assert "(skipped)" not in await organiser.say(f"meetup show {sid}")


async def test_unskip_gives_a_retracted_announcement_its_buttons_back(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    clock.set("2026-11-23T12:00:00+00:00")
    await jobs.post_due(bot.services, sid)
    await organiser.say(f"meetup skip {sid}")
    await organiser.say(f"meetup unskip {sid}")
    skipped, restored = bot.senders["console"].updated
    assert not skipped[2].buttons and skipped[1] == restored[1] == "console-1"
    assert restored[2].text == "Coming up: Circle, Tue 24 Nov 2026, 12:00 UTC." and restored[2].buttons


async def test_a_date_unskipped_after_its_announcement_time_is_announced_at_once(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    await organiser.say(f"meetup skip {sid} 2026-11-24")  # skipped before it was announced
    clock.set("2026-11-24T09:00:00+00:00")
    await jobs.post_due(bot.services, sid)
    posts.clear()
    await organiser.say(f"meetup unskip {sid}")
    assert [r.text for _, r in posts] == [
        "Circle on Tue 24 Nov 2026, 12:00 UTC takes place after all.",
        "Coming up: Circle, Tue 24 Nov 2026, 12:00 UTC.",
    ]


async def test_rsvps_hear_about_a_skip_and_the_waitlist_hears_about_a_place(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Clinic" every Tuesday at 12:00 UTC capacity 1')
    await person("U-1").say(f"meetup rsvp {sid} going")
    assert "you're on the waitlist" in await person("U-2").say(f"meetup rsvp {sid} going")
    await person("U-1").say(f"meetup rsvp {sid} no")
    await bot.settle()
    [(user, text)] = dms(posts)
    assert user == "U-2" and text.startswith("A place opened up: you're going to Clinic on Tue 24 Nov 2026")

    out = await organiser.say(f"meetup skip {sid}")
    assert "the channel has been told and 1 person who answered going or maybe" in out
    await bot.settle()
    assert dms(posts, "U-2")[-1][1].startswith(
        "Clinic on Tue 24 Nov 2026, 12:00 UTC will not take place: it has been skipped. "
        "The next one is on Tue 01 Dec 2026, 12:00 UTC."
    )
    assert len(dms(posts, "U-1")) == 0  # U-1 said no: nothing to tell


async def test_more_places_take_the_waitlist_in(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Clinic" every Tuesday at 12:00 UTC capacity 1')
    for user in ("U-1", "U-2", "U-3"):
        await person(user).say(f"meetup rsvp {sid} going")
    out = await organiser.say(f"meetup edit {sid} capacity 2")
    assert "Capacity: 2 (was 1)" in out
    await bot.settle()
    assert [user for user, text in dms(posts) if text.startswith("A place opened up")] == ["U-2"]
    await organiser.say(f"meetup edit {sid} capacity 1")
    await bot.settle()
    assert [user for user, text in dms(posts) if "you are on the waitlist" in text] == ["U-2"]


async def test_cancelling_tells_rsvps_and_thanks_only_a_series_that_met(bot, person, clock, posts):
    organiser, sid = await schedule(person, 'meetup schedule "Circle" every Tuesday at 12:00 UTC')
    await person("U-1").say(f"meetup rsvp {sid} going")
    await person("U-2").say(f"meetup rsvp {sid} maybe 2026-12-01")
    out = await organiser.say(f"meetup cancel {sid}")
    assert "the channel has been told and 2 people who answered going or maybe" in out
    await bot.settle()
    [notice] = [r.text for ref, r in posts if not ref.user]
    assert notice == "The meetup series “Circle” has been cancelled before its first date."
    assert "Thanks to everyone who came" not in notice
    assert sorted(u for u, t in dms(posts) if "the series has been cancelled" in t) == ["U-1", "U-2"]

    organiser, met = await schedule(person, 'meetup schedule "Guild" every Tuesday at 12:00 UTC')
    clock.set("2026-11-24T12:00:00+00:00")
    await jobs.post_due(bot.services, met)  # it took place on 24 Nov
    clock.set("2026-11-26T12:00:00+00:00")
    await organiser.say(f"meetup cancel {met}")
    assert posts[-1][1].text == "The meetup series “Guild” has been cancelled. Thanks to everyone who came!"
