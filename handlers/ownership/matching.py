"""Finding the area a question is about.

Words are normalised the way search engines do it: Unicode and case folded, British and American
spellings made one, then stemmed with the Snowball English stemmer (testing → test, deployment →
deploy, prioritises/prioritisation → prioritis). Function words are dropped *before* stemming
("does" never becomes "doe"), and nothing is mapped onto another real word: "IT budget" and
"funding" stay apart, and IT, HR, PO, QA stay words.

A question's words are then looked up in the registry's vocabulary: joined or split where the
registry writes a compound differently ("road map" → roadmap, "oncall" → on call), folded when
they are another form of a known word (auditors → audit), corrected when misspelt ("enterprize")
but never when they are English words the registry doesn't use ("extensions" is not "expenses").
A word the thesaurus reads as another word of the same question is said twice, and counts once.
Who a thing is for ("SLAs with the business") and what is done to it ("vulnerability scanning")
do not make it another thing.

Scoring is asymmetric on purpose. An area scores by how much of the *question* its names and
aliases explain (together: an alias word and a name word add up; its notes and its Accountable
party's description count for less), and, less, how much of its best name the question covers.
Harmless words ("quarterly", "these days", "please") cost nothing when unexplained; any other
unexplained word does. So "product roadmap for the mobile app" never confidently hits an area
called "roadmap": "product", "mobile" and "app" stay unexplained.
"""

from __future__ import annotations

import gc
import heapq
import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from string import ascii_lowercase
from typing import Literal, NamedTuple

import snowballstemmer
from rapidfuzz import fuzz, process
from spellchecker import SpellChecker

from handlers.ownership.thesaurus import ABBREVIATIONS, SYNONYMS, VERBS

ANSWER_AT = 70  # best score at least this, and clearly ahead of the next area: answer
SUGGEST_AT = 55  # at least this: offer as "did you mean" (only when two or more are close)
NEAR_AT = 30  # shown as "closest areas" beside "I don't know yet"
CLEAR_LEAD = 8  # how far ahead the best area must be to answer without asking
MAX_WEIGHED = 150  # areas weighed (or passed over as unable to matter) for a question, at most (see _ranked)
LIMIT = 10  # areas ranked for a question
PROMOTED_AT_MOST = 4  # words in a question of harmless words only, for them to be its topic (see _terms)
CLOSE = 15  # areas this close to the best are offered together in "did you mean"
TYPO_AT = 80  # per-word similarity that counts as "the same word, misspelt"
MIN_TYPO_LEN = 4  # shorter words must match exactly ("ea" is not "a")
# What a word found only in an area's notes explains, and once the question names the area, what
# the notes confirm; the same for its Accountable party's description, shared by all its areas.
NOTES, NOTES_NAMED = 0.6, 0.9
ABOUT, ABOUT_NAMED = 0.4, 0.6
ANSWER_COVER = 0.9  # an answer explains (nearly) every topic word of the question
SOFT_WEIGHT = 0.3  # a harmless word that some name has: helps there, costs a little elsewhere
HINT_BONUS = 8  # the question's verb found in an area's names ("who *coaches* the teams")
QUESTION_SHARE = 0.75  # the rest of a score is how much of the area's best name was asked for
SYNONYM_SIM = 0.92  # a word read through the thesaurus: nearly the word itself, never more

# Words that carry no topic: dropped from names and questions alike.
STOPWORDS = frozenset(
    "a an the of for to about on in at by with and or our my your their its this that these those "
    "is are was were be been being am please me us i we you it he she they them what which who whom whose how "
    "do does did done can could should would will shall may might must whats whos there here "
    "thing things stuff area areas topic".split()
)
# More function words, dropped from questions only: names and aliases keep them, as the keys
# stored for them (area.key, party.key) were made with them ("Feedback from customers").
QUESTION_STOPWORDS = frozenset(
    "from into onto via per than then so but as any some each every something anything across between among "
    "within over under behind whether other others another why".split()
)
# Words that may qualify a topic without changing it. They help when an area's names contain
# them, and cost nothing when not: "the quarterly OKRs", "test environments these days".
SOFT = frozenset(
    """
    hey hi hello thanks thank cheers pls plz quick question one sorry know anyone anybody someone somebody
    actually currently now nowadays day days today still again really just also even exactly usually
    normally else ever right best main overall general whole entire official current new latest next last
    upcoming existing quarterly monthly annual annually yearly weekly daily companywide org wide
    team teams side bit part matter matters process processes issue issues question questions problem
    problems help support query queries request requests thing stuff whole owner owners ownership own
    accountable accountability responsible responsibility charge job role remit contact person people
    lead decide decides decision manage manages managing manager look looks after handle handles
    handling run runs running maintain maintains organise organises set sets sort sorts deal deals
    take takes care keep keeps date up down broken wrong missing working work fail fails failing failed
    stuck slow bad terrible awful rubbish flaky patchy unreliable laggy useless unusable intermittent
    not won off year years quarter month week cycle plan plans policy policies schedule list
    form system systems use used using sure make makes go get find internal external have has had need
    needs want wants got like
    unpaid overdue outstanding pending late urgent expired expiring lost stolen locked cancelled canceled
    duplicate incorrect approved rejected old big small large major minor critical simple
    first mid weekend weekends tonight tomorrow yesterday morning afternoon evening night overnight
    monday tuesday wednesday thursday friday saturday sunday
    relationship relationships requirement requirements record records approach round rounds
    activity activities arrangement arrangements setup aspect aspects programme programmes scheme schemes
    progress status extra additional more further say says said meet meets meeting meetings
    moment future anymore recently lately soon asap think thought guess believe suspect
    raise raises raised raising submit submits submitted signoff goes went gone going stopped stops
    bring brings brought fill fills filled forgot forget forgotten become becomes became concern concerns
    mandatory fix fixes fixed fixing timeline timelines move moves moved moving put puts putting add adds added adding
    remove removes removed removing delete deletes deleted deleting live file files folder folders
    approve approves approving approval approvals sit sits sitting agenda agendas slot slots shift shifts usage
    campaign campaigns replacement guest organisation organization article articles item items case cases
    open opened back yet follow follows followed chase chasing chased industry cluster clusters
    production prod disagree agree come comes coming came port ports topics freeze channel channels dispute disputes
    attendance choice choices publish publishes published publishing initiative initiatives ask asks asking
    emailed sent minute minutes compassionate parental maternity paternity bereavement
    tracker trackers model models principle principles threshold thresholds
    two three four five six seven eight nine ten
    rate rates score scores breach breaches deadline deadlines renewal renewals refresh update updates evidence
    figures numbers code codes tenant tenants window windows emergency exercise exercises drill drills cover
    """.split()
)
_NOT_SOFT = frozenset("finding findings rights parts".split())  # audit findings, access rights, spare parts
_INFLECTIONS = (("s", ""), ("es", ""), ("d", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))


@lru_cache(maxsize=4096)
def soft(word: str) -> bool:
    """A harmless word, or an inflection of one (managed, planning). Not whatever shares its stem:
    "accounts" is not "accountable", "response" not "responsible", "settings" not "set"."""
    if word in SOFT:
        return True
    if word in _NOT_SOFT:
        return False
    for end, add in _INFLECTIONS:
        if word.endswith(end) and len(word) > len(end) + 2:
            base = word[: -len(end)]
            if end == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
                continue  # "notes" is not "not"
            if base + add in SOFT and stem(word) == stem(base + add):  # "news" is not "new"
                return True
            if end == "ing" and base[-1] == base[-2] and base[:-1] in SOFT:  # planning
                return True
    return False


# Spellings of the same word (not synonyms: those belong in the registry's aliases).
VARIANTS = {
    "center": "centre",
    "centers": "centres",
    "datacenter": "datacentre",
    "datacenters": "datacentres",
    "catalog": "catalogue",
    "catalogs": "catalogues",
    "license": "licence",
    "licenses": "licences",
    "licensing": "licencing",
    "program": "programme",
    "programs": "programmes",
    "behavior": "behaviour",
    "defense": "defence",
    "analyze": "analyse",
    "traveler": "traveller",
    "travelers": "travellers",
    "traveling": "travelling",
    "enroll": "enrol",
    "labor": "labour",
}
_IZE = re.compile(r"(?<=[a-z]{4})iz(e|es|ed|ing|er|ers|ation|ations)$")  # organize → organise
_WORD = re.compile(r"[^\W_]+(?:[&+][^\W_]+)*", re.UNICODE)  # l&d, i&o and t&e stay one word
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)|n't\b")
# In questions, contractions too: "I'm off sick", "we've", "they'll" leave no word behind. Not in
# names: their stored keys (area.key, party.key) were made without this.
_CONTRACTION = re.compile(r"(?<=\w)'(?:m|re|ve|ll|d)\b|\b(?:wo|ca|sha)n't\b", re.IGNORECASE)  # won't: no "wo"
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,5})s\b")  # POs → PO, SLAs → SLA, OKRs → OKR
# "I can't log in": a word the stop words would take half of ("in" goes, and "log" is a RAID log).
_LOG_IN = re.compile(
    r"\b(?:log|logged|logging|sign|signed|signing)\s+(?:in|on)(?=\s*(?:$|[,.!?;:]|to\b|anymore\b))",
    re.IGNORECASE,
)
# "for sign off": an approval, not a sign (nor "off", a stop word away from "off sick").
_SIGN_OFF = re.compile(r"\bsign(?:ed|s|ing)?[\s-]?off\b", re.IGNORECASE)
_CAPITALS = re.compile(r"[A-Z]{2}")
_TEAMS = re.compile(r"\bTeams\b")  # capitalised, the product: "I can't join *Teams* meetings" (not "our teams")
# Where the asker is, not what they ask about: "the wifi in the office", "printing from home",
# "the wifi on floor 3".
_WHERE = re.compile(
    r"\b(?:in|at|from|around|across|on)\s+(?:the\s+|our\s+|my\s+|this\s+)?(?:(?:\d+(?:st|nd|rd|th)?|ground|top)\s+)?"
    r"(?:office|offices|building|home|site|floor)\b(?:\s+\d+\b)?",
    re.IGNORECASE,
)
# And when: "at the end of the quarter", "at 2am", "over Christmas", "out of date".
_WHEN = re.compile(
    r"\b(?:(?:at|by|before|after|until|from|towards?)\s+(?:the\s+)?(?:end|start|beginning|middle)\s+of\s+"
    r"(?:the\s+|this\s+|next\s+|each\s+)?(?:day|week|month|quarter|year|sprint)"
    r"|(?:at\s+)?\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)|over\s+(?:the\s+)?(?:christmas|easter|holidays|new\s+year)"
    r"|(?:out\s+of|up\s+to)\s+date|at\s+(?:the\s+)?(?:month|quarter|year)[\s-]end)\b",
    re.IGNORECASE,
)
# Words that start a clause saying when or why, after the topic: its words are context ("who fixes
# the test environment when it is down"), which helps an area that has them and costs nothing.
# Verbs that only say something is given ("who *delivers* scrum training"): no hint at the area
# whose name has the word (Delivery framework).
_PROVIDE = frozenset("deliver delivers delivered delivering provide provides provided providing".split())
_ASKING = frozenset("ask asks asked asking wonder wondering know check checking see confirm sure".split())
_CLAUSE = frozenset("after before during when whenever while once until if unless since".split())
# Who a thing is for or with, after the topic, does not change who owns it: "chargebacks *to
# business units*", "SLAs *with the business*", "interviews *for developers*". Those words are
# left out. Only groups of people: "the roadmap *for the mobile app*" names another roadmap.
_FOR_WHOM = re.compile(r"\b(?:for|to|with|from|across|between|among)\b", re.IGNORECASE)
AUDIENCE = frozenset(
    """
    business businesses unit units department departments dept depts division divisions function
    functions group groups developer developers tester testers engineer engineers architect architects
    manager managers staff employee employees colleague colleagues user users everyone everybody
    stakeholder stakeholders leadership executive executives domain domains
    """.split()
)
_EXTERNAL = frozenset("customer customers client clients".split())
# Of those, the organisation's own people: "hiring a *developer*" is hiring, but "onboarding of new
# *customers*" is not the onboarding of staff.
_STAFF = frozenset(
    "developer developers tester testers engineer engineers architect architects staff employee employees".split()
)
# What is done to a thing, or has happened to it ("vulnerability *scanning*", "contractor
# *extensions*", "personal data *leaked*"): an English word ending so, after a word the registry
# names (all of a name, but for a head like "management"), is the thing's own business, not
# another thing. Except words so ending that name things and places ("the data centre *parking*").
# Which system a question is about, at its end: "access *for the HR system*", "backups *of the
# payroll app*". Unless a name of the registry says it, it names which one, not what is asked.
_SCOPE = re.compile(
    r"\b(?:for|in|on|to|of|with)\s+(?:the\s+|our\s+|my\s+|an?\s+|this\s+)?(?P<which>(?:[\w&-]+\s+){0,3}?)"
    r"(?:system|systems|tool|tools|app|apps|application|applications|platform|portal|site|website)[\s.!?]*$",
    re.IGNORECASE,
)
_WHY = frozenset("so because cos as that".split())  # before a subject: why, or which one
_SUBJECT = re.compile(r"\b(?:we|i|they|you|he|she)\b(?!')", re.IGNORECASE)


def _halves(name: str, canon) -> list[frozenset[str]]:
    return [h for half in _AND.split(name) if (h := frozenset(canon(w, w) for w in tokens(half)))]


def split_scope(text: str) -> tuple[str, str]:
    """The text, and the "for the HR system" at its end that says which system (or "")."""
    m = _SCOPE.search(text)
    return (text[: m.start()], text[m.start() :]) if m else (text, "")


_IDIOM = re.compile(r"[^\W_]+\s+(?:and|&)\s+[^\W_]+", re.IGNORECASE)  # an alias "lunch and learn"
_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_DOING = ("ing", "ings", "ion", "ions", "ed")
# And a part or a record of it: "the IT strategy *document*", "the roadmap *slide*".
RECORD = frozenset(
    "document documents documentation doc slide slides deck decks page pages template templates spreadsheet "
    "spreadsheets handbook".split()
)
_MANAGED = frozenset(snowballstemmer.stemmer("english").stemWords("management administration platform process".split()))
# Heads that say an area is the whole of its subject: "testing" asks for the Test strategy first.
_UMBRELLA = _MANAGED | frozenset(snowballstemmer.stemmer("english").stemWords("strategy governance".split()))
# Words that say an area is the whole organisation's, not one system's (see _qualified).
_WIDE = frozenset(snowballstemmer.stemmer("english").stemWords("enterprise corporate company global".split()))
_NOT_DOING = frozenset(
    """
    building buildings parking wedding weddings ceiling ceilings clothing painting paintings string strings
    sibling siblings pudding pension pensions region regions union unions mansion champion champions fashion
    cushion cushions million millions billion billions opinion opinions religion nation nations onion onions
    pricing marketing billing accounting engineering ticketing catering housing banking printing
    """.split()
)
_IN_SYSTEM = re.compile(r"\b(?:in|on|for|with|to|of|from)\s+(?:the\s+|our\s+|my\s+)?([A-Z]{2,6})\b")
_ACTED_ON = "the|an?|our|my|your|their|its|this|that|these|those|to|of|for|on|with"
_AFTER_PRONOUN = STOPWORDS | QUESTION_STOPWORDS | frozenset("up out off back down".split())
_NOUN_BEFORE = frozenset("the our an for of in at about on to with whole and".split())
_STEMMER = snowballstemmer.stemmer("english")
COMMON_WORD = 100  # times seen in pyspellchecker's corpus: a word people mean (rarer: "calender", a slip)
# Rarer than this in English, a capitalised word is a name (Adobe, Azure, Workday, Visio), not the
# word; commoner ones (Release, Party, Christmas) are the word, whatever the case.
NAME_WORD = 1000


@lru_cache(maxsize=65536)  # a registry repeats its words; the regular expression is the cost
def spelling(word: str) -> str:
    word = VARIANTS.get(word, word)
    return _IZE.sub(r"is\1", word) if not word.endswith("size") else word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """One form per word: plurals, verb forms and -ment/-ation/-ance endings folded."""
    if len(word) <= 3 or word.isdigit() or not word.isalpha():
        return word
    return _OVERSTEMMED.get(word) or _STEMMER.stemWord(word)


# Words the stemmer folds into another word: production is not a product ("prod is down").
_OVERSTEMMED = {"production": "production", "productions": "production"}
_KEPT = frozenset(_OVERSTEMMED.values())  # nor is it another form of one (see _family)
# Abbreviations of one word by its own first letters (tech → technology; not aws → cloud): where a
# registry uses both, they are one word.
_ONE_WORD = tuple(
    (stem(short), stem(full))
    for short, full in ABBREVIATIONS.items()
    if " " not in short and " " not in full and short[0] == full[0] and short.isalpha()
) + tuple(  # and words the thesaurus reads each as the other: vendor and supplier
    (stem(a), stem(b)) for a, b in SYNONYMS.items() if SYNONYMS.get(b) == a and a > b
)


@lru_cache(maxsize=16384)  # the same questions and names come again and again
def words(text: str, *, question: bool = False) -> tuple[str, ...]:
    """The text's words, normalised and spelt one way, without function words (not stemmed).

    "IT" is a word (the department); lower-case "it" only where a pronoun could not stand
    ("the it budget", "it budget for next year"), and in names and aliases always."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    if _CAPITALS.search(text):  # the substitutions are most of the cost of building an index
        text = _ACRONYM_PLURAL.sub(r"\1", text)
    if "'" in text:
        text = _POSSESSIVE.sub(" ", _CONTRACTION.sub(" ", text) if question else text)
    if question:
        text = _SIGN_OFF.sub("signoff", _LOG_IN.sub("login", _WHEN.sub(" ", _WHERE.sub(" ", text))))
        text = _TEAMS.sub("msteams", text)
    raw = _WORD.findall(text)
    out: list[str] = []
    for i, token in enumerate(raw):
        word = token.casefold()
        if word == "it" and question and token != "IT":
            before = raw[i - 1].casefold() if i else "the"  # a topic starting "it budget" is the IT budget
            if before not in _NOUN_BEFORE or i + 1 >= len(raw) or raw[i + 1].casefold() in _AFTER_PRONOUN:
                continue  # "who do I send *it* to"
        elif (word in STOPWORDS and word != "it") or (question and word in QUESTION_STOPWORDS):
            continue
        out.append(spelling(word))
    return tuple(out)


def tokens(text: str) -> tuple[str, ...]:
    """The stems of a text's words: what names, aliases and ideas are compared by."""
    return tuple(stem(w) for w in words(text))


def key(text: str) -> str:
    """The normalised form used for exact lookups and uniqueness: 'The Roadmaps!' → 'roadmap'."""
    return " ".join(tokens(text))


class _Spellings:
    """Words by length, to find the one a slip of the keyboard meant (a ratio of 80 or more needs
    lengths within a few letters); each length's pool is gathered once."""

    def __init__(self, words: Iterable[str], min_len: int) -> None:
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for w in words:
            if len(w) >= min_len and w.isalpha():
                self._by_length[len(w)].append(w)
        self._pools: dict[tuple[int, int], list[str]] = {}

    def nearest(self, word: str, spread: int, cutoff: float = TYPO_AT) -> tuple[str, float] | None:
        pool = self._pools.get((len(word), spread))
        if pool is None:
            lengths = range(len(word) - spread, len(word) + spread + 1)
            pool = self._pools[len(word), spread] = [w for n in lengths for w in self._by_length.get(n, ())]
        found = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=cutoff)
        return (found[0], found[1] / 100) if found else None


_SOFT_SPELLINGS = _Spellings(SOFT, 5)
_THESAURUS_SPELLINGS = _Spellings((*ABBREVIATIONS, *SYNONYMS), 6)


@lru_cache(maxsize=4096)
def _slip_of_soft(word: str) -> tuple[str, float]:
    """The harmless word this one is a slip of, and how similar ("", 0 when none)."""
    found = _SOFT_SPELLINGS.nearest(word, 2) if len(word) >= 5 else None
    return found or ("", 0.0)


@lru_cache(maxsize=4096)
def _slip_of_thesaurus(word: str) -> str | None:
    """The one-word thesaurus entry the word is a slip of ("passwrod", "sharepiont"), if any."""
    found = _THESAURUS_SPELLINGS.nearest(word, 1, 85) if len(word) >= 6 else None
    return found[0] if found else None


@lru_cache(maxsize=1)
def _speller() -> SpellChecker:
    return SpellChecker(distance=1)


@lru_cache(maxsize=1)
def english() -> frozenset[str]:
    """Common English words. A question word among them is meant as written, and is never
    "corrected" into a registry word: "contractor extensions" are not expenses. (A spell
    checker's own rule: a real word is not a typo.) Loaded once, with the first index."""
    counts = _speller().word_frequency.dictionary
    return frozenset(w for w, n in counts.items() if n >= COMMON_WORD)


@lru_cache(maxsize=4096)
def _rare(word: str) -> bool:
    return _speller().word_frequency.dictionary.get(word, 0) < NAME_WORD


@lru_cache(maxsize=4096)
def _english_slips(word: str) -> tuple[str, ...]:
    """Common English words one slip of the keyboard from `word` (two letters swapped, one left
    out, added or struck wrong), commonest first; none that is only its other spelling (centre)."""
    counts = _speller().word_frequency.dictionary
    near = (w for w in english().intersection(_one_slip(word)) if spelling(w) != word)
    return tuple(sorted(near, key=lambda w: (-counts[w], w)))


@lru_cache(maxsize=4096)
def _english_form(word: str) -> bool:
    """A common English word, or a form of one ("provisioned": provision)."""
    return word in english() or any(
        word.endswith(end) and word[: -len(end)] + add in english()
        for end, add in _INFLECTIONS
        if len(word) > len(end) + 3
    )


@lru_cache(maxsize=4096)
def _in_thesaurus(said: str) -> str:
    """The thesaurus's entry for a word or another form of it: "recharged" is "recharge"."""
    if said in ABBREVIATIONS or said in SYNONYMS or " " in said:
        return said
    for end, add in _INFLECTIONS:
        if said.endswith(end) and len(said) > len(end) + 2:
            base = said[: -len(end)] + add
            if (base in ABBREVIATIONS or base in SYNONYMS) and stem(base) == stem(said):
                return base
    return said


def _one_slip(word: str) -> Iterator[str]:
    """Every string one slip from `word`. pyspellchecker's edit_distance_1 does this with every
    letter of its dictionary (45, accents too): twice the strings, and the time, for words typed
    in English."""
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
            for c in ascii_lowercase:
                yield head + c + tail[1:]
        for c in ascii_lowercase:
            yield head + c + tail


def _family(w: str, vocabulary: set[str]) -> str:
    """The shortest known stem `w` extends by a short ending: deliveri → deliv, strategi → strateg."""
    if w in _KEPT:
        return w
    for n in range(max(5, len(w) - 3), len(w)):
        if w[:n] in vocabulary:
            return w[:n]
    return w


def _misspelt(word: str, known: str) -> bool:
    """The word differs from the known stem within the stem, not only after it (enterprize →
    enterpris is a correction; auditors → audit or priority → prioriti is another form)."""
    spelt = word.replace("y", "i")
    n = min(len(spelt), len(known))
    return spelt[:n] != known[:n]


def _initials(name: str) -> frozenset[str]:
    """What "A and B" is written as: Learning and development → l&d, Travel and expenses → t&e."""
    if "&" not in name and " and " not in name.casefold():  # most names: no regular expression
        return frozenset()
    parts = re.split(r"\s+(?:and|&)\s+", name.casefold(), maxsplit=1)
    if len(parts) != 2:
        return frozenset()
    left, right = (re.findall(r"[^\W\d_]+", p) for p in parts)
    return (
        frozenset({"".join(w[0] for w in left) + "&" + "".join(w[0] for w in right)}) if left and right else frozenset()
    )


_paused = 0
_pause_lock = threading.Lock()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while an index is built. It allocates a hundred thousand objects that
    all live on, and each full collection on the way walks everything the process holds: 60% of
    a 10,000-area build in a running bot. Builds may overlap (threads); the last one resumes."""
    global _paused
    with _pause_lock:
        if _paused == 0 and not gc.isenabled():  # paused by someone else: leave it to them
            pausing = False
        else:
            pausing = True
            _paused += 1
            gc.disable()
    try:
        yield
    finally:
        if pausing:
            with _pause_lock:
                _paused -= 1
                if _paused == 0:
                    gc.enable()


@dataclass(slots=True)
class Candidate:
    area_id: int
    name: str
    score: float


@dataclass(slots=True)
class Match:
    kind: Literal["answer", "ambiguous", "unknown"]
    candidates: list[Candidate] = field(default_factory=list)
    corrected: bool = False  # the answer needed a misspelt or split word read as another
    # Ambiguous only between areas that each explain the whole question ("security": Information
    # security, Security awareness): when one party is accountable for them all, that is the answer.
    explained: bool = False

    @property
    def best(self) -> Candidate:
        return self.candidates[0]


@dataclass(slots=True)
class _Term:
    stem: str
    kind: Literal["content", "soft", "hint"] = "content"
    sim: float = 1.0  # < 1 when it stands for a misspelt word
    corrected: bool = False  # read as another word (typo, compound): worth saying so
    weight: float = 1.0
    doing: bool = False  # an English word for an activity the registry doesn't use ("scanning")
    acts: bool = False  # and it acts on what follows it: "*extending* a contractor" (not "*marketing* budget")


@dataclass(slots=True)
class _Score:
    score: float  # ranks areas: question explained (names count most) and name asked for
    cover: float  # share of the question's topic words the area explains at all
    named: bool  # a topic word is in one of its names (not only in notes)
    corrected: bool


class _AreaWords(NamedTuple):
    """An area's words, as scoring reads them (one lookup: it runs for every candidate area)."""

    stems: frozenset[str]  # of its name, aliases and initials
    notes: frozenset[str]  # in its notes only
    about: frozenset[str]  # in its Accountable party's description only
    keys: list[frozenset[str]]  # each name's and alias's stems
    shortest: int  # words in its shortest share: with n of them asked, at most n/shortest of a name is
    # Asked for one thing, its name is all asked for where the rest of the name only says it is
    # the whole of that thing (Test *strategy*, Data *governance*), and either half of "A and B" is
    # (Reporting and BI; not Value discovery and delivery, where "value" is said of both).
    shares: list[tuple[frozenset[str], int]]


class _Asked:
    """A question's terms laid out for scoring many areas: one tuple per word, hints apart."""

    __slots__ = ("words", "topic_stems", "hints", "stems", "total")

    def __init__(self, terms: list[_Term]) -> None:
        self.words = [(t.stem, t.weight, t.sim, t.kind == "content", t.corrected) for t in terms if t.kind != "hint"]
        self.topic_stems = frozenset(w[0] for w in self.words if w[3])
        self.hints = [t.stem for t in terms if t.kind == "hint"]
        self.stems = frozenset(w[0] for w in self.words)
        self.total = sum(w[1] for w in self.words)


class AreaIndex:
    """An in-memory index of one workspace's areas: names and aliases ("keys") and context."""

    def __init__(self, entries: list[tuple]) -> None:
        """entries: (area id, name, aliases) or (area id, name, aliases, notes, party description)."""
        with _collector_paused():
            self._build(entries)

    def _build(self, entries: list[tuple]) -> None:
        self.names: dict[int, str] = {}
        self._english = english()
        self._key_area: list[int] = []
        self._exact: dict[str, list[int]] = defaultdict(list)  # key text -> key indexes
        self._exact_name: dict[str, list[int]] = defaultdict(list)  # area name key -> areas
        self._areas: dict[int, _AreaWords] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)  # stem -> areas with it in a key
        self._notes_postings: dict[str, list[int]] = defaultdict(list)  # stem -> areas with it in notes only
        # A party's description is the same words for each of its areas (hundreds, at scale): it
        # is posted once, for the party's group of areas, and only weighed where names fall short.
        self._about_postings: dict[str, list[int]] = defaultdict(list)  # stem -> groups
        self._groups: list[list[int]] = []  # group -> its areas
        self._context_count: Counter[str] = Counter()  # stem -> areas with it in notes or description only
        groups: dict[frozenset[str], int] = {}
        group_words: list[frozenset[str]] = []  # group -> its description's words
        read = []
        idioms: dict[int, list[tuple[str, ...]]] = {}  # area -> its "lunch and learn" aliases (see _half_idiom)
        raw: set[str] = set()  # every stem, to find word families in
        written: set[str] = set()  # every word of a name or alias as written
        context = lru_cache(maxsize=None)(self._context)  # a party's description is every one of its areas'
        for entry in entries:
            area_id, name, aliases = entry[0], entry[1], entry[2]
            notes, about = (context(entry[3]), context(entry[4])) if len(entry) > 4 else (frozenset(), frozenset())
            keys = [(tokens(name), True), *((tokens(a), False) for a in aliases)]
            if any(" and " in a or "&" in a for a in aliases):
                if found := [tokens(a) for a in aliases if _IDIOM.fullmatch(a.strip())]:
                    idioms[area_id] = found
            for text in (name, *aliases):  # as written, for misspellings of a long word ("managemnet")
                written.update(words(text))
            for ks, _ in keys:
                raw.update(ks)
            raw.update(notes)
            read.append((area_id, name, keys, _initials(name), notes, about))
        for about in {about for *_, about in read}:
            raw.update(about)
        # One stem per word family where the stemmer leaves two (delivery/deliver, strategy/strategic).
        self._canon = {w: c for w in raw if (c := _family(w, raw)) != w}
        for short, full in _ONE_WORD:  # "tech radar" and "technology strategy": one word, one stem
            if short in raw and full in raw:
                self._canon[short] = self._canon.get(full, full)
        canon = self._canon.get
        self._idioms = {a: [frozenset(canon(w, w) for w in t) for t in found] for a, found in idioms.items()}
        for area_id, name, keys, initials, notes, about in read:
            self.names[area_id] = name
            stems: set[str] = set(initials)
            key_sets: list[frozenset[str]] = []
            for key_stems, is_name in keys:
                key_stems = tuple(canon(w, w) for w in key_stems)
                if not key_stems:
                    continue
                i = len(self._key_area)
                self._key_area.append(area_id)
                key_sets.append(frozenset(key_stems))
                self._exact[" ".join(key_stems)].append(i)
                if is_name:
                    self._exact_name[" ".join(key_stems)].append(area_id)
                stems.update(key_stems)
            for w in stems:
                self._postings[w].append(area_id)
            in_notes = frozenset(canon(w, w) for w in notes) - stems if notes else notes
            in_about = about
            if about:
                if (group := groups.get(about)) is None:
                    group = groups[about] = len(self._groups)
                    self._groups.append([])
                    group_words.append(frozenset(canon(w, w) for w in about))
                    for w in group_words[group]:
                        self._about_postings[w].append(group)
                self._groups[group].append(area_id)
                in_about = group_words[group]
                if not (in_about.isdisjoint(stems) and in_about.isdisjoint(in_notes)):
                    in_about = in_about - stems - in_notes
                self._context_count.update(in_about)
            shares = []
            if key_sets and (core := key_sets[0] - _UMBRELLA) != key_sets[0] and core:
                shares.append((key_sets[0], len(core)))  # Test *strategy*: testing itself
            halves = _halves(name, canon) if " and " in name or "&" in name else []
            if len({len(h) for h in halves}) == 1:
                shares += [(h, len(h)) for h in halves]  # Reporting *and BI*: reporting itself
            shortest = min((*map(len, key_sets), *(n for _, n in shares)), default=1)
            self._areas[area_id] = _AreaWords(frozenset(stems), in_notes, in_about, key_sets, shortest, shares)
            for w in in_notes:
                self._notes_postings[w].append(area_id)
            self._context_count.update(in_notes)
        self._vocabulary = self._postings.keys() | self._context_count.keys()
        self._log_n = math.log(len(self.names) + 1)
        # Misspellings are looked up among words of similar length only (ratio ≥ 80 needs it).
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for w in self._vocabulary:
            if len(w) >= MIN_TYPO_LEN - 1 and w.isalpha():
                self._by_length[len(w)].append(w)
        self._surface = {w: canon(s, s) for w in written if len(w) >= MIN_TYPO_LEN and w.isalpha() for s in (stem(w),)}
        self._written = _Spellings(self._surface, MIN_TYPO_LEN)
        self._pools: dict[int, list[str]] = {}
        self._by_prefix: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self._vocabulary):
            if len(w) >= 5:
                self._by_prefix[w[:5]].append(w)

    def __len__(self) -> int:
        return len(self.names)

    @staticmethod
    def _context(text: str) -> frozenset[str]:
        return frozenset(stem(w) for w in words(text, question=True) if w not in SOFT) if text else frozenset()

    # ------------------------------------------------------------------ reading a question

    def _known(self, s: str) -> bool:
        return s in self._vocabulary

    def _stem(self, word: str) -> str:
        s = stem(word)
        return self._canon.get(s, s)

    def _pool(self, n: int) -> list[str]:
        pool = self._pools.get(n)
        if pool is None:
            lo, hi = int(n * 2 / 3), int(n * 3 / 2) + 1
            pool = self._pools[n] = [w for m in range(lo, hi + 1) for w in self._by_length.get(m, ())]
        return pool

    def _correct(self, s: str, word: str) -> tuple[str, float] | None:
        """The known stem that `s` (the stem of `word`) is most probably a misspelling of, and how
        similar. A misspelt word often stems to nothing like the word's stem ("managemnet" is not
        "manag", "seucrity" not "secur"): then it is compared with the registry's words as written."""
        if len(word) < MIN_TYPO_LEN or not word.isalpha():
            return None
        found = (
            process.extractOne(s, self._pool(len(s)), scorer=fuzz.ratio, score_cutoff=TYPO_AT)
            if len(s) >= MIN_TYPO_LEN
            else None
        )
        by_stem = (found[0], found[1] / 100) if found else None
        # The nearer of the two: "secruity" is security as written, not the stem recruit.
        written = self._written.nearest(word, 2, 100 * by_stem[1] + 0.01 if by_stem else TYPO_AT)
        return (self._surface[written[0]], written[1]) if written else by_stem

    def _form(self, s: str) -> str | None:
        """Another form of a known word: auditor → audit, pos → po, prioriti → prioritis."""
        if inflected := self._inflection(s):
            return inflected
        if len(s) >= 5:  # one is the other plus an ending the stemmer left (priorit-y / priorit-ise)
            if (family := _family(s, self._vocabulary)) != s:
                return family
            for w in self._by_prefix.get(s[:5], ()):
                if w.startswith(s[:-1]) and abs(len(w) - len(s)) <= 3:
                    return w
        return None

    def _inflection(self, s: str) -> str | None:
        """A known word with an ending the stemmer left on: auditor → audit, pos → po."""
        for cut in ("s", "er", "or", "e"):
            if s.endswith(cut) and len(s) - len(cut) >= 2 and self._known(s[: -len(cut)]):
                return s[: -len(cut)]
        return None

    def _reading(self, said: str) -> list[_Term]:
        """What the thesaurus reads a word (or two) the registry does not know as, when the
        registry knows every word of that reading: infosec → information security."""
        said = _in_thesaurus(said)
        sim = 1.0 if said in ABBREVIATIONS else SYNONYM_SIM
        if not (instead := ABBREVIATIONS.get(said) or SYNONYMS.get(said)):
            return []
        stems = [s if self._known(s := self._stem(w)) else self._form(s) for w in words(instead)]
        return [_Term(s, sim=sim, corrected=True) for s in stems if s] if all(stems) else []

    def _split(self, word: str) -> list[str] | None:
        """A run-together compound whose parts the registry knows: oncall → call, datacentre."""
        for cut in range(2, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if (left in STOPWORDS or self._known(self._stem(left))) and self._known(self._stem(right)):
                return [self._stem(w) for w in (left, right) if w not in STOPWORDS]
        return None

    def _scoped(self, query: str) -> int | None:
        """Where "for the HR system" starts, when it says which system rather than what is asked."""
        # Not when the words before it name nothing: "we want *to retire an old application*".
        if (m := _SCOPE.search(query)) and any(
            not soft(w) or self._stem(w) in self._postings for w in words(query[: m.start()], question=True)
        ):
            if not any(self._stem(w) in self._postings for w in words(m["which"], question=True)):
                return m.start()
        return None

    def _terms(self, query: str, hint: str = "") -> list[_Term]:
        if (cut := self._scoped(query)) is not None:
            query = query[:cut]  # "access *for the HR system*": which system, not what
        ws = list(words(query, question=True))
        slipped: dict[str, float] = {}  # stems of words read as the English word they are a slip of
        named_slips: set[str] = set()  # those of them that a name of the registry has
        capitalised = [w for w in _WORD.findall(query) if w[0].isupper()]
        names = {w.casefold() for w in capitalised}  # "a Visio licence": a product
        # Which one, not what: "a licence for *Adobe*", "*Priya's* leave" (not SSO, not IT: acronyms are topics).
        titled = {spelling(w.casefold()) for w in capitalised if not w.isupper()}
        # And a system by its initials after the topic: "bad data *in the CRM*" (not "the CAB": known).
        for m in _IN_SYSTEM.finditer(query):
            if not (self._known(self._stem(a := m[1].casefold())) or self._reading(a)):
                titled.add(a)
        for i, w in enumerate(ws):
            if w not in names and (meant := self._slip_of_english(w)):
                ws[i] = meant
                s = self._stem(meant)
                slipped[self._form(s) or s] = slipped[s] = fuzz.ratio(w, meant) / 100
                if s in self._postings and len(_english_slips(w)) <= 1:  # "probelm records" (not "platns")
                    named_slips.add(s)
        # Where the first "for/to/with …" starts, in words: audience words after it are context.
        tail = len(words(query[: m.start()], question=True)) if (m := _FOR_WHOM.search(query)) else len(ws)
        # Where a clause with its own subject starts: "a new application *we bought*", "the IT
        # services *we offer*" say which one, not what.
        clause = len(ws)
        for m in _SUBJECT.finditer(query):  # right after a thing the registry knows: not "a supplier *says* we …"
            before = query[: m.start()]
            if (n := len(words(before, question=True))) and (last := _WORD.findall(before)[-1].casefold()):
                if last in _WHY or (not soft(last) and self._known(self._stem(last))):
                    clause = n  # or after "so", "because": "the IT strategy *so I can check it*"
                    break
        said = Counter(self._stem(w) for w in ws)
        out: list[_Term] = []
        for w in words(hint, question=True):  # the question's verb: a bonus where a name has it
            if w in _PROVIDE:
                continue
            s = self._stem(w)
            if s := s if self._known(s) else self._form(s):
                out.append(_Term(s, "hint"))
            elif w in VERBS and self._known(v := self._stem(VERBS[w])):  # "who *pays* our vendors": invoices
                out.append(_Term(v, "hint"))
        i, context, aside = 0, False, None
        while i < len(ws):
            w, s = ws[i], self._stem(ws[i])
            if w == "if" and i and ws[i - 1] in _ASKING:  # "asking *if* they can use …": whether, what is asked
                i += 1
                continue
            if w in _CLAUSE:  # "root cause analysis *after an outage*": when, not what
                context = any(t.kind == "content" for t in out)  # before the topic: a question word
                i += 1
                continue
            if i >= clause and not context:
                context = any(t.kind == "content" for t in out)
            if w in AUDIENCE and (content := [t for t in out if t.kind == "content"]):
                # Who it is for: no help, no cost ("SLAs with the business" ≠ business continuity);
                # or who does it, right after a thing named whole ("*hiring* a developer", "UAT testers").
                if i >= tail or (w in _STAFF and self._names_a_thing(content)):
                    i += 1
                    continue
            # Customers are not the organisation's: "the service desk for customers" is theirs, not
            # ours. Only as a thing's qualifier does the word drop out: "the owner for customer data".
            if w in _EXTERNAL and i >= tail and i + 1 < len(ws) and self._known(self._stem(ws[i + 1])):
                i += 1
                continue
            if i >= tail and w in titled and w not in self._english and any(t.kind != "hint" for t in out):
                i += 1  # a name: who, not what ("our relationship *with Microsoft*"; not "for Data Governance")
                continue
            if i >= tail and aside is None:  # the words before "for …" name an area whole: "alerts *for our services*"
                named = [t for t in out if t.kind == "content"]
                after = [
                    _Term(t)
                    for x in ws[i:]
                    if (t := self._stem(x)) in self._postings or (self._known(t) and not soft(x))
                ]
                # Unless those after it name one whole too: "the roadmap for data governance" may be theirs.
                aside = bool(named) and self._names_a_thing(named) and not (after and self._names_a_thing(after))
            if aside and self._known(s):  # another area's word says which one, not what
                out.append(_Term(s, "soft"))
                i += 1
                continue
            if context:
                out.append(_Term(s if self._known(s) else self._form(s) or s, "soft"))
                i += 1
                continue
            if i + 1 < len(ws):  # "road map", "road-map", "time sheets" → roadmap, timesheets
                joined = self._stem(w + ws[i + 1])
                if self._known(joined) and not (self._known(s) and self._known(self._stem(ws[i + 1]))):
                    out.append(_Term(joined, corrected=True))
                    i += 2
                    continue
                if read := self._reading(f"{w} {ws[i + 1]}"):  # "pen test", "off sick", "time off"
                    out.extend(read)
                    i += 2
                    continue
            i += 1
            if (read := self._reading(w)) and all(t.stem != s and said[t.stem] for t in read):
                said[s] -= 1  # dropped, it no longer stands for the other: "vendors and suppliers"
                continue  # the same thing said twice: "onboarding of new joiners", "leave and holidays"
            if soft(w) or self._adverb(w) or (w.isdigit() and not self._known(s)):  # "stage gate 2"
                # Harmless, and where the thesaurus reads it as a registry word, a hint at it too:
                # "the testing *approach*" leans to the test strategy.
                hinted = read if read and not self._known(s) else [_Term(s)]
                out.extend(_Term(t.stem, "soft", sim=t.sim, corrected=t.corrected) for t in hinted)
            elif w not in self._english and w not in self._surface and _slip_of_soft(w)[1] >= 0.9:
                out.append(self._soft_slip(w))  # "responsable" is responsible, though "respons" is a stem here
            elif self._known(s):  # a record word only notes use is still a record ("the strategy document")
                out.append(_Term(s, doing=w in RECORD and s not in self._postings))
            elif w in titled and _rare(w) and not (read or self._inflection(s) or self._split(w) or self._swapped(w)):
                continue  # a name the registry doesn't know: which one, not what ("Visio" is no vision)
            elif w not in self._english and _slip_of_soft(w)[1] >= 0.9:  # "accountbale" is not a form of "account"
                out.append(self._soft_slip(w))
            elif read:  # a word the thesaurus knows is not another form of a registry word: analytics ≠ analysis
                out.extend(read)
            elif form := self._form(s):
                out.append(_Term(form, corrected=_misspelt(w, form)))
            elif parts := self._split(w):
                out.extend(_Term(p, corrected=True) for p in parts)
            elif w not in self._english and w not in ABBREVIATIONS and (fix := self._correct(s, w)):
                if _slip_of_soft(w)[1] > fix[1]:  # "repsonsible", "qusetions": no topic, misspelt
                    out.append(self._soft_slip(w))
                else:
                    out.append(_Term(fix[0], sim=fix[1], corrected=True))
            elif w not in self._english and _slip_of_soft(w)[1]:
                out.append(self._soft_slip(w))
            elif w not in self._english and (said_as := _slip_of_thesaurus(w)) and (read := self._reading(said_as)):
                out.extend(read)  # "passwrod": a slip of a word the thesaurus knows
            else:
                doing = w.endswith(_DOING) and len(w) > 5 and _english_form(w) and w not in _NOT_DOING
                acts = doing and re.search(rf"\b{re.escape(w)}\s+(?:{_ACTED_ON})\b", query, re.IGNORECASE) is not None
                out.append(_Term(s, doing=doing or w in RECORD, acts=acts))
        for t in out:
            if t.stem in slipped:  # worth saying how it was read, and a little less sure
                t.corrected, t.sim = True, min(t.sim, slipped[t.stem])
        content = [t for t in out if t.kind == "content"]
        if len(content) >= 2 and content[-1].doing and self._names_a_thing(content[:-1]):
            out.remove(content[-1])  # "vulnerability *scanning*": what is done to it, not another thing
        elif len(content) >= 2 and content[0].acts and self._acted_on(out[out.index(content[0]) + 1 :]):
            out.remove(content[0])  # and before it: "*extending* a contractor", "an *exception* to IT policy"
        elif (
            len(content) >= 2
            and content[-1].stem in _MANAGED
            and self._names_a_thing(content[:-1])
            and not self._is_key(content)  # "portfolio management" may be a name itself
        ):
            out.remove(content[-1])  # "contractor *management*", "the hosting *platform*": the thing, run
        if (
            len(content) >= 2
            and content[0].stem == "it"
            and self._names_a_thing(content[1:], without="it")
            and not self._names_a_thing([t for t in out if t.kind != "hint"] + [content[0]])  # "IT policy changes"
        ):
            content[0].kind = "soft"  # "the *IT* roadmap": an area the rest names whole, that no name calls IT's
        # "who coaches the teams": soft words are all there is. Not in a sentence, where they are only
        # what is said around a name it drops: "can we *use* Postgres or is it not on the approved list".
        if not any(t.kind == "content" for t in out) and len(ws) <= PROMOTED_AT_MOST:
            for t in out:
                # Not "the platns" (a slip: not "the plans"), nor the verb: "who *manages* our
                # relationship with Microsoft" is not about every management area.
                if t.kind == "soft" and t.stem in self._postings and (not t.corrected or t.stem in named_slips):
                    t.kind = "content"
        for t in out:
            if t.kind == "soft":  # a harmless word costs little, and only where some name has it
                t.weight = SOFT_WEIGHT if t.stem in self._postings else 0.0
                continue
            areas = len(self._postings.get(t.stem, ())) + self._context_count[t.stem]
            if areas:  # a word many areas share tells less than a rare one
                t.weight = 0.5 + 0.5 * min(1.0, math.log((len(self.names) + 1) / areas) / self._log_n * 2)
        unique: dict[str, _Term] = {}
        for t in out:  # a word asked twice counts once, as its strongest kind
            if t.stem not in unique or unique[t.stem].kind != "content":
                unique[t.stem] = t
        return [t for t in unique.values() if t.weight > 0]

    def _adverb(self, word: str) -> bool:
        """An adverb of an English word: "directly", "urgently", "properly" say how, not what. (Here,
        not in soft(): the English words are loaded with the index, off the event loop.)"""
        return word.endswith("ly") and len(word) > 5 and word[:-2] in self._english and not self._known(stem(word))

    def _slip_of_english(self, word: str) -> str | None:
        """The English word a word nobody uses most probably is, one slip of the keyboard away
        ("lciensing", "sysetm"): one the registry or the thesaurus knows (the commonest), else the
        only one there is. A word the registry knows, or reads as another form of, is left as it is."""
        if len(word) < 5 or not word.isalpha() or word in self._english or soft(word):
            return None
        s = self._stem(word)
        if self._known(s) or self._form(s) or self._reading(word) or self._split(word):
            return None
        options = [spelling(w) for w in _english_slips(word)]
        for option in options:
            if self._known(o := self._stem(option)) or self._form(o) or self._reading(option):
                return option
        for k in range(len(word) - 1):  # two letters swapped in a word of the registry's ("datcaenter")
            swapped = spelling(word[:k] + word[k + 1] + word[k] + word[k + 2 :])
            if swapped != word and (self._known(self._stem(swapped)) or self._split(swapped)):
                return swapped
        return options[0] if len(options) == 1 else None  # "platns": plants or plans? Not a guess

    def _swapped(self, word: str) -> bool:
        """Two letters swapped in a word the registry or the thesaurus has ("Mircosoft", "ShareoPint"):
        the one slip a name is read through, as it keeps every letter (Figma is no sigma)."""
        for spellings in (self._written, _THESAURUS_SPELLINGS):
            found = spellings.nearest(word, 0)
            if found and sorted(found[0]) == sorted(word):
                return True
        return False

    def _soft_slip(self, word: str) -> _Term:
        """A slip of a harmless word, read as that word: "IT polciies" helps IT policies."""
        return _Term(self._stem(_slip_of_soft(word)[0]), "soft", corrected=True)

    def _acted_on(self, terms: list[_Term]) -> bool:
        """What an activity is done to is a thing the registry knows: an area named whole, or words
        all of which it has ("*attending* a conference": conferences are in Learning's notes)."""
        return self._names_a_thing(terms) or all(self._known(t.stem) for t in terms if t.kind == "content")

    def _is_key(self, terms: list[_Term]) -> bool:
        """The terms' words are, all of them, a name or alias of some area."""
        said = frozenset(t.stem for t in terms)
        return any(said in self._areas[area].keys for area in self._postings.get(terms[-1].stem, ()))

    def _names_a_thing(self, terms: list[_Term], *, without: str = "") -> bool:
        """The terms say all of some area's name or alias, but for a head that only says it is
        managed or run: "vulnerability" names Vulnerability management, "cloud" Cloud platform;
        "product" does not name Product owner practice (so "product pricing" is not about it).
        With `without`, only an area none of whose names has that word counts."""
        said = {t.stem for t in terms}
        for area in self._postings.get(terms[-1].stem, ()):
            if without and without in self._areas[area].stems:
                continue
            if any(k - _MANAGED <= said for k in self._areas[area].keys):
                return True
            halves = _halves(self.names[area], self._canon.get)  # either half of "A and B" names it too:
            if len(halves) > 1 and any(h <= said for h in halves):  # "alerting"
                return True
        return False

    # -------------------------------------------------------------------------- scoring

    def _score(self, area: int, asked: _Asked, floor: float = 0.0) -> _Score | None:
        """How well the area answers; None when it cannot score `floor` (not among the best)."""
        # Called for every candidate area of a question (40 on average at 10,000 areas, up to
        # MAX_WEIGHED): set operations in C where a loop in Python would do the same.
        stems, notes, about, keys, _, shares = self._areas[area]
        named = not asked.topic_stems.isdisjoint(stems)
        in_notes, in_about = (NOTES_NAMED, ABOUT_NAMED) if named else (NOTES, ABOUT)
        explained = topic = covered = 0.0
        corrected = False
        for s, weight, sim, content, fixed in asked.words:
            if s in stems:
                hit = sim
                corrected |= fixed
            elif s in notes:
                hit = sim * in_notes
            elif s in about:
                hit = sim * in_about
            else:
                hit = 0.0
            explained += hit * weight
            if content:
                topic += weight
                covered += weight if hit else 0.0
        if not explained:
            return _Score(0.0, 0.0, False, False)
        bonus = HINT_BONUS * sum(h in stems or h in notes for h in asked.hints) if asked.hints else 0
        if 100 * (QUESTION_SHARE * explained / asked.total + 1 - QUESTION_SHARE) + bonus < floor:
            return None
        name_share = max([len(k & asked.stems) / len(k) for k in keys]) if not asked.stems.isdisjoint(stems) else 0.0
        if shares and len(asked.topic_stems) == 1 and name_share < 1.0:
            name_share = min(1.0, max(name_share, *(len(k & asked.topic_stems) / n for k, n in shares)))
        score = 100 * (QUESTION_SHARE * explained / asked.total + (1 - QUESTION_SHARE) * name_share) + bonus
        return _Score(score, covered / topic if topic else 1.0, named, corrected)

    def _ranked(
        self, terms: list[_Term], limit: int, *, closest: bool = False
    ) -> tuple[list[tuple[Candidate, _Score]], float]:
        """The `limit` best areas, best first, and what an area left unweighed could score at most
        (0 when every area that could matter was weighed). Areas far behind a suggestion are left
        out, unless `closest`: then the three closest are there whatever the best scores."""
        if not any(t.kind == "content" for t in terms):
            return [], 0.0
        asked = _Asked(terms)
        # Ties are weighed first-come: areas naming the question's rarest words come first, and
        # those it only finds in notes last ("files *from* backup" is not about every invoice
        # "from suppliers": a common word must not crowd out the area named by a rare one).
        by_weight = [w[0] for w in sorted(asked.words, key=lambda w: -w[1] * w[2])]
        named: Counter[int] = Counter()
        for s in by_weight:
            named.update(self._postings.get(s, ()))
        hits = named
        if any(s in self._notes_postings for s in by_weight):
            hits = named.copy()
            for s in by_weight:
                hits.update(self._notes_postings.get(s, ()))
        groups: Counter[int] = Counter()  # party descriptions: how many of the question's words each has
        for s in by_weight:
            groups.update(self._about_postings.get(s, ()))
        most_about = max(groups.values(), default=0)
        n = len(asked.words)
        reach = [0.0, *accumulate(sorted((w[1] * w[2] for w in asked.words), reverse=True))]
        bonus = HINT_BONUS * len(asked.hints)

        def ceiling(names: int, notes: int, about: int, share: float) -> float:
            """The most an area can score with that many of the question's words in its names, its
            notes and its party's description: the weightiest ones where they count most."""
            in_notes, in_about = (NOTES_NAMED, ABOUT_NAMED) if names else (NOTES, ABOUT)
            i, j, k = names, names + notes, names + notes + about
            explained = reach[i] + in_notes * (reach[j] - reach[i]) + in_about * (reach[k] - reach[j])
            return 100 * (QUESTION_SHARE * min(1.0, explained / asked.total) + (1 - QUESTION_SHARE) * share) + bonus

        best: dict[int, _Score] = {}
        kept: list[float] = []  # the `limit` best scores so far, lowest first: what an area must beat
        weighed = 0
        top = 0.0
        podium: list[float] = []  # the three best scores so far, lowest first: the hints "unknown" shows
        bar = NEAR_AT  # what an area must be able to score to matter (see weigh)
        unweighed: float | None = None

        def enough(found: int) -> bool:
            # Hundreds of areas sharing the same words make a question vague whichever they are:
            # enough of them are weighed to show choices, not all (a match stays within 2 ms);
            # none of those left may then be outscored by a clear lead (see match).
            return weighed >= MAX_WEIGHED or (found < n and top < SUGGEST_AT and weighed >= 3 * limit)

        def weigh(area: int) -> None:
            nonlocal weighed, top, bar
            scored = self._score(area, asked, kept[0] if len(kept) >= limit else 0.0)
            if scored is None:  # weighed, and below the `limit` best: it would never be shown
                weighed += 1
            elif scored.score > 0:
                weighed += 1
                best[area] = scored
                top = max(top, scored.score)
                (heapq.heappush if len(kept) < limit else heapq.heappushpop)(kept, scored.score)
                (heapq.heappush if len(podium) < 3 else heapq.heappushpop)(podium, scored.score)
            # One of the three closest areas "I don't know" shows or, once there is a suggestion,
            # one near it (unless asked for those three: see match).
            bar = max(NEAR_AT, podium[0] if len(podium) == 3 else 0.0)
            if top >= SUGGEST_AT and not closest:
                bar = max(SUGGEST_AT, top - CLOSE)

        # Areas in order of question words found in their names and notes; stop once even a
        # perfect one could not reach the bar, and pass over one whose own words could not.
        loose = [ceiling(found, 0, min(n - found, most_about), 1.0) for found in range(n + 1)]
        tight: dict[tuple[int, int, int, int], float] = {}
        for area in sorted(hits, key=hits.__getitem__, reverse=True):  # most_common() without its tuples
            found = hits[area]
            if loose[found] < bar:
                break
            words, names = self._areas[area], named[area]
            about = len(words.about & asked.stems) if most_about else 0
            if enough(found + about):
                unweighed = loose[found]
                break
            at_most = tight.get(shape := (names, found, about, words.shortest))
            if at_most is None:
                at_most = tight[shape] = ceiling(names, found - names, about, min(1.0, names / words.shortest))
            if at_most < bar:  # its own words cannot get it there: passed over, as good as weighed
                weighed += 1
                continue
            weigh(area)
        # Then areas only their party's description speaks of, a group (a party) at a time.
        if unweighed is not None:
            unweighed = max(unweighed, ceiling(0, 0, most_about, 0.0) if most_about else 0.0)
        for group in sorted(groups, key=groups.__getitem__, reverse=True) if unweighed is None else ():
            at_most = ceiling(0, 0, groups[group], 0.0)
            for area in self._groups[group]:
                if at_most < bar:
                    break
                if area in hits:
                    continue
                if enough(groups[group]):
                    unweighed = at_most
                    break
                weigh(area)
            if unweighed is not None or at_most < bar:
                break
        ranked = heapq.nsmallest(limit, best.items(), key=lambda item: (-item[1].score, self.names[item[0]]))
        return [(Candidate(a, self.names[a], round(sc.score, 1)), sc) for a, sc in ranked], unweighed or 0.0

    def _qualified(self, terms: list[_Term], area: int) -> bool:
        """The area's name says it is the whole organisation's, and the question asked about one
        system's: "the roadmap *for the customer portal*" is not the *Enterprise* roadmap (but
        "access for the HR system" is Access management's)."""
        said = {t.stem for t in terms if t.kind != "hint"}
        return not (self._areas[area].keys[0] & _WIDE) <= said

    def _half_idiom(self, terms: list[_Term], area: int) -> bool:
        """The question finds the area only through half of an alias like "lunch and learn": one
        thing said in two words, which "the team *lunch*" does not name (an area's name, "Travel and
        expenses", is two things, and either names it)."""
        if not (idioms := self._idioms.get(area)):
            return False
        said = {t.stem for t in terms if t.kind == "content"}
        found = said & self._areas[area].stems
        if not found or any(k <= said for k in idioms):
            return False
        return all(k in idioms for k in self._areas[area].keys if k & found)

    def _verb_elsewhere(self, terms: list[_Term], ranked: list[tuple[Candidate, _Score]], area: int) -> bool:
        hints = {t.stem for t in terms if t.kind == "hint"} - self._areas[area].stems
        return bool(hints) and any(c.area_id != area and hints & self._areas[c.area_id].stems for c, _ in ranked)

    def _only_in_notes(self, terms: list[_Term], area: int) -> bool:
        """The question's one topic word is in this area's notes and in no other area anywhere."""
        (term,) = [t for t in terms if t.kind == "content"]
        return term.stem in self._areas[area].notes and self._context_count[term.stem] == 1

    def mentioned(self, text: str) -> list[Candidate]:
        """Areas whose name or an alias appears whole in a longer text (an idea, not a question),
        the most specific (longest key) first; score is the number of words of that key."""
        present = {self._canon.get(w, w) for w in tokens(text)}
        best: dict[int, int] = {}
        for s in present:
            for area in self._postings.get(s, ()):
                if area in best:
                    continue
                for k in self._areas[area].keys:
                    if k <= present:
                        best[area] = max(best.get(area, 0), len(k))
        ranked = sorted(best.items(), key=lambda item: (-item[1], self.names[item[0]]))
        return [Candidate(area_id, self.names[area_id], float(n)) for area_id, n in ranked]

    def match(self, query: str, hint: str = "") -> Match:
        normalised = " ".join(self._canon.get(w, w) for w in tokens(query))
        exact_names = set(self._exact_name.get(normalised, ()))
        if len(exact_names) == 1:  # an area's own name always wins
            (area_id,) = exact_names
            return Match("answer", [Candidate(area_id, self.names[area_id], 100.0)])
        terms = self._terms(query, hint)
        ranked, unweighed = self._ranked(terms, LIMIT)
        exact_areas = list(dict.fromkeys(self._key_area[i] for i in self._exact.get(normalised, ())))
        # The registry says this is what the words mean (an accepted gap, too), unless the verb
        # points at another area they find: "who *pays* our vendors" may be the suppliers' invoices.
        if len(exact_areas) == 1 and not self._verb_elsewhere(terms, ranked, exact_areas[0]):
            return Match("answer", [Candidate(exact_areas[0], self.names[exact_areas[0]], 100.0)])
        near = [c for c, sc in ranked if c.score >= NEAR_AT][:3]
        if not ranked:
            return Match("unknown", near)
        (top, best), runner_up = ranked[0], max(ranked[1][0].score if len(ranked) > 1 else 0.0, unweighed)
        content = sum(t.kind == "content" for t in terms)
        if (
            best.cover >= ANSWER_COVER
            and top.score - runner_up >= CLEAR_LEAD
            and not self._half_idiom(terms, top.area_id)
            and not (self._scoped(query) is not None and self._qualified(terms, top.area_id))
            and (top.score >= ANSWER_AT if best.named else content >= 2 or self._only_in_notes(terms, top.area_id))
        ):
            return Match("answer", [top], corrected=best.corrected)
        close = [
            (c, sc) for c, sc in ranked if top.score - c.score < CLOSE and sc.cover >= 0.5 and c.score >= SUGGEST_AT
        ]
        if len(close) >= 2 and best.cover >= ANSWER_COVER and top.score >= ANSWER_AT > unweighed:
            said = {t.stem for t in terms if t.kind != "hint"}
            whole = [c for c, _ in close if any(len(k) >= 2 and k <= said for k in self._areas[c.area_id].keys)]
            if whole == [top]:  # "projects at *stage gates*": the one area the question names whole
                return Match("answer", [top], corrected=best.corrected)
        if len(close) >= 2:
            explained = (
                len(close) <= 5 and top.score >= ANSWER_AT and all(sc.cover >= ANSWER_COVER for _, sc in close[:5])
            )
            return Match("ambiguous", [c for c, _ in close[:5]], explained=explained)
        if top.score >= SUGGEST_AT:  # areas far behind it were passed over; now they are the hints
            near = [c for c, _ in self._ranked(terms, 3, closest=True)[0] if c.score >= NEAR_AT]
        return Match("unknown", near)
