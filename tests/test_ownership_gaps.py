"""Everything the bot could not answer directly is learnable: counted in `gaps`, proposed as an
alias when someone picks an area, accepted or dismissed by an admin, closed by a later change."""

from tests.conftest import ADMIN


async def test_a_did_you_mean_question_is_counted_and_a_pick_proposes_an_alias(person):
    alice, bob, admin = person("U-ALICE"), person("U-BOB"), person(ADMIN)
    out = await alice.say("who owns delivery?")
    assert "Did you mean one of these?" in out
    await bob.say("who is responsible for delivery")
    gaps = await admin.say("gaps")
    assert "“delivery” asked 2×" in gaps and "proposed" not in gaps
    out = await alice.say("2")  # [2] Value discovery and delivery
    assert "Oversight Team is accountable for Value discovery and delivery." in out
    assert "I'll suggest “delivery” to the registry admins as another name for Value discovery and delivery." in out
    gaps = await admin.say("gaps")
    assert "“delivery” asked 2×" in gaps
    assert "→ proposed as another name for Value discovery and delivery by U-ALICE" in gaps
    assert "[1] Add “delivery” to Value discovery and delivery" in gaps


async def test_an_admin_accepts_a_proposal_with_one_button_and_the_question_is_answered(person):
    alice, admin = person(), person(ADMIN)
    out = await alice.say("who owns the roadmap wiki?")  # unknown: the closest areas are picks
    assert "I don't know who owns “roadmap wiki” yet" in out and "[1] Enterprise roadmap" in out
    out = await alice.say("1")
    assert "PMO is accountable for Enterprise roadmap." in out and "I'll suggest “roadmap wiki”" in out
    await admin.say("gaps")
    out = await admin.say("1")  # Add “roadmap wiki” to Enterprise roadmap
    assert "Added “roadmap wiki” as another name for “Enterprise roadmap”." in out
    assert "[1] Undo" in out
    assert "PMO is accountable for Enterprise roadmap." in await alice.say("who owns the roadmap wiki?")
    assert "No unanswered questions" in await admin.say("gaps")
    assert f"{ADMIN}: area.alias “Enterprise roadmap”" in await admin.say("audit")


async def test_accept_by_command_names_the_area_when_nobody_picked_one(person, bot, workspace):
    alice, admin = person(), person(ADMIN)
    await alice.say("who owns the coffee machine?")
    gap_id = await _gap_id(bot, workspace, "coffee machine")
    out = await admin.say(f"gaps accept {gap_id}")
    assert "Nobody has picked an area for “coffee machine” yet" in out and "Nothing was changed" in out
    out = await admin.say(f"gaps accept {gap_id} Community and knowledge sharing")
    assert "Added “coffee machine” as another name for “Community and knowledge sharing”." in out
    assert "PMO is accountable for Community and knowledge sharing." in await alice.say("who owns the coffee machine")
    assert "There is no open question" in await admin.say(f"gaps accept {gap_id} Enterprise roadmap")


async def test_a_gap_closes_itself_when_a_registry_change_answers_it(person):
    alice, admin = person(), person(ADMIN)
    await alice.say("who owns the risk register?")
    await alice.say("who owns the car park?")
    out = await admin.say("area set Risk register; accountable: PMO")
    assert "Added “Risk register”." in out
    assert "This also answers 1 open question(s) from gaps: “risk register”." in out
    gaps = await admin.say("gaps")
    assert "risk register" not in gaps and "“car park” asked 1×" in gaps


async def test_an_admin_dismisses_a_gap_and_others_cannot(person, bot, workspace):
    alice, admin = person(), person(ADMIN)
    await alice.say("who owns the office plants?")
    gap_id = await _gap_id(bot, workspace, "office plants")
    assert (await alice.say(f"gaps dismiss {gap_id}")).startswith("Only admins can")
    assert (await alice.say("gaps accept 1 Enterprise roadmap")).startswith("Only admins can")
    out = await admin.say(f"gaps dismiss {gap_id}")
    assert f"Dismissed #{gap_id} “office plants”" in out
    assert "office plants" not in await admin.say("gaps")
    await alice.say("who owns the office plants?")  # asked again: still counted, still dismissed
    assert "office plants" not in await admin.say("gaps")
    assert "There is no open question #abc" not in await admin.say("gaps dismiss abc")
    assert "Usage: gaps dismiss N" in await admin.say("gaps dismiss abc")


async def test_a_pick_for_another_workspaces_gap_proposes_nothing(bot, person, workspace):
    from bot.core import Action

    other = person("U-EVE", workspace_id=workspace + "-other")
    await other.say("who owns the coffee machine?")
    gap_id = await _gap_id(bot, workspace + "-other", "coffee machine")
    await person().say("who owns the enterprise roadmap?")  # this workspace exists, with its areas
    from handlers.ownership import registry

    async with bot.db.session() as session:
        area = await registry.find_area(session, workspace, "Enterprise roadmap")
    reply = await bot.handle(
        Action(
            platform="console",
            workspace=workspace,
            channel="C",
            user="U-BOB",
            action_id="ownership.area",
            value=f"{area.id} {gap_id}",
        )
    )
    assert "PMO is accountable for Enterprise roadmap." in reply.text and "suggest" not in reply.text
    async with bot.db.session() as session:
        gap = await registry.get_gap(session, workspace + "-other", gap_id)
    assert gap.area_id is None


async def _gap_id(bot, workspace: str, text: str) -> int:
    from handlers.ownership import registry
    from handlers.ownership.matching import key

    async with bot.db.session() as session:
        (gap,) = [g for g in await registry.gaps(session, workspace, 100) if g.key == key(text)]
    return gap.id
