"""Calendar feeds, fetched over HTTP from the real app and expanded with `recurring-ical-events`:
exactly the bot's own dates for two years in London, New York and Sydney, across every
daylight-saving change (times in a gap and in an overlap), skipped dates and per-date changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import recurring_ical_events
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.assembly.server import create_app
from handlers.meetups import jobs, store
from scheduler.recurrence import zone
from storage.models import MeetupSeries

PUBLIC = "https://pmo-bot.example.com"


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(create_app(bot), host="127.0.0.1")) as client:
        yield client


async def schedule(organiser, text: str) -> int:
    out = await organiser.say(text)
    assert "Scheduled meetup #" in out, out
    return int(organiser.reply.title.split()[0].lstrip("#"))


async def fetch(client, speaker, what: str) -> Calendar:
    """Ask the bot for a feed as a person would, then subscribe to it: GET it over HTTP."""
    out = await speaker.say(f"meetup calendar {what}".strip())
    path = re.search(r"/calendar/[A-Za-z0-9_-]+\.ics", out)[0]
    response = await client.get(path)
    assert response.status == 200 and response.content_type == "text/calendar"
    calendar = Calendar.from_ical(await response.read())
    calendar.validate()  # parses back into a complete calendar
    for event in calendar.walk("VEVENT"):
        assert event.get("UID") and event.get("DTSTAMP") and event.get("DTSTART")
        start = event["DTSTART"]  # a zone's local time with its TZID, or UTC
        assert start.params.get("TZID") or start.dt.utcoffset() == timedelta(0)
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {
        e["DTSTART"].params["TZID"] for e in calendar.walk("VEVENT") if "TZID" in e["DTSTART"].params
    }
    return calendar


# (zone, time): each time falls in the zone's spring-forward gap or its fall-back overlap once a year.
NIGHT_OWLS = [
    ("Europe/London", "01:30"),  # gap last Sunday of March (→ 02:30 BST), overlap last Sunday of October
    ("America/New_York", "02:30"),  # gap second Sunday of March (→ 03:30 EDT)
    ("America/New_York", "01:30"),  # overlap first Sunday of November
    ("Australia/Sydney", "02:30"),  # gap first Sunday of October, overlap first Sunday of April
]


async def test_feeds_expand_to_exactly_the_bots_own_dates_for_two_years(bot, person, clock, posts, client):
    organiser = person("U-ORG")
    now = clock.now
    until = now + timedelta(days=2 * 365)
    changes = {
        # zone/time -> (date to skip, date with its own topic, date with its own host)
        0: ("2027-03-28", "2027-10-31", "2028-03-26"),
        1: ("2027-11-07", "2027-03-14", "2028-03-12"),
        2: ("2027-03-14", "2027-11-07", "2028-11-05"),
        3: ("2027-10-03", "2027-04-04", "2028-04-02"),
    }
    for i, (where, at) in enumerate(NIGHT_OWLS):
        sid = await schedule(organiser, f'meetup schedule "Night owls {i}" every Sunday at {at} {where} for 45m')
        skip, topic, host = changes[i]
        assert "Skipped" in await organiser.say(f"meetup skip {sid} {skip}")
        assert "Topic of" in await organiser.say(f'meetup topic {sid} {topic} "Sleep and flow"')
        assert "Host of" in await organiser.say(f"meetup host {sid} {host} @sam")

        calendar = await fetch(client, organiser, str(sid))
        async with bot.db.session() as session:
            series = await session.get(MeetupSeries, sid)
        ours = [d for d in store.next_starts(series, after=now - timedelta(seconds=1), count=200) if d < until]
        skipped = [d for d in ours if d.astimezone(zone(series.timezone)).date().isoformat() == skip]
        assert len(skipped) == 1
        theirs = recurring_ical_events.of(calendar).between(now, until)
        assert sorted(e["DTSTART"].dt.astimezone(UTC) for e in theirs) == [d for d in ours if d not in skipped]
        assert {e["DTSTART"].dt.utcoffset() for e in theirs} == {
            d.astimezone(zone(series.timezone)).utcoffset() for d in ours
        }  # both sides of every change
        assert all(e["DURATION"].dt == timedelta(minutes=45) for e in calendar.walk("VEVENT"))

        by_day = {e["DTSTART"].dt.date().isoformat(): e for e in theirs}
        assert skip not in by_day
        assert "Topic: Sleep and flow" in by_day[topic]["DESCRIPTION"]
        assert "Host: @sam" in by_day[host]["DESCRIPTION"]
        assert "Sleep and flow" not in str(next(iter(by_day.values()))["DESCRIPTION"])


async def test_the_gap_and_overlap_dates_agree_with_the_bot(bot, person, clock, client):
    """01:30 on London's spring-forward night is 02:30 BST in the bot's announcements and in the feed."""
    organiser = person("U-ORG")
    sid = await schedule(organiser, 'meetup schedule "Owls" every Sunday at 01:30 Europe/London')
    out = await organiser.say(f"meetup dates {sid} 30")
    assert "Sun 28 Mar 2027, 02:30 BST" in out and "Sun 21 Mar 2027, 01:30 GMT" in out
    calendar = await fetch(client, organiser, str(sid))
    spring = datetime(2027, 3, 28, 0, 0, tzinfo=UTC)
    [event] = recurring_ical_events.of(calendar).between(spring, spring + timedelta(days=1))
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 BST
    autumn = datetime(2027, 10, 31, 0, 0, tzinfo=UTC)
    [event] = recurring_ical_events.of(calendar).between(autumn, autumn + timedelta(days=1))
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # the first 01:30


async def test_a_channel_feed_holds_all_its_series_and_cancellations(bot, person, clock, posts, client):
    organiser = person("U-ORG")
    first = await schedule(organiser, 'meetup schedule "Guild" every 2nd and 4th Tuesday at 12:00 Europe/London')
    await schedule(organiser, 'meetup schedule "Clinic" FREQ=MONTHLY;BYMONTHDAY=1,15 at 9:00 UTC')
    elsewhere = person("U-ORG", channel="C-OTHER")
    await schedule(elsewhere, 'meetup schedule "Elsewhere" every Friday at 12:00 UTC')
    await person("U-ADMIN").say(f"meetup cancel {first}")

    calendar = await fetch(client, person("U-ANN"), "")
    masters = {e["SUMMARY"]: e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e}
    assert set(masters) == {"Guild", "Clinic"}
    assert masters["Guild"]["STATUS"] == "CANCELLED" and masters["Clinic"]["STATUS"] == "CONFIRMED"
    assert masters["Clinic"]["RRULE"].to_ical() == b"FREQ=MONTHLY;BYMONTHDAY=1,15"
    dates = recurring_ical_events.of(calendar).between(clock.now, clock.now + timedelta(days=31))
    clinic = sorted(e["DTSTART"].dt.astimezone(UTC) for e in dates if e["SUMMARY"] == "Clinic")
    assert clinic == [datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 15, 9, tzinfo=UTC)]
    # The same link again: one channel, one feed.
    again = await person("U-BOB").say("meetup calendar")
    assert re.search(r"/calendar/[A-Za-z0-9_-]+\.ics", again)[0] in await person("U-ANN").say("meetup calendar")


async def test_unknown_or_malformed_tokens_are_not_found(client):
    for path in ("/calendar/" + "x" * 43 + ".ics", "/calendar/short.ics", "/calendar/../../etc/passwd.ics"):
        assert (await client.get(path)).status == 404


async def test_announcements_carry_an_add_to_calendar_link_for_their_date(bot, person, clock, posts, client):
    bot.settings.pmo_bot_public_url = PUBLIC
    organiser = person("U-ORG")
    sid = await schedule(organiser, 'meetup schedule "Circle" every Tuesday at 12:00 Europe/London topic "Flow"')
    out = await organiser.say(f"meetup calendar {sid}")
    assert f"Calendar of meetup #{sid} “Circle”:\n{PUBLIC}/calendar/" in out and "PMO_BOT_PUBLIC_URL" not in out

    clock.set("2026-11-23T12:00:00+00:00")
    await jobs.post_due(bot.services, sid)
    fields = {f.label: f.value for s in posts[-1][1].sections for f in s.fields}
    link = fields["Add to calendar"]
    assert link.startswith(f"{PUBLIC}/calendar/") and link.endswith("/20261124T120000Z.ics")
    response = await client.get(link.removeprefix(PUBLIC))
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    [event] = Calendar.from_ical(await response.read()).walk("VEVENT")
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert event["SUMMARY"] == "Circle" and "RRULE" not in event and "Topic: Flow" in event["DESCRIPTION"]
    # A date the series doesn't have is not found.
    assert (await client.get(link.removeprefix(PUBLIC).replace("T120000Z", "T130000Z"))).status == 404
