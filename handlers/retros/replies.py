"""What retro messages look like: the board, counts, revealed cards, voting, summary, actions.

Nothing here ever names the author of an anonymous card: cards carry `author` only when named.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from bot.core import Button, Field, Reply, Section
from storage.models.retros import Retro, RetroAction, RetroCard

STATUS = {
    "collecting": "collecting cards",
    "voting": "voting",
    "discussing": "discussing",
    "closed": "closed",
    "cancelled": "cancelled",
}


def day(d: date) -> str:
    return d.strftime("%a %d %b %Y")


def people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def cards_count(n: int) -> str:
    return f"{n} card{'' if n == 1 else 's'}"


def authors(cards: list[RetroCard]) -> int:
    """Named authors and anonymous authors are counted apart: someone who wrote both counts twice,
    so the number never tells whether an anonymous card came from one of the named authors."""
    return len({("anonymous", c.author_key) if c.anonymous else ("named", c.author) for c in cards})


def counts_line(cards: list[RetroCard]) -> str:
    return f"{cards_count(len(cards))} from {people(authors(cards))}"


def progress(retro: Retro, cards: list[RetroCard], voters: int) -> str:
    """How far the retro is, in counts only ("6 people have added cards, 4 have voted")."""
    wrote = authors(cards)
    added = f"{people(wrote)} {'has' if wrote == 1 else 'have'} added cards ({cards_count(len(cards))})"
    if retro.status == "collecting":
        return f"{added}; voting has not opened yet."
    return f"{added}, {voters} {'has' if voters == 1 else 'have'} voted."


def name(retro: Retro) -> str:
    return f"retro #{retro.id}" + (f" “{retro.title}”" if retro.title else "")


def Name(retro: Retro) -> str:  # noqa: N802  (the sentence-start form of `name`)
    return "R" + name(retro)[1:]


def byline(card: RetroCard) -> str:
    return "anonymous" if card.anonymous or not card.author else card.author


def card_line(card: RetroCard, votes: int | None = None) -> str:
    tally = f" ({votes} vote{'' if votes == 1 else 's'})" if votes is not None else ""
    return f"• #{card.number} {card.text} — {byline(card)}{tally}"


def action_line(action: RetroAction, today: date) -> str:
    owner = f"owner {action.owner}" if action.owner else "owner missing"
    if action.due_on is None:
        due = "due date missing"
    elif action.due_on < today:
        late = (today - action.due_on).days
        due = f"due {day(action.due_on)}, OVERDUE by {late} day{'' if late == 1 else 's'}"
    else:
        due = f"due {day(action.due_on)}" + (" (today)" if action.due_on == today else "")
    age = (today - action.created_at.date()).days
    status = "" if action.status == "open" else f" [{action.status}]"
    return f"• A{action.id} {action.text} — {owner}, {due}, opened {age} day{'' if age == 1 else 's'} ago{status}"


def board(
    retro: Retro, cards: list[RetroCard], old_actions: list[RetroAction], today: date, *, heading: str = ""
) -> Reply:
    """The channel's view of a retro: columns with counts (or cards once revealed), earlier actions, buttons."""
    per_column = Counter(c.column_name for c in cards)
    sections = [Section(text=heading)] if heading else []
    if retro.revealed:
        sections += revealed_sections(retro, cards)
    else:
        sections.append(
            Section(heading="Columns", text="\n".join(f"• {c}: {cards_count(per_column[c])}" for c in retro.columns))
        )
        sections.append(
            Section(
                text=f"{counts_line(cards)} so far. Cards stay hidden until the facilitator "
                "reveals them, so write without anchoring on each other."
            )
        )
    if old_actions:
        sections.append(
            Section(
                heading="Open actions from earlier retros: review these first",
                text="\n".join(action_line(a, today) for a in old_actions)
                + "\nMark one done or carry it over: retro done A12, "
                "retro carry A12, or the Update an action button.",
            )
        )
    sections.append(Section(fields=[Field("Facilitator", retro.facilitator), Field("Status", STATUS[retro.status])]))
    buttons = []
    if retro.status == "collecting":
        buttons.append(Button("Add card", "retro.add", str(retro.id), style="primary"))
    if retro.status == "voting":
        buttons.append(Button("Vote", "retro.ballot", str(retro.id), style="primary"))
    if old_actions:
        buttons.append(Button("Update an action", "retro.review", str(retro.id)))
    buttons.append(Button("Close", "retro.close", str(retro.id), style="danger"))
    text = f"Retro: {retro.title or 'untitled'} ({STATUS[retro.status]}): {counts_line(cards)}."
    return Reply(
        text=text, title=f"Retro #{retro.id}: {retro.title or 'untitled'}"[:150], sections=sections, buttons=buttons
    )


def revealed_sections(retro: Retro, cards: list[RetroCard], votes: Counter | None = None) -> list[Section]:
    sections = []
    for column in retro.columns:
        lines = [card_line(c, votes[c.id] if votes is not None else None) for c in cards if c.column_name == column]
        sections.append(Section(heading=column, text="\n".join(lines) or "• (no cards)"))
    return sections


def by_votes(cards: list[RetroCard], votes: Counter) -> list[RetroCard]:
    return sorted(cards, key=lambda c: (-votes[c.id], c.number))


def discussion(retro: Retro, cards: list[RetroCard], votes: Counter) -> Reply:
    lines = [card_line(c, votes[c.id]) + f" [{c.column_name}]" for c in by_votes(cards, votes)]
    return Reply(
        text=f"Voting is closed. Discuss the cards of {name(retro)}, most votes first.",
        title=f"Retro #{retro.id}: discussion"[:150],
        sections=[
            Section(text="Voting is closed. Cards, most votes first:"),
            Section(text="\n".join(lines) or "• (no cards)"),
            Section(text='Facilitator: add actions with retro action "what" @owner due friday, then retro close.'),
        ],
        buttons=[Button("Close", "retro.close", str(retro.id), style="danger")],
    )


def summary(
    retro: Retro, cards: list[RetroCard], votes: Counter, actions: list[RetroAction], voter_count: int, today: date
) -> Reply:
    sections = [Section(text=f"{Name(retro)} is closed. Thank you all!")]
    sections += revealed_sections(retro, cards, votes)
    top = [c for c in by_votes(cards, votes) if votes[c.id]][:3]
    sections.append(
        Section(heading="Top voted", text="\n".join(card_line(c, votes[c.id]) for c in top) or "• no votes")
    )
    sections.append(
        Section(heading="Action items", text="\n".join(action_line(a, today) for a in actions) or "• none agreed")
    )
    sections.append(Section(heading="Participation", text=f"{counts_line(cards)}; {people(voter_count)} voted."))
    return Reply(
        text=f"{Name(retro)} is closed: {counts_line(cards)}, {len(actions)} action item"
        f"{'' if len(actions) == 1 else 's'}.",
        title=f"Retro #{retro.id} summary: {retro.title or 'untitled'}"[:150],
        sections=sections,
    )


def voting_open(retro: Retro, cards: list[RetroCard]) -> Reply:
    lines = [f"• #{c.number} [{c.column_name}] {c.text}" for c in cards]
    return Reply(
        text=f"Voting is open in {name(retro)}: {retro.vote_budget} votes each, at most "
        f"{retro.max_per_card} on one card. Press Vote or type retro vote N.",
        title=f"Retro #{retro.id}: voting is open"[:150],
        sections=[
            Section(
                text=f"{retro.vote_budget} votes each, at most {retro.max_per_card} on one card. "
                "Press Vote, or type retro vote N (retro unvote N takes one back). "
                "Results stay hidden until voting closes."
            ),
            Section(heading="Cards", text="\n".join(lines) or "• (no cards)"),
        ],
        buttons=[
            Button("Vote", "retro.ballot", str(retro.id), style="primary"),
            Button("Close", "retro.close", str(retro.id), style="danger"),
        ],
    )


def my_votes(retro: Retro, cards: list[RetroCard], mine: Counter) -> str:
    used = sum(mine.values())
    spent = ", ".join(f"#{c.number}×{mine[c.id]}" for c in cards if mine[c.id]) or "none yet"
    return f"You have {retro.vote_budget - used} of {retro.vote_budget} votes left (your votes: {spent})."


def actions_list(title: str, actions: list[RetroAction], today: date) -> Reply:
    if not actions:
        return Reply("No open action items here. Well done!", title=title)
    overdue = sum(1 for a in actions if a.due_on and a.due_on < today)
    lines = [action_line(a, today) for a in actions]
    head = f"{len(actions)} open action item{'' if len(actions) == 1 else 's'}" + (
        f", {overdue} overdue" if overdue else ""
    )
    return Reply(
        text=head + ":\n" + "\n".join(lines),
        title=title,
        sections=[
            Section(text=head + "."),
            Section(text="\n".join(lines)),
            Section(
                text="Mark one done: retro done A12. Carry it into the open retro: retro carry A12. "
                "Needs help from outside the team? retro escalate A12 makes it an improvement idea."
            ),
        ],
    )
