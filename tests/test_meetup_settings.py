"""Meetup settings are checked when `pmo-bot` starts: a bad default time zone is one clear line,
not a traceback on the first `meetup schedule`."""

import os

import pytest

from bot.assembly.cli import main


@pytest.fixture
def pmo_bot(tmp_path, monkeypatch, capsys):
    """`pmo-bot ARGS` in this process, in an empty working directory, with only the given settings."""

    def invoke(*args: str, **env: str) -> tuple[int, str, str]:
        monkeypatch.chdir(tmp_path)
        for name in [k for k in os.environ if k.startswith(("DATABASE_URL", "PMO_BOT_", "SLACK_", "MICROSOFT_"))]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return invoke


@pytest.mark.parametrize(
    "value, message",
    [
        ("EST", "Did you mean America/New_York?"),
        ("CET", "Did you mean Europe/Paris or Europe/Berlin?"),
        ("Mars/Olympus", "is not a time zone I know"),
    ],
)
def test_a_bad_default_time_zone_stops_the_start_with_a_clear_message(pmo_bot, value, message):
    code, _, err = pmo_bot("serve", PMO_BOT_TIMEZONE=value)
    assert code == 2
    assert "configuration error: PMO_BOT_TIMEZONE:" in err and message in err
    assert "Traceback" not in err


def test_the_default_time_zone_in_any_case_and_the_public_address(pmo_bot):
    public = {"PMO_BOT_PUBLIC_URL": "https://pmo-bot.example.com/"}
    code, out, err = pmo_bot("ask", 'meetup schedule "Circle" every Tuesday at 12:00', PMO_BOT_TIMEZONE="europe/london")
    assert code == 0, err
    assert "Time zone  Europe/London" in out
    code, out, _ = pmo_bot("ask", "meetup calendar 1", **public)
    assert "https://pmo-bot.example.com/calendar/" in out
    code, _, err = pmo_bot("ask", "hi", PMO_BOT_PUBLIC_URL="pmo-bot.example.com")
    assert code == 2 and "PMO_BOT_PUBLIC_URL must start with https://" in err
