"""Questions anyone can ask: who owns an area, what a party owns, who a party is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core import Incoming, Reply
from bot.core.ids import parse_id
from bot.core.router import Context, Routes
from handlers.ownership import registry
from handlers.ownership.matching import RECORD, key, soft, split_scope, words
from handlers.ownership.registry import RegistryCache
from handlers.ownership.replies import (
    area_answer,
    choices_reply,
    party_reply,
    reading,
    shared_reply,
    unknown_reply,
    with_note,
)

if TYPE_CHECKING:
    pass

routes = Routes("ownership")
routes.examples += [
    "who owns the enterprise roadmap?",
    "who do I talk to about the architecture description?",
    "where do I go for funding?",
    "what does the PMO own?",
    "who is the Oversight Team?",
]


# ------------------------------------------------------------------------ reading a question

# Chatter before the question: "hey quick one, do you know who …".
_LEAD = (
    r"^(?:(?:hey|hi|hello|hiya|yo|morning|good (?:morning|afternoon|evening|day)|afternoon|ok|okay|so|and|um|erm|btw"
    r"|dear (?:bot|all|team|colleagues)|sorry(?: to bother you)?"
    r"|quick (?:one|q|question)|random question|question|folks|all|team|everyone|guys|please|pls|help|"
    r"(?:just|i was|i'm|i am)? ?wondering|i wonder|i need to know|any ?(?:one|body) knows?|"
    r"(?:do|does) (?:you|anyone|anybody|someone|somebody) (?:know|happen to know)|"
    r"(?:can|could) (?:you|anyone|someone|somebody) (?:tell me|let me know)|tell me)\b[\s,:;.!?-]*)*"
)
_LEAD_RE = re.compile(_LEAD, re.IGNORECASE)
_GROUP = r"(?:team|group|party|person|people|department|dept|one|role|function)s?"
# What the question intent takes; read_question decides what it asks about.
QUESTION = (
    _LEAD + r"(?:who|whom|whos|whose|woh|where|(?:which|what)\s+" + _GROUP + r")\b",
    _LEAD + r"is\s+there\s+(?:an?\s+|any\s*|some\s*)?(?:one|body|owner|owners|contact|person|team|group|lead)\b",
    r"^(?:owner|owners|ownership|accountability|raci|contact|point of contact)\s+(?:of|for|on)\s+\S",
    r"\S\s+(?:owner|owners|contact)$",
)
# "roadmap owner?", "stage gate approver?", "ARB chair?": the topic, then who they want.
_TITLES = {
    "owner", "owners", "contact", "contacts", "lead", "approver", "approvers", "chair", "organiser", "organizer",
    "admin", "administrator", "manager", "gatekeeper", "sponsor", "coordinator",
}  # fmt: skip
PARTY_AREAS = (
    _LEAD
    + r"what\s+(?:does|do|is|are)\s+(?:the\s+)?(?P<p>.+?)\s+(?P<role>own|do|run|handle|look after|manage|accountable"
    r" for|responsible for|consulted on|informed about|in charge of)$",
    _LEAD + r"(?:which|what)\s+areas?\s+(?:does|do|is|are)\s+(?:the\s+)?(?P<p>.+?)\s+(?P<role>own|accountable for|"
    r"responsible for|consulted on|informed about|in charge of|involved in)$",
)
WHO_IS = (_LEAD + r"what\s+(?:is|are)\s+(?:the\s+)?(?P<p>.+)$",)
ROLE_WORDS = {"accountable for": "A", "responsible for": "R", "consulted on": "C", "informed about": "I"}

_COPULA = {"is", "are", "was", "were", "be"}
_AUX = {"do", "does", "did", "should", "shall", "can", "could", "would", "will", "must", "might", "may"}
_PRONOUNS = {"i", "we", "you", "they", "one", "someone", "somebody", "people", "me", "us"}
_ADVERBS = {"actually", "really", "currently", "exactly", "usually", "normally", "else", "now", "even", "ultimately"}
_DETERMINERS = {"the", "a", "an", "our", "my", "your", "this", "that"}
# After a verb: the particles and prepositions that lead to the topic ("signs off on", "looks after").
_PARTICLES = {
    "to", "about", "for", "regarding", "re", "on", "with", "off", "after", "up", "over", "of", "care", "out",
    "into", "through", "in", "at", "if", "when", "whenever", "during", "around", "behind", "from", "that",
    "get", "find", "raise", "ask", "talk", "speak", "contact", "reach", "go", "turn", "together", "track",
}  # fmt: skip
# "who is the ___ of/for …": what a person in that role is called.
_ROLES = (
    "point of contact", "decision maker", "go-to person", "go to person", "right person", "best person",
    "main contact", "in charge", "go-to", "owner", "owners", "person", "people", "team", "contact", "lead",
    "approver", "gatekeeper", "head", "one", "someone", "responsible", "accountable", "expert", "guru", "boss",
    "manager",
)  # fmt: skip
_SOMEONE_ELSE = {"one", "someone", "somebody", "people"}  # "who someone …" is no asker
_NEEDS = {"needs", "need", "has", "have", "wants", "gets", "ought", "used"}
_SOMEONE = {"a", "an", "any", "anyone", "anybody", "some", "someone", "somebody", "one", "the"}
_LEADING_DETERMINER = re.compile(r"^(?:the|our|my|a|an)\s+(?=\S)", re.IGNORECASE)
_WHOSE_NOUNS = {"job", "responsibility", "role", "remit", "area", "call", "decision", "problem", "task", "duty"}


MAX_QUESTION_WORDS = 30  # longer is a message that mentions "who", not a question to the bot


@dataclass(frozen=True, slots=True)
class Asked:
    topic: str  # the words that name what is asked about, as typed
    hint: str = ""  # a verb that may say more ("who *coaches* the teams"); costs nothing if it doesn't
    who_is: bool = False  # "who is X?": X may be a party rather than an area


class _Words:
    """A question's words, lower-cased and without edge punctuation, with where each starts, so
    that the topic is handed on exactly as typed."""

    def __init__(self, text: str) -> None:
        found = [(m.start(), m[0].strip(",;:?!.").lower()) for m in re.finditer(r"\S+", text)]
        self.text = text
        self.starts = [start for start, w in found if w]
        self.low = [w for _, w in found if w]

    def __len__(self) -> int:
        return len(self.low)

    def rest(self, i: int, *, skip: set[str] = _PARTICLES) -> str:
        while i < len(self.low) - 1 and self.low[i] in skip:
            i += 1
        return self.text[self.starts[i] :] if i < len(self.low) else ""

    def word(self, i: int) -> str:
        return self.text[self.starts[i] :].split()[0] if i < len(self.low) else ""


def _after_verb(q: _Words, i: int, *, askers: bool = False) -> Asked:
    """q.low[i] is the verb of "who VERB …" (any verb, misspelt too): the rest is the topic. The
    verb hints at the area ("who *coaches* the teams"), unless it is what the asker does: "who do I
    *call* when the system is down" is not about the on-call rota."""
    while i < len(q) - 1 and q.low[i] in _ADVERBS:
        i += 1
    return Asked(q.rest(i + 1), hint="" if askers else q.word(i))


def _after_who(q: _Words, i: int) -> Asked:
    low = q.low
    while i < len(q) - 1 and low[i] in _ADVERBS:
        i += 1
    if i >= len(q):
        return Asked("")
    if low[i] in _COPULA:
        j = i + 1
        while j < len(q) and low[j] in _DETERMINERS:
            j += 1
        tail = " ".join(low[j:])
        for role in _ROLES:
            if tail == role or tail.startswith(role + " "):
                k = j + len(role.split())
                if k < len(q) and low[k] in ("who", "that", "to"):  # "the person who signs off …"
                    return _after_verb(q, k + 1)
                return Asked(q.rest(k))
        if low[-1] in _TITLES - {"owner", "owners", "manager"} and len(q) - j > 1:  # "who is the Jira admin"
            return Asked(" ".join(q.text[q.starts[j] :].split()[:-1]))
        if j == i + 1 and low[j].endswith("ing") and (j < len(q) - 1 or i > 1):  # "who is handling the outage"
            return _after_verb(q, j)
        return Asked(q.rest(i + 1, skip=set()), who_is=True)
    if i < len(q) - 1 and low[i] in _PRONOUNS - _SOMEONE_ELSE:  # "who I should contact", "who we ask about"
        i += 1 + (i + 2 < len(q) and low[i + 1] in _AUX)
        return _after_verb(q, i, askers=True)
    if i < len(q) - 1 and low[i] in _NEEDS and low[i + 1] == "to":  # "who needs to approve my change"
        return _after_verb(q, i + 2)
    if low[i] in _AUX:
        if low[i] in ("do", "does", "did") and (i + 1 >= len(q) or low[i + 1] not in _PRONOUNS):
            return Asked(q.rest(i + 1))  # "who does patching": "does" is the verb
        i += 1
        askers = i < len(q) and low[i] in _PRONOUNS
        if askers:
            i += 1
        if i < len(q) - 1 and low[i] in ("need", "have", "want", "got") and low[i + 1] == "to":
            i += 2
        return _after_verb(q, i, askers=askers)
    return _after_verb(q, i)


def read_question(text: str) -> Asked | None:
    """What an ownership question asks about, in any of the ways people ask it; None if it isn't one.

    "who signs off on travel requests", "whos in charge of X", "who ownes X", "whose job is it to
    set the OKRs", "where do I go for funding", "roadmap owner?", "who do I tell if staging is down"."""
    text = _LEAD_RE.sub("", text.replace("’", "'").strip()).strip(" ,;:.!?")
    text = re.sub(r"^(who|where)(?:'s|s|'re)(?=\s)", r"\1 is", text, flags=re.IGNORECASE)
    q = _Words(text)
    low = q.low
    if not low:
        return None
    if low[0] in ("who", "whom", "woh"):
        return _after_who(q, 1)
    if low[0] in ("which", "what") and len(low) > 1 and re.fullmatch(_GROUP, low[1]):
        return _after_who(q, 2)
    if low[:2] == ["is", "there"]:  # "is there an owner for X", "is there someone responsible for X"
        i = 2
        while i < len(q) - 1 and low[i] in _SOMEONE:
            i += 1
        return _after_verb(q, i)
    if low[0] == "whose":
        if len(low) > 2 and low[1] in _WHOSE_NOUNS and low[2] in ("is", "'s"):
            i = 3 + (len(low) > 3 and low[3] == "it" and q.word(3) != "IT")  # not "whose job is IT strategy"
            if i < len(low) - 1 and low[i] == "to":  # "whose job is it to set the OKRs"
                return _after_verb(q, i + 1)
            return Asked(q.rest(i))
        return Asked(q.rest(1, skip=_COPULA))
    if low[0] == "where":
        if len(low) > 1 and low[1] in _COPULA:  # "where's the list of IT services and who maintains it"
            return _pointing_back(Asked(q.rest(2, skip=set()), who_is=True))
        if len(low) > 2 and low[1] in _AUX and low[2] not in _PRONOUNS | {"it"}:  # "where do project requests go"
            return _pointing_back(Asked(q.rest(2)))
        i = 2 + (len(low) > 2 and low[2] in _PRONOUNS | {"it"}) if len(low) > 1 and low[1] in _AUX else 1
        return _pointing_back(_after_verb(q, i))
    if low[0] == "how" and len(low) > 3 and low[1] in _AUX and low[2] in _PRONOUNS:  # "how do I raise a PO"
        return _pointing_back(_after_verb(q, 3, askers=True))
    if low[-1] in _TITLES and len(low) > 1 and not any(w.startswith("who") for w in low):  # "roadmap owner?"
        return Asked(text[: q.starts[-1]].strip())
    if low[0] in ("owner", "owners", "ownership", "accountability", "raci", "contact"):
        return Asked(q.rest(1))
    if low[:3] == ["point", "of", "contact"]:
        return Asked(q.rest(3))
    return None


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=\S)")


def read_asked_sentence(text: str) -> Asked | None:
    """In a message of several sentences, the one asked, when it names its topic: "Which team runs
    the steering committee? We need a decision escalated." ("… Who maintains it?" is left to
    read_question_after, which reads what "it" is from the sentences before.)"""
    sentences = _SENTENCE_END.split(text.strip())
    if len(sentences) < 2:
        return None
    for sentence in [s for s in sentences[:-1] if s.endswith("?")] + sentences[-1:]:  # the last may have lost its "?"
        if (asked := read_question(sentence)) and not _points_back(asked.topic):
            return asked
    return None


_AND_WHO = re.compile(r"[\s,;]+(?:and\s+)?who\b(?P<clause>.*)$", re.IGNORECASE)


def _pointing_back(asked: Asked) -> Asked:
    """ "where can I find the roadmap *and who maintains it*": a who-clause that only points back
    at the topic says nothing more about it."""
    m = _AND_WHO.search(asked.topic)
    if m and _points_back(_after_who(_Words(m["clause"]), 0).topic):
        return Asked(asked.topic[: m.start()], hint=asked.hint)
    return asked


_VERB_PARTICLES = {"out", "up", "off", "over", "back", "down", "through"}


def _points_back(topic: str) -> bool:
    """Nothing said but harmless words, or a record of the thing named before ("that document"),
    or the verb's particle ("who sorts that *out*")."""
    return all(soft(w) or w in RECORD or w in _VERB_PARTICLES for w in words(topic, question=True))


_INITIALS = re.compile(r"\b([A-Z]{2,5})s?\b")


def _spelt_out(topic: str, before: str) -> str:
    """Initials the words before spelt out mean those words: "I've just been made a product owner,
    who supports new POs?" asks about product owners, whatever else PO may stand for."""
    said = re.findall(r"[^\W\d_]+", before)
    for m in _INITIALS.finditer(topic):
        n = len(m[1])
        if m[1] in said:  # used as it is before, not spelt out
            continue
        for k in range(len(said) - n + 1):
            run = said[k : k + n]
            # Words, not "I think" for IT: each of three letters or more.
            if all(len(w) >= 3 for w in run) and "".join(w[0] for w in run).upper() == m[1]:
                plural = "s" if m[0].endswith("s") else ""
                return topic[: m.start()] + " ".join(said[k : k + n]) + plural + topic[m.end() :]
    return topic


def read_question_after(text: str) -> Asked | None:
    """A question whose "who" comes after its topic or some chatter: "my timesheet is wrong, who
    can fix it?", "when does the ARB meet and who chairs it", "I'm new here, who owns the roadmap?".
    When the who-clause only points back ("it", "them", or nothing), the words before it are the topic."""
    text = re.sub(r"\bwho(?:'s|s)(?=\s|$)", "who is", text.replace("’", "'").strip(), flags=re.IGNORECASE)
    text, scope = split_scope(text)  # "… who can help *for the HR system*": which system, after either part
    q = _Words(text)
    # "…, who can fix it", "…, where do I submit it" (not "the office is where I work").
    late = [n for n in range(1, len(q)) if q.low[n] == "who" or (q.low[n] == "where" and q.word(n + 1).lower() in _AUX)]
    if not late:
        return None
    i = late[0]
    asked = _after_who(q, i + 1) if q.low[i] == "who" else read_question(q.text[q.starts[i] :]) or Asked("")
    if not _points_back(asked.topic):  # not "who can help *these days*", "who owns *that document*"
        topic = _spelt_out(asked.topic, q.text[: q.starts[i]])
        return Asked(f"{topic} {scope}".strip(), asked.hint, asked.who_is)
    if asked.who_is:  # "thanks, who are you?"
        return None
    before = re.sub(
        r"(?:[\s,;:.!?-]+(?:and|so|but|then))?[\s,;:.!?-]*$", "", q.text[: q.starts[i]], flags=re.IGNORECASE
    )
    return Asked(f"{before} {scope}".strip(), hint=asked.hint) if key(before) else None


# ---------------------------------------------------------------------------------- answering


async def answer_area(ctx: Context, asked: Asked | str, *, record: bool = True) -> Reply:
    """Answer, ask "did you mean" between close areas, or say unknown; every question not
    answered directly is counted in `gaps`, and its choices carry the gap (see pick_area)."""
    if isinstance(asked, str):
        asked = Asked(asked)
    question = _LEADING_DETERMINER.sub("", asked.topic.strip())  # shown and noted as "enterprize road map"
    if not key(question):
        return Reply("Who owns what? Name an area, for example: who owns the enterprise roadmap?")
    workspace, registry_cache = ctx.msg.workspace, ctx.own(RegistryCache)
    match = (await registry_cache.snapshot(ctx.db, workspace)).index.match(question, hint=asked.hint)
    if match.kind == "answer":
        view = await registry_cache.view(ctx.db, workspace, match.best.area_id)
        if view:
            return reading(question, area_answer(view, ctx.now())) if match.corrected else area_answer(view, ctx.now())
    if match.kind == "ambiguous" and match.explained:  # "security": whichever it is, one party owns it
        views = [await registry_cache.view(ctx.db, workspace, c.area_id) for c in match.candidates]
        owners = {v.accountable.id if v and v.accountable else None for v in views}
        if len(owners) == 1 and None not in owners:
            return shared_reply([v for v in views if v], ctx.now())
    gap_id = None
    if record:
        outcome = "asked" if match.kind == "ambiguous" else "unknown"
        async with ctx.db.session() as session:
            gap = await registry.record_gap(session, workspace, question, ctx.msg.user, outcome=outcome, now=ctx.now())
            gap_id = gap.id
    if match.kind == "ambiguous":
        return choices_reply(question, match.candidates, gap_id)
    return unknown_reply(question, match.candidates, gap_id)


@routes.intent(*PARTY_AREAS)
async def what_party_owns(ctx: Context) -> Reply:
    assert ctx.match
    name = _name(ctx.msg, ctx.match["p"])
    async with ctx.db.session() as session:
        party = await registry.find_party(session, ctx.msg.workspace, name)
        if party is None:
            return await _unknown_party(ctx, session, name)
        role = ROLE_WORDS.get(ctx.match["role"])
        return party_reply(party, await registry.party_areas(session, party), only=role)


@routes.intent(*QUESTION)
async def who_owns(ctx: Context) -> Reply:
    asked = read_asked_sentence(ctx.args) or read_question(ctx.args) or read_question_after(ctx.args)
    if asked is None:
        return _didnt_catch()
    if asked.who_is:
        return await _who_is(ctx, asked.topic)
    return await answer_area(ctx, asked)


@routes.intent(*WHO_IS)
async def who_is(ctx: Context) -> Reply:
    assert ctx.match
    return await _who_is(ctx, ctx.match["p"])


async def _who_is(ctx: Context, text: str) -> Reply:
    async with ctx.db.session() as session:
        party = await registry.find_party(session, ctx.msg.workspace, _name(ctx.msg, text))
        if party:
            return party_reply(party, await registry.party_areas(session, party))
    # "who is the release manager?", "what is the enterprise roadmap?": questions about an area.
    return await answer_area(ctx, Asked(text))


def _name(msg: Incoming, text: str) -> str:
    """A party named by mentioning someone (@Pat) is looked up by the name shown."""
    for mention in msg.people:
        text = text.replace(mention.text, mention.name)
    return text


async def _unknown_party(ctx: Context, session, name: str) -> Reply:
    parties = ", ".join(p.name for p in await registry.all_parties(session, ctx.msg.workspace))
    return Reply(f"I don't know a party called “{name}”. The parties I know: {parties or 'none yet'}.")


# ------------------------------------------------------------------------------------ buttons


def _ids(value: str, most: int) -> list[int] | None:
    """Ids from a button value ("12" or "12 7"), each as `parse_id` reads it, else None."""
    parts = value.split()
    ids = [n for p in parts if (n := parse_id(p)) is not None]
    return ids if 1 <= len(parts) <= most and len(ids) == len(parts) else None


@routes.action("ownership.area")
async def pick_area(ctx: Context) -> Reply:
    """An area chosen from an answer, "did you mean" or "closest areas". A choice made for a
    recorded question ("AREA GAP") proposes that question's words to the admins as an alias."""
    ids = _ids(ctx.action.value, 2) or [-1]
    view = await ctx.own(RegistryCache).view(ctx.db, ctx.msg.workspace, ids[0])
    if view is None:
        return Reply("That area no longer exists. Ask again to see the current ones.")
    answer = area_answer(view, ctx.now())
    if len(ids) == 2:
        async with ctx.db.session() as session:
            gap = await registry.get_gap(session, ctx.msg.workspace, ids[1])
            if gap and gap.status == registry.GAP_OPEN:
                gap.area_id, gap.proposed_by, gap.proposed_at = view.area.id, ctx.msg.user, ctx.now()
                session.add(gap)
                return with_note(
                    answer,
                    f"Thanks. I'll suggest “{gap.text}” to the registry admins as another name for {view.area.name}.",
                )
    return answer


@routes.action("ownership.party")
async def pick_party(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        party = await session.get(registry.Party, ctx.action.int_value)
        if party is None or party.workspace != ctx.msg.workspace:
            return Reply("That party no longer exists.")
        return party_reply(party, await registry.party_areas(session, party))


@routes.action("ownership.none")
async def none_of_these(ctx: Context) -> Reply:
    """The question was already counted when it was asked; this only thanks the asker."""
    ids = _ids(ctx.action.value, 1)
    async with ctx.db.session() as session:
        gap = await registry.get_gap(session, ctx.msg.workspace, ids[0]) if ids else None
    if gap is None:
        return Reply("Thanks. Ask again in your own words and I'll note it for the registry admins.")
    return Reply(f"Thanks. I've noted “{gap.text}” as a question I couldn't answer, so the registry admins can add it.")


# ----------------------------------------------------------------------------------- fallback


def _didnt_catch() -> Reply:
    return Reply(
        "I didn't catch that. Ask me things like “who owns the enterprise roadmap?” or "
        "“what does the PMO own?”, or type “help” to see everything I can do."
    )


@routes.fallback_handler
async def fallback(ctx: Context) -> Reply:
    """Anything else: a bare topic ("enterprise roadmap"), "how do I raise a PO", or a question
    whose "who" or "where do I" comes late ("my timesheet is wrong, who can fix it") is answered
    if it clearly names an area. One that names areas but not clearly one, a late question that
    names anything the registry knows, or anything ending with "?", is asked about, and counted
    in `gaps`."""
    text = ctx.args
    asked = (
        read_asked_sentence(text) or read_question(text) or read_question_after(text)
        if len(text.split()) <= MAX_QUESTION_WORDS
        else None
    )
    bare = Asked(text)
    if asked is None and key(text) and len(text.split()) <= 8:
        asked = bare
    if asked:
        match = (await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)).index.match(asked.topic, asked.hint)
        # A question ("my PO is stuck, who can help") that names something the registry knows is
        # asked even without "?"; "great meeting, who knew" is chatter.
        questioned = ctx.msg.text.rstrip().endswith("?") or (asked is not bare and match.candidates)
        if match.kind in ("answer", "ambiguous") or questioned:
            return await answer_area(ctx, asked)
    return _didnt_catch()
