"""`help`: what the bot can do, built from what the handlers registered."""

from __future__ import annotations

from itertools import groupby

from bot.core import Reply, Section
from bot.core.feature import Feature
from bot.core.router import CommandInfo, Context, Routes

routes = Routes("help")


@routes.command("help", "What I can do, with examples", examples=("help",))
async def show_help(ctx: Context) -> Reply:
    sections = [Section(heading="Ask me", text="\n".join(f"• {q}" for q in ctx.router.examples))]

    # Every command the asker may run, a section per feature; admins also see theirs, apart.
    def kind(c: CommandInfo) -> tuple[bool, str]:
        return bool(c.admin), c.group

    commands = sorted((c for c in ctx.router.commands if ctx.is_admin or not c.admin), key=kind)
    for (admin, group), infos in groupby(commands, key=kind):
        if group == "help":
            continue
        lines = []
        for info in infos:
            lines.append(f"• {info.usage} — {info.summary}")
            lines.extend(f"    e.g. {example}" for example in info.examples)
        heading = group.capitalize() + (" (admins only)" if admin else "")
        sections.append(Section(heading=heading, text="\n".join(lines)))
    sections.append(Section(text="Type “help” any time to see this again."))
    text = (
        "I answer who owns what in our operating model, take improvement ideas and follow them up, run "
        "retros and announce meetups. Try: " + "; ".join(ctx.router.examples[:2])
    )
    return Reply(text=text, title="What I can do", sections=sections)


FEATURE = Feature("help", routes=(routes,))
