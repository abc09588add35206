"""`pmo-bot serve`: one aiohttp application for every platform, plus health and metrics.

Adapters plug in through `setup(app, bot)` functions that add their routes and, optionally,
readiness checks (`app[READY_CHECKS]`) and background tasks (aiohttp cleanup contexts).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import signal
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.adapters import READY_CHECKS
from bot.assembly.app import Bot
from bot.assembly.logs import request_id
from bot.core.metrics import REQUESTS
from handlers.meetups import calendar as meetup_calendar

log = logging.getLogger(__name__)

BOT = web.AppKey("bot", Bot)
PROBES = web.AppKey("probes", dict[str, asyncio.Task])
READY_TIMEOUT = 1.0  # seconds /readyz waits for its checks: a hanging database is "not ready", not a hang


# Request ids: a per-process prefix and a counter (uuid4 per request costs a urandom syscall).
_ID_PREFIX = uuid.uuid4().hex[:8]
_ids = itertools.count(1)
_counters: dict[tuple[str, int], Any] = {}  # (route, status) -> its Prometheus child, looked up once


@web.middleware
async def observe(request: web.Request, handler):
    token = request_id.set(request.headers.get("X-Request-Id") or f"{_ID_PREFIX}-{next(_ids)}")
    resource = request.match_info.route.resource
    route = resource.canonical if resource else "unmatched"
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        counter = _counters.get((route, status))
        if counter is None:
            counter = _counters[(route, status)] = REQUESTS.labels(route, str(status))
        counter.inc()
        request_id.reset(token)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    bot = request.app[BOT]
    checks = {"database": bot.db.ping}
    checks.update(request.app[READY_CHECKS])
    results = await _probe(request.app[PROBES], checks)
    ready = all(results.values())
    body = {"ready": ready, "checks": results}
    if bot.scheduler is not None:  # leader or standby are both healthy; "stopped" is not
        body["scheduler"] = bot.scheduler.state
        ready = ready and bot.scheduler.state != "stopped"
    return web.json_response(body, status=200 if ready else 503)


async def _probe(running: dict[str, asyncio.Task], checks: dict[str, Callable[[], Awaitable[bool]]]) -> dict:
    """Each check's answer within READY_TIMEOUT, False when it fails or is still waiting. A check
    that outlasts the timeout is not cancelled (a connection attempt cut off mid-way can wedge the
    pool) but left to finish, and the next /readyz waits on that same attempt instead of starting
    another: a hanging database never piles up connection attempts."""
    tasks = {}
    for name, check in checks.items():
        task = running.get(name)
        if task is None or task.done():
            task = running[name] = asyncio.ensure_future(check())
        tasks[name] = task
    await asyncio.wait(tasks.values(), timeout=READY_TIMEOUT)
    return {
        name: task.done() and not task.cancelled() and not task.exception() and task.result() is True
        for name, task in tasks.items()
    }


async def _stop_probes(app: web.Application) -> None:
    for task in app[PROBES].values():
        task.cancel()  # shutting down: nobody is waiting for the answer


async def metrics(_request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


async def calendar_feed(request: web.Request) -> web.Response:
    """A meetup calendar (.ics) by its unguessable token: a series', a channel's, or one date's."""
    start = request.match_info.get("start")
    try:
        at = datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if start else None
    except ValueError:
        raise web.HTTPNotFound() from None
    body = await meetup_calendar.feed(request.app[BOT].services, request.match_info["token"], at)
    if body is None:
        raise web.HTTPNotFound()
    headers = {"Cache-Control": "private, max-age=300"}
    if start:  # "Add to calendar": a file the browser hands to the calendar app
        headers["Content-Disposition"] = 'attachment; filename="meetup.ics"'
    return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)


def create_app(bot: Bot) -> web.Application:
    app = web.Application(middlewares=[observe], client_max_size=1024 * 1024)
    app[BOT] = bot
    app[READY_CHECKS] = {}
    app[PROBES] = {}
    app.on_cleanup.append(_stop_probes)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get(r"/calendar/{token:[A-Za-z0-9_-]{20,64}}.ics", calendar_feed)
    app.router.add_get(r"/calendar/{token:[A-Za-z0-9_-]{20,64}}/{start:\d{8}T\d{6}Z}.ics", calendar_feed)
    for setup in _adapter_setups():
        setup(app, bot)
    return app


def _adapter_setups() -> list[Callable[[web.Application, Bot], None]]:
    """Each platform adapter that is present adds its routes."""
    setups = []
    for module in ("bot.adapters.slack", "bot.adapters.teams"):
        try:
            setups.append(__import__(module, fromlist=["setup"]).setup)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return setups


def long_lived() -> None:
    """Everything loaded by now (modules, settings, adapters) lives as long as the process: moved out
    of the garbage collector's way, a full collection (which reading 10,000 meetup series triggers)
    scans only what was made since, instead of holding the event loop for 100-400 ms."""
    gc.collect()
    gc.freeze()


async def serve(bot: Bot, host: str, port: int, *, drain_seconds: float = 20.0) -> None:
    """Run until SIGTERM/SIGINT, then stop taking requests and let in-flight ones finish."""
    app = create_app(bot)
    scheduler = bot.new_scheduler()
    runner = web.AppRunner(app, shutdown_timeout=drain_seconds, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    long_lived()
    await scheduler.start()
    log.info("serving", extra={"host": host, "port": port})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
        log.info("stopping: draining in-flight requests")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await scheduler.stop()
        await runner.cleanup()
        await bot.settle(timeout=drain_seconds)  # notices and DMs started by the last requests
        log.info("stopped")
