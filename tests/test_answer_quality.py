"""A floor under answer quality: the tuning half of bench/data's labelled questions, asked through
the console adapter on a real database (bench/answer_quality.py prints both halves)."""

import pytest

from bench.answer_quality import REGISTRIES, evaluate

# What the matcher reached on the tuning half when these floors were set, less a little slack.
FLOORS = {"enterprise": 0.94, "default": 0.95}


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda r: r.name)
async def test_tuning_half_keeps_its_floor(bot, workspace, registry):
    (tally,) = (await evaluate(bot, registry, workspace, halves=("tuning",))).values()
    failures = "\n".join(tally.failures)
    assert tally.counts["wrong owner"] == 0, failures
    assert tally.counts["confident-on-uncoverable"] == 0, failures
    assert tally.counts["top-1"] / tally.covered >= FLOORS[registry.name], failures
