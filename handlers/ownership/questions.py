"""Questions anyone can ask: who owns an area, what a party owns, who a party is."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from bot.core import PERSON, Reply
from bot.router import Context, Routes
from handlers.ownership import registry
from handlers.ownership.matching import key
from handlers.ownership.replies import area_answer, choices_reply, party_reply, unknown_reply

if TYPE_CHECKING:
    from bot.app import Bot

routes = Routes("ownership")
routes.examples += [
    "who owns the enterprise roadmap?",
    "who do I talk to about the architecture description?",
    "what does the PMO own?",
    "who is the Oversight Team?",
]
_caches: WeakKeyDictionary[Bot, registry.RegistryCache] = WeakKeyDictionary()


def cache(bot: Bot) -> registry.RegistryCache:
    """This bot's in-memory registry (admin writes call `cache(bot).forget(workspace)`)."""
    return _caches.setdefault(bot, registry.RegistryCache())


_LEAD = r"^(?:(?:hey|hi|hello|so|and|ok|okay|please|quick question)[,\s]+)*"
AREA_QUESTIONS = (
    _LEAD + r"(?:who|which (?:team|party|group|person|people))\s+"
    r"(?:owns|own|is the owner of|are the owners of|is accountable for|is responsible for|are responsible for"
    r"|is in charge of|runs|manages|looks after|handles|decides on)\s+(?P<q>.*)$",
    _LEAD + r"who(?:'s|’s| is| are)\s+(?:the\s+)?(?:owner|owners|accountable|responsible|in charge|decision maker)"
    r"(?:\s+(?:of|for|on))?\s+(?P<q>.*)$",
    _LEAD + r"(?:who|whom)\s+(?:do|should|can|shall|could)\s+(?:i|we)\s+(?:talk|speak|ask|contact|go|turn|reach out)"
    r"(?:\s+to)?(?:\s+(?:about|for|regarding|on|re|with))?\s+(?P<q>.*)$",
    _LEAD + r"(?:who|whom)\s+(?:to\s+)?(?:talk|speak|ask|contact)(?:\s+to)?\s+(?:about|for|regarding)\s+(?P<q>.*)$",
    _LEAD + r"(?:owner|owners|ownership|accountable|accountability|raci)\s+(?:of|for|on)\s+(?P<q>.*)$",
    _LEAD + r"whose\s+(?:is|are)\s+(?P<q>.*)$",
    _LEAD + r"who\s+owns$(?P<q>)",
)
PARTY_AREAS = (
    _LEAD
    + r"what\s+(?:does|do|is|are)\s+(?:the\s+)?(?P<p>.+?)\s+(?P<role>own|do|run|handle|look after|manage|accountable"
    r" for|responsible for|consulted on|informed about|in charge of)$",
    _LEAD + r"(?:which|what)\s+areas?\s+(?:does|do|is|are)\s+(?:the\s+)?(?P<p>.+?)\s+(?P<role>own|accountable for|"
    r"responsible for|consulted on|informed about|in charge of|involved in)$",
)
WHO_IS = (_LEAD + r"(?:who|what)\s+(?:is|are)\s+(?:the\s+)?(?P<p>.+)$",)
ROLE_WORDS = {"accountable for": "A", "responsible for": "R", "consulted on": "C", "informed about": "I"}


async def answer_area(ctx: Context, question: str, *, record: bool = True) -> Reply:
    """Answer, ask "did you mean", or say unknown (and note the gap) for an area question."""
    if not key(question):
        return Reply("Who owns what? Name an area, for example: who owns the enterprise roadmap?")
    workspace, registry_cache = ctx.msg.workspace, cache(ctx.bot)
    match = (await registry_cache.snapshot(ctx.db, workspace)).index.match(question)
    if match.kind == "answer":
        view = await registry_cache.view(ctx.db, workspace, match.best.area_id)
        if view:
            return area_answer(view, ctx.now())
    if match.kind == "ambiguous":
        return choices_reply(question, match.candidates)
    if record:
        async with ctx.db.session() as session:
            await registry.record_gap(session, workspace, question, ctx.msg.user)
    return unknown_reply(question, match.candidates)


@routes.intent(*AREA_QUESTIONS)
async def who_owns(ctx: Context) -> Reply:
    assert ctx.match
    return await answer_area(ctx, ctx.match["q"])


def _name(text: str) -> str:
    """A party named by mentioning someone (@Pat) is looked up by the name shown."""
    return PERSON.sub(lambda m: m[2] or m[1], text)


@routes.intent(*PARTY_AREAS)
async def what_party_owns(ctx: Context) -> Reply:
    assert ctx.match
    name = _name(ctx.match["p"])
    async with ctx.db.session() as session:
        party = await registry.find_party(session, ctx.msg.workspace, name)
        if party is None:
            return await _unknown_party(ctx, session, name)
        role = ROLE_WORDS.get(ctx.match["role"])
        return party_reply(party, await registry.party_areas(session, party), only=role)


@routes.intent(*WHO_IS)
async def who_is(ctx: Context) -> Reply:
    assert ctx.match
    async with ctx.db.session() as session:
        party = await registry.find_party(session, ctx.msg.workspace, _name(ctx.match["p"]))
        if party:
            return party_reply(party, await registry.party_areas(session, party))
    # "what is the enterprise roadmap?" is a question about an area, not a party.
    return await answer_area(ctx, ctx.match["p"])


async def _unknown_party(ctx: Context, session, name: str) -> Reply:
    parties = ", ".join(p.name for p in await registry.all_parties(session, ctx.msg.workspace))
    return Reply(f"I don't know a party called “{name}”. The parties I know: {parties or 'none yet'}.")


@routes.action("ownership.area")
async def pick_area(ctx: Context) -> Reply:
    view = await cache(ctx.bot).view(ctx.db, ctx.msg.workspace, ctx.action.int_value)
    if view is None:
        return Reply("That area no longer exists. Ask again to see the current ones.")
    return area_answer(view, ctx.now())


@routes.action("ownership.party")
async def pick_party(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        party = await session.get(registry.Party, ctx.action.int_value)
        if party is None or party.workspace != ctx.msg.workspace:
            return Reply("That party no longer exists.")
        return party_reply(party, await registry.party_areas(session, party))


@routes.action("ownership.none")
async def none_of_these(ctx: Context) -> Reply:
    question = ctx.action.value.strip()[:500]
    if key(question):
        async with ctx.db.session() as session:
            await registry.record_gap(session, ctx.msg.workspace, question, ctx.msg.user)
    return Reply(f"Thanks. I've noted “{question}” as a question I couldn't answer, so the registry admins can add it.")


@routes.fallback_handler
async def fallback(ctx: Context) -> Reply:
    """Anything else: a bare topic ("enterprise roadmap") is answered if it clearly is one."""
    text = ctx.args
    if key(text) and len(text.split()) <= 8:
        match = (await cache(ctx.bot).snapshot(ctx.db, ctx.msg.workspace)).index.match(text)
        if match.kind in ("answer", "ambiguous"):
            return await answer_area(ctx, text, record=False)
    return Reply(
        "I didn't catch that. Ask me things like “who owns the enterprise roadmap?” or "
        "“what does the PMO own?”, or type “help” to see everything I can do."
    )
