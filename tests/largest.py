"""The largest realistic content a team builds up, made through the real handlers (the neutral
core path), so that each platform's test can ask for the biggest replies through its own adapter:
a 100-card retro with votes and actions, 100 areas the PMO is accountable for, 200 ideas.

Texts are realistic in length and mix (a few cards at the 1,000-character maximum, accents,
emoji, quotes and markup characters that need escaping), and deterministic.
"""

from __future__ import annotations

import random

from bot.core import Action, Incoming, Mention, Reply
from tests.conftest import ADMIN

FACILITATOR = "U-FAY"
PEOPLE = [f"U-P{i:02d}" for i in range(12)]
RETRO_CARDS, AREAS, IDEAS = 100, 100, 200

_TOPICS = [
    "the release checklist",
    "our sprint planning",
    "flaky end-to-end tests",
    "the café-style demo on Fridays",
    "pairing on production incidents",
    "the on-call hand-over",
    "stand-ups that run over 15 minutes",
    "waiting for the “change advisory board”",
    "the staging database refresh",
    "naïve estimates for migrations",
    "docs in the wiki <no one reads>",
    "budget sign-off & approvals",
    "the *new* deployment pipeline",
    "onboarding of new joiners 🚀",
    "cross-team dependencies",
]
_FEELINGS = [
    "We should keep doing",
    "It slowed us down:",
    "Honestly I'd stop",
    "Let's try more of",
    "Great progress on",
    "Still unclear who owns",
]
_DETAIL = (
    "Last sprint this cost us about two days across the team, mostly waiting and re-doing work. "
    "If we fixed it we could ship smaller changes more often and sleep better on release nights. "
)


def card_text(i: int, rng: random.Random) -> str:
    if i % 25 == 7:  # a few people write a whole essay: the maximum a card holds
        return (f"{_FEELINGS[i % 6]} {_TOPICS[i % 15]}. " + _DETAIL * 6)[:1000]
    text = f"{_FEELINGS[i % len(_FEELINGS)]} {_TOPICS[(i * 7) % len(_TOPICS)]}."
    return text + (" " + _DETAIL[: rng.randint(20, len(_DETAIL))] if rng.random() < 0.6 else "")


def _area_name(i: int) -> str:
    domains = ["Portfolio", "Vendor", "Cloud", "Data", "Security", "Finance", "People", "Delivery", "Quality", "Risk"]
    things = ["budget", "roadmap", "standards", "reporting", "governance", "tooling", "training", "audits", "KPIs"]
    return f"{domains[i % 10]} {things[(i // 10) % 9]} for region {i // 90 + 1} ({i})"


class Seeder:
    """Says things as people of one workspace and channel on one platform, through the bot's core."""

    def __init__(self, bot, platform: str, workspace: str, channel: str) -> None:
        self.bot, self.platform, self.workspace, self.channel = bot, platform, workspace, channel

    async def say(self, text: str, user: str = FACILITATOR, people: tuple[Mention, ...] = ()) -> Reply | None:
        return await self.bot.handle(
            Incoming(
                platform=self.platform,
                workspace=self.workspace,
                channel=self.channel,
                user=user,
                text=text,
                people=people,
            )
        )

    async def press(self, action_id: str, value: str, user: str) -> Reply | None:
        return await self.bot.handle(
            Action(
                platform=self.platform,
                workspace=self.workspace,
                channel=self.channel,
                user=user,
                action_id=action_id,
                value=value,
            )
        )

    async def retro_cards(self, count: int = RETRO_CARDS) -> None:
        """Cards into the channel's open retro (started by FACILITATOR with Start/Stop/Continue)."""
        rng = random.Random(17)
        for i in range(count):
            column = ("start", "stop", "continue")[i % 3]
            anon = " --anon" if i % 5 == 0 else ""
            reply = await self.say(f"retro add {column} {card_text(i, rng)}{anon}", user=PEOPLE[i % len(PEOPLE)])
            assert reply is not None and "Added card" in reply.text, reply

    async def retro_votes(self) -> None:
        """Everyone in the channel spends five votes (voting must be open)."""
        for n, person in enumerate(PEOPLE):
            for card in range(5):
                await self.say(f"retro vote {(n * 7 + card * 13) % RETRO_CARDS + 1}", user=person)

    async def retro_actions(self, count: int = 10) -> None:
        for i in range(count):
            owner = Mention(PEOPLE[i % len(PEOPLE)], f"Person {i}", f"@Person{i}")
            reply = await self.say(
                f'retro action "Fix {_TOPICS[i % 15]} before the next release" {owner.text} due friday', people=(owner,)
            )
            assert reply is not None and reply.text.startswith("Action A"), reply

    async def areas(self, count: int = AREAS) -> None:
        for i in range(count):
            consulted = ["Enterprise Architect", "Oversight Team", "Coaching Community"][i % 3]
            reply = await self.say(
                f"area add {_area_name(i)}; accountable: PMO; responsible: PMO; consulted: {consulted}; "
                f"informed: Leadership Team; notes: Reviewed every quarter with the {consulted}.",
                user=ADMIN,
            )
            assert reply is not None and "Added" in reply.text, reply

    async def ideas(self, count: int = IDEAS) -> None:
        rng = random.Random(200)
        for i in range(count):
            title = f"Proposal {i}: {_FEELINGS[i % 6].lower()} {_TOPICS[(i * 11) % 15]} in team {rng.randint(1, 40)}"
            reply = await self.say(f"improve {title}", user=PEOPLE[i % len(PEOPLE)])
            if reply is not None and reply.title == "Looks like an existing idea":
                draft = next(b for b in reply.buttons if b.action_id == "idea.submit")
                reply = await self.press("idea.submit", draft.value, PEOPLE[i % len(PEOPLE)])
            assert reply is not None and "Logged idea" in reply.text, reply
