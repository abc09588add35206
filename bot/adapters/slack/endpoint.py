"""aiohttp handlers: POST /slack/events through Bolt, and the OAuth install pages.

Bolt verifies signatures (401 for unsigned, wrongly signed or replayed requests). What Bolt
cannot even parse is verified here with the same slack_sdk verifier, then dropped with a 200;
payloads nothing listens to, and Bolt-internal failures, are a 200 with nothing done: Slack
would only retry them, and a 500 tells an attacker more than it tells us.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.app import SlackAdapter
from bot.core.metrics import ERRORS

log = logging.getLogger(__name__)


def events_handler(adapter: SlackAdapter, signing_secret: str):
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        body = (await request.read()).decode("utf-8", errors="replace")
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=request.headers)
        except Exception:
            if not verifier.is_valid_request(body, request.headers):
                return web.Response(status=401)
            log.info("unreadable Slack payload ignored", extra={"bytes": len(body)})
            return web.Response(status=200)
        response = await adapter.bolt.async_dispatch(bolt_request)
        if response.status == 404:  # Bolt's "unhandled request": a payload type we do not use
            log.info("Slack payload nobody handles ignored")
            return web.Response(status=200)
        if response.status >= 500:
            ERRORS.labels("slack").inc()
            log.error("Slack payload failed inside Bolt; acknowledged and dropped")
            return web.Response(status=200)
        return await to_aiohttp_response(response)

    return slack_events


def oauth_handlers(adapter: SlackAdapter):
    flow = adapter.bolt.oauth_flow
    assert flow is not None

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    return install, redirect
