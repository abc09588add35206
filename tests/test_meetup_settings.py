"""Meetup settings are checked when `pmo-bot` starts: a bad default time zone is one clear line,
not a traceback on the first `meetup schedule`."""

import pytest

from tests.test_cli import run


@pytest.mark.parametrize(
    "value, message",
    [
        ("EST", "Did you mean America/New_York?"),
        ("CET", "Did you mean Europe/Paris or Europe/Berlin?"),
        ("Mars/Olympus", "is not a time zone I know"),
    ],
)
def test_a_bad_default_time_zone_stops_the_start_with_a_clear_message(tmp_path, value, message):
    result = run(["serve"], tmp_path, PMO_BOT_TIMEZONE=value)
    assert result.returncode == 2
    assert "configuration error: PMO_BOT_TIMEZONE:" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_default_time_zone_in_any_case_and_the_public_address(tmp_path):
    result = run(
        ["ask", 'meetup schedule "Circle" every Tuesday at 12:00'],
        tmp_path,
        PMO_BOT_TIMEZONE="europe/london",
        PMO_BOT_PUBLIC_URL="https://pmo-bot.example.com/",
    )
    assert result.returncode == 0, result.stderr
    assert "Time zone  Europe/London" in result.stdout
    calendar = run(["ask", "meetup calendar 1"], tmp_path, PMO_BOT_PUBLIC_URL="https://pmo-bot.example.com/")
    assert "https://pmo-bot.example.com/calendar/" in calendar.stdout
    bad = run(["ask", "hi"], tmp_path, PMO_BOT_PUBLIC_URL="pmo-bot.example.com")
    assert bad.returncode == 2 and "PMO_BOT_PUBLIC_URL must start with https://" in bad.stderr
