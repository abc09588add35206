"""Teams end to end: pmo-bot's /api/messages against a bare botbuilder CloudAdapter bot (the floor).

In one run it starts, each in a process of its own on 127.0.0.1:
  (a) the floor: CloudAdapter + ConfigurationBotFrameworkAuthentication (auth off), replying with a
      fixed text through turn_context.send_activity, as botbuilder's samples do;
  (b) pmo-bot: bot.assembly.server.create_app on a temporary SQLite database (auth off through
      PMO_BOT_TEAMS_ALLOW_UNAUTHENTICATED), answering from the ownership registry with an Adaptive Card;
and, in this process, a stand-in Bot Connector that accepts the replies, and the load generator.
Both get the same personal-chat "who owns the enterprise roadmap?" activities, from 256 users in
their own chats, at concurrency 1 and 16. A request's latency includes the bot posting its reply to the connector
(the turn awaits it).
Targets: p50 ≤ 1.2× the floor, throughput ≥ the floor (stretch: 3×).

    .venv/bin/python bench/teams_bench.py [--requests 400] [--warmup 256] [--concurrency 1 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, TCPConnector, web  # noqa: E402

QUESTION = "who owns the enterprise roadmap?"
FLOOR_REPLY = "PMO is accountable for Enterprise roadmap."
TENANT = "bench-tenant"
# Many people, each in a personal chat with the bot: Teams lets a bot post at most 7 messages a second
# into one conversation, so all load in one chat would measure Teams' limit (which pmo-bot observes).
USERS = 256


# ----------------------------------------------------------------------------- the two bots


async def serve_floor(port: int) -> None:
    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""

    class FloorBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(FLOOR_REPLY)

    adapter, bot = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config())), FloorBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    await _run(app, port)


async def serve_pmo(port: int, database_url: str, *, fixed: bool = False) -> None:
    from bot.assembly.app import Bot
    from bot.assembly.server import create_app
    from bot.core import Reply
    from bot.core.config import Settings
    from storage.db import Database

    db = Database(database_url)
    await db.upgrade()
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        pmo_bot_teams_allow_unauthenticated=True,
        pmo_bot_teams_service_urls=("http://127.0.0.1",),  # the stand-in connector
    )
    bot = Bot(settings, db)
    if fixed:  # the adapter's own cost: the same path with the core's answer replaced by a fixed card

        async def handle(_msg):
            return Reply(FLOOR_REPLY, title="Enterprise roadmap")

        bot.handle = handle
    await _run(create_app(bot), port)


async def _run(app: web.Application, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


# ---------------------------------------------------------------------------- load and report


class Connector:
    def __init__(self) -> None:
        self.replies = 0
        self.last: dict | None = None

    async def post(self, request: web.Request) -> web.Response:
        self.last = await request.json()
        self.replies += 1
        return web.json_response({"id": f"m-{self.replies}"})


def activity(service_url: str, user: int) -> dict:
    return {
        "type": "message",
        "id": uuid.uuid4().hex[:13],
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2025-01-01T12:00:00.000Z",
        "text": QUESTION,
        "textFormat": "plain",
        "locale": "en-GB",
        "from": {"id": f"29:bench-user-{user}", "name": f"User {user}", "aadObjectId": f"bench-user-{user}"},
        "recipient": {"id": "28:bench-bot", "name": "PMO Bot"},
        "conversation": {"id": f"a:bench-chat-{user}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
    }


async def load(
    session: ClientSession, url: str, service_url: str, total: int, concurrency: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    remaining = iter(range(total))

    async def worker() -> None:
        for i in remaining:
            body = activity(service_url, i % USERS)
            started = time.perf_counter()
            async with session.post(url, json=body) as response:
                await response.read()
                if response.status not in (200, 201):
                    raise RuntimeError(f"{url} answered {response.status}")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


def summary(latencies: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "rps": len(ordered) / elapsed,
    }


def start_server(kind: str, port: int, extra: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise RuntimeError(f"{kind} server did not start: {line!r}")
    return proc


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def bench(args: argparse.Namespace) -> int:
    connector = Connector()
    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", connector.post)
    app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", connector.post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    connector_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", connector_port).start()
    service_url = f"http://127.0.0.1:{connector_port}/"

    tmp = tempfile.TemporaryDirectory()
    db_url = f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.db'}"
    ports = {"floor": free_port(), "pmo-bot": free_port(), "adapter": free_port()}
    procs = [
        start_server("floor", ports["floor"], []),
        start_server("pmo", ports["pmo-bot"], ["--database-url", db_url]),
        start_server("adapter", ports["adapter"], ["--database-url", db_url.replace("bench.db", "adapter.db")]),
    ]
    results: dict[tuple[str, int], dict[str, float]] = {}
    try:
        async with ClientSession(connector=TCPConnector(limit=64)) as session:
            for name, port in ports.items():
                url = f"http://127.0.0.1:{port}/api/messages"
                before = connector.replies
                await load(session, url, service_url, args.warmup, 4)  # also first contact with every user
                for concurrency in args.concurrency:
                    results[name, concurrency] = summary(
                        *await load(session, url, service_url, args.requests, concurrency)
                    )
                expected = args.warmup + args.requests * len(args.concurrency)
                if connector.replies - before != expected:
                    raise RuntimeError(f"{name}: {connector.replies - before} replies for {expected} requests")
                if name == "pmo-bot" and "PMO is accountable" not in str(connector.last):
                    raise RuntimeError(f"pmo-bot did not answer the question: {connector.last}")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        await runner.cleanup()
        tmp.cleanup()

    print(
        f"\n{args.requests} requests per run after {args.warmup} warm-up; latency includes the reply to the connector\n"
    )
    print(
        f"{'concurrency':>11}  {'bot':<8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}   "
        f"{'p50 vs floor':>12} {'req/s vs floor':>14}"
    )
    ok = True
    for concurrency in args.concurrency:
        floor = results["floor", concurrency]
        for name in ports:
            r = results[name, concurrency]
            p50_ratio, rps_ratio = r["p50"] / floor["p50"], r["rps"] / floor["rps"]
            ratios = "" if name == "floor" else f"{p50_ratio:>11.2f}× {rps_ratio:>13.2f}×"
            print(f"{concurrency:>11}  {name:<8} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['rps']:>8.0f}   {ratios}")
            if name == "pmo-bot":
                ok &= p50_ratio <= 1.2 and rps_ratio >= 1.0
    print("\nadapter = pmo-bot's Teams path with the core's answer replaced by a fixed card (no database work)")
    print(f"Targets (p50 ≤ 1.2× floor, req/s ≥ floor at every concurrency): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=USERS)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--serve", choices=["floor", "pmo", "adapter"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "floor":
        asyncio.run(serve_floor(args.port))
    elif args.serve in ("pmo", "adapter"):
        asyncio.run(serve_pmo(args.port, args.database_url, fixed=args.serve == "adapter"))
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
