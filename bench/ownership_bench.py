"""Ownership matching at scale: 10,000 areas with aliases, 1,000 mixed questions.

Prints p50/p99 of the match alone (in-process) and end-to-end through the console adapter
(router, database, reply), beside the floor: rapidfuzz's own `extractOne` scanning every name
and alias once (what a naive matcher would do). Target: match p99 ≤ 2 ms.

    .venv/bin/python bench/ownership_bench.py [--areas 10000] [--questions 1000] [--rounds 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz, process  # noqa: E402

from bot.adapters.console.adapter import ConsoleSession  # noqa: E402
from bot.assembly.app import Bot  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from handlers.ownership import registry  # noqa: E402
from handlers.ownership.matching import AreaIndex, _english_slips, key, spelling, stem, words  # noqa: E402
from handlers.ownership.registry import RegistryCache  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Area, AreaAlias, Assignment  # noqa: E402

WORDS = """account admin analytics api approval architecture asset audit backlog benefit billing board brand
budget capacity capital change channel cloud coaching compliance contract cost customer dashboard data
delivery demand deployment design digital discovery document enterprise estimate facility finance forecast
framework funding governance hiring incident initiative integration intake inventory investment knowledge
licence maturity mentoring metric migration network onboarding operations partner payroll people
performance planning platform policy portfolio practice pricing privacy procurement product program project
quality recovery release reporting request research resource retention review risk roadmap roster sales
security service sourcing sprint staffing standard strategy supplier support sustainability talent team
testing tooling training transformation travel value vendor vision warehouse workflow""".split()
PHRASES = ["who owns {}?", "who is accountable for {}", "owner of {}", "who do I talk to about {}?", "{}"]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_areas(n: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    names: dict[str, list[str]] = {}
    aliases_used: set[str] = set()
    while len(names) < n:
        words = rng.sample(WORDS, rng.choice([2, 3, 3, 4]))
        name = " ".join(words).capitalize()
        if key(name) in names:
            continue
        aliases = []
        for _ in range(rng.randint(1, 3)):
            alias = " ".join(rng.sample(WORDS, 2)) + f" {rng.randrange(10_000)}"
            if key(alias) not in aliases_used:
                aliases_used.add(key(alias))
                aliases.append(alias)
        names[key(name)] = [name, *aliases]
    return [(v[0], v[1:]) for v in names.values()]


def make_questions(areas: list[tuple[str, list[str]]], n: int, rng: random.Random) -> list[str]:
    out = []
    for i in range(n):
        name, aliases = rng.choice(areas)
        kind = i % 5
        if kind == 0:
            topic = name.lower()
        elif kind == 1:
            topic = " ".join(typo(w, rng) for w in name.lower().split())
        elif kind == 2:
            topic = rng.choice(aliases)
        elif kind == 3:
            topic = rng.choice(WORDS) + " " + rng.choice(WORDS)  # vague: usually "did you mean"
        else:
            topic = "the " + rng.choice(["coffee machine", "car park", "office plants", "christmas party"])
        out.append(rng.choice(PHRASES).format(topic))
    return out


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.0f}"


def pct(samples: list[float], p: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1] if len(samples) > 1 else samples[0]


def report(label: str, samples_s: list[float]) -> tuple[float, float]:
    ms = [s * 1000 for s in samples_s]
    p50, p99 = pct(ms, 50), pct(ms, 99)
    print(f"{label:<44} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms   max {max(ms):8.3f} ms")
    return p50, p99


async def seed(db: Database, workspace: str, areas: list[tuple[str, list[str]]], bot: Bot, rng: random.Random) -> None:
    await bot.ensure_workspace(workspace, "console")  # parties of the default model
    async with db.session() as session:
        parties = [p.id for p in await registry.all_parties(session, workspace)]
        rows = [Area(workspace=workspace, name=name, key=key(name)) for name, _ in areas]
        session.add_all(rows)
        await session.flush()
        for area, (_, aliases) in zip(rows, areas, strict=True):
            session.add(Assignment(workspace=workspace, area_id=area.id, party_id=rng.choice(parties), role="A"))
            session.add_all(AreaAlias(workspace=workspace, area_id=area.id, alias=a, key=key(a)) for a in aliases)
        await registry._bump(session, workspace)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=1_000)
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    areas = make_areas(args.areas, rng)
    questions = make_questions(areas, args.questions, rng)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.database_url or f"sqlite:///{tmp}/bench.db")
        await db.upgrade()
        bot = Bot(Settings(_env_file=None, database_url=db.url), db)
        workspace = f"bench-{rng.randrange(1 << 30)}"
        started = time.perf_counter()
        await seed(db, workspace, areas, bot, rng)
        print(
            f"seeded {len(areas):,} areas with {sum(len(a) for _, a in areas):,} aliases "
            f"in {time.perf_counter() - started:.1f} s; {len(questions):,} questions"
        )

        started = time.perf_counter()
        index = (await bot.services.own(RegistryCache).snapshot(db, workspace)).index
        print(f"index build with its database read (first question of a process): {_ms(started)} ms")
        async with db.session() as session:
            entries = await registry.index_entries(session, workspace)
        stem.cache_clear()
        spelling.cache_clear()
        words.cache_clear()
        started = time.perf_counter()
        AreaIndex(entries)
        print(f"index build alone, {len(entries):,} areas, cold word caches: {_ms(started)} ms (target ≤ 1000 ms)")

        from bot.core.router import clean_text
        from handlers.ownership.questions import read_question

        def topic(q: str) -> str:
            asked = read_question(clean_text(q))
            return asked.topic if asked else clean_text(q)

        topics = [topic(q) for q in questions]
        keys = [name for name, aliases in areas for name in (name, *aliases)]
        floor = []
        for t in topics:
            t0 = time.perf_counter()
            process.extractOne(t, keys, scorer=fuzz.WRatio)
            floor.append(time.perf_counter() - t0)
        # Rounds, each with cold word caches: a shared VM's p99 moves by a third from run to run,
        # so the target is judged on the median round and every round is printed.
        rounds = []
        for _ in range(args.rounds):
            stem.cache_clear()
            spelling.cache_clear()
            words.cache_clear()
            _english_slips.cache_clear()
            matches, kinds = [], {}
            for t in topics:
                t0 = time.perf_counter()
                result = index.match(t)
                matches.append(time.perf_counter() - t0)
                kinds[result.kind] = kinds.get(result.kind, 0) + 1
            rounds.append(matches)
        rounds.sort(key=lambda r: pct([s * 1000 for s in r], 99))
        print("match p99 by round: " + ", ".join(f"{pct([s * 1000 for s in r], 99):.3f} ms" for r in rounds))
        matches = rounds[len(rounds) // 2]
        slowest = sorted(zip(matches, topics, strict=True), reverse=True)[:3]
        print("slowest matches: " + "; ".join(f"{t!r} {s * 1000:.1f} ms" for s, t in slowest))
        console = ConsoleSession(bot, workspace=workspace, user="bench")
        e2e = []
        for q in questions:
            t0 = time.perf_counter()
            await console.send(q)
            e2e.append(time.perf_counter() - t0)
        await db.close()

    print(f"outcomes: {kinds}")
    f50, f99 = report("floor: rapidfuzz extractOne over all keys", floor)
    m50, m99 = report("match (in-process, median round)", matches)
    e50, e99 = report("end-to-end (console adapter, database)", e2e)
    print(f"match vs floor: p50 {m50 / f50:.2f}×  p99 {m99 / f99:.2f}×")
    print(f"target match p99 ≤ 2 ms: {'met' if m99 <= 2 else 'MISSED'} ({m99:.3f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
