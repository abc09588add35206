"""Finding the area a question is about: normalise, expand aliases, fuzzy-match tokens.

Scoring is asymmetric on purpose. A key (area name or alias) scores by how much of the
*question* it covers (typo-tolerant, per token) and, less, how much of itself the question
covers. So "product roadmap" never confidently hits an area aliased "roadmap": the word
"product" stays unexplained. Two thresholds turn scores into answer / "did you mean" / unknown.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
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


@lru_cache(maxsize=8192)  # the same questions come again and again
def tokens(text: str) -> tuple[str, ...]:
    text = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold().replace("’", "'"))
    out: list[str] = []
    for raw in _WORD.findall(text):
        word = SYNONYMS.get(raw, raw)
        word = SYNONYMS.get(stem(word), stem(word))
        if word and word not in STOPWORDS:
            out.append(word)
    return tuple(out)


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


class AreaIndex:
    """An in-memory index of one workspace's area names and aliases ("keys")."""

    def __init__(self, entries: list[tuple[int, str, list[str]]]) -> None:
        """entries: (area id, area name, aliases)."""
        self.names: dict[int, str] = {}
        self._key_area: list[int] = []
        self._key_words: list[frozenset[str]] = []
        self._key_is_name: list[bool] = []
        self._exact: dict[str, list[int]] = defaultdict(list)  # normalised text -> key indexes
        self._postings: dict[str, list[int]] = defaultdict(list)  # word -> key indexes
        for area_id, name, aliases in entries:
            self.names[area_id] = name
            for text, is_name in [(name, True), *((a, False) for a in aliases)]:
                words = tuple(dict.fromkeys(tokens(text)))
                if not words:
                    continue
                i = len(self._key_area)
                self._key_area.append(area_id)
                self._key_words.append(frozenset(words))
                self._key_is_name.append(is_name)
                self._exact[" ".join(words)].append(i)
                for w in words:
                    self._postings[w].append(i)
        # Misspellings are looked up among words of similar length only (ratio ≥ 80 needs it).
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for w in self._postings:
            if len(w) >= MIN_TYPO_LEN and not any(ch.isdigit() for ch in w):
                self._by_length[len(w)].append(w)

    def __len__(self) -> int:
        return len(self.names)

    def _correct(self, word: str) -> tuple[str, float] | None:
        """The known word that `word` is most probably a misspelling of, and how similar."""
        if len(word) < MIN_TYPO_LEN or any(ch.isdigit() for ch in word):
            return None
        lo, hi = int(len(word) * 2 / 3), int(len(word) * 3 / 2) + 1
        pool = [w for n in range(lo, hi + 1) for w in self._by_length.get(n, ())]
        found = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=TYPO_AT)
        return (found[0], found[1] / 100) if found else None

    def scores(self, query: str, limit: int = 10) -> list[Candidate]:
        """The best-scoring areas (each by its best key), best first."""
        q = list(dict.fromkeys(tokens(query)))
        if not q:
            return []
        n = len(q)
        hits: Counter[int] = Counter()  # key -> query words it contains (misspelt ones corrected)
        corrected: list[tuple[str, float]] = []
        for word in q:
            if word not in self._postings:
                fix = self._correct(word)
                if fix is None:
                    continue
                corrected.append(fix)
                word = fix[0]
            hits.update(self._postings[word])  # counted in C: common words cost little

        best: dict[int, float] = {}
        top = 0.0
        # Keys in order of query words covered. Stop once even a perfect-precision key could not
        # reach a score that matters: a suggestion (≥ SUGGEST_AT, within 25 of the best) or,
        # while there is none, one of `limit` hints (≥ NEAR_AT).
        for ki, covered in hits.most_common():
            ceiling = 100 * (0.75 * covered / n + 0.25)
            if top >= SUGGEST_AT:
                if ceiling < max(SUGGEST_AT, top - 25):
                    break
            elif ceiling < NEAR_AT or (ceiling < SUGGEST_AT and len(best) >= limit):
                break
            used = covered
            if corrected:  # a misspelt word covers a little less than the word itself
                covered -= sum(1 - sim for word, sim in corrected if word in self._key_words[ki])
            score = 100 * (0.75 * covered / n + 0.25 * used / len(self._key_words[ki]))
            area = self._key_area[ki]
            if score > best.get(area, 0.0):
                best[area] = score
                top = max(top, score)
        ranked = heapq.nsmallest(limit, best.items(), key=lambda item: (-item[1], self.names[item[0]]))
        return [Candidate(area_id, self.names[area_id], round(score, 1)) for area_id, score in ranked]

    def mentioned(self, text: str) -> list[Candidate]:
        """Areas whose name or an alias appears whole in a longer text (an idea, not a question),
        the most specific (longest key) first; score is the number of words of that key."""
        present = set(tokens(text))
        hits: Counter[int] = Counter()
        for word in present:
            hits.update(self._postings.get(word, ()))
        best: dict[int, int] = {}
        for ki, covered in hits.items():
            if covered == len(self._key_words[ki]):
                area = self._key_area[ki]
                best[area] = max(best.get(area, 0), covered)
        ranked = sorted(best.items(), key=lambda item: (-item[1], self.names[item[0]]))
        return [Candidate(area_id, self.names[area_id], float(n)) for area_id, n in ranked]

    def match(self, query: str) -> Match:
        normalised = key(query)
        exact = self._exact.get(normalised, [])
        exact_names = {self._key_area[i] for i in exact if self._key_is_name[i]}
        if len(exact_names) == 1:  # an area's own name always wins
            (area_id,) = exact_names
            return Match("answer", [Candidate(area_id, self.names[area_id], 100.0)])
        scored = self.scores(query)
        ranked = [c for c in scored if c.score >= SUGGEST_AT]
        exact_areas = list(dict.fromkeys(self._key_area[i] for i in exact))
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
