"""How well "who owns X?" is answered, on labelled questions people wrote (bench/data/).

Two registries: an IT organisation's model (bench/data/enterprise_model.yml, imported the way
`pmo-bot ownership import` does) and the default model every workspace starts with. Each question
goes through the console adapter into a real database, the path a chat message takes, and its
reply is classified:

- top-1: answered directly with the expected area and its Accountable party (or, where one party
  is accountable for every area the question could mean, with that party and those areas);
- asked: "did you mean" between options; abstained: "I don't know yet" (both land in `gaps`);
- wrong: answered with another area (of those, "wrong owner" names another Accountable party);
- confident-on-uncoverable: an answer to a question nothing in the registry covers.

Questions are split once, by a hash of their text, into a tuning half (tune the matcher on it)
and a held-out half (the number that counts). Two more sets were written after the matcher had
been tuned, to find what it still missed, and were tuned on too: "later" (questions of every form)
and "chat" (long messages with their context, as people write in a channel). Each is reported on
its own line and never mixed into the held-out half. Failures are listed for the tuned sets only.

    .venv/bin/python bench/answer_quality.py [--failures] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from bot.adapters.console.adapter import ConsoleSession  # noqa: E402
from bot.assembly.app import Bot  # noqa: E402
from bot.core import Reply  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from handlers.ownership import DEFAULT_MODEL, matrix  # noqa: E402
from storage.db import Database  # noqa: E402

DATA = Path(__file__).with_name("data")
UNCOVERABLE = "-"
HALVES = ("tuning", "held-out")
LATER, CHAT = "later", "chat"  # written after tuning began, and tuned on (see the module's docstring)
TUNED = ("tuning", LATER, CHAT)


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    expected: str  # an area name, or UNCOVERABLE
    written: str = ""  # the later set it belongs to, if any

    @property
    def half(self) -> str:
        """Fixed for ever by the question's text: adding questions never moves the others."""
        return self.written or HALVES[zlib.crc32(self.text.encode()) % 2]


@dataclass
class Registry:
    name: str
    model: Path
    questions: Path
    import_it: bool  # imported from its file (True) or seeded as the default model (False)
    later: tuple[tuple[str, Path], ...] = ()  # (set, file): the sets written after tuning began


REGISTRIES = (
    Registry(
        "enterprise",
        DATA / "enterprise_model.yml",
        DATA / "enterprise_questions.tsv",
        True,
        ((LATER, DATA / "enterprise_questions_later.tsv"), (CHAT, DATA / "enterprise_questions_chat.tsv")),
    ),
    Registry("default", DEFAULT_MODEL, DATA / "default_questions.tsv", False),
)


def load_questions(path: Path, *, written: str = "") -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line == "expected\tquestion":
            continue
        expected, text = line.split("\t")
        out.append(Question(text.strip(), expected.strip(), written))
    return out


def accountable_by_area(model: Path) -> dict[str, str]:
    doc = yaml.safe_load(model.read_text(encoding="utf-8"))
    return {a["area"]: a["accountable"] for a in doc["areas"]}


@dataclass
class Outcome:
    question: Question
    kind: str  # "answer" / "asked" / "abstained"
    area: str = ""  # the area answered
    options: list[str] = field(default_factory=list)  # the areas offered


def classify(question: Question, reply: Reply, areas: set[str]) -> Outcome:
    named = [reply.title] if reply.title in areas else [b.text for b in reply.buttons if b.text in areas]
    if " is accountable for " in reply.text and named:  # one area, or several one party is accountable for
        return Outcome(question, "answer", question.expected if question.expected in named else named[0], named)
    options = [b.text for b in reply.buttons if b.text in areas]
    if reply.text.startswith("Did you mean"):
        return Outcome(question, "asked", options=options)
    return Outcome(question, "abstained", options=options)


@dataclass
class Tally:
    covered: int = 0
    uncoverable: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, o: Outcome, owner: dict[str, str]) -> None:
        q = o.question
        if q.expected == UNCOVERABLE:
            self.uncoverable += 1
            if o.kind == "answer":
                self.counts["confident-on-uncoverable"] += 1
                self.failures.append(f"ANSWERED {o.area!r} for uncoverable: {q.text}")
            else:
                self.counts[f"uncoverable {o.kind}"] += 1
            return
        self.covered += 1
        if o.kind == "answer" and o.area == q.expected:
            self.counts["top-1"] += 1
            return
        if o.kind == "answer":
            same_owner = owner.get(o.area) == owner[q.expected]
            self.counts["wrong (same owner)" if same_owner else "wrong owner"] += 1
            self.failures.append(f"WRONG {o.area!r} (expected {q.expected!r}): {q.text}")
            return
        self.counts[o.kind] += 1
        hint = f" offered {o.options}" if o.options else ""
        self.failures.append(f"{o.kind.upper()}{hint} (expected {q.expected!r}): {q.text}")

    def line(self, label: str) -> str:
        c, pct = self.counts, (lambda n, d: f"{100 * n / d:5.1f}%" if d else "  n/a ")
        wrong = c["wrong owner"] + c["wrong (same owner)"]
        return (
            f"{label:<22} {self.covered:>4} covered  top-1 {pct(c['top-1'], self.covered)}  "
            f"asked {pct(c['asked'], self.covered)}  abstained {pct(c['abstained'], self.covered)}  "
            f"wrong {wrong} (owner {c['wrong owner']})  | {self.uncoverable:>3} uncoverable  "
            f"confident-on-uncoverable {c['confident-on-uncoverable']}"
        )


async def prepare(bot: Bot, registry: Registry, workspace: str) -> None:
    if registry.import_it:
        await bot.ensure_workspace(workspace, "console", seed=False)
        await matrix.import_matrix(
            bot.db, workspace, registry.model.read_text(encoding="utf-8"), "yaml", actor="answer-quality"
        )
    else:
        await bot.ensure_workspace(workspace, "console")


async def evaluate(bot: Bot, registry: Registry, workspace: str, halves=(*HALVES, LATER, CHAT)) -> dict[str, Tally]:
    """Ask every question of `halves` through the console adapter; one asker per question."""
    await prepare(bot, registry, workspace)
    owner = accountable_by_area(registry.model)
    later = [q for name, path in registry.later for q in load_questions(path, written=name)]
    tallies = {half: Tally() for half in halves if half in HALVES or any(q.half == half for q in later)}
    for i, q in enumerate(load_questions(registry.questions) + later):
        if q.half not in tallies:
            continue
        assert q.expected == UNCOVERABLE or q.expected in owner, f"unknown area in the labels: {q.expected}"
        (reply, *_) = await ConsoleSession(bot, workspace=workspace, user=f"asker-{i}").send(q.text)
        tallies[q.half].add(classify(q, reply, set(owner)), owner)
    return tallies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true", help="list the tuning sets' failures")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.database_url or f"sqlite:///{tmp}/quality.db")
        await db.upgrade()
        bot = Bot(Settings(_env_file=None, database_url=db.url), db)
        try:
            for n, registry in enumerate(REGISTRIES):
                tallies = await evaluate(bot, registry, f"quality-{registry.name}-{n}-{id(bot)}")
                for half, tally in tallies.items():
                    print(tally.line(f"{registry.name} {half}"))
                if args.failures:
                    for failure in (f for half in TUNED if half in tallies for f in tallies[half].failures):
                        print(f"    {failure}")
        finally:
            await db.close()


if __name__ == "__main__":
    asyncio.run(main())
