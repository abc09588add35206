"""`help` lists every command the asker can run, a section per feature, admins' apart and once."""

from tests.conftest import ADMIN


async def test_help_lists_every_command_a_person_can_run(bot, person):
    ann = person("U-ANN")
    out = await ann.say("help")
    for command in bot.router.commands:
        if not command.admin and command.words != "help":  # the one command the help itself names last
            assert f"• {command.usage} — {command.summary}" in out, command.words
    assert "improve <your idea> [--anon]" in out and "retro escalate A12" in out and "retro cancel confirm" in out
    assert "(admins only)" not in out and "improve digest here" not in out


async def test_admins_see_their_commands_too_each_section_once(bot, person):
    admin = person(ADMIN)
    out = await admin.say("help")
    for command in bot.router.commands:
        assert command.words == "help" or f"• {command.usage} — {command.summary}" in out, command.words
    headings = [s.heading for s in admin.reply.sections if s.heading]
    assert len(headings) == len(set(headings)), headings
    assert "Ideas (admins only)" in headings and "Ownership admin (admins only)" in headings
