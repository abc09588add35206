"""Anonymous means unlinkable in the database too: no value stored with an anonymous card, vote,
idea or DM delivery also appears on a row that names its author, or on the same person's rows
in another retro or idea. The author can still manage what they wrote."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Delivery, Idea, IdeaEvent, IdeaVote, Retro, RetroAction, RetroCard, RetroVote
from tests.conftest import ADMIN

TABLES = (Retro, RetroCard, RetroVote, RetroAction, Idea, IdeaVote, IdeaEvent, Delivery)


def values(row) -> set[str]:
    """Every text value of a row, and its 40-character prefixes (DM targets keep 40)."""
    out = set()
    for value in row.model_dump().values():
        if isinstance(value, str) and value:
            out |= {value, value[:40], value.rsplit("@", 1)[-1]}
    return out


async def rows(db, workspace: str) -> dict[type, list]:
    async with db.session() as session:
        return {t: list((await session.exec(select(t).where(t.workspace == workspace))).all()) for t in TABLES}


async def test_anonymous_rows_share_no_value_with_rows_that_name_their_author(bot, person, posts, db, workspace):
    ann, fac, admin = person("U-ANN", channel="C-TEAM"), person("U-FAC", channel="C-TEAM"), person(ADMIN)
    await fac.say("retro start")
    assert "with your name" in await ann.say("retro add Start pairing on reviews")
    assert "anonymously" in await ann.say("retro add Stop blaming people for outages --anon")
    assert "anonymously" in await ann.say("retro add Start writing things down --anon")
    await fac.say("retro reveal")
    await fac.say("retro vote")
    assert "Voted" in await ann.say("retro vote 2")
    await fac.say("retro close")
    await fac.say("retro start")  # the team's next retro: her anonymous card there is unrelated too
    assert "anonymously" in await ann.say("retro add Stop the Friday deploys --anon")

    assert "Logged idea #1" in await ann.say("improve Share retro templates across teams")
    await ann.say("improve")  # the form, answered line by line: an anonymous idea
    await ann.say("Quarterly review of the budget process")
    await ann.say("")
    await ann.say("")
    assert "Logged idea #2" in await ann.say("yes")
    await admin.say('improve status 2 accepted "good one"')
    await admin.say('improve status 1 accepted "good one"')
    await bot.settle()
    assert [r.text for ref, r in posts if ref.user == "U-ANN"]  # she heard back about both

    stored = await rows(db, workspace)
    named = [c for c in stored[RetroCard] if not c.anonymous] + [i for i in stored[Idea] if not i.anonymous]
    named += stored[Retro] + stored[RetroAction] + stored[IdeaVote] + stored[IdeaEvent]
    named_values = set().union(*(values(r) for r in named))
    anonymous = {
        "card": [c.author_key for c in stored[RetroCard] if c.anonymous],
        "vote": [v.voter_key for v in stored[RetroVote]],
        "idea": [i.submitter_key for i in stored[Idea] if i.anonymous],
        "dm": [d.target.rsplit("@", 1)[-1] for d in stored[Delivery] if ":@" in d.target],
    }
    assert all(anonymous.values()), anonymous
    for kind, keys in anonymous.items():
        for key in keys:
            assert key and key not in named_values and key[:40] not in named_values, (kind, key)
    # Named rows keep their author and no pseudonym.
    assert all(c.author_key is None for c in stored[RetroCard] if not c.anonymous)
    assert all(i.submitter_key is None for i in stored[Idea] if not i.anonymous)
    # Her two anonymous cards in the first retro share a pseudonym (she is counted once there)…
    first, second = sorted(r.id for r in stored[Retro])
    in_first = {c.author_key for c in stored[RetroCard] if c.anonymous and c.retro_id == first}
    in_second = {c.author_key for c in stored[RetroCard] if c.anonymous and c.retro_id == second}
    assert len(in_first) == 1 and len(in_second) == 1
    # …but nothing matches across retros, between her cards and her votes, her idea, or her DMs.
    prefixes = [k[:40] for keys in (in_first, in_second, anonymous["vote"], anonymous["idea"]) for k in keys]
    prefixes += anonymous["dm"]
    assert len(prefixes) == len(set(prefixes)), prefixes

    # Still hers to manage: her cards are listed to her, and she may delete the anonymous one.
    out = await ann.say("retro status")
    assert "Your cards" in out and "#1 the Friday deploys — anonymous" in out
    assert "Only the card's author" in await person("U-BOB", channel="C-TEAM").say("retro delete 1")
    assert "Deleted card #1" in await ann.say("retro delete 1")
    out = await ann.say("improve list all mine")
    assert "#1" in out and "#2" in out
    assert "#2" not in await person("U-BOB").say("improve list all mine")
