"""Socket Mode: the same app over a WebSocket to (a stand-in for) Slack; /readyz reports the link."""

from __future__ import annotations

import asyncio
import time

from bot.assembly.app import Bot
from tests.slack.conftest import slack_settings, start


async def test_socket_mode_answers_commands_and_reports_readiness(db, standin, workspace):
    settings = slack_settings(db, standin, slack_app_token="xapp-test")
    rig, client = await start(Bot(settings, db), standin, workspace)
    try:
        [opened] = await standin.wait_for("apps.connections.open")
        assert opened.token == "xapp-test"
        deadline = time.monotonic() + 20
        while not (await (await client.get("/readyz")).json())["checks"].get("slack_socket_mode"):
            assert time.monotonic() < deadline, "Socket Mode never reported connected"
            await asyncio.sleep(0.02)
        ready = await client.get("/readyz")
        assert ready.status == 200

        payload = {
            "team_id": workspace,
            "channel_id": "C-GENERAL",
            "user_id": "U-ALICE",
            "command": "/pmo",
            "text": "who owns the enterprise roadmap?",
            "response_url": rig.hook_url("socket"),
            "trigger_id": "t1",
            "api_app_id": "A1",
        }
        await standin.sockets[0].send_json(
            {"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True, "payload": payload}
        )
        ack = await asyncio.wait_for(standin.socket_acks.get(), 10)
        assert ack["envelope_id"] == "env-1"
        if "payload" not in ack:  # past the ack budget (a busy machine): answered through response_url
            await rig.settle()
        answer = ack.get("payload") or standin.take_hook("socket").args
        assert answer["response_type"] == "ephemeral"
        assert "PMO is accountable for Enterprise roadmap" in answer["text"]

        standin.refuse_sockets = True
        await standin.sockets[0].close()  # Slack drops the link (and refuses new ones): readiness says so
        deadline = time.monotonic() + 20
        while (await (await client.get("/readyz")).json())["checks"]["slack_socket_mode"]:
            assert time.monotonic() < deadline, "a dropped Socket Mode link still reported connected"
            await asyncio.sleep(0.02)
    finally:
        await client.close()
