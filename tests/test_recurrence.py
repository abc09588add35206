"""Recurrence: phrases, RFC 5545 examples, and daylight-saving changes in three zones."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from scheduler.recurrence import RuleError, describe, occurrences, parse_phrase, place

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "phrase, rule",
    [
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every Tuesday", "FREQ=WEEKLY;BYDAY=TU"),
        ("every other Wednesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        ("every first Friday of the month", "FREQ=MONTHLY;BYDAY=+1FR"),
        ("every last Friday of the month", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO"),
    ],
)
def test_everyday_phrases(phrase, rule):
    assert parse_phrase(phrase) == (rule, None)
    if not phrase.startswith("FREQ"):
        assert describe(rule).lower().startswith(phrase.lower().removesuffix(" of the month"))


def test_once_and_bad_phrases():
    assert parse_phrase("once on 2026-12-03") == ("", date(2026, 12, 3))
    for bad in ("every 30 February", "once on 2026-02-30", "monthly on the 32nd", "FREQ=NEVER"):
        with pytest.raises(RuleError):
            parse_phrase(bad)


def local(instants, zone):
    return [i.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z") for i in instants]


# RFC 5545 section 3.8.5.3 examples (DTSTART 1997-09-02 09:00 America/New_York), with the
# dates the RFC lists.
@pytest.mark.parametrize(
    "rule, expected",
    [
        ("FREQ=DAILY;COUNT=10", [f"1997-09-{d:02d} 09:00 EDT" for d in range(2, 12)]),
        (
            "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
            [
                "1997-09-05 09:00 EDT",
                "1997-10-03 09:00 EDT",
                "1997-11-07 09:00 EST",
                "1997-12-05 09:00 EST",
                "1998-01-02 09:00 EST",
                "1998-02-06 09:00 EST",
                "1998-03-06 09:00 EST",
                "1998-04-03 09:00 EST",  # US DST began 1998-04-05
                "1998-05-01 09:00 EDT",
                "1998-06-05 09:00 EDT",
            ],
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;WKST=SU;COUNT=4",
            ["1997-09-02 09:00 EDT", "1997-09-16 09:00 EDT", "1997-09-30 09:00 EDT", "1997-10-14 09:00 EDT"],
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-3;COUNT=6",
            [
                "1997-09-28 09:00 EDT",
                "1997-10-29 09:00 EST",
                "1997-11-28 09:00 EST",
                "1997-12-29 09:00 EST",
                "1998-01-29 09:00 EST",
                "1998-02-26 09:00 EST",
            ],
        ),
    ],
)
def test_rfc5545_examples(rule, expected):
    got = occurrences(
        rule,
        "America/New_York",
        date(1997, 9, 2),
        time(9, 0),
        after=datetime(1997, 1, 1, tzinfo=UTC),
        count=len(expected) + 2,
    )
    assert local(got, "America/New_York") == expected


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Australia/Sydney"])
@pytest.mark.parametrize("rule", ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1SU"])
def test_wall_clock_matches_dateutil_across_2026_and_2027(zone, rule):
    """12:30 stays 12:30 local across every DST change of both years, same dates as dateutil."""
    got = occurrences(rule, zone, date(2026, 1, 1), time(12, 30), after=START, count=800)
    got = [g for g in got if g.year < 2028]
    naive = [
        d
        for d in rrulestr(rule, dtstart=datetime(2026, 1, 1, 12, 30)).between(
            datetime(2026, 1, 1), datetime(2028, 1, 1), inc=True
        )
    ]
    walls = [g.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for g in got]
    assert walls == naive[: len(walls)] and len(walls) >= len(naive) - 1
    offsets = {g.astimezone(ZoneInfo(zone)).utcoffset() for g in got}
    assert len(offsets) == 2  # both standard and summer time were crossed


@pytest.mark.parametrize(
    "zone, gap_day, gap_local, expected_gap, fold_day, expected_fold",
    [
        ("Europe/London", "2026-03-29", "01:30", "2026-03-29 02:00 BST", "2026-10-25", "2026-10-25 01:30 BST"),
        ("Europe/London", "2027-03-28", "01:30", "2027-03-28 02:00 BST", "2027-10-31", "2027-10-31 01:30 BST"),
        ("America/New_York", "2026-03-08", "02:30", "2026-03-08 03:00 EDT", "2026-11-01", "2026-11-01 01:30 EDT"),
        ("America/New_York", "2027-03-14", "02:30", "2027-03-14 03:00 EDT", "2027-11-07", "2027-11-07 01:30 EDT"),
        ("Australia/Sydney", "2026-10-04", "02:30", "2026-10-04 03:00 AEDT", "2026-04-05", "2026-04-05 02:30 AEDT"),
        ("Australia/Sydney", "2027-10-03", "02:30", "2027-10-03 03:00 AEDT", "2027-04-04", "2027-04-04 02:30 AEDT"),
    ],
)
def test_gaps_move_forward_and_ambiguous_times_take_the_first(
    zone, gap_day, gap_local, expected_gap, fold_day, expected_fold
):
    tz = ZoneInfo(zone)
    gap = place(datetime.fromisoformat(f"{gap_day} {gap_local}"), tz)
    assert local([gap], zone) == [expected_gap]
    fold_local = "01:30" if zone != "Australia/Sydney" else "02:30"
    first = place(datetime.fromisoformat(f"{fold_day} {fold_local}"), tz)
    assert local([first], zone) == [expected_fold]
    # The daily series keeps going normally on both sides of each change.
    series = occurrences(
        "FREQ=DAILY", zone, date.fromisoformat(gap_day), time.fromisoformat(gap_local), after=START, count=2
    )
    assert local(series, zone)[0] == expected_gap
