"""Slack: slash commands, mentions, DMs, buttons and modals through slack-bolt.

`setup(app, bot)` adds POST /slack/events (with SLACK_SIGNING_SECRET), /slack/install and
/slack/oauth_redirect (with SLACK_CLIENT_ID/SECRET), Socket Mode (with SLACK_APP_TOKEN), and
registers the proactive sender as bot.senders["slack"]. Unconfigured, it adds nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
from aiohttp import web

from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.replays import SeenSignatures
from bot.adapters.slack.sender import SlackSender, Tokens, web_client
from bot.core.host import Core
from storage.events import forget_events_before, forget_signatures_before
from storage.models import utcnow

log = logging.getLogger(__name__)

SLACK = web.AppKey("slack", SlackAdapter)
EVENTS_PATH = "/slack/events"
KEEP_EVENTS = timedelta(days=1)  # Slack retries within minutes; a day is plenty
PRUNE_EVERY = 300.0  # seen signatures pile up at the request rate: keep the table small


def setup(app: web.Application, bot: Core) -> None:
    s = bot.services.settings
    oauth = bool(s.slack_client_id and s.slack_client_secret)
    socket_only = bool(s.slack_app_token and s.slack_bot_token)
    if not (s.slack_signing_secret or oauth or socket_only):
        log.info(
            "Slack is off: set SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN (one workspace) or "
            "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (OAuth), or SLACK_APP_TOKEN for Socket Mode"
        )
        return
    if not (s.slack_bot_token or oauth):
        log.warning(
            "Slack is off: SLACK_SIGNING_SECRET is set but neither SLACK_BOT_TOKEN nor "
            "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET is, so requests could not be answered"
        )
        return
    client = web_client(s)
    store = None
    if oauth:
        from bot.adapters.slack.install import INSTALL_PATH, REDIRECT_PATH, oauth_parts

        store, authorize, oauth_settings = oauth_parts(s, bot.services.db.engine, client)
        adapter = SlackAdapter(
            bot,
            client,
            signing_secret=s.slack_signing_secret or "",
            authorize=authorize,
            oauth_settings=oauth_settings,
            installation_store=store,
        )
    else:
        adapter = SlackAdapter(bot, client, signing_secret=s.slack_signing_secret or "")
    app[SLACK] = adapter
    bot.senders["slack"] = SlackSender(client, Tokens(None if oauth else s.slack_bot_token, store))
    from bot.adapters.slack.endpoint import events_handler, oauth_handlers

    seen = SeenSignatures(bot.services.db)
    app.cleanup_ctx.append(_lifetime(adapter, bot, seen))
    if s.slack_signing_secret:
        app.router.add_post(EVENTS_PATH, events_handler(adapter, s.slack_signing_secret, seen))
    if oauth:
        install, redirect = oauth_handlers(adapter)
        app.router.add_get(INSTALL_PATH, install)
        app.router.add_get(REDIRECT_PATH, redirect)
    if s.slack_app_token:
        from bot.adapters.slack.socket_mode import setup_socket_mode

        setup_socket_mode(app, adapter, s.slack_app_token)
    log.info(
        "Slack is on",
        extra={"oauth": oauth, "http": bool(s.slack_signing_secret), "socket_mode": bool(s.slack_app_token)},
    )


def _lifetime(adapter: SlackAdapter, bot: Core, seen: SeenSignatures):
    async def lifetime(_app: web.Application) -> AsyncIterator[None]:
        # One pooled HTTP session for every Web API call: no new TLS handshake per message.
        adapter.client.session = aiohttp.ClientSession()
        stop = asyncio.Event()
        pruning = asyncio.create_task(_prune(bot, stop))
        yield
        stop.set()  # not cancel(): a query cut off mid-flight can wedge the connection pool
        await pruning
        await bot.settle(timeout=10)  # let answers already being worked on reach Slack
        await adapter.client.session.close()
        await seen.close()

    return lifetime


async def _prune(bot: Core, stop: asyncio.Event) -> None:
    """Every few minutes, forget processed event ids older than any retry and signatures past their window."""
    while True:
        try:
            await asyncio.wait_for(stop.wait(), PRUNE_EVERY)
            return
        except TimeoutError:
            pass
        try:
            now = utcnow()
            await forget_events_before(bot.services.db, now - KEEP_EVENTS)
            await forget_signatures_before(bot.services.db, now)
        except Exception:
            log.warning("could not prune processed Slack events and seen signatures", exc_info=True)
