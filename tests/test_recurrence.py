"""Recurrence: phrases, RRULE text as RFC 5545 writes it, the RFC's own examples, English
descriptions, bounded expansion, and daylight-saving changes in three zones."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as dateutil_rrule
from dateutil.rrule import rrulestr

from scheduler.recurrence import (
    SEARCH_YEARS,
    RuleError,
    canonical_zone,
    describe,
    first_wall,
    occurrences,
    parse_phrase,
    pinned,
    place,
    walls,
    zone,
)

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "phrase, rule, words",
    [
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("every Tuesday", "FREQ=WEEKLY;BYDAY=TU", "every Tuesday"),
        ("every Monday and Wednesday", "FREQ=WEEKLY;BYDAY=MO,WE", "every Monday and Wednesday"),
        ("every Mon, Wed and Fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "every Monday, Wednesday and Friday"),
        ("every other Wednesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "every other Wednesday"),
        ("every 3 weeks on Monday", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "every 3 weeks on Monday"),
        ("every first Friday of the month", "FREQ=MONTHLY;BYDAY=+1FR", "every first Friday of the month"),
        ("every first Friday", "FREQ=MONTHLY;BYDAY=+1FR", "every first Friday of the month"),
        ("every last Friday of the month", "FREQ=MONTHLY;BYDAY=-1FR", "every last Friday of the month"),
        ("every 2nd and 4th Tuesday", "FREQ=MONTHLY;BYDAY=+2TU,+4TU", "every 2nd and 4th Tuesday of the month"),
        ("every first and third Thursday", "FREQ=MONTHLY;BYDAY=+1TH,+3TH", "every 1st and 3rd Thursday of the month"),
        ("every second Sunday of the month", "FREQ=MONTHLY;BYDAY=+2SU", "every second Sunday of the month"),
        ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15", "monthly on the 15th"),
        ("monthly on the 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15", "monthly on the 1st and 15th"),
        ("monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day"),
        (
            "every last weekday of the month",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "monthly on the last weekday",
        ),
        ("every day", "FREQ=DAILY", "every day"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "every 3 weeks on Monday"),
    ],
)
def test_everyday_phrases_and_their_words(phrase, rule, words):
    assert parse_phrase(phrase).rule == rule
    assert describe(rule) == words


def test_every_second_sunday_is_read_as_a_week_of_the_month_and_says_so():
    """Ordinals name the week in the month, as in "every first Friday"; the reply says how it was read."""
    second = parse_phrase("every second Sunday")
    assert second.rule == parse_phrase("every second Sunday of the month").rule == "FREQ=MONTHLY;BYDAY=+2SU"
    assert "every other Sunday" in second.note
    assert parse_phrase("every second Sunday of the month").note == ""
    assert parse_phrase("every other Sunday").rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU"


@pytest.mark.parametrize(
    "text, rule",
    [
        ("BYDAY=MO,WE;FREQ=WEEKLY", "FREQ=WEEKLY;BYDAY=MO,WE"),  # any part order
        ("RRULE:FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
        ("rrule:freq=monthly;bymonthday=1,15;", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
        ("FREQ=DAILY;UNTIL=19971224T000000Z", "FREQ=DAILY;UNTIL=19971224T000000Z"),
        ("COUNT=10;FREQ=MONTHLY;BYDAY=1FR", "FREQ=MONTHLY;COUNT=10;BYDAY=+1FR"),
        ("FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1,1", "FREQ=MONTHLY;BYMONTHDAY=1,-1"),
        ("FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=TU,TH", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU"),
    ],
)
def test_rrule_text_as_rfc5545_writes_it(text, rule):
    assert parse_phrase(text).rule == rule


@pytest.mark.parametrize(
    "text, message",
    [
        ("FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", "at most daily: FREQ=MINUTELY"),
        ("FREQ=SECONDLY", "at most daily: FREQ=SECONDLY"),
        ("FREQ=HOURLY;INTERVAL=2", "at most daily: FREQ=HOURLY"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be a whole number from 1"),  # dateutil would loop forever
        ("FREQ=DAILY;COUNT=3;UNTIL=20261231T000000Z", "COUNT or UNTIL, not both"),
        ("FREQ=DAILY;UNTIL=20261231T120000", "RFC 5545 wants it in UTC"),
        ("FREQ=DAILY;BYSECOND=5", "BYSECOND"),
        ("FREQ=YEARLY;BYEASTER=0", "BYEASTER is not an RRULE part"),
        ("FREQ=WEEKLY;BYDAY=2TU", "only makes sense with FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY values run from 1 to 31"),
        ("FREQ=MONTHLY;BYMONTHDAY=²", "not a number"),
        ("FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=0,30", "At most 24 starts a day"),
        ("FREQ=NEVER", "not a frequency"),
        ("BYDAY=MO", "needs FREQ"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice"),
    ],
)
def test_rules_a_meetup_cannot_use_are_refused_clearly(text, message):
    with pytest.raises(RuleError, match=message):
        parse_phrase(text)


def test_once_and_bad_phrases():
    assert parse_phrase("once on 2026-12-03") == ("", date(2026, 12, 3), "")
    for bad in ("every 30 February", "once on 2026-02-30", "monthly on the 32nd", "FREQ=NEVER"):
        with pytest.raises(RuleError):
            parse_phrase(bad)


@pytest.mark.parametrize(
    "rule, words",
    [
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "monthly on the 1st and 15th"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,-1", "monthly on the 1st and last day"),
        ("FREQ=MONTHLY;BYMONTHDAY=-3", "monthly on the third-to-last day"),
        ("FREQ=MONTHLY;BYDAY=+2TU,+4TU", "every 2nd and 4th Tuesday of the month"),
        ("FREQ=MONTHLY;BYDAY=+1MO,-1FR", "monthly on the first Monday and the last Friday"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=+1MO", "every other month on the first Monday"),
        ("FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR", "monthly on the 13th when it is a Friday"),
        ("FREQ=MONTHLY;BYDAY=TU,TH;BYSETPOS=2", "monthly on the second Tuesday or Thursday"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "every year on the last Sunday of March"),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=3", "every year on 3 December"),
        ("FREQ=DAILY;INTERVAL=10", "every 10 days"),
        ("FREQ=MONTHLY;COUNT=10;BYDAY=+1FR", "every first Friday of the month, 10 times"),
        ("FREQ=DAILY;UNTIL=19971224T000000Z", "every day, until Wed 24 Dec 1997"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"),  # too unusual: as written
    ],
)
def test_descriptions_are_correct_english(rule, words):
    assert describe(rule) == words


def test_several_times_a_day_read_with_their_times():
    assert describe("FREQ=DAILY;BYHOUR=9,14", at=time(9, 30)) == "every day at 09:30 and 14:30"


def test_until_in_the_series_zone_and_pinned_to_utc():
    assert describe("FREQ=DAILY;UNTIL=19971224T000000Z", tz_name="America/New_York").endswith("until Tue 23 Dec 1997")
    # A date UNTIL runs through that local day, written in UTC as RFC 5545 wants with a zoned start.
    assert pinned("FREQ=DAILY;UNTIL=20261231", "Australia/Sydney", date(2026, 12, 1)) == (
        "FREQ=DAILY;UNTIL=20261231T125959Z"
    )
    # Parts a rule takes from its first date are written out, so it reads the same everywhere.
    assert pinned("FREQ=WEEKLY", "UTC", date(2026, 11, 21)) == "FREQ=WEEKLY;BYDAY=SA"
    assert pinned("FREQ=MONTHLY", "UTC", date(2026, 11, 21)) == "FREQ=MONTHLY;BYMONTHDAY=21"
    assert describe(pinned("FREQ=YEARLY", "UTC", date(2026, 11, 21))) == "every year on 21 November"


def local(instants, zone):
    return [i.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z") for i in instants]


def ny(*days: str, at: str = "09:00") -> list[str]:
    """RFC dates at 09:00 New York, with the right abbreviation (US DST ended 26 Oct 1997, began 5 Apr 1998)."""
    out = []
    for day in days:
        d = date.fromisoformat(day)
        summer = date(1997, 4, 6) <= d < date(1997, 10, 26) or date(1998, 4, 5) <= d < date(1998, 10, 25)
        out.append(f"{day} {at} {'EDT' if summer else 'EST'}")
    return out


# RFC 5545 section 3.8.5.3 examples (DTSTART 1997-09-02 09:00 America/New_York), with the dates the RFC lists.
@pytest.mark.parametrize(
    "rule, expected",
    [
        ("FREQ=DAILY;COUNT=10", ny(*(f"1997-09-{d:02d}" for d in range(2, 12)))),
        (
            "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
            ny(
                *"1997-09-05 1997-10-03 1997-11-07 1997-12-05 1998-01-02 1998-02-06 1998-03-06 1998-04-03".split(),
                "1998-05-01",
                "1998-06-05",
            ),
        ),
        ("FREQ=WEEKLY;INTERVAL=2;WKST=SU;COUNT=4", ny("1997-09-02", "1997-09-16", "1997-09-30", "1997-10-14")),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-3;COUNT=6",
            ny("1997-09-28", "1997-10-29", "1997-11-28", "1997-12-29", "1998-01-29", "1998-02-26"),
        ),
        (
            "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
            ny(
                *"1997-09-02 1997-09-15 1997-10-02 1997-10-15 1997-11-02 1997-11-15 1997-12-02 1997-12-15".split(),
                "1998-01-02",
                "1998-01-15",
            ),
        ),
        (
            "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
            ny(
                *"1997-09-30 1997-10-01 1997-10-31 1997-11-01 1997-11-30 1997-12-01 1997-12-31 1998-01-01".split(),
                "1998-01-31",
                "1998-02-01",
            ),
        ),
        (
            "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
            ny(
                *"1997-09-07 1997-09-28 1997-11-02 1997-11-30 1998-01-04 1998-01-25 1998-03-01 1998-03-29".split(),
                "1998-05-03",
                "1998-05-31",
            ),
        ),
        ("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", ny("1997-09-04", "1997-10-07", "1997-11-06")),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2;COUNT=7",
            ny("1997-09-29", "1997-10-30", "1997-11-27", "1997-12-30", "1998-01-29", "1998-02-26", "1998-03-30"),
        ),
        (
            # the RFC's start is in January 1997; from September the next period is 1999
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=1;BYDAY=SU;BYHOUR=8,9;BYMINUTE=30;COUNT=4",
            [f"1999-01-{d} {t} EST" for d in ("03", "10") for t in ("08:30", "09:30")],
        ),
    ],
)
def test_rfc5545_examples(rule, expected):
    got = occurrences(
        parse_phrase(rule).rule,
        "America/New_York",
        date(1997, 9, 2),
        time(9, 0),
        after=datetime(1997, 1, 1, tzinfo=UTC),
        count=len(expected) + 2,
    )
    assert local(got, "America/New_York") == expected


def test_rfc5545_daily_until_december_24_in_utc():
    """RFC 5545: "Daily until December 24, 1997" — UNTIL is UTC though the start is New York time."""
    got = occurrences(
        "FREQ=DAILY;UNTIL=19971224T000000Z",
        "America/New_York",
        date(1997, 9, 2),
        time(9, 0),
        after=datetime(1997, 1, 1, tzinfo=UTC),
        count=200,
    )
    assert len(got) == 113
    assert local(got[-2:], "America/New_York") == ["1997-12-22 09:00 EST", "1997-12-23 09:00 EST"]


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Australia/Sydney"])
@pytest.mark.parametrize("rule", ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1SU"])
def test_wall_clock_matches_dateutil_across_2026_and_2027(zone, rule):
    """12:30 stays 12:30 local across every DST change of both years, same dates as dateutil."""
    got = occurrences(rule, zone, date(2026, 1, 1), time(12, 30), after=START, count=800)
    got = [g for g in got if g.year < 2028]
    naive = list(
        rrulestr(rule, dtstart=datetime(2026, 1, 1, 12, 30)).between(
            datetime(2026, 1, 1), datetime(2028, 1, 1), inc=True
        )
    )
    walls_ = [g.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for g in got]
    assert walls_ == naive[: len(walls_)] and len(walls_) >= len(naive) - 1
    offsets = {g.astimezone(ZoneInfo(zone)).utcoffset() for g in got}
    assert len(offsets) == 2  # both standard and summer time were crossed


@pytest.mark.parametrize(
    "zone, gap_day, gap_local, expected_gap, fold_day, expected_fold",
    [
        ("Europe/London", "2026-03-29", "01:30", "2026-03-29 02:30 BST", "2026-10-25", "2026-10-25 01:30 BST"),
        ("Europe/London", "2027-03-28", "01:30", "2027-03-28 02:30 BST", "2027-10-31", "2027-10-31 01:30 BST"),
        ("America/New_York", "2026-03-08", "02:30", "2026-03-08 03:30 EDT", "2026-11-01", "2026-11-01 01:30 EDT"),
        ("America/New_York", "2027-03-14", "02:30", "2027-03-14 03:30 EDT", "2027-11-07", "2027-11-07 01:30 EDT"),
        ("Australia/Sydney", "2026-10-04", "02:30", "2026-10-04 03:30 AEDT", "2026-04-05", "2026-04-05 02:30 AEDT"),
        ("Australia/Sydney", "2027-10-03", "02:30", "2027-10-03 03:30 AEDT", "2027-04-04", "2027-04-04 02:30 AEDT"),
    ],
)
def test_gaps_shift_by_the_gap_and_ambiguous_times_take_the_first(
    zone, gap_day, gap_local, expected_gap, fold_day, expected_fold
):
    """RFC 5545 §3.3.5, as calendar clients read it: 01:30 on London's spring-forward night is 02:30 BST."""
    tz = ZoneInfo(zone)
    gap = place(datetime.fromisoformat(f"{gap_day} {gap_local}"), tz)
    assert local([gap], zone) == [expected_gap]
    fold_local = "01:30" if zone != "Australia/Sydney" else "02:30"
    first = place(datetime.fromisoformat(f"{fold_day} {fold_local}"), tz)
    assert local([first], zone) == [expected_fold]
    # The daily series keeps its wall time on both sides of each change, and a feed writes the
    # gap date as the rule wrote it (the wall time), not as the clock read.
    series = occurrences(
        "FREQ=DAILY", zone, date.fromisoformat(gap_day), time.fromisoformat(gap_local), after=START, count=2
    )
    assert local(series, zone)[0] == expected_gap
    assert local(series, zone)[1].startswith(f"{date.fromisoformat(gap_day) + timedelta(days=1)} {gap_local}")
    at = walls("FREQ=DAILY", zone, date.fromisoformat(gap_day), time.fromisoformat(gap_local), series)
    assert at[series[0]] == datetime.fromisoformat(f"{gap_day} {gap_local}")


def test_series_never_go_silent_whatever_the_rule():
    """The next dates come from "now": several a day keep coming after the first day, sparse rules
    are found years ahead, and a series that began long ago costs no more than a new one."""
    hours = "FREQ=DAILY;BYHOUR=9,12,15,18"
    for days in (0, 1, 2, 40, 400, 4000):
        now = datetime(2026, 11, 21, 13, tzinfo=UTC) + timedelta(days=days)
        got = occurrences(hours, "Europe/London", date(2026, 11, 21), time(9), after=now, count=5)
        assert len(got) == 5 and got[0] > now and got[0] - now <= timedelta(hours=3), days
    leap = occurrences("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "UTC", date(2026, 11, 21), time(12), after=START, count=3)
    assert [d.year for d in leap] == [2028, 2032, 2036]
    # 2096 → 2104: a leap day 8 years apart (2100 is not a leap year) is still found.
    late = occurrences(
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
        "UTC",
        date(2026, 11, 21),
        time(12),
        after=datetime(2096, 3, 1, tzinfo=UTC),
        count=1,
    )
    assert late == [datetime(2104, 2, 29, 12, tzinfo=UTC)]


def test_expansion_from_an_old_start_equals_dateutils_own():
    """Finding next week's date of a series begun years ago starts near "now" (the rule is
    rebased onto a nearby period); the dates are exactly dateutil's own from the real start."""
    rules = [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,SA",
        "FREQ=MONTHLY",
        "FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY",
        "FREQ=YEARLY;INTERVAL=3;BYMONTH=3;BYDAY=-1SU",
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        "FREQ=YEARLY;INTERVAL=4;BYYEARDAY=100,-1",
        "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30",
        "FREQ=MONTHLY;INTERVAL=13;BYMONTHDAY=29",
        "FREQ=DAILY;INTERVAL=45;BYMONTH=1,7",
    ]
    rng = random.Random(16)
    for rule in rules:
        for _ in range(20):
            start = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
            at = time(rng.randrange(24), rng.choice([0, 15, 30]))
            after = datetime.combine(start, time(), tzinfo=UTC) + timedelta(days=rng.randrange(1, 9000))
            got = occurrences(rule, "UTC", start, at, after=after, count=6)
            own = rrulestr(rule, dtstart=datetime.combine(start, at)).xafter(after.replace(tzinfo=None), count=6)
            assert got == [d.replace(tzinfo=UTC) for d in own], (rule, start, at, after)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # never: 3 s of dateutil's time to reach the year 9999
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=6",
        "FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=2SU",
        "FREQ=YEARLY;BYMONTH=5;BYSETPOS=3;BYMONTHDAY=3",
        "FREQ=DAILY;COUNT=5;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;UNTIL=20300101T000000Z;BYMONTH=2;BYMONTHDAY=30",
    ],
)
def test_a_rule_that_never_matches_stops_at_the_search_horizon(monkeypatch, rule):
    """dateutil's scan is metered: at most SEARCH_YEARS of months, however hostile the rule."""
    steps = []
    rebuild = dateutil_rrule._iterinfo.rebuild

    def counting(self, year, month):
        steps.append((year, month))
        return rebuild(self, year, month)

    monkeypatch.setattr(dateutil_rrule._iterinfo, "rebuild", counting)
    assert occurrences(rule, "Europe/London", date(2026, 11, 21), time(12), after=START, count=5) == []
    assert len(steps) <= (SEARCH_YEARS + 1) * 12 + 4
    assert max(year for year, _ in steps) <= 2026 + SEARCH_YEARS + 3


def test_first_wall_is_the_first_date_the_rule_gives():
    assert first_wall("FREQ=WEEKLY;BYDAY=TU", "UTC", date(2026, 11, 21), time(12)) == datetime(2026, 11, 24, 12)
    assert first_wall("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "UTC", date(2026, 11, 21), time(12)) is None
    assert first_wall("", "UTC", date(2026, 12, 3), time(12)) == datetime(2026, 12, 3, 12)


@pytest.mark.parametrize(
    "name, canonical",
    [("europe/london", "Europe/London"), ("AMERICA/NEW_YORK", "America/New_York"), ("utc", "UTC"), ("Z", "UTC")],
)
def test_time_zones_are_iana_names_in_any_case(name, canonical):
    assert canonical_zone(name) == canonical


@pytest.mark.parametrize(
    "name, suggestion",
    [
        ("EST", "America/New_York"),
        ("est", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("CET", "Europe/Paris"),
        ("BST", "Europe/London"),
        ("GMT", "Europe/London"),
        ("AEST", "Australia/Sydney"),
        ("Etc/GMT+5", "Use a city"),
        ("Mars/Olympus", "Europe/London or America/New_York"),
    ],
)
def test_abbreviations_are_refused_with_the_places_meant(name, suggestion):
    with pytest.raises(RuleError, match=suggestion):
        canonical_zone(name)


def test_a_series_saved_with_an_abbreviation_before_they_were_refused_keeps_its_zone():
    assert zone("EST").utcoffset(datetime(2026, 7, 1)) == timedelta(hours=-5)
    assert zone("europe/london").key == "Europe/London"
    with pytest.raises(RuleError):
        zone("Mars/Olympus")
