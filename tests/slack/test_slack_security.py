"""Signatures, replays, garbage and payloads nobody asked for: 401 or a quiet 200, never a 500."""

from __future__ import annotations

import json
import logging
import time

import pytest
import slack_sdk.signature
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.endpoint import WINDOW
from bot.assembly.app import Bot
from bot.assembly.server import create_app
from tests.slack.conftest import Slack, sign, slack_settings, start

# Slack's documented example (also in python-slack-sdk's signature verifier tests).
DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOC_TIMESTAMP = 1531420618
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
DOC_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
FORM = "application/x-www-form-urlencoded"


def test_documented_signing_example():
    assert sign(DOC_BODY, DOC_TIMESTAMP, DOC_SECRET) == DOC_SIGNATURE  # how every test request is signed

    class Then:
        def now(self) -> float:
            return DOC_TIMESTAMP

    verifier = SignatureVerifier(DOC_SECRET, clock=Then())  # the verifier Bolt runs for us
    headers = {"X-Slack-Request-Timestamp": str(DOC_TIMESTAMP), "X-Slack-Signature": DOC_SIGNATURE}
    assert verifier.is_valid_request(DOC_BODY, headers)
    assert not verifier.is_valid_request(DOC_BODY + "&text=x", headers)
    assert not SignatureVerifier(DOC_SECRET).is_valid_request(DOC_BODY, headers)  # today it is a replay


async def test_documented_example_through_the_running_app(db, standin, monkeypatch):
    bot = Bot(slack_settings(db, standin, slack_signing_secret=DOC_SECRET), db)
    rig, client = await start(bot, standin, "T1DC2JH3J")
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(DOC_TIMESTAMP),
        "X-Slack-Signature": DOC_SIGNATURE,
    }
    try:
        # Now, years later, the genuine request is a replay.
        assert (await client.post("/slack/events", data=DOC_BODY, headers=headers)).status == 401
        # At the moment Slack sent it, it verifies (an unknown command: 200, nothing done)…
        monkeypatch.setattr(slack_sdk.signature, "time", lambda: DOC_TIMESTAMP + 10)
        assert (await client.post("/slack/events", data=DOC_BODY, headers=headers)).status == 200
        # …and one changed byte does not.
        tampered = DOC_BODY.replace("roadrunner", "roadrunnes")
        assert (await client.post("/slack/events", data=tampered, headers=headers)).status == 401
    finally:
        await client.close()
    # Only the verified request got past verification, to Bolt's authorization (auth.test); nothing answered.
    assert [c.method for c in standin.calls] == ["auth.test"]


@pytest.mark.parametrize("case", ["unsigned", "wrong secret", "replayed", "future", "garbage signature"])
async def test_bad_signatures_are_refused_and_nothing_runs(slack: Slack, case):
    body = slack.command_body("who owns the enterprise roadmap?")
    now = int(time.time())
    if case == "unsigned":
        response = await slack.client.post("/slack/events", data=body, headers={"Content-Type": FORM})
    elif case == "wrong secret":
        response = await slack.post(body, FORM, secret="not-the-secret")
    elif case == "replayed":
        response = await slack.post(body, FORM, timestamp=now - 2 * WINDOW)
    elif case == "future":  # well outside the window: one second out failed when the check ran 2 s later
        response = await slack.post(body, FORM, timestamp=now + 2 * WINDOW)
    else:
        response = await slack.post(body, FORM, headers={"X-Slack-Signature": "v0=" + "0" * 64})
    assert response.status == 401
    await slack.settle()
    assert not slack.standin.calls


async def test_unsigned_event_never_acts(slack: Slack):
    body = slack.event_body(
        {
            "type": "app_mention",
            "user": "U1",
            "channel": "C1",
            "ts": "1.0",
            "text": "<@UBOT> who owns the enterprise roadmap?",
        }
    )
    assert (
        await slack.client.post("/slack/events", data=body, headers={"Content-Type": "application/json"})
    ).status == 401
    await slack.settle()
    assert not slack.standin.calls


async def test_url_verification(slack: Slack):
    response = await slack.post(
        json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"}), "application/json"
    )
    assert response.status == 200
    assert (await response.json())["challenge"] == "abc123"


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ('{"type": "event_callback", "team_id": "T1", "event": "a string"}', "application/json"),
        ('{"type": "event_callback", "team": "not-an-object", "event": {"type": "app_mention"}}', "application/json"),
        ('{"type": "something_new", "team_id": "T1"}', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("payload=%7Bbroken", FORM),
        ("", FORM),
        ("\udcff".encode("utf-8", "surrogatepass").decode("latin-1"), "application/json"),
    ],
)
async def test_garbage_that_is_signed_gets_200_and_does_nothing(slack: Slack, body, content_type):
    response = await slack.post(body, content_type)
    assert response.status == 200, await response.text()
    await slack.settle()
    assert not [c for c in slack.standin.calls if c.method != "auth.test"]


async def test_garbage_that_is_unsigned_is_401(slack: Slack):
    response = await slack.client.post("/slack/events", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status == 401


async def test_unconfigured_slack_adds_no_route(db, caplog):
    from bot.core.config import Settings

    caplog.set_level(logging.INFO, logger="bot.adapters.slack")
    bot = Bot(
        Settings(
            _env_file=None,
            database_url=db.url,
            slack_signing_secret=None,
            slack_bot_token=None,
            slack_client_id=None,
            slack_client_secret=None,
            slack_app_token=None,
        ),
        db,
    )
    app = create_app(bot)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        assert (await client.post("/slack/events", data="{}")).status in (404, 405)
    assert "slack" not in bot.senders
    assert [r.message for r in caplog.records if r.name == "bot.adapters.slack"] == [
        "Slack is off: set SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN (one workspace) or "
        "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (OAuth), or SLACK_APP_TOKEN for Socket Mode"
    ]
