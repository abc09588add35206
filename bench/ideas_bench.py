"""Ideas at scale: 100,000 ideas in one workspace; `improve list` and duplicate checking.

For each database (SQLite always, PostgreSQL with --postgres URL) it prints p50/p99 of:
- the floor: the bare SQL a list needs (one indexed page of 10 rows), through the same engine;
- `improve list` (all filters mixed) end to end through the console adapter (router, database, reply);
- duplicate checking (`store.similar`, as `improve <idea>` runs it before saving);
- `improve <idea>` end to end (the duplicate check, then either the "+1 instead?" offer or a save).
Target: list and duplicate checking p99 < 50 ms on both databases.

    .venv/bin/python bench/ideas_bench.py [--ideas 100000] [--runs 300] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import bindparam, insert, select, update  # noqa: E402

from bot.adapters.console.adapter import ConsoleSession  # noqa: E402
from bot.assembly.app import Bot  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from bot.core.identity import pseudonym  # noqa: E402
from handlers.ideas import store  # noqa: E402
from handlers.ideas.lifecycle import OPEN  # noqa: E402
from handlers.ideas.text import words  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Idea, IdeaWord  # noqa: E402

VOCAB = """agenda approval archive automate backlog badge board budget calendar capacity checklist coaching
community contract cost dashboard decision demo dependency deployment design digest discovery document
estimate feedback forecast framework glossary governance handover hiring incident initiative intake
interview knowledge lesson licence meeting mentoring metric milestone newsletter onboarding outcome
planning playbook portfolio practice priority procurement prototype quarterly recording release report
request retro review risk roadmap rota runbook schedule showcase sprint stakeholder standup status
survey template testing timesheet tooling training transparency vendor wiki workflow workshop""".split()
VERBS = "share publish automate simplify standardise shorten record rotate centralise review merge retire".split()
STATUSES = ["new"] * 4 + ["triaged", "accepted", "in_progress", "done", "declined", "duplicate", "withdrawn"]


def title(rng: random.Random) -> str:
    return f"{rng.choice(VERBS).capitalize()} the " + " ".join(rng.sample(VOCAB, rng.randint(3, 6)))


def pct(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def report(label: str, samples: list[float]) -> float:
    ms = [s * 1000 for s in samples]
    p50, p99 = pct(ms, 50), pct(ms, 99)
    print(f"  {label:<46} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   max {max(ms):7.2f} ms")
    return p99


async def seed(db: Database, settings: Settings, workspace: str, n: int, rng: random.Random) -> list[str]:
    """n ideas, one in ten anonymous (keyed with a pseudonym for that idea alone, which `improve
    list mine` has to check one by one)."""
    start = datetime(2025, 11, 1, tzinfo=UTC)
    titles = []
    anonymous: dict[int, str] = {}  # number -> its anonymous submitter
    batch = 2000
    async with db.engine.begin() as conn:
        for first in range(0, n, batch):
            rows = []
            for number in range(first + 1, min(first + batch, n) + 1):
                if rng.random() < 0.1:
                    anonymous[number] = f"U{rng.randrange(2000)}"
                t = title(rng)
                titles.append(t)
                created = start + timedelta(minutes=number * 5)
                rows.append(
                    dict(
                        workspace=workspace,
                        number=number,
                        title=t,
                        details="",
                        status=rng.choice(STATUSES),
                        area_name="",
                        submitter=None if number in anonymous else f"U{rng.randrange(2000)}",
                        anonymous=number in anonymous,
                        platform="console",
                        channel="bench",
                        votes=rng.randrange(12),
                        created_at=created,
                        updated_at=created,
                    )
                )
            await conn.execute(insert(Idea), rows)
            ids = (
                await conn.execute(
                    select(Idea.id, Idea.number).where(
                        Idea.workspace == workspace, Idea.number > first, Idea.number <= first + batch
                    )
                )
            ).all()
            keyed = [
                {"i": i, "k": pseudonym(settings, workspace, f"idea:{i}:submitter", anonymous[number])}
                for i, number in ids
                if number in anonymous
            ]
            if keyed:
                rekey = update(Idea).where(Idea.id == bindparam("i")).values(submitter_key=bindparam("k"))
                await conn.execute(rekey, keyed)
            await conn.execute(
                insert(IdeaWord),
                [dict(idea_id=i, word=w, workspace=workspace) for i, number in ids for w in words(titles[number - 1])],
            )
    return titles


async def run(url: str, label: str, n: int, runs: int, **options) -> tuple[float, float]:
    rng = random.Random(12)
    db = Database(url, **options)
    await db.upgrade()
    bot = Bot(Settings(_env_file=None, database_url=db.url), db)
    workspace = f"bench-{uuid.uuid4().hex[:8]}"
    await bot.ensure_workspace(workspace, "console")
    started = time.perf_counter()
    titles = await seed(db, bot.settings, workspace, n, rng)
    if db.engine.dialect.name == "postgresql":  # what autovacuum does soon after a bulk load
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE")
    # The seeding left this process a heap the bot would not have; without this, full garbage
    # collections over it (~0.1 s each) land in the tail of whatever is being timed.
    gc.collect()
    gc.freeze()
    print(
        f"{label}: seeded {n:,} ideas ({n * 4.5:,.0f} words indexed approx.) in {time.perf_counter() - started:.1f} s"
    )

    floor = []
    page = select(Idea).where(Idea.workspace == workspace, Idea.status.in_(OPEN)).order_by(Idea.number.desc()).limit(10)
    for _ in range(runs):
        t0 = time.perf_counter()
        async with db.session() as session:
            (await session.exec(page)).all()
        floor.append(time.perf_counter() - t0)

    console = ConsoleSession(bot, workspace=workspace, user="U7")
    lists = [
        "improve list",
        "improve list accepted",
        "improve list mine",
        "improve list all",
        "improve list in progress",
        "improve list done mine",
        "improve list declined",
        "improve list by votes",
        "improve list accepted by votes page 5",
        "improve list page 40",
    ]
    listed, by_kind = [], {c: [] for c in lists}
    for i in range(runs):
        t0 = time.perf_counter()
        await console.send(lists[i % len(lists)])
        listed.append(time.perf_counter() - t0)
        by_kind[lists[i % len(lists)]].append(listed[-1] * 1000)

    probes = [rng.choice(titles).lower() if i % 2 else title(rng) for i in range(runs)]  # half near-duplicates
    similar, found = [], 0
    for text in probes:
        t0 = time.perf_counter()
        found += bool(await store.similar(db, workspace, text))
        similar.append(time.perf_counter() - t0)

    submits = []
    for text in probes[: runs // 3]:
        t0 = time.perf_counter()
        await console.send(f"improve {text} quickly")
        submits.append(time.perf_counter() - t0)
    await bot.settle()
    f99 = report("floor: one page of open ideas (bare SQL)", floor)
    l99 = report("improve list (console, end to end)", listed)
    s99 = report(f"duplicate check ({found}/{runs} found a look-alike)", similar)
    report("improve <idea> (console, end to end)", submits)
    print(
        f"  list p99 vs floor p99: {l99 / f99:.1f}×; slowest list kind: "
        + max((f"{c!r} max {max(v):.1f} ms" for c, v in by_kind.items()), key=lambda t: float(t.split()[-2]))
    )
    await db.close()
    return l99, s99


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (in a schema of its own)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = await run(f"sqlite:///{tmp}/bench.db", "SQLite", args.ideas, args.runs)
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = Database(args.postgres)
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            results["PostgreSQL"] = await run(
                args.postgres,
                "PostgreSQL",
                args.ideas,
                args.runs,
                connect_args={"server_settings": {"search_path": schema}},
            )
        finally:
            async with admin.engine.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await admin.close()
    for name, (l99, s99) in results.items():
        ok = l99 < 50 and s99 < 50
        print(
            f"target on {name} (list and duplicate check p99 < 50 ms): {'met' if ok else 'MISSED'} "
            f"(list {l99:.1f} ms, duplicates {s99:.1f} ms)"
        )


if __name__ == "__main__":
    asyncio.run(main())
