"""RACI spreadsheets at scale: a registry of N areas and 13 parties exported and imported again as
CSV and Excel, in rows and as a grid, while a ticker measures how late the event loop gets.

Prints, per format: export time, import time (parse + check + write into a fresh workspace), and
the event loop's worst lateness during the import beside the floor (the same ticker with nothing
else running). The rule is that no input holds the loop > 100 ms: workbook parsing runs in a thread.
Also prints `areas stale` and the daily re-check sweep over the same registry.

    .venv/bin/python bench/ownership_files_bench.py [--areas 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import update  # noqa: E402

from bot.adapters.console.adapter import ConsoleSession  # noqa: E402
from bot.adapters.console.sender import ConsoleSender  # noqa: E402
from bot.assembly.app import Bot  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from handlers.ownership import matrix, reverify  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Party, utcnow  # noqa: E402

PARTIES = [
    "PMO",
    "Coaching Community",
    "Enterprise Architect",
    "Leadership Team",
    "Oversight Team",
    "Finance",
    "Human Resources",
    "Service Desk",
    "Security Office",
    "Data Office",
    "Legal",
    "Procurement",
    "Quality Assurance",
]
WORDS = """account analytics approval asset audit backlog billing brand budget capacity change cloud
compliance contract cost customer dashboard data delivery demand deployment design document estimate
facility forecast funding governance hiring incident integration intake inventory licence maturity
metric migration network onboarding payroll performance planning platform policy pricing privacy
quality recovery release reporting request research retention review risk roster sales sourcing
staffing standard supplier support talent testing tooling training travel vendor warehouse""".split()


def registry_csv(n: int, rng: random.Random) -> str:
    rows, seen = ["area,accountable,responsible,consulted,informed,aliases,notes"], set()
    while len(seen) < n:
        name = f"{' '.join(rng.sample(WORDS, 3)).capitalize()} {len(seen)}"
        seen.add(name)
        a, *others = rng.sample(PARTIES, 5)
        rows.append(f"{name},{a},{others[0]},{others[1]}; {others[2]},{others[3]},,")
    return "\n".join(rows) + "\n"


async def lateness(stop: asyncio.Event, every: float = 0.005) -> float:
    """The worst delay of a 5 ms ticker until `stop` is set: how long the loop was held."""
    loop, worst = asyncio.get_running_loop(), 0.0
    while not stop.is_set():
        due = loop.time() + every
        await asyncio.sleep(every)
        worst = max(worst, loop.time() - due)
    return worst


async def measured(work) -> tuple[float, float, object]:
    stop = asyncio.Event()
    ticker = asyncio.create_task(lateness(stop))
    started = time.perf_counter()
    result = await work
    took = time.perf_counter() - started
    stop.set()
    return took, await ticker, result


async def main(areas: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        await db.upgrade()
        bot = Bot(Settings(_env_file=None, database_url=db.url), db)
        await bot.ensure_workspace("bench", "console", seed=False)
        took, _, _ = await measured(
            matrix.import_matrix(db, "bench", registry_csv(areas, random.Random(7)), "csv", actor="bench")
        )
        print(f"{areas:,} areas, {len(PARTIES)} parties; seeded from CSV in {took:.2f} s")
        async with db.session() as session:  # contacts travel in a workbook's Parties sheet, not in CSV
            await session.exec(update(Party).where(Party.workspace == "bench").values(contact="#pmo"))
        stop = asyncio.Event()
        floor = asyncio.create_task(lateness(stop))
        await asyncio.sleep(1)
        stop.set()
        print(f"event-loop lateness floor (ticker alone, 1 s): {await floor * 1000:.1f} ms")
        print(f"{'format':<12}{'export s':>10}{'import s':>10}{'worst loop lateness ms':>25}")
        for fmt, layout in [("csv", "rows"), ("csv", "grid"), ("xlsx", "rows"), ("xlsx", "grid")]:
            export_s, _, data = await measured(matrix.export_matrix(db, "bench", fmt, layout))
            target = f"bench-{fmt}-{layout}"
            await bot.ensure_workspace(target, "console", seed=False)
            payload = data if isinstance(data, bytes) else data.encode()
            import_s, worst, result = await measured(matrix.import_matrix(db, target, payload, fmt, actor="bench"))
            assert len(result.created) == areas, result
            print(f"{fmt + ' ' + layout:<12}{export_s:>10.2f}{import_s:>10.2f}{worst * 1000:>25.1f}")
        bot.clock = lambda: utcnow() + timedelta(days=91)  # everything is due
        bot.senders["console"] = ConsoleSender()  # posts kept in memory
        session = ConsoleSession(bot, workspace="bench", user="bench")
        took, worst, _ = await measured(session.send("areas stale"))
        print(f"`areas stale` over {areas:,} areas: {took * 1000:.0f} ms (worst loop lateness {worst * 1000:.1f} ms)")
        took, worst, asked = await measured(reverify.ask_owners(bot))
        print(
            f"re-check sweep over {5 * areas:,} areas in 5 workspaces: {took:.2f} s, {len(asked):,} asked "
            f"(the 3 workspaces with contacts), worst loop lateness {worst * 1000:.1f} ms"
        )
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--areas", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    asyncio.run(main(args.areas, args.database_url))
