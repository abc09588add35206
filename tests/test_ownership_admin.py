"""Admins manage the registry from chat; everyone else is told no and nothing changes."""

import pytest

from tests.conftest import ADMIN


async def test_admin_adds_an_area_with_its_raci_and_anyone_can_ask(person):
    admin = person(ADMIN)
    out = await admin.say(
        "area set Product roadmap; accountable: Oversight Team; responsible: PMO; "
        "consulted: Enterprise Architect, Coaching Community; aliases: product plan; notes: Quarterly"
    )
    assert "Added “Product roadmap”." in out
    assert "[1] Undo" in out
    out = await person().say("who owns the product plan?")
    assert "Oversight Team is accountable for Product roadmap." in out
    assert "Responsible  PMO (#pmo)" in out
    assert "Consulted    Coaching Community (#coaching-community), Enterprise Architect" in out
    assert "Quarterly" in out


async def test_changing_an_area_keeps_what_was_not_mentioned(person):
    admin = person(ADMIN)
    out = await admin.say("area set enterprise roadmap; accountable: Leadership Team")
    assert "Updated “Enterprise roadmap”." in out
    out = await person().say("who owns the enterprise roadmap?")
    assert "Leadership Team is accountable for Enterprise roadmap." in out
    assert "Informed     Coaching Community (#coaching-community), Oversight Team" in out  # kept


@pytest.mark.parametrize(
    "command, message",
    [
        ("area set Risk register; accountable: PMO, Oversight Team", "exactly one Accountable party; you gave 2"),
        ("area set Risk register; responsible: PMO", "needs exactly one Accountable party"),
        ("area set Risk register; accountable: Finance", "Unknown party “Finance”"),
        ("area set Risk register; owner: PMO", "I don't understand “owner: PMO”"),
        ("area set ; accountable: PMO", "needs a name with at least one letter or digit"),
        ("area set Risk register; accountable: PMO; aliases: the roadmap", "already belongs to “Enterprise roadmap”"),
        ("area set " + "x" * 300 + "; accountable: PMO", "at most 200 characters"),
    ],
)
async def test_bad_writes_are_refused_and_nothing_changes(person, command, message):
    admin = person(ADMIN)
    out = await admin.say(command)
    assert message in out
    assert "Nothing was changed" in out
    assert "Risk register" not in await admin.say("what does the PMO own?")
    assert f"{ADMIN}:" not in await admin.say("audit")


async def test_non_admin_is_told_only_admins_can_and_nothing_changes(person):
    bob = person("U-BOB")
    for command in (
        "area set Risk register; accountable: PMO",
        "area remove Enterprise roadmap",
        "area alias Enterprise roadmap; the plan",
        "area verify Enterprise roadmap",
        "party set PMO; contact: #elsewhere",
        "party remove Oversight Team",
        "area add Risk register; accountable: PMO",
        "areas",
        "audit",
    ):
        out = await bob.say(command)
        assert out.startswith("Only admins can"), out
    out = await bob.say("who owns the enterprise roadmap?")
    assert "PMO is accountable for Enterprise roadmap. Contact: #pmo." in out
    audit = await person(ADMIN).say("audit")
    assert "pmo-bot (default model)" in audit and "U-BOB" not in audit


async def test_remove_and_undo(person):
    admin = person(ADMIN)
    out = await admin.say("area remove Enterprise roadmap")
    assert "Removed “Enterprise roadmap”." in out
    assert "is accountable for Enterprise roadmap" not in await person().say("who owns the enterprise roadmap?")
    out = await admin.say("1")  # Undo
    assert "Undone: “Enterprise roadmap” is back as it was." in out
    out = await person().say("who owns the roadmap?")
    assert "PMO is accountable for Enterprise roadmap." in out
    assert "Also known as  initiative roadmap, portfolio roadmap, the roadmap" in out


async def test_undo_of_a_new_area_removes_it_and_a_second_undo_is_refused(person):
    admin = person(ADMIN)
    await admin.say("area set Risk register; accountable: PMO")
    undo = admin.reply.buttons[0]
    out = await admin.say("1")
    assert "Undone: “Risk register” is removed again." in out
    assert "is accountable for Risk register" not in await person().say("who owns the risk register?")
    admin.session._buttons = [undo]
    assert "changed again since" in await admin.say("1")


async def test_verify_records_who_and_when(person):
    admin = person(ADMIN)
    out = await admin.say("area verify the roadmap")
    assert "Verified “Enterprise roadmap”." in out
    out = await person().say("who owns the enterprise roadmap?")
    assert f"by {ADMIN}" in out and "not verified yet" not in out


async def test_aliases_can_be_added(person):
    admin = person(ADMIN)
    assert "Added aliases to “Enterprise roadmap”." in await admin.say("area alias enterprise roadmap; the big plan")
    assert "PMO is accountable for Enterprise roadmap." in await person().say("who owns the big plan?")


async def test_party_add_and_edit(person):
    admin = person(ADMIN)
    out = await admin.say("party set Finance; contact: @fiona; description: Money matters; aliases: finance team")
    assert "Added party “Finance”." in out
    await admin.say("area set Cost centres; accountable: finance team")
    out = await person().say("who owns cost centres?")
    assert "Finance is accountable for Cost centres. Contact: @fiona." in out
    assert "Updated party “PMO”." in await admin.say("party set PMO; contact: #pmo-office")
    assert "Contact: #pmo-office" in await person().say("who owns the enterprise roadmap?")
    assert "already names the party “PMO”" in await admin.say("party set Finance; aliases: project management office")


async def test_every_change_is_in_the_audit_log_with_before_and_after(person, bot, workspace):
    admin = person(ADMIN)
    await admin.say("area set Enterprise roadmap; accountable: Leadership Team")
    out = await admin.say("audit")
    assert f"{ADMIN}: area.set “Enterprise roadmap”" in out
    from handlers.ownership import registry

    async with bot.db.session() as session:
        (entry,) = [e for e in await registry.recent_audit(session, workspace) if e.actor == ADMIN]
    assert entry.before["accountable"] == "PMO" and entry.after["accountable"] == "Leadership Team"


async def test_area_form_in_the_console(person):
    admin = person(ADMIN)
    out = await admin.say("area set")
    assert "Area and its RACI" in out and "Area name:" in out
    for answer in ("Risk register", "PMO", "", "Oversight Team, Enterprise Architect", "", "risks", "30 days", ""):
        out = await admin.say(answer)
    assert "Added “Risk register”." in out
    assert "Consulted    Enterprise Architect (#enterprise-architecture), Oversight Team" in out


async def test_form_can_be_cancelled(person):
    admin = person(ADMIN)
    await admin.say("area set")
    await admin.say("Risk register")
    assert "Cancelled. Nothing was saved." in await admin.say("cancel")
    assert "is accountable for Risk register" not in await person().say("who owns the risk register?")


async def test_forged_buttons_are_harmless(bot, workspace):
    from bot.core import Action

    base = dict(platform="console", workspace=workspace, channel="C", user="U-BOB")
    for action_id, value in [
        ("ownership.area", "999999"),
        ("ownership.area", "abc"),
        ("ownership.undo", "1"),
        ("nope.nothing", ""),
        ("ownership.party", "-5"),
        ("ownership.still_correct", "abc"),
        ("ownership.still_correct", "99999999999999999999"),
        ("ownership.change", "999999"),
        ("ownership.areas", "stale:x"),
        ("ownership.cancel", ""),
    ]:
        reply = await bot.handle(Action(**base, action_id=action_id, value=value))
        assert reply is not None and "something went wrong" not in reply.text


async def test_an_area_id_from_another_workspace_is_not_shown(bot, person, workspace):
    from bot.core import Action

    admin_other = person(ADMIN, workspace_id=workspace + "-other")
    await admin_other.say("area set Secret plan; accountable: PMO")
    await admin_other.say("who owns the secret plan?")
    secret_id = admin_other.reply.buttons[0].value  # party id; look up the area id instead
    from handlers.ownership import registry

    async with bot.db.session() as session:
        area = await registry.find_area(session, workspace + "-other", "Secret plan")
    reply = await bot.handle(
        Action(
            platform="console",
            workspace=workspace,
            channel="C",
            user="U-BOB",
            action_id="ownership.area",
            value=str(area.id),
        )
    )
    assert "no longer exists" in reply.text and secret_id
    for action_id in ("ownership.still_correct", "ownership.change"):  # nor verified or opened from here
        reply = await bot.handle(
            Action(
                platform="console",
                workspace=workspace,
                channel="C",
                user=ADMIN,
                action_id=action_id,
                value=str(area.id),
            )
        )
        assert "no longer exists" in reply.text
    assert "not verified yet" in await admin_other.say("who owns the secret plan?")


async def test_a_name_that_is_only_an_alias_asks_before_updating_that_area(person):
    admin = person(ADMIN)
    out = await admin.say("area set the roadmap; accountable: Leadership Team")
    assert (
        "There is no area called “the roadmap”, but it looks like “Enterprise roadmap” (also called “the roadmap”). "
        "Update it, or create a new area “the roadmap”? Nothing is changed until you choose." in out
    )
    assert "[1] Update “Enterprise roadmap”  [2] Create “the roadmap”  [3] Cancel" in out
    assert "PMO is accountable for Enterprise roadmap." in await person().say("who owns the enterprise roadmap?")
    out = await admin.say("1")
    assert "Updated “Enterprise roadmap”." in out and "Leadership Team is accountable for Enterprise roadmap." in out
    assert "Also known as  initiative roadmap, portfolio roadmap, the roadmap" in out  # still itself, not renamed


async def test_creating_the_new_area_leaves_the_one_it_resembled_alone(person):
    admin = person(ADMIN)
    await admin.say("area set the roadmap; accountable: Leadership Team")
    out = await admin.say("2")
    assert "Added “the roadmap”." in out and "Leadership Team is accountable for the roadmap." in out
    out = await person().say("who owns the enterprise roadmap?")
    assert "PMO is accountable for Enterprise roadmap." in out
    assert "Also known as  initiative roadmap, portfolio roadmap, the roadmap" in out


async def test_a_near_miss_asks_too_and_cancel_or_area_add_are_the_other_answers(person):
    admin = person(ADMIN)
    out = await admin.say("area set Enterprise roadmpa; accountable: Leadership Team")
    assert "it looks like “Enterprise roadmap” (a similar name)" in out
    assert "type “area set Enterprise roadmap; …” to change it, or “area add Enterprise roadmpa; …”" in out
    assert "Cancelled. Nothing was changed." in await admin.say("3")
    assert f"{ADMIN}:" not in await admin.say("audit")
    out = await admin.say("area add Enterprise roadmpa; accountable: Leadership Team")
    assert "Added “Enterprise roadmpa”." in out
    out = await admin.say("area add enterprise roadmap; accountable: Leadership Team")
    assert "There already is an area called “Enterprise roadmap”; change it with area set. Nothing was changed." in out


async def test_a_name_that_differs_by_a_whole_word_is_no_near_miss(person):
    admin = person(ADMIN)
    await admin.say("area set IT governance; accountable: PMO")
    # The names are alike as strings, but "Data" is no slip of "IT": a new area, not a question.
    out = await admin.say("area set Data governance; accountable: Leadership Team")
    assert "Added “Data governance”." in out


async def test_a_change_that_changes_nothing_says_so_and_is_not_audited(person):
    admin = person(ADMIN)
    out = await admin.say("area set Enterprise roadmap; accountable: pmo; consulted: Leadership Team, EA")
    assert "Nothing to change: “Enterprise roadmap” already is as you describe it. Nothing was recorded." in out
    assert "Undo" not in out
    out = await admin.say("area alias Enterprise roadmap; the roadmap")
    assert "Nothing to change" in out
    out = await admin.say("party set PMO; contact: #pmo")
    assert "Nothing to change: the party “PMO” already is as you describe it." in out
    assert f"{ADMIN}:" not in await admin.say("audit")


async def test_audit_shows_before_and_after(person):
    admin = person(ADMIN)
    await admin.say("area set Enterprise roadmap; accountable: Leadership Team; aliases: the roadmap, the big plan")
    await admin.say("party set Finance; contact: #finance")
    await admin.say("party set Finance; contact: #money")
    await admin.say("area remove Delivery framework")
    out = await admin.say("audit")
    assert (
        f"{ADMIN}: area.set “Enterprise roadmap”: accountable: PMO → Leadership Team; "
        "aliases +the big plan, −initiative roadmap, −portfolio roadmap" in out
    )
    assert f"{ADMIN}: party.set “Finance”: added: contact #finance" in out
    assert f"{ADMIN}: party.set “Finance”: contact: #finance → #money" in out
    assert f"{ADMIN}: area.remove “Delivery framework”: removed (was: accountable Coaching Community;" in out
    out = await admin.say("audit the roadmap")
    assert "Changes to the roadmap" in out and "Finance" not in out and "accountable: PMO → Leadership Team" in out


async def test_areas_lists_every_area_a_page_at_a_time(person):
    admin = person(ADMIN)
    for n in range(1, 26):
        await admin.say(f"area set Topic {n:02}; accountable: PMO")
    assert (await person("U-BOB").say("areas")).startswith("Only admins can list the registry's areas.")
    out = await admin.say("areas")
    assert "Areas 1–20 of 34" in out and "Page 1 of 2. Next: “areas 2”." in out
    assert "• Community and knowledge sharing — PMO · not verified yet" in out and "Topic 12" in out
    assert "Topic 13" not in out and "[1] Next page" in out
    out = await admin.say("1")
    assert "Areas 21–34 of 34" in out and "• Topic 13 — PMO" in out and "• Value discovery and delivery" in out
    assert "[1] Previous page" in out and "Next page" not in out
    assert out == await admin.say("areas 2")
    assert "There are 2 page(s) of areas; page 9 is past the end." in await admin.say("areas 9")
    assert "Usage: areas [stale] [page]" in await admin.say("areas of the pmo")


async def test_a_party_is_removed_only_when_nothing_refers_to_it(person):
    admin = person(ADMIN)
    out = await admin.say("party remove Oversight Team")
    assert (
        "Can't remove it: “Oversight Team” still holds roles in 5 areas: accountable for Value discovery and delivery; "
        "responsible for Value discovery and delivery; informed about Enterprise architecture description, "
        "Enterprise initiative budgets, Enterprise roadmap, Organisational strategy. "
        "Give those roles to another party first (area set …). Nothing was changed." in out
    )
    await admin.say("party set Finance; contact: #finance")
    assert "Removed party “Finance”." in await admin.say("party remove finance")
    assert "I don't know a party called “Finance”" in await person().say("what does Finance own?")
    assert "Undone: the party “Finance” is back as it was." in await admin.say("1")
    assert "Contact  #finance" in await person().say("who is Finance?")
    assert "There is no party called “Nobody”" in await admin.say("party remove Nobody")


@pytest.mark.parametrize(
    "value", ["", "not json", "[1, 2]", '{"n": "X", "f": {"owner": "PMO"}}', '{"n": "X", "f": {}, "a": "7"}']
)
async def test_forged_update_or_create_choices_change_nothing(bot, person, workspace, value):
    from bot.core import Action

    await person().say("hello")
    base = dict(platform="console", workspace=workspace, channel="C", action_id="ownership.area_choice", value=value)
    reply = await bot.handle(Action(**base, user=ADMIN))
    assert reply.text == "That choice has expired. Nothing was changed."
    reply = await bot.handle(Action(**base, user="U-BOB"))
    assert reply.text.startswith("Only admins can")
