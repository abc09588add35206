"""Logs stay readable under abuse and outages: a signed payload Bolt cannot take apart is one
warning line (no traceback, no error counted), a response_url that is not a string is ignored,
and while the database is down one traceback per burst is written, then a count."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from bot.assembly.app import Bot
from bot.assembly.logs import BURST_WINDOW, setup_json_logging
from bot.core.config import Settings
from storage.db import Database
from tests.conftest import ADMIN
from tests.slack.conftest import SECRET, TOKEN, Slack, StandIn, start


def slack_errors() -> float:
    return REGISTRY.get_sample_value("pmo_bot_errors_total", {"where": "slack"}) or 0.0


# TEAM becomes the test's own workspace: the same signed body twice in one second is a replay.
BROKEN = [
    '{"type": "event_callback", "team_id": "TEAM", "event": "a string"}',
    '{"type": "event_callback", "team_id": "TEAM", "event": ["x"]}',
    '{"type": "event_callback", "team_id": ["TEAM"], "event": {"type": "app_mention"}}',
    '{"type": "view_submission", "team": {"id": "TEAM"}, "user": {"id": "U1"}, "view": "x"}',
]


@pytest.mark.parametrize("body", BROKEN)
async def test_a_broken_signed_payload_is_at_most_one_warning_line(slack: Slack, caplog, body):
    errors = slack_errors()
    with caplog.at_level(logging.INFO):
        assert (await slack.post(body.replace("TEAM", slack.team), "application/json")).status == 200
        await slack.settle()
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in loud] in ([], ["Slack payload Bolt could not handle; dropped"])
    assert not [r for r in caplog.records if r.exc_info]
    assert slack_errors() == errors


async def test_broken_interactive_payloads_are_one_warning_line_each(slack: Slack, caplog):
    payloads = (
        {"type": "block_actions", "actions": [], "user": {"id": "U1"}},
        {"type": "block_actions", "actions": "nope", "user": {"id": "U1"}},
    )
    with caplog.at_level(logging.INFO):
        for payload in payloads:
            assert (await slack.interactive(payload)).status == 200
        await slack.settle()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) <= len(payloads)


async def test_a_response_url_that_is_not_a_string_is_ignored(slack: Slack, caplog):
    payload = {
        "type": "block_actions",
        "user": {"id": "U-ALICE", "team_id": slack.team},
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "C-GENERAL", "is_ephemeral": True},
        "channel": {"id": "C-GENERAL", "name": "general"},
        "trigger_id": 12,
        "response_url": 12345,
        "actions": [{"type": "button", "action_id": "nothing.known", "block_id": "b", "value": "1", "action_ts": "1"}],
    }
    with caplog.at_level(logging.INFO):
        assert (await slack.interactive(payload)).status == 200
        await slack.settle()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    [answer] = [c for c in slack.standin.calls if c.method.startswith("chat.post")]  # answered another way
    assert "expired" in answer.args["text"]


@pytest.fixture
def down_database() -> str:
    """A PostgreSQL URL where nothing listens: every connection is refused, as in an outage."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://pmo@127.0.0.1:{port}/pmo"


@pytest.fixture
def json_log() -> Iterator[tuple[io.StringIO, list[float]]]:
    """`serve`'s logging, into a buffer, with a clock the test moves."""
    out, now = io.StringIO(), [1000.0]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    setup_json_logging(stream=out, clock=lambda: now[0])
    yield out, now
    for handler in root.handlers:
        handler.close()
    root.handlers[:], root.level = handlers, level


async def test_a_database_outage_is_logged_once_per_burst_with_a_count(down_database, standin: StandIn, json_log):
    out, now = json_log
    settings = Settings(
        _env_file=None,
        database_url=down_database,
        pmo_bot_admins=ADMIN,
        slack_api_url=standin.url + "/api/",
        slack_signing_secret=SECRET,
        slack_bot_token=TOKEN,
    )
    db = Database(down_database)
    rig, client = await start(Bot(settings, db), standin, standin.team)
    try:
        for i in range(30):
            response = await rig.command(f"retro add Start idea {i}", command="/retro")
            assert response.status == 200  # a person is told; nothing was done
            assert "can't reach my database" in (await response.json())["text"]
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert len([line for line in lines if "error" in line]) == 1  # one traceback for the whole burst
        assert len([line for line in lines if line["level"] in ("warning", "error")]) == 1
        now[0] += BURST_WINDOW + 1
        logging.getLogger("probe").info("the next line closes the window")
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        [summary] = [line for line in lines if "repeated" in line]
        assert summary["repeated"] == 29 and "29 more like this" in summary["message"]
        assert "error" not in summary
    finally:
        await client.close()
        await db.close()
