"""Web API use: proactive sends, HTTP 429 and dropped connections retried, and the event de-dup table."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.core import ConversationRef, Reply
from storage.events import first_delivery, forget_events_before
from storage.models import utcnow
from tests.slack.conftest import TOKEN, Slack, texts


async def test_proactive_send_escapes_and_returns_the_ts(slack: Slack):
    ts = await slack.bot.services.outbox.send(
        ConversationRef("slack", slack.team, "C-NEWS", thread="1.5"),
        Reply("Lunch & learn for <!everyone>", title="Meetup"),
    )
    [post] = slack.standin.of("chat.postMessage")
    assert ts and post.args["channel"] == "C-NEWS" and post.args["thread_ts"] == "1.5" and post.token == TOKEN
    assert "Lunch &amp; learn for &lt;!everyone&gt;" in post.args["text"] and "<!everyone>" not in texts(post)


async def test_rate_limited_post_is_retried_after_retry_after(slack: Slack):
    slack.standin.scripted["chat.postMessage"] = [(429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"})]
    started = time.monotonic()
    await slack.mention("who owns the enterprise roadmap?")
    posts = await slack.standin.wait_for("chat.postMessage", count=2)
    assert time.monotonic() - started >= 0.9  # it waited as Slack asked
    assert posts[0].args == posts[1].args
    await slack.settle()
    assert len(slack.standin.of("chat.postMessage")) == 2


async def test_a_dropped_connection_is_retried(slack: Slack):
    slack.standin.dropped["chat.postMessage"] = 1
    await slack.mention("who owns the enterprise roadmap?")
    first, second = await slack.standin.wait_for("chat.postMessage", count=2)
    assert first.args == second.args
    await slack.settle()
    assert len(slack.standin.of("chat.postMessage")) == 2


async def test_first_delivery_is_per_workspace_and_forgotten_later(db, workspace):
    assert await first_delivery(db, "slack", workspace, "Ev1")
    assert not await first_delivery(db, "slack", workspace, "Ev1")
    assert await first_delivery(db, "slack", workspace + "X", "Ev1")
    assert await first_delivery(db, "teams", workspace, "Ev1")
    assert await forget_events_before(db, utcnow() + timedelta(seconds=1)) >= 3
    assert await first_delivery(db, "slack", workspace, "Ev1")


async def test_migration_matches_slack_sdk_tables(db):
    from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
    from sqlalchemy import inspect

    expected = {
        **AsyncSQLAlchemyInstallationStore("c", db.engine).metadata.tables,
        **AsyncSQLAlchemyOAuthStateStore(60, db.engine).metadata.tables,
    }

    def columns(conn):
        found = {}
        for name in expected:
            found[name] = {c["name"]: c["nullable"] for c in inspect(conn).get_columns(name)}
        return found

    async with db.engine.connect() as conn:
        found = await conn.run_sync(columns)
    for name, table in expected.items():
        assert found[name] == {c.name: c.nullable for c in table.columns}, name


async def test_a_direct_message_goes_to_the_persons_dm_with_the_bot(slack: Slack):
    await slack.bot.services.outbox.send(
        ConversationRef.direct("slack", slack.team, "UBOB"), Reply("Your action is due <today>")
    )
    [post] = slack.standin.of("chat.postMessage")
    assert post.args["channel"] == "UBOB" and "due &lt;today&gt;" in post.args["text"]
