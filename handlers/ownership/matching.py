"""Finding the area a question is about: normalise, expand aliases, fuzzy-match tokens.

Scoring is asymmetric on purpose. A key (area name or alias) scores by how much of the
*question* it covers (typo-tolerant, per token) and, less, how much of itself the question
covers. So "product roadmap" never confidently hits an area aliased "roadmap": the word
"product" stays unexplained. Two thresholds turn scores into answer / "did you mean" / unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

ANSWER_AT = 84  # best score at least this, and clearly ahead of the next area: answer
SUGGEST_AT = 55  # at least this: offer as "did you mean"
NEAR_AT = 30  # shown as "closest areas" beside "I don't know yet"
CLEAR_LEAD = 8  # how far ahead the best area must be to answer without asking
TYPO_AT = 80  # per-token similarity that counts as "the same word, misspelt"
MIN_TYPO_LEN = 4  # shorter tokens must match exactly ("ea" is not "a")

STOPWORDS = frozenset(
    "a an the of for to about on in at by with and or our my your their its this that these those "
    "is are was be please me us i we you it what which who whom whose how do does did can could "
    "should would will whats who's whos thing things stuff area areas topic".split()
)
SYNONYMS = {
    "organization": "organisation",
    "organizational": "organisational",
    "org": "organisation",
    "company": "organisation",
    "enterprize": "enterprise",
    "arch": "architecture",
    "architectural": "architecture",
    "funding": "budget",
    "budgeting": "budget",
    "fund": "budget",
    "initiatives": "initiative",
    "programme": "program",
    "plan": "roadmap",
    "mentorship": "mentoring",
    "mentor": "mentoring",
    "coach": "coaching",
    "strategic": "strategy",
    "lunchtime": "lunch",
}
_WORD = re.compile(r"[\w&+]+", re.UNICODE)
_POSSESSIVE = re.compile(r"'s\b")


def stem(token: str) -> str:
    """Just enough English plural folding for area names: budgets→budget, policies→policy."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    text = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold().replace("’", "'"))
    out: list[str] = []
    for raw in _WORD.findall(text):
        word = SYNONYMS.get(raw, raw)
        word = SYNONYMS.get(stem(word), stem(word))
        if word and word not in STOPWORDS:
            out.append(word)
    return out


def key(text: str) -> str:
    """The normalised form used for exact lookups and uniqueness: 'The Roadmaps!' → 'roadmap'."""
    return " ".join(tokens(text))


@dataclass(slots=True)
class Candidate:
    area_id: int
    name: str
    score: float


@dataclass(slots=True)
class Match:
    kind: Literal["answer", "ambiguous", "unknown"]
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Candidate:
        return self.candidates[0]


@dataclass(slots=True)
class _Key:
    area_id: int
    tokens: tuple[str, ...]
    is_name: bool


class AreaIndex:
    """An in-memory index of one workspace's area names and aliases."""

    def __init__(self, entries: list[tuple[int, str, list[str]]]) -> None:
        """entries: (area id, area name, aliases)."""
        self.names: dict[int, str] = {}
        self._keys: list[_Key] = []
        self._exact: dict[str, list[int]] = defaultdict(list)  # normalised text -> key indexes
        self._postings: dict[str, list[int]] = defaultdict(list)  # token -> key indexes
        for area_id, name, aliases in entries:
            self.names[area_id] = name
            for text, is_name in [(name, True), *((a, False) for a in aliases)]:
                toks = tuple(dict.fromkeys(tokens(text)))
                if not toks:
                    continue
                i = len(self._keys)
                self._keys.append(_Key(area_id, toks, is_name))
                self._exact[" ".join(toks)].append(i)
                for t in toks:
                    self._postings[t].append(i)
        self._vocab = list(self._postings)

    def __len__(self) -> int:
        return len(self.names)

    def _similar_words(self, word: str) -> list[tuple[str, float]]:
        if word in self._postings:
            return [(word, 1.0)]
        if len(word) < MIN_TYPO_LEN:
            return []
        found = process.extract(word, self._vocab, scorer=fuzz.ratio, score_cutoff=TYPO_AT, limit=3)
        return [(w, s / 100) for w, s, _ in found if len(w) >= MIN_TYPO_LEN]

    def scores(self, query: str) -> list[Candidate]:
        """Every plausible area with its best key's score, best first."""
        q = list(dict.fromkeys(tokens(query)))
        if not q:
            return []
        # For each key that shares a (possibly misspelt) word with the query: per query word,
        # the best similarity found in that key, and which of the key's words were used.
        covered: dict[int, dict[int, float]] = defaultdict(dict)
        used: dict[int, set[str]] = defaultdict(set)
        for qi, word in enumerate(q):
            for vocab_word, sim in self._similar_words(word):
                for ki in self._postings[vocab_word]:
                    if sim > covered[ki].get(qi, 0.0):
                        covered[ki][qi] = sim
                    used[ki].add(vocab_word)
        best: dict[int, float] = {}
        for ki, sims in covered.items():
            k = self._keys[ki]
            coverage = sum(sims.values()) / len(q)
            precision = len(used[ki]) / len(k.tokens)
            score = 100 * (0.75 * coverage + 0.25 * precision)
            if score > best.get(k.area_id, 0.0):
                best[k.area_id] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], self.names[item[0]]))
        return [Candidate(area_id, self.names[area_id], round(score, 1)) for area_id, score in ranked]

    def match(self, query: str) -> Match:
        normalised = key(query)
        exact = self._exact.get(normalised, [])
        exact_names = {self._keys[i].area_id for i in exact if self._keys[i].is_name}
        if len(exact_names) == 1:  # an area's own name always wins
            (area_id,) = exact_names
            return Match("answer", [Candidate(area_id, self.names[area_id], 100.0)])
        scored = self.scores(query)
        ranked = [c for c in scored if c.score >= SUGGEST_AT]
        exact_areas = list(dict.fromkeys(self._keys[i].area_id for i in exact))
        if len(exact_areas) == 1:
            # An alias answers unless other areas cover the whole question too ("roadmap" once
            # there is both an enterprise and a product roadmap): then it is a real ambiguity.
            rivals = [c for c in ranked if c.area_id != exact_areas[0] and c.score >= ANSWER_AT]
            chosen = Candidate(exact_areas[0], self.names[exact_areas[0]], 100.0)
            if not rivals:
                return Match("answer", [chosen])
            return Match("ambiguous", [chosen, *rivals][:5])
        if not ranked:
            return Match("unknown", [c for c in scored if c.score >= NEAR_AT][:3])
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top.score >= ANSWER_AT and top.score - runner_up >= CLEAR_LEAD:
            return Match("answer", [top])
        return Match("ambiguous", [c for c in ranked if top.score - c.score < 25][:5])
