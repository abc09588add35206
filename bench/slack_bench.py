"""Slack slash-command latency and throughput: pmo-bot against a bare Bolt app (the floor).

    .venv/bin/python bench/slack_bench.py [--requests 3000] [--strict]

One run starts, each in its own process on 127.0.0.1: a stand-in Slack Web API (auth.test),
(a) a bare Bolt AsyncApp whose /pmo acks a fixed text with process_before_response=True, and
(b) the real pmo-bot app (bot.server.create_app on a temporary SQLite database) and (c) the same
app with the core replaced by a constant reply (the Slack adapter's own cost). All get the
same signed `/pmo who owns the enterprise roadmap?` load over real HTTP at concurrency 1 and 16.
Targets: p50 <= 1.5x the floor, throughput at 16 >= 0.7x the floor, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
TEAM = "TBENCH"
QUESTION = "who owns the enterprise roadmap?"
EXPECTED = "PMO is accountable for Enterprise roadmap"


# ----------------------------------------------------------------------------- servers


async def _serve(app: web.Application, ready, stop_event) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    ready.put(site._server.sockets[0].getsockname()[1])
    while not stop_event.is_set():
        await asyncio.sleep(0.05)
    await runner.cleanup()


def run_api(ready, stop_event) -> None:
    async def auth_test(_request):
        return web.json_response({"ok": True, "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT"})

    app = web.Application()
    app.router.add_post("/api/auth.test", auth_test)
    asyncio.run(_serve(app, ready, stop_event))


def run_floor(api_url: str, ready, stop_event) -> None:
    logging.basicConfig(level=logging.WARNING)
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    async def main() -> None:
        bolt = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url),
                        process_before_response=True)

        @bolt.command("/pmo")
        async def pmo(ack):
            await ack(text=f"{EXPECTED}. Contact: #pmo.")

        async def events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

        app = web.Application()
        app.router.add_post("/slack/events", events)
        await _serve(app, ready, stop_event)

    asyncio.run(main())


def run_adapter_only(api_url: str, ready, stop_event) -> None:
    run_pmo_bot(api_url, ready, stop_event, fixed=True)


def run_pmo_bot(api_url: str, ready, stop_event, fixed: bool = False) -> None:
    logging.basicConfig(level=logging.WARNING)
    from bot.app import Bot
    from bot.config import Settings
    from bot.server import create_app
    from storage.db import Database

    async def main() -> None:
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite:///{folder}/bench.db")
            await db.upgrade()
            settings = Settings(_env_file=None, database_url=db.url, slack_signing_secret=SECRET,
                                slack_bot_token=TOKEN, slack_api_url=api_url, slack_app_token=None,
                                slack_client_id=None, slack_client_secret=None)
            bot = Bot(settings, db)
            if fixed:  # the Slack adapter's own cost: the core answers instantly with the same reply
                from bot.core import Reply

                answer = Reply(f"{EXPECTED}. Contact: #pmo.", title="Enterprise roadmap")

                async def handle(_msg):
                    return answer

                bot.handle = handle
            await _serve(create_app(bot), ready, stop_event)
            await db.close()

    asyncio.run(main())


class Process:
    def __init__(self, target, *args) -> None:
        context = mp.get_context("spawn")
        self.ready, self.stop = context.Queue(), context.Event()
        self.process = context.Process(target=target, args=(*args, self.ready, self.stop), daemon=True)

    def __enter__(self) -> int:
        self.process.start()
        return self.ready.get(timeout=60)

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.process.join(10)


# -------------------------------------------------------------------------------- load


def signed(body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={signature}"}


BODY = urlencode({"token": "x", "team_id": TEAM, "team_domain": "bench", "channel_id": "C1", "channel_name": "general",
                  "user_id": "U1", "user_name": "bench", "command": "/pmo", "text": QUESTION, "api_app_id": "A1",
                  "response_url": "http://127.0.0.1:9/unused", "trigger_id": "t"})


async def load(url: str, requests: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    remaining = requests
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> None:
            nonlocal errors
            started = time.perf_counter()
            async with session.post(url, data=BODY, headers=signed(BODY)) as response:
                text = await response.text()
            latencies.append(time.perf_counter() - started)
            if response.status != 200 or EXPECTED not in text:
                errors += 1

        for _ in range(200):  # warm-up: connections, auth.test, first-contact seeding, caches
            await one()
        latencies.clear()

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await one()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"p50": statistics.median(latencies) * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "rps": len(latencies) / elapsed, "errors": errors}


def measure(target, api_url: str, requests: int) -> dict[int, dict[str, float]]:
    with Process(target, api_url) as port:
        url = f"http://127.0.0.1:{port}/slack/events"
        return {c: asyncio.run(load(url, requests, c)) for c in (1, 16)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per concurrency level")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    with Process(run_api) as api_port:
        api_url = f"http://127.0.0.1:{api_port}/api/"
        floor = measure(run_floor, api_url, args.requests)
        ours = measure(run_pmo_bot, api_url, args.requests)
        adapter = measure(run_adapter_only, api_url, args.requests)
    print(f"/pmo {QUESTION}  ({args.requests} requests per level, 127.0.0.1, server in its own process)")
    print(f"{'app':<10}{'conc':>5}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}")
    for name, results in (("floor", floor), ("pmo-bot", ours), ("adapter*", adapter)):
        for c, r in results.items():
            print(f"{name:<10}{c:>5}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['rps']:>9.0f}{r['errors']:>8}")
    p50_ratio = {c: ours[c]["p50"] / floor[c]["p50"] for c in (1, 16)}
    rps_ratio = ours[16]["rps"] / floor[16]["rps"]
    errors = sum(r["errors"] for res in (floor, ours, adapter) for r in res.values())
    checks = [
        (f"p50 at concurrency 1 = {p50_ratio[1]:.2f}x floor (target <= 1.5x)", p50_ratio[1] <= 1.5),
        (f"p50 at concurrency 16 = {p50_ratio[16]:.2f}x floor (target <= 1.5x)", p50_ratio[16] <= 1.5),
        (f"throughput at concurrency 16 = {rps_ratio:.2f}x floor (target >= 0.7x)", rps_ratio >= 0.7),
        (f"errors = {errors} (target 0)", errors == 0),
    ]
    for text, ok in checks:
        print(("PASS " if ok else "MISS ") + text)
    print(f"* adapter only (core replaced by a constant reply): p50 {adapter[1]['p50'] / floor[1]['p50']:.2f}x / "
          f"{adapter[16]['p50'] / floor[16]['p50']:.2f}x floor, throughput at 16 "
          f"{adapter[16]['rps'] / floor[16]['rps']:.2f}x floor")
    return 1 if args.strict and not all(ok for _, ok in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
