"""Hostile recurrence rules against `serve`: how long /healthz waits while they are handled.

    .venv/bin/python bench/rule_dos_bench.py [--rounds 3] [--strict]

Starts, each in its own process on 127.0.0.1, a stand-in Slack Web API and the real pmo-bot app
(bot.server.create_app on a temporary SQLite database), then sends signed `/meetup` commands with
rules that never match or repeat below daily (issue 15, finding 1: `FREQ=MINUTELY;BYMONTH=2;
BYMONTHDAY=30` held /healthz for 11.9 s) while a client probes /healthz back to back. Prints, per
rule, the command's own latency and /healthz p50 / p99 / max during it, next to an idle baseline.
Target: /healthz max < 100 ms in every run (--strict exits 1 otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from slack_bench import TEAM, Process, _serve, run_pmo_bot, signed  # noqa: E402

RULES = [
    ("FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", "schedule"),
    ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "schedule"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "schedule"),
    ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;BYDAY=MO", "schedule"),
    ("FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=2SU", "schedule"),
    ("FREQ=YEARLY;BYMONTH=5;BYSETPOS=3;BYMONTHDAY=3", "schedule"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "edit"),
    ("FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23", "schedule"),
]


def run_api(ready, stop_event) -> None:
    """Slack's Web API as far as scheduling a meetup needs it."""
    answers = {
        "auth.test": {"ok": True, "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT"},
        "conversations.info": {"ok": True, "channel": {"id": "C1", "name": "general", "is_member": True}},
        "users.conversations": {"ok": True, "channels": [{"id": "C1"}], "response_metadata": {"next_cursor": ""}},
    }

    async def api(request: web.Request) -> web.Response:
        return web.json_response(answers.get(request.match_info["method"], {"ok": True}))

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    asyncio.run(_serve(app, ready, stop_event))


def command(text: str) -> str:
    return urlencode(
        {
            "token": "x",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": "U1",
            "user_name": "bench",
            "command": "/meetup",
            "text": text,
            "api_app_id": "A1",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "t",
        }
    )


async def send(session: aiohttp.ClientSession, url: str, text: str) -> tuple[float, str]:
    body = command(text)
    started = time.perf_counter()
    async with session.post(f"{url}/slack/events", data=body.encode(), headers=signed(body)) as response:
        answer = (await response.json()).get("text", "")
    return time.perf_counter() - started, answer


async def probed(session: aiohttp.ClientSession, url: str, work) -> tuple[list[float], object]:
    """Run `work` while probing /healthz back to back; the probe latencies and work's result."""
    latencies: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            started = time.perf_counter()
            async with session.get(f"{url}/healthz") as response:
                await response.read()
            latencies.append(time.perf_counter() - started)

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0.05)
    try:
        result = await work
        await asyncio.sleep(0.1)
    finally:
        done.set()
        await prober
    return latencies, result


def figures(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    return f"{statistics.median(ms):7.1f} {p99:7.1f} {ms[-1]:7.1f} {len(ms):6d}"


async def bench(url: str, rounds: int) -> float:
    worst = 0.0
    async with aiohttp.ClientSession() as session:
        _, answer = await send(session, url, 'schedule "Circle" every Tuesday at 12:00 Europe/London')
        series = answer.split("#")[1].split()[0]
        print(f"{'rule':58} {'command':>8}  {'healthz p50':>11} {'p99':>7} {'max':>7} {'probes':>6}   (ms)")
        for round_ in range(1, rounds + 1):
            idle, _ = await probed(session, url, asyncio.sleep(0.5))
            print(f"round {round_}: {'idle':50} {'':>8}  {figures(idle)}")
            for rule, verb in RULES:
                text = f'schedule "x" {rule} at 12:00' if verb == "schedule" else f"edit {series} {rule}"
                latencies, (took, answer) = await probed(session, url, send(session, url, text))
                worst = max(worst, max(latencies))
                label = f"{verb} {rule}"[:58]
                print(f"{label:58} {took * 1000:8.1f}  {figures(latencies)}   {answer[:60]!r}")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="exit 1 unless /healthz max < 100 ms")
    args = parser.parse_args()
    with Process(run_api) as api_port:
        with Process(run_pmo_bot, f"http://127.0.0.1:{api_port}/api/") as port:
            worst = asyncio.run(bench(f"http://127.0.0.1:{port}", args.rounds))
    print(f"\n/healthz worst case while hostile rules were handled: {worst * 1000:.1f} ms (target < 100 ms)")
    return 1 if args.strict and worst >= 0.1 else 0


if __name__ == "__main__":
    sys.exit(main())
