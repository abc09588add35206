"""Slack slash-command latency and throughput: pmo-bot against a bare Bolt app (the floor).

    .venv/bin/python bench/slack_bench.py [--requests 2000] [--rounds 3] [--strict]

One run starts, each in its own process on 127.0.0.1: a stand-in Slack Web API (auth.test),
(a) a bare Bolt AsyncApp whose /pmo acks a fixed text with process_before_response=True, and
(b) the real pmo-bot app (bot.assembly.server.create_app on a temporary SQLite database) and (c) the same
app with the core replaced by a constant reply (the Slack adapter's own cost). All get the
same signed `/pmo who owns the enterprise roadmap?` load over real HTTP at concurrency 1 and 16.
Targets: p50 <= 1.5x the floor, throughput at 16 >= 0.7x the floor, zero errors.
Also printed: each server's CPU time per request at concurrency 16 (Linux), which a busy
neighbour on a shared machine disturbs far less than requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import logging
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
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
        bolt = AsyncApp(
            signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url), process_before_response=True
        )

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
    from bot.assembly.app import Bot
    from bot.assembly.server import create_app
    from bot.core.config import Settings
    from storage.db import Database

    async def main() -> None:
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite:///{folder}/bench.db")
            await db.upgrade()
            settings = Settings(
                _env_file=None,
                database_url=db.url,
                slack_signing_secret=SECRET,
                slack_bot_token=TOKEN,
                slack_api_url=api_url,
                slack_app_token=None,
                slack_client_id=None,
                slack_client_secret=None,
            )
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

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far (0 where /proc is missing)."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.process.join(10)


# -------------------------------------------------------------------------------- load


def signed(body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={signature}",
    }


FIELDS = {
    "token": "x",
    "team_id": TEAM,
    "team_domain": "bench",
    "channel_id": "C1",
    "channel_name": "general",
    "user_id": "U1",
    "user_name": "bench",
    "command": "/pmo",
    "text": QUESTION,
    "api_app_id": "A1",
    "response_url": "http://127.0.0.1:9/unused",
}
_sent = itertools.count()


def body() -> str:
    """Each request unique, as Slack's are (a trigger_id per request): a repeat would be a replay (401)."""
    return urlencode({**FIELDS, "trigger_id": f"{next(_sent)}.bench"})


async def load(url: str, requests: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    remaining = requests
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> None:
            nonlocal errors
            started = time.perf_counter()
            payload = body()
            async with session.post(url, data=payload, headers=signed(payload)) as response:
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
    return {
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "rps": len(latencies) / elapsed,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per concurrency level and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each loads the three apps in turn")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    apps = {"floor": run_floor, "pmo-bot": run_pmo_bot, "adapter*": run_adapter_only}
    runs: dict[str, list[dict[int, dict[str, float]]]] = {name: [] for name in apps}
    with Process(run_api) as api_port, ExitStack() as servers:
        api_url = f"http://127.0.0.1:{api_port}/api/"
        processes = {name: Process(target, api_url) for name, target in apps.items()}
        urls = {
            name: f"http://127.0.0.1:{servers.enter_context(process)}/slack/events"
            for name, process in processes.items()
        }
        # The apps take turns, round after round, so a slow spell of a shared machine falls on all
        # of them alike; the ratios are taken within each round, then their median is reported.
        for _ in range(args.rounds):
            for name, url in urls.items():
                figures = {1: asyncio.run(load(url, args.requests, 1))}
                before = processes[name].cpu_seconds()
                figures[16] = asyncio.run(load(url, args.requests, 16))
                figures[16]["cpu"] = (processes[name].cpu_seconds() - before) / (args.requests + 200) * 1e6
                runs[name].append(figures)
    print(
        f"/pmo {QUESTION}  ({args.rounds} rounds x {args.requests} requests per level, 127.0.0.1, "
        "each server in its own process; medians over the rounds)"
    )
    print(f"{'app':<10}{'conc':>5}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}{'CPU µs/req':>12}")
    for name, rounds in runs.items():
        for c in (1, 16):
            med = {k: statistics.median(r[c].get(k, 0.0) for r in rounds) for k in ("p50", "p99", "rps", "cpu")}
            errors = sum(r[c]["errors"] for r in rounds)
            cpu = f"{med['cpu']:>12.0f}" if c == 16 and med["cpu"] else ""
            print(f"{name:<10}{c:>5}{med['p50']:>9.2f}{med['p99']:>9.2f}{med['rps']:>9.0f}{errors:>8}{cpu}")

    def ratio(app: str, c: int, key: str) -> float:
        return statistics.median(a[c][key] / f[c][key] for a, f in zip(runs[app], runs["floor"], strict=True))

    errors = sum(r[c]["errors"] for rounds in runs.values() for r in rounds for c in (1, 16))
    p50 = {c: ratio("pmo-bot", c, "p50") for c in (1, 16)}
    rps = ratio("pmo-bot", 16, "rps")
    each = ", ".join(f"{o[16]['rps'] / f[16]['rps']:.2f}x" for o, f in zip(runs["pmo-bot"], runs["floor"], strict=True))
    checks = [
        (f"p50 at concurrency 1 = {p50[1]:.2f}x floor (target <= 1.5x)", p50[1] <= 1.5),
        (f"p50 at concurrency 16 = {p50[16]:.2f}x floor (target <= 1.5x)", p50[16] <= 1.5),
        (f"throughput at concurrency 16 = {rps:.2f}x floor (target >= 0.7x; rounds: {each})", rps >= 0.7),
        (f"errors = {errors} (target 0)", errors == 0),
    ]
    for text, ok in checks:
        print(("PASS " if ok else "MISS ") + text)
    print(
        f"* adapter only (core replaced by a constant reply): p50 {ratio('adapter*', 1, 'p50'):.2f}x / "
        f"{ratio('adapter*', 16, 'p50'):.2f}x floor, throughput at 16 {ratio('adapter*', 16, 'rps'):.2f}x floor"
    )
    return 1 if args.strict and not all(ok for _, ok in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
