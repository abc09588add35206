"""OAuth installs into many workspaces: tokens kept per team in our database, used for that team only."""

from __future__ import annotations

import logging
import re

from bot.assembly.app import Bot
from bot.core import ConversationRef, Reply
from tests.slack.conftest import BOT_USER, slack_settings, start


async def test_install_then_answer_with_that_workspaces_token(db, standin, workspace, caplog):
    settings = slack_settings(
        db, standin, slack_bot_token=None, slack_client_id="111.222", slack_client_secret="client-secret"
    )
    rig, client = await start(Bot(settings, db), standin, workspace)
    try:
        page = await client.get("/slack/install")
        assert page.status == 200
        html = await page.text()
        state = re.search(r"state=([\w-]+)", html).group(1)
        assert (
            "client_id=111.222" in html
            and "scope=app_mentions:read,channels:read,chat:write,commands,files:write,groups:read,im:history" in html
        )
        cookie = page.headers["Set-Cookie"].split(";")[0]
        done = await client.get(f"/slack/oauth_redirect?code=the-code&state={state}", headers={"Cookie": cookie})
        assert done.status == 200, await done.text()
        [exchange] = standin.of("oauth.v2.access")
        assert exchange.args["code"] == "the-code"
        # A state is good once: replaying the redirect does not install again.
        again = await client.get(f"/slack/oauth_redirect?code=the-code&state={state}", headers={"Cookie": cookie})
        assert again.status != 200 and len(standin.of("oauth.v2.access")) == 1

        await rig.mention("who owns the enterprise roadmap?")
        [post] = await standin.wait_for("chat.postMessage")
        assert post.token == f"xoxb-{workspace.lower()}"
        sent = await rig.bot.senders["slack"].send(
            ConversationRef("slack", workspace, "C-NEWS"), Reply("Meetup tomorrow")
        )
        assert sent and standin.of("chat.postMessage")[-1].token == f"xoxb-{workspace.lower()}"

        # Another workspace, never installed: a clear log line, a polite 200, nothing posted there.
        caplog.set_level(logging.WARNING)
        rig.team = "T-NOT-INSTALLED"
        response = await rig.event(
            {
                "type": "app_mention",
                "user": "U1",
                "channel": "C1",
                "ts": "1.0",
                "text": f"<@{BOT_USER}> who owns the enterprise roadmap?",
            }
        )
        assert response.status == 200
        await rig.settle()
        assert len(standin.of("chat.postMessage")) == 2
        assert any(
            "no installation" in r.message and getattr(r, "workspace", None) == "T-NOT-INSTALLED"
            for r in caplog.records
        )
        command = await rig.command("help")
        assert command.status == 200
        [told] = await standin.wait_for("response_url")
        assert "not installed" in told.args["text"]
    finally:
        await client.close()
