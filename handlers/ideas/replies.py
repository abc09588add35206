"""What idea messages look like: confirmations, the idea card, lists, notices and DMs."""

from __future__ import annotations

import json
from datetime import datetime

from bot.core import MAX_VALUE, Button, Field, Reply, Section
from handlers.ideas.lifecycle import LABELS, NEXT, OPEN
from handlers.ideas.store import COUNT_UP_TO
from storage.models import Idea, IdeaEvent


def label(idea: Idea) -> str:
    return f"#{idea.number} {idea.title}"


def who(user: str | None) -> str:
    return f"@{user}" if user else "anonymous"


def day(at: datetime) -> str:
    return at.strftime("%d %b %Y")


def idea_buttons(idea: Idea) -> list[Button]:
    if idea.status not in OPEN:
        return []
    return [
        Button(f"Vote ({idea.votes})", "idea.vote", str(idea.number), style="primary"),
        Button("Add detail", "idea.detail", str(idea.number)),
        Button("Withdraw", "idea.withdraw", str(idea.number), style="danger"),
    ]


def triage_buttons(idea: Idea) -> list[Button]:
    names = {
        "triaged": "Triage",
        "accepted": "Accept",
        "in_progress": "Start",
        "done": "Done",
        "declined": "Decline…",
        "duplicate": "Duplicate of…",
    }
    return [
        Button(names[s], "idea.status", f"{idea.number}:{s}", style="danger" if s == "declined" else None)
        for s in NEXT.get(idea.status, ())
        if s in names
    ]


def logged(idea: Idea, where: str) -> Reply:
    text = f"Logged idea #{idea.number}: {idea.title}. {where} You'll hear from me every time its status changes."
    fields = [Field("Status", LABELS[idea.status]), Field("Area", idea.area_name or "not matched yet")]
    if idea.anonymous:
        fields.append(Field("Submitted", "anonymously: your name is not stored or shown"))
    return Reply(
        text,
        title=f"Idea #{idea.number} logged",
        sections=[Section(text=text, fields=fields)],
        buttons=idea_buttons(idea),
        private=idea.anonymous,
    )


def draft_value(title: str, details: str, area_id: int | None, anonymous: bool) -> str | None:
    value = json.dumps({"t": title, "d": details, "a": area_id, "x": anonymous}, ensure_ascii=False)
    return value if len(value) <= MAX_VALUE else None  # a longer draft cannot ride in a button


def looks_like(draft: str, ideas: list[Idea], title: str) -> Reply:
    lines = [f"#{i.number} {i.title} ({LABELS[i.status]}, {i.votes} vote{'s' if i.votes != 1 else ''})" for i in ideas]
    text = (
        f"Before I log “{title}”: it looks like {'this open idea' if len(ideas) == 1 else 'these open ideas'}. "
        "Add your vote to one instead, or log yours anyway. Nothing is saved until you choose."
    )
    buttons = [Button(f"+1 #{i.number} instead", "idea.plus_one", str(i.number), style="primary") for i in ideas]
    buttons.append(Button("Log mine anyway", "idea.submit", draft))
    return Reply(
        text + "\n" + "\n".join(lines),
        title="Looks like an existing idea",
        sections=[Section(text=text), Section(text="\n".join(f"• {line}" for line in lines))],
        buttons=buttons,
        private=True,
    )


def card(idea: Idea, history: list[IdeaEvent]) -> Reply:
    fields = [
        Field("Status", LABELS[idea.status]),
        Field("Votes", str(idea.votes)),
        Field("Area", idea.area_name or "not matched: in the triage queue"),
        Field("Owner", who(idea.owner) if idea.owner else "not assigned"),
        Field("Submitted by", who(idea.submitter)),
        Field("Submitted", day(idea.created_at), at=idea.created_at),
    ]
    if idea.duplicate_of:
        fields.append(Field("Duplicate of", f"#{idea.duplicate_of}"))
    sections = [Section(text=idea.details or idea.title, fields=fields)]
    sections.append(Section(heading="History", text="\n".join(history_line(e) for e in history)))
    return Reply(
        f"Idea {label(idea)} ({LABELS[idea.status]}, {idea.votes} votes).",
        title=f"Idea {label(idea)}"[:150],
        sections=sections,
        buttons=idea_buttons(idea),
    )


def history_line(e: IdeaEvent) -> str:
    when = e.at.strftime("%d %b %Y %H:%M")
    by = who(e.actor)
    if e.kind == "submitted":
        text = f"submitted by {by}"
    elif e.kind == "status":
        text = (
            f"{LABELS.get(e.from_status or '', e.from_status)} → {LABELS.get(e.to_status or '', e.to_status)} by {by}"
        )
    elif e.kind == "assigned":
        text = f"assigned by {by}"
    elif e.kind == "escalated":
        text = "escalated to the triage queue (waiting too long)"
    else:
        text = f"{e.kind} by {by}"
    return f"• {when} UTC {text}" + (f": “{e.comment}”" if e.comment else "")


def listing(
    ideas: list[Idea], total: int, heading: str, more_hint: str, *, offset: int = 0, next_page: str | None = None
) -> Reply:
    """A page of ideas. `offset` is how many came before this page; `next_page` the arguments of
    `improve list` that show the next one (a button carries them)."""
    if not ideas:
        if offset:
            return Reply(f"No more ideas {heading}: there are {total:,}. See page 1: improve list", private=True)
        return Reply(f"No ideas {heading}. Log one with: improve <your idea>", private=True)
    lines = [
        f"#{i.number} {i.title} — {LABELS[i.status]}, {i.votes} vote{'s' if i.votes != 1 else ''}"
        + (f", {i.area_name}" if i.area_name else "")
        for i in ideas
    ]
    capped = total >= COUNT_UP_TO
    count = f"{total:,}+" if capped else f"{total:,}"
    shown = f"{offset + 1}–{offset + len(ideas)} of {count}" if offset or total > len(ideas) else count
    left = total - offset - len(ideas)
    more = ""
    if left > 0:
        more = f"\n…and {left:,}{'+' if capped else ''} more."
        more += f" Next page: improve list {next_page}." if next_page else ""
        more += f" {more_hint}" if more_hint else ""
    text = f"Ideas {heading} ({shown}):\n" + "\n".join(lines) + more
    buttons = [Button(f"Vote #{i.number}", "idea.vote", str(i.number)) for i in ideas[:5] if i.status in OPEN]
    if left > 0 and next_page:
        buttons.append(Button("Next page", "idea.list", next_page))
    return Reply(
        text,
        title=f"Ideas {heading} ({shown})",
        private=True,
        sections=[Section(text="\n".join(f"• {line}" for line in lines) + more)],
        buttons=buttons,
    )


def update_dm(idea: Idea, event: IdeaEvent, why: str) -> Reply:
    """The DM followers get on a change: what changed, the comment, and why they are told."""
    if event.kind == "status":
        what = f"Idea #{idea.number} “{idea.title}” is now {LABELS[event.to_status or '']}"
        if idea.duplicate_of and event.to_status == "duplicate":
            what += f" of #{idea.duplicate_of} (your vote counts there now)"
    elif event.kind == "assigned":
        what = f"Idea #{idea.number} “{idea.title}” has a new owner: {who(idea.owner)}"
    else:
        what = f"Idea #{idea.number} “{idea.title}”: {event.kind}"
    text = what + (f": “{event.comment}”" if event.comment else ".")
    return Reply(
        text, title=f"Idea #{idea.number}: {LABELS[idea.status]}", sections=[Section(text=text), Section(text=why)]
    )


def assigned_dm(idea: Idea, by: str) -> Reply:
    """To an idea's new owner: it is theirs now, what it is, and what they can do with it."""
    text = (
        f"@{by} made you the owner of idea #{idea.number} “{idea.title}” ({LABELS[idea.status]}, "
        f"{idea.votes} vote{'s' if idea.votes != 1 else ''}). Move it on with the buttons or "
        f'improve status {idea.number} <status> ["comment"]; its submitter and voters hear about every change.'
    )
    fields = [
        Field("Area", idea.area_name or "not matched"),
        Field("Submitted", day(idea.created_at), at=idea.created_at),
    ]
    return Reply(
        text,
        title=f"Idea #{idea.number} is yours: {idea.title}"[:150],
        sections=[Section(text=text), Section(text=idea.details or idea.title, fields=fields)],
        buttons=triage_buttons(idea),
    )


def notice(idea: Idea, reason: str) -> Reply:
    """To the owner's contact or the triage queue: a new (or waiting) idea, with triage buttons."""
    fields = [
        Field("Area", idea.area_name or "not matched"),
        Field("Votes", str(idea.votes)),
        Field("Submitted", day(idea.created_at), at=idea.created_at),
    ]
    text = f"{reason}: #{idea.number} {idea.title}"
    return Reply(
        text,
        title=f"Idea #{idea.number}: {idea.title}"[:150],
        sections=[Section(text=reason), Section(text=idea.details or idea.title, fields=fields)],
        buttons=triage_buttons(idea),
    )
