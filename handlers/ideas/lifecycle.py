"""An idea's lifecycle: new → triaged → accepted → in progress → done, or declined / duplicate,
or withdrawn by its submitter. Steps may be skipped forwards, never taken back."""

from __future__ import annotations

LABELS = {
    "new": "new",
    "triaged": "triaged",
    "accepted": "accepted",
    "in_progress": "in progress",
    "done": "done",
    "declined": "declined",
    "duplicate": "duplicate",
    "withdrawn": "withdrawn",
}
OPEN = ("new", "triaged", "accepted", "in_progress")
CLOSED = ("done", "declined", "duplicate", "withdrawn")
FORWARD = ("new", "triaged", "accepted", "in_progress", "done")
# The usual next steps, offered as buttons; a command may skip further forwards (`allowed`).
NEXT: dict[str, tuple[str, ...]] = {
    "new": ("triaged", "accepted", "declined", "duplicate"),
    "triaged": ("accepted", "in_progress", "declined", "duplicate"),
    "accepted": ("in_progress", "done", "declined", "duplicate"),
    "in_progress": ("done", "declined"),
}
NEEDS_COMMENT = {"declined": "a reason"}
TRIAGED = ("triaged", "accepted", "in_progress", "done", "declined", "duplicate")  # a decision was made


def parse_status(word: str) -> str | None:
    """'In progress', 'in-progress', 'inprogress', 'accept' → the status, or None."""
    w = word.lower().replace("-", "_").replace(" ", "_")
    aliases = {
        "inprogress": "in_progress",
        "started": "in_progress",
        "doing": "in_progress",
        "accept": "accepted",
        "decline": "declined",
        "reject": "declined",
        "rejected": "declined",
        "triage": "triaged",
        "dup": "duplicate",
        "duplicated": "duplicate",
        "complete": "done",
        "completed": "done",
        "finished": "done",
        "open": "new",
    }
    w = aliases.get(w, w)
    return w if w in LABELS else None


def allowed(current: str) -> tuple[str, ...]:
    """Where an open idea may go: any step further along, or declined, or duplicate."""
    if current not in OPEN:
        return ()
    return (*FORWARD[FORWARD.index(current) + 1 :], "declined", "duplicate")


def refusal(current: str, wanted: str) -> str | None:
    """Why `current` → `wanted` is not a valid step (a sentence for the user), or None."""
    if wanted == current:
        return f"It is already {LABELS[current]}."
    if current in CLOSED:
        return f"It is {LABELS[current]}, so its status can't change any more."
    if wanted == "withdrawn":
        return "Only its submitter can withdraw it (`improve withdraw N`)."
    if wanted not in allowed(current):
        options = ", ".join(LABELS[s] for s in allowed(current))
        return f"It is {LABELS[current]}; steps are never taken back, so it can go to {options}."
    return None
