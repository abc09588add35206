"""Neutral replies for the ownership registry: an area's RACI, a party's areas, choices."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.core import Button, Field, Reply, Section
from bot.core.messages import show_reference
from handlers.ownership import freshness
from handlers.ownership.matching import Candidate
from handlers.ownership.registry import AreaView, PartyRef
from storage.models import ROLE_NAMES, Party

MAX_CHOICES = 5


def _party(p: PartyRef) -> str:
    return f"{p.name} ({show_reference(p.contact)})" if p.contact else p.name


def area_reply(view: AreaView, now: datetime) -> Reply:
    area, acc = view.area, view.accountable
    if acc:
        text = f"{acc.name} is accountable for {area.name}."
        if acc.contact:
            text += f" Contact: {show_reference(acc.contact)}."
    else:
        text = f"Nobody is accountable for {area.name} yet."
    fields = [
        Field(ROLE_NAMES[role], ", ".join(_party(p) for p in parties))
        for role, parties in view.roles.items()
        if parties
    ]
    sections = [Section(text=text, fields=fields)]
    if area.notes:
        sections.append(Section(text=area.notes))
    verified = freshness.describe(area, now)
    footer = [Field("Last verified", verified)]
    if view.aliases:
        footer.append(Field("Also known as", ", ".join(view.aliases)))
    sections.append(Section(fields=footer))
    buttons = [Button(f"What else does {acc.name} own?", "ownership.party", str(acc.id))] if acc else []
    return Reply(text=f"{text} (last verified: {verified})", title=area.name, sections=sections, buttons=buttons)


def area_answer(view: AreaView, now: datetime) -> Reply:
    """`area_reply`, built once per cached view and day: the answer to the most common question
    costs no rebuilding (a returned Reply is never changed, see bot.core.Reply), and still says
    how long ago the area was verified."""
    day = (now.date(), freshness.is_stale(view.area, now))
    if view.answer is None or view.answer_day != day:
        view.answer, view.answer_day = area_reply(view, now), day
    return view.answer


def shared_reply(views: list[AreaView], now: datetime) -> Reply:
    """One party accountable for every area a question could mean: the answer, with the areas."""
    acc = views[0].accountable
    assert acc is not None
    names = [v.area.name for v in views]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    text = f"{acc.name} is accountable for {listed}."
    if acc.contact:
        text += f" Contact: {show_reference(acc.contact)}."
    lines = "\n".join(f"• {v.area.name} (last verified: {freshness.describe(v.area, now)})" for v in views)
    buttons = [Button(v.area.name, "ownership.area", str(v.area.id)) for v in views]
    buttons.append(Button(f"What else does {acc.name} own?", "ownership.party", str(acc.id)))
    return Reply(text=text, title=acc.name, sections=[Section(text=text), Section(text=lines)], buttons=buttons)


def party_reply(party: Party, by_role: dict[str, list[str]], *, only: str | None = None) -> Reply:
    lines = []
    sections = []
    if party.description:
        sections.append(Section(text=party.description))
    if party.contact:
        sections.append(Section(fields=[Field("Contact", show_reference(party.contact))]))
    role_titles = {"A": "Accountable for", "R": "Responsible for", "C": "Consulted on", "I": "Informed about"}
    for role, title in role_titles.items():
        if only and role != only:
            continue
        if by_role[role]:
            sections.append(Section(heading=title, text="\n".join(f"• {name}" for name in by_role[role])))
            lines.append(f"{title}: {', '.join(by_role[role])}.")
    if not lines:
        what = role_titles[only].lower() if only else "anything in the registry"
        lines.append(f"{party.name} is not {what} yet." if only else f"{party.name} has no areas yet.")
        sections.append(Section(text=lines[-1]))
    return Reply(text=f"{party.name}: " + " ".join(lines), title=party.name, sections=sections)


def reading(question: str, answer: Reply) -> Reply:
    """The answer, saying how a corrected question was read: "Reading 'enterprize road map' as …"."""
    note = f"Reading “{question}” as {answer.title}."
    sections = answer.sections or [Section(text=answer.text)]
    return dataclasses.replace(answer, text=f"{note} {answer.text}", sections=[Section(text=note), *sections])


def with_note(answer: Reply, note: str) -> Reply:
    """The answer with a line after it (the cached answer itself is never changed)."""
    sections = answer.sections or [Section(text=answer.text)]  # a plain reply shows its text as its section
    return dataclasses.replace(answer, text=f"{answer.text} {note}", sections=[*sections, Section(text=note)])


def _pick(c: Candidate, gap_id: int | None) -> Button:
    """A choice for a recorded question carries the question's gap: picking it proposes an alias."""
    return Button(c.name, "ownership.area", f"{c.area_id} {gap_id}" if gap_id else str(c.area_id))


def choices_reply(question: str, candidates: list[Candidate], gap_id: int | None) -> Reply:
    """ "Did you mean" between two or more close areas (never a single option)."""
    shown = candidates[:MAX_CHOICES]
    names = ", ".join(c.name for c in shown)
    buttons = [_pick(c, gap_id) for c in shown]
    buttons.append(Button("None of these", "ownership.none", str(gap_id or "")))
    return Reply(text=f"Did you mean: {names}?", sections=[Section(text="Did you mean one of these?")], buttons=buttons)


def unknown_reply(question: str, closest: list[Candidate], gap_id: int | None) -> Reply:
    text = f"I don't know who owns “{question}” yet. I've noted the question so the registry admins can add it."
    sections = [Section(text=text)]
    buttons = []
    if closest:
        sections.append(Section(heading="Closest areas I know", text="\n".join(f"• {c.name}" for c in closest)))
        buttons = [_pick(c, gap_id) for c in closest[:MAX_CHOICES]]
        text += " Closest areas: " + ", ".join(c.name for c in closest) + "."
    return Reply(text=text, sections=sections, buttons=buttons)
