"""aiohttp handlers: POST /slack/events through Bolt, and the OAuth install pages.

Every request is verified here before Bolt sees it: a timestamp that is ASCII digits within
Slack's 5 minutes, a valid signature, and a signature not seen before (recorded in the database
until its window ends, so a replay is refused by every replica). Anything else is a 401 and one
info line. Bolt verifies again (cheap) and handles the rest. What Bolt cannot even parse is
dropped with a 200; payloads nothing listens to, and Bolt-internal failures, are a 200 with
nothing done: Slack would only retry them, and a 500 tells an attacker more than it tells us.

Slack signs each delivery when it sends it, retries included (a retry comes up to 5 minutes
later, with a new timestamp and so a new signature): a retry is not a replay, and the event id
de-duplicates it (see app.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.replays import SeenSignatures
from bot.core.metrics import ERRORS

log = logging.getLogger(__name__)

WINDOW = 300  # seconds a signed request stays valid either side of its timestamp (Slack's rule)
MAX_TIMESTAMP_DIGITS = 12
UNAVAILABLE = "Sorry, I can't reach my database right now, so nothing was done. Please try again in a minute."


def parse_timestamp(value: str | None) -> int | None:
    """Seconds since the epoch from X-Slack-Request-Timestamp: ASCII digits only (int() would
    also take "١٢", " 12", "1_2"), bounded, else None."""
    if not value or len(value) > MAX_TIMESTAMP_DIGITS or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def events_handler(adapter: SlackAdapter, signing_secret: str, seen: SeenSignatures):
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        body = (await request.read()).decode("utf-8", errors="replace")
        timestamp = parse_timestamp(request.headers.get("X-Slack-Request-Timestamp"))
        signature = request.headers.get("X-Slack-Signature") or ""
        if timestamp is None or not verifier.is_valid(body, str(timestamp), signature):
            log.info("Slack request refused: missing, stale or wrong signature or timestamp")
            return web.Response(status=401)
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=request.headers)
        except Exception:
            log.info("unreadable Slack payload ignored", extra={"bytes": len(body)})
            return web.Response(status=200)
        expires = datetime.fromtimestamp(timestamp, UTC) + timedelta(seconds=WINDOW)
        team = bolt_request.context.team_id
        try:
            first = await seen.first(team if isinstance(team, str) else "", signature, expires)
        except Exception:  # the database is down: nothing could be done anyway, so refuse (fail closed)
            ERRORS.labels("slack").inc()
            log.warning("could not check a Slack request for replay; refused for now", exc_info=True)
            payload = bolt_request.body if isinstance(bolt_request.body, dict) else {}
            if isinstance(payload.get("command"), str):  # a person waits for an answer
                return web.json_response({"response_type": "ephemeral", "text": UNAVAILABLE})
            return web.Response(status=503)  # Slack retries events later
        if not first:
            log.warning("Slack request replayed; refused", extra={"workspace": team})
            return web.Response(status=401)
        response = await adapter.bolt.async_dispatch(bolt_request)
        if response.status == 404:  # Bolt's "unhandled request": a payload type we do not use
            log.info("Slack payload nobody handles ignored")
            return web.Response(status=200)
        if response.status >= 500:  # Bolt logged why (app.BOLT_LOG): acknowledge, so Slack doesn't retry it
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
