"""`retro export [N]`: a retro as Markdown, and its cards and actions as CSV.

Anonymous cards are exported with the author "anonymous"; vote counts only once voting closed.
The CSV travels as a section of text until replies can carry files.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from bot.core import Reply, Section
from bot.core.ids import parse_id
from bot.core.router import Context, Refusal, Routes
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
    """A retro of this channel, or (by number) of a channel the person is a member of; to anyone
    else a retro of another channel does not exist."""
    arg = ctx.args.strip().lstrip("#")
    number = parse_id(arg) if arg else None
    if arg and number is None and not (arg.isascii() and arg.isdigit()):
        raise Refusal("Give the retro's number, e.g. retro export 4.")
    missing = f"There is no retro {'#' + arg[:24] + ' ' if arg else ''}here to export."
    async with ctx.db.session() as session:
        if arg:
            retro = await store.get_retro(session, ctx.msg.workspace, number) if number else None
        else:
            retro = await store.latest_in(session, ctx.msg.workspace, ctx.msg.channel)
    if retro is None:
        raise Refusal(missing)
    await ctx.require_channel(store.channel_of(retro), missing)
    if retro.channel != ctx.msg.channel and not ctx.msg.direct:  # a member, asking where others read along
        raise Refusal(f"Retro #{retro.id} is another channel's: export it there, or ask me in a direct message.")
    if not retro.revealed:
        raise Refusal(f"The cards of {replies.name(retro)} are still hidden; export it once they are revealed.")
    async with ctx.db.session() as session:
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
