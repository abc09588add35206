"""Platform adapters: each turns its platform's payloads into the neutral contract (bot.core) and
renders replies back, and offers an outbox for the posts the bot starts itself."""

from collections.abc import Awaitable, Callable

from aiohttp import web

# Checks an adapter adds to the server's /readyz (a Socket Mode link that is up, …).
READY_CHECKS = web.AppKey("ready_checks", dict[str, Callable[[], Awaitable[bool]]])
