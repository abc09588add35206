"""How well "who owns X?" holds up when the tuned questions are asked another way.

Each question of the tuning sets (bench/data/, the enterprise model) that is answered right as
written is asked again, changed one way at a time: letters swapped in its longest word, chatter
before it, a harmless tail ("at the moment", "for the HR system"), another question form ("is
there an owner for X", "X owner?", "whose job is X"). Printed per change: how many of those
questions it loses (a wrong or no answer; for an uncoverable question, an answer). The held-out
half is never used. Reads questions the way the router does (read_question, then a late "who",
then a bare topic of up to eight words) against the index, without a database.

    .venv/bin/python bench/answer_robustness.py [--show CHANGE]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from bench.answer_quality import DATA, HALVES, REGISTRIES, UNCOVERABLE, Question, load_questions  # noqa: E402
from handlers.ownership.matching import AreaIndex  # noqa: E402
from handlers.ownership.questions import read_question, read_question_after  # noqa: E402


def _swap(text: str, rng: random.Random) -> str | None:
    ws = text.split()
    i = max(range(len(ws)), key=lambda j: len(ws[j]))
    w = ws[i]
    if len(w) < 6 or not w.isalpha():
        return None
    k = rng.randrange(1, len(w) - 2)
    ws[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    return " ".join(ws)


def _topic(text: str) -> str | None:
    asked = read_question(text)
    return asked.topic if asked and asked.topic else None


def _asked_as(form: str) -> Callable[[str, random.Random], str | None]:
    return lambda text, _: form.format(t) if (t := _topic(text)) else None


CHANGES: dict[str, Callable[[str, random.Random], str | None]] = {
    "letters swapped": _swap,
    "chatter before": lambda t, _: f"hey, quick one - {t}?",
    "these days": lambda t, _: f"{t} these days",
    "at the moment": lambda t, _: f"{t} at the moment",
    "for the HR system": lambda t, _: f"{t} for the HR system",
    "please": lambda t, _: f"{t} please",
    "is there an owner for": _asked_as("is there an owner for {}"),
    "X owner?": _asked_as("{} owner?"),
    "whose job is": _asked_as("whose job is {}"),
    "where do I go for": _asked_as("where do I go for {}"),
    "which team handles": _asked_as("which team handles {}"),
    "misspelt verb": _asked_as("who ownes {}"),
    "bare topic": _asked_as("{}?"),
}


def answered(index: AreaIndex, text: str) -> str | None:
    """The area the bot would answer with, or None (asked, abstained or not read)."""
    asked = read_question(text) or read_question_after(text)
    if asked is None and len(text.split()) > 8:
        return None
    match = index.match(asked.topic, asked.hint) if asked else index.match(text)
    return match.best.name if match.kind == "answer" else None


def right(index: AreaIndex, owner: dict[str, str], q: Question, text: str) -> bool:
    area = answered(index, text)
    if q.expected == UNCOVERABLE:
        return area is None
    return area is not None and owner[area] == owner[q.expected]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", choices=CHANGES, help="list the questions this change loses")
    args = parser.parse_args()
    registry = REGISTRIES[0]
    model = yaml.safe_load(registry.model.read_text(encoding="utf-8"))
    about = {p["name"]: p.get("description", "") for p in model["parties"]}
    owner = {a["area"]: a["accountable"] for a in model["areas"]}
    index = AreaIndex(
        [
            (i, a["area"], a.get("aliases", []), a.get("notes", ""), about[a["accountable"]])
            for i, a in enumerate(model["areas"], 1)
        ]
    )
    tuned = [q for q in load_questions(registry.questions) if q.half == HALVES[0]]
    tuned += [q for name, path in registry.later for q in load_questions(DATA / path.name, written=name)]
    base = [q for q in tuned if right(index, owner, q, q.text)]
    print(f"{len(base)} of {len(tuned)} tuned questions answered right as written; each change loses:")
    rng = random.Random(7)
    for name, change in CHANGES.items():
        lost, asked = [], 0
        for q in base:
            if (text := change(q.text, rng)) is None:
                continue
            asked += 1
            if not right(index, owner, q, text):
                lost.append(text)
        print(f"  {name:<24} {len(lost):>4} of {asked}")
        if args.show == name:
            print("\n".join(f"      {t}" for t in lost))


if __name__ == "__main__":
    main()
