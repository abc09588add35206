"""`pmo-bot serve` as operations see it: JSON log lines that name their request and event, and
SIGTERM letting the request in flight finish before the process stops."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import time
from urllib.parse import quote

import aiohttp
import pytest

from bot.assembly.app import Bot
from bot.assembly.logs import JsonFormatter
from bot.assembly.server import serve
from tests.slack.conftest import BOT_USER, Slack, sign, slack_settings


@pytest.fixture
def json_lines():
    """What the JSON formatter writes, for as long as the test runs."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


async def test_log_lines_carry_the_request_and_event_ids(slack: Slack, json_lines):
    event = {
        "type": "app_mention",
        "user": "U-ALICE",
        "channel": "C-GENERAL",
        "ts": "1700000000.000901",
        "text": f"<@{BOT_USER}> who owns the enterprise roadmap?",
    }
    assert (await slack.event(event, event_id="Ev-LOGGED")).status == 200
    await slack.settle()
    retried = await slack.post(
        slack.event_body(event, "Ev-LOGGED"),
        "application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Request-Id": "req-from-the-balancer"},
    )
    assert retried.status == 200
    await slack.settle()
    [line] = [e for e in json_lines() if e["message"] == "Slack event already handled; retry ignored"]
    assert line["event_id"] == "Ev-LOGGED"
    assert line["request_id"] == "req-from-the-balancer"  # work after the ack still knows its request
    assert line["level"] == "info" and line["workspace"] == slack.team


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_sigterm_lets_the_request_in_flight_finish(db, standin, workspace, json_lines):
    bot = Bot(slack_settings(db, standin), db)
    started, real_handle = asyncio.Event(), bot.handle

    async def slow_handle(msg):  # a question that takes a moment, well inside Slack's 3 s
        started.set()
        await asyncio.sleep(0.5)
        return await real_handle(msg)

    bot.handle = slow_handle
    port = _free_port()
    server = asyncio.create_task(serve(bot, "127.0.0.1", port, drain_seconds=15))
    url = f"http://127.0.0.1:{port}/slack/events"
    body = (
        f"team_id={workspace}&channel_id=C-GENERAL&user_id=U-ALICE&command=%2Fpmo"
        f"&text=who+owns+the+enterprise+roadmap%3F&response_url={quote(standin.url, safe='')}%2Fhooks%2Fsigterm"
    )
    async with aiohttp.ClientSession() as session:
        for _ in range(100):  # until the server listens
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as health:
                    if health.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(body, ts),
        }
        asking = asyncio.create_task(session.post(url, data=body, headers=headers))
        await asyncio.wait_for(started.wait(), 5)
        os.kill(os.getpid(), signal.SIGTERM)  # what the orchestrator sends; serve() handles it
        response = await asyncio.wait_for(asking, 10)
        assert response.status == 200
        acked = await response.text()  # the answer, or (past the ack budget on a busy machine) nothing yet
        await asyncio.wait_for(server, 20)
        late = standin.take_hook("sigterm")
        answer = json.loads(acked)["text"] if acked else late and late.args["text"]
        assert "PMO is accountable for Enterprise roadmap" in answer
        with pytest.raises(aiohttp.ClientConnectionError):  # stopped: nothing listens any more
            await session.get(f"http://127.0.0.1:{port}/healthz")
    messages = [e["message"] for e in json_lines()]
    assert messages.index("stopping: draining in-flight requests") < messages.index("stopped")
