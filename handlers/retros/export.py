"""`retro export [N]`: a retro as Markdown, and its cards and actions as CSV.

Anonymous cards are exported with the author "anonymous"; vote counts only once voting closed.
The CSV travels as a section of text until replies can carry files.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from bot.core import Reply, Section
from bot.core.router import Context, Routes
from handlers.retros import replies, store
from handlers.retros.common import today
from storage.models.retros import Retro, RetroAction, RetroCard

routes = Routes("retros")


def markdown(
    retro: Retro, cards: list[RetroCard], votes: Counter | None, actions: list[RetroAction], voters: int
) -> str:
    lines = [
        f"# Retro #{retro.id}: {retro.title}",
        "",
        f"- Status: {retro.status}",
        f"- Facilitator: {retro.facilitator}",
        f"- Started: {retro.created_at:%Y-%m-%d %H:%M} UTC",
        f"- Participation: {replies.counts_line(cards)}; {replies.people(voters)} voted",
        "",
    ]
    for column in retro.columns:
        lines += [f"## {column}", ""]
        column_cards = [c for c in cards if c.column_name == column]
        for c in column_cards:
            tally = f" ({votes[c.id]} vote{'' if votes[c.id] == 1 else 's'})" if votes is not None else ""
            lines.append(f"- #{c.number} {_one_line(c.text)} — {replies.byline(c)}{tally}")
        lines += ["- (no cards)"] if not column_cards else []
        lines.append("")
    lines += ["## Action items", ""]
    for a in actions:
        lines.append(
            f"- [{'x' if a.status == 'done' else ' '}] A{a.id} {_one_line(a.text)} — owner "
            f"{a.owner or 'missing'}, due {a.due_on.isoformat() if a.due_on else 'missing'} ({a.status})"
        )
    if not actions:
        lines.append("- none")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def csv_text(retro: Retro, cards: list[RetroCard], votes: Counter | None, actions: list[RetroAction]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["type", "number", "column", "text", "author_or_owner", "votes", "due_on", "status"])
    for c in cards:
        writer.writerow(
            [
                "card",
                c.number,
                c.column_name,
                _safe(c.text),
                replies.byline(c),
                votes[c.id] if votes is not None else "",
                "",
                "",
            ]
        )
    for a in actions:
        writer.writerow(
            [
                "action",
                f"A{a.id}",
                "",
                _safe(a.text),
                a.owner or "",
                "",
                a.due_on.isoformat() if a.due_on else "",
                a.status,
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: keep them text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@routes.command(
    "retro export",
    "A retro as Markdown and CSV (default: this channel's latest)",
    usage="retro export [N]",
    examples=("retro export",),
)
async def export(ctx: Context) -> Reply:
    arg = ctx.args.strip().lstrip("#")
    async with ctx.db.session() as session:
        if arg:
            if not arg.isdigit():
                return Reply("Give the retro's number, e.g. retro export 4.")
            retro = await store.get_retro(session, ctx.msg.workspace, int(arg))
        else:
            retro = await store.latest_in(session, ctx.msg.workspace, ctx.msg.channel)
        if retro is None:
            return Reply(f"There is no retro {'#' + arg + ' ' if arg else ''}here to export.")
        if retro.channel != ctx.msg.channel and not ctx.is_admin:
            return Reply(f"Retro #{retro.id} belongs to another channel: export it there.")
        if not retro.revealed:
            return Reply(f"The cards of {replies.name(retro)} are still hidden; export it once they are revealed.")
        cards = await store.cards(session, retro.id)
        shown = retro.status in ("discussing", "closed")
        votes = await store.tallies(session, retro.id) if shown else None
        actions = await store.actions_of(session, retro.id)
        voters = await store.voters(session, retro.id)
    md = markdown(retro, cards, votes, actions, voters)
    table = csv_text(retro, cards, votes, actions)
    return Reply(
        md,
        title=f"Export of retro #{retro.id}"[:150],
        private=True,
        sections=[
            Section(heading="Markdown", text=md),
            Section(heading="CSV (cards and actions)", text=table),
            Section(text=f"Exported {today(ctx).isoformat()}. Anonymous cards show no author."),
        ],
    )
