"""Socket Mode (SLACK_APP_TOKEN): the same Bolt app over a WebSocket, so no public URL is needed.

Runs as an aiohttp cleanup context beside the HTTP endpoint. slack_sdk's client keeps retrying
the connection and reconnects by itself; /readyz reports whether it is connected right now.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.adapters import READY_CHECKS
from bot.adapters.slack.app import SlackAdapter


def setup_socket_mode(app: web.Application, adapter: SlackAdapter, app_token: str) -> None:
    handlers: list[AsyncSocketModeHandler] = []

    async def run(_app: web.Application) -> AsyncIterator[None]:
        # Created here, inside the running loop: the client opens an aiohttp session at once.
        handler = AsyncSocketModeHandler(adapter.bolt, app_token=app_token, web_client=adapter.client)
        handlers.append(handler)
        connecting = asyncio.create_task(handler.connect_async())  # retries until Slack answers
        yield
        connecting.cancel()
        await handler.close_async()

    async def connected() -> bool:
        return bool(handlers) and await handlers[0].client.is_connected()

    app.cleanup_ctx.append(run)
    app[READY_CHECKS]["slack_socket_mode"] = connected
