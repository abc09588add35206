"""Registry administration from chat (admins only): areas, aliases, parties, gaps, audit, undo.

Syntax: `area set NAME; accountable: PARTY; responsible: P1, P2; consulted: …; informed: …;
aliases: a1, a2; notes: …; verify every: 30 days; name: NEW NAME`. Keys may be abbreviated to
a/r/c/i. Fields not given keep their current value. A NAME that is only an alias or a near miss
of an existing area is asked about ("update X or create NAME?") rather than guessed. A change
that changes nothing says so and is not audited; every other confirmation has an Undo button.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from sqlmodel import select

from bot.core import MAX_VALUE, Button, Field, Form, Input, Reply, Section
from bot.core.messages import show_reference
from bot.core.router import Context, Handler, Refusal, Routes
from handlers.ownership import changes, freshness, names, registry
from handlers.ownership.matching import key
from handlers.ownership.registry import RegistryCache
from handlers.ownership.replies import area_reply, with_note
from storage.models import Area, AuditEntry, UnansweredQuestion

routes = Routes("ownership admin")

AREA_KEYS = {
    "a": "accountable",
    "accountable": "accountable",
    "r": "responsible",
    "responsible": "responsible",
    "c": "consulted",
    "consulted": "consulted",
    "i": "informed",
    "informed": "informed",
    "alias": "aliases",
    "aliases": "aliases",
    "note": "notes",
    "notes": "notes",
    "name": "name",
    "rename": "name",
    "verify every": "verify_every_days",
    "verify": "verify_every_days",
    "review every": "verify_every_days",
}
PARTY_KEYS = {
    "contact": "contact",
    "description": "description",
    "desc": "description",
    "alias": "aliases",
    "aliases": "aliases",
    "name": "name",
    "rename": "name",
}
LISTS = {"responsible", "consulted", "informed", "aliases"}
AREA_SET_USAGE = (
    "area set NAME; accountable: PARTY; responsible: P1, P2; consulted: …; informed: …; aliases: a1, a2; notes: …;"
    " verify every: 30 days"
)
PARTY_SET_USAGE = "party set NAME; contact: #channel or @person; description: …; aliases: a1, a2"


class UsageError(ValueError):
    pass


def parse_fields(args: str, keys: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """'Name; key: value; key: v1, v2' → ('Name', {key: value, key: [v1, v2]})."""
    name, *parts = [p.strip() for p in args.split(";")]
    fields: dict[str, Any] = {}
    for part in parts:
        if not part:
            continue
        label, sep, value = part.partition(":")
        field = keys.get(label.strip().lower())
        if not sep or not field:
            raise UsageError(
                f"I don't understand “{part[:80]}”: expected one of "
                f"{', '.join(sorted(set(keys.values())))} followed by a colon."
            )
        value = value.strip()
        if field in LISTS or field == "accountable":
            items = [v.strip() for v in value.split(",") if v.strip()]
            if field == "accountable" and len(items) != 1:
                raise UsageError(
                    f"An area has exactly one Accountable party; you gave {len(items)}"
                    + (f" ({', '.join(items)})" if items else "")
                    + "."
                )
            fields[field] = items[0] if field == "accountable" else items
        elif field == "verify_every_days":
            try:
                fields[field] = freshness.parse_interval(value)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        else:
            fields[field] = value
    return name, fields


async def _area_named(session, workspace: str, name: str) -> Area:
    """The area `name` names, or a refusal saying there is none."""
    area = await registry.find_area(session, workspace, name)
    if area is None:
        raise Refusal(f"There is no area called “{name.strip()}”. Nothing was changed.", private=False)
    return area


def _writes(handler: Handler) -> Handler:
    """Registry writes: once the handler's transaction has committed, drop the cached registry and
    close the gaps the change answers (the confirmation says which)."""

    @functools.wraps(handler)
    async def wrapped(ctx: Context) -> Reply | None:
        before = (await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)).version if ctx.is_admin else None
        try:
            reply = await handler(ctx)
        finally:
            ctx.own(RegistryCache).forget(ctx.msg.workspace)
        changed = (
            before is not None and (await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)).version != before
        )
        closed = await settle_gaps(ctx) if reply and changed else []
        if closed:
            shown = ", ".join(f"“{gap.text}”" for gap, _ in closed[:5]) + (" …" if len(closed) > 5 else "")
            reply = with_note(reply, f"This also answers {len(closed)} open question(s) from gaps: {shown}.")
        return reply

    return wrapped


def _undo(entry: AuditEntry) -> Button:
    return Button("Undo", "ownership.undo", str(entry.id), style="danger")


async def _confirm_area(ctx: Context, session, entry: AuditEntry | None, verb: str, area: Area) -> Reply:
    """The area as it now is, under "Added …" / "Updated …" with Undo, or "Nothing to change"."""
    answer = area_reply(await registry.area_view(session, area), ctx.now())
    head = (
        f"{verb} “{area.name}”."
        if entry
        else f"Nothing to change: “{area.name}” already is as you describe it. Nothing was recorded."
    )
    answer.text = f"{head} {answer.text}"
    answer.sections.insert(0, Section(text=head))
    answer.buttons = [_undo(entry)] if entry else []
    return answer


# ----------------------------------------------------------------------------------- areas


@routes.command(
    "area set",
    "Add or change an area and its RACI",
    usage=AREA_SET_USAGE,
    admin="change the ownership registry",
    examples=(
        "area set Product roadmap; accountable: PMO; consulted: Oversight Team; aliases: product plan",
        "area set Enterprise roadmap; verify every: 30 days",
    ),
)
@_writes
async def area_set(ctx: Context) -> Reply:
    if not ctx.args.strip():
        return area_form()
    try:
        name, fields = parse_fields(ctx.args, AREA_KEYS)
    except UsageError as exc:
        return Reply(f"{exc} Nothing was changed. Usage: {AREA_SET_USAGE}")
    return await _save_area(ctx, name, fields)


@routes.command(
    "area add",
    "Add a new area, even when its name is close to an existing one",
    usage="area add NAME; accountable: PARTY; …",
    admin="change the ownership registry",
)
@_writes
async def area_add(ctx: Context) -> Reply:
    try:
        name, fields = parse_fields(ctx.args, AREA_KEYS)
    except UsageError as exc:
        return Reply(f"{exc} Nothing was changed. Usage: {AREA_SET_USAGE.replace('area set', 'area add')}")
    return await _save_area(ctx, name, fields, create=True)


async def _save_area(
    ctx: Context, name: str, fields: dict[str, Any], *, area_id: int | None = None, create: bool = False
) -> Reply:
    """Change the area named (or with `area_id`), or add one. A name that only an alias or a near
    miss connects to an existing area is asked about: "update X or create NAME?"."""
    ws = ctx.msg.workspace
    async with ctx.db.session() as session:
        if area_id is not None:
            existing = await registry.get_area(session, ws, area_id)
            if existing is None:
                return Reply("That area no longer exists. Nothing was changed.")
        else:
            existing = await registry.area_named(session, ws, name) if key(name) else None
            if existing and create:
                return Reply(
                    f"There already is an area called “{existing.name}”; change it with area set. Nothing was changed."
                )
            if existing is None and key(name) and not create:
                near = await _near_areas(session, ws, name)
                if near:
                    return _update_or_create(name, fields, near)
        if existing:
            snap = registry.area_snapshot(await registry.area_view(session, existing))
        else:
            snap = {"area": name}
        if "name" in fields:
            snap["area"] = fields.pop("name")
        snap.update(fields)
        try:
            entry = await registry.write_area(
                session, ws, snap, actor=ctx.msg.user, action="area.set", existing=existing, now=ctx.now()
            )
        except registry.RegistryError as exc:
            return Reply(f"{exc} Nothing was changed.")
        area = existing or await registry.area_named(session, ws, snap["area"])
        return await _confirm_area(ctx, session, entry, "Updated" if existing else "Added", area)


async def _near_areas(session, workspace: str, name: str) -> list[tuple[Area, str | None]]:
    """Existing areas `name` may mean: (area, the alias it matched, or None for a near miss)."""
    known = await registry.names_and_aliases(session, workspace)
    found: dict[int, tuple[Area, str | None]] = {}
    for text, area in known:
        if text != area.name and key(text) == key(name):
            found.setdefault(area.id, (area, text))
    by_text = {text: area for text, area in known}
    for text in names.close(name, by_text):
        area = by_text[text]
        found.setdefault(area.id, (area, text if text != area.name else None))
    return list(found.values())[:3]


def _update_or_create(name: str, fields: dict[str, Any], near: list[tuple[Area, str | None]]) -> Reply:
    lines = [f"“{area.name}”" + (f" (also called “{alias}”)" if alias else " (a similar name)") for area, alias in near]
    text = (
        f"There is no area called “{name}”, but it looks like {' or '.join(lines)}. "
        f"Update {'it' if len(near) == 1 else 'one of them'}, or create a new area “{name}”? "
        "Nothing is changed until you choose."
    )
    typed = f"(Or type “area set {near[0][0].name}; …” to change it, or “area add {name}; …” to create the new area.)"
    buttons = [
        Button(f"Update “{area.name}”"[:75], "ownership.area_choice", value, style="primary")
        for area, _ in near
        if (value := _pending(name, fields, area_id=area.id))
    ]
    if buttons and (value := _pending(name, fields)):
        buttons.append(Button(f"Create “{name}”"[:75], "ownership.area_choice", value))
        buttons.append(Button("Cancel", "ownership.cancel"))
    else:
        buttons = []  # too long to carry in a button: the typed commands still work
    return Reply(
        f"{text} {typed}",
        title="Update or create?",
        sections=[Section(text=text), Section(text=typed)],
        buttons=buttons,
        private=True,
    )


def _pending(name: str, fields: dict[str, Any], *, area_id: int | None = None) -> str | None:
    value = json.dumps({"n": name, "f": fields, "a": area_id}, ensure_ascii=False)
    return value if len(value) <= MAX_VALUE else None  # a pending change travels in its buttons


def _read_pending(value: str) -> tuple[str, dict[str, Any], int | None] | None:
    """A pending change from a button, checked strictly (forged values are refused)."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("f"), dict):
        return None
    area_id, fields = data.get("a"), data["f"]
    if area_id is not None and (isinstance(area_id, bool) or not isinstance(area_id, int)):
        return None
    allowed = set(AREA_KEYS.values())
    for field_name, v in fields.items():
        ok = isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        if field_name == "verify_every_days":
            ok = v is None or (isinstance(v, int) and not isinstance(v, bool))
        if field_name not in allowed or not ok:
            return None
    return data["n"], fields, area_id


@routes.action("ownership.area_choice", admin="change the ownership registry")
@_writes
async def area_choice(ctx: Context) -> Reply:
    pending = _read_pending(ctx.action.value)
    if pending is None:
        return Reply("That choice has expired. Nothing was changed.")
    name, fields, area_id = pending
    reply = await _save_area(ctx, name, fields, area_id=area_id, create=area_id is None)
    reply.replace = True
    return reply


@routes.action("ownership.cancel")
async def cancel(ctx: Context) -> Reply:
    return Reply("Cancelled. Nothing was changed.", replace=True)


def area_form(snap: dict[str, Any] | None = None, area_id: int | None = None) -> Reply:
    """The area form; with `snap` filled in with an existing area's values, to change it."""
    snap = snap or {}

    def now(field_name: str) -> str:
        value = snap.get(field_name)
        return ", ".join(value) if isinstance(value, list) else str(value or "")

    every = snap.get("verify_every_days")
    return Reply(
        text=f"Fill in the area form, or type: {AREA_SET_USAGE}",
        form=Form(
            title="Area and its RACI",
            submit_action_id="ownership.area_form",
            submit_label="Save",
            value=str(area_id) if area_id else "",
            inputs=[
                Input(
                    "area",
                    "Area name",
                    placeholder="Enterprise roadmap",
                    initial=now("area"),
                    max_length=registry.MAX_NAME,
                ),
                Input("accountable", "Accountable party (exactly one)", placeholder="PMO", initial=now("accountable")),
                Input("responsible", "Responsible (comma-separated)", optional=True, initial=now("responsible")),
                Input("consulted", "Consulted (comma-separated)", optional=True, initial=now("consulted")),
                Input("informed", "Informed (comma-separated)", optional=True, initial=now("informed")),
                Input("aliases", "Other names people use (comma-separated)", optional=True, initial=now("aliases")),
                Input(
                    "verify_every",
                    f"Check it every … (default {freshness.DEFAULT_DAYS} days)",
                    optional=True,
                    placeholder="30 days",
                    initial=f"{every} days" if every else "",
                ),
                Input("notes", "Notes", kind="multiline", optional=True, initial=now("notes")),
            ],
        ),
    )


@routes.action("ownership.area_form", admin="change the ownership registry")
@_writes
async def area_form_submit(ctx: Context) -> Reply:
    form = ctx.action.form
    area_id = registry.row_id(ctx.action.value) if ctx.action.value else None  # set when changing a known area
    fields: dict[str, Any] = {}
    for name in ("accountable", "responsible", "consulted", "informed", "aliases", "notes"):
        value = (form.get(name) or "").strip()
        if value or area_id:  # changing a known area, an emptied box empties the field
            fields[name] = (
                value if name in ("notes", "accountable") else [v.strip() for v in value.split(",") if v.strip()]
            )
    if every := (form.get("verify_every") or "").strip():
        try:
            fields["verify_every_days"] = freshness.parse_interval(every)
        except ValueError as exc:
            return Reply(f"{exc} Nothing was changed.")
    if "," in fields.get("accountable", ""):
        return Reply("An area has exactly one Accountable party. Nothing was changed.")
    name = (form.get("area") or "").strip()
    if area_id:
        fields["name"] = name
    return await _save_area(ctx, name, fields, area_id=area_id)


@routes.command(
    "area alias",
    "Add other names for an area",
    usage="area alias NAME; alias1, alias2",
    admin="change the ownership registry",
    examples=("area alias Enterprise roadmap; the big plan",),
)
@_writes
async def area_alias(ctx: Context) -> Reply:
    name, _, aliases = ctx.args.partition(";")
    new = [a.strip() for a in aliases.split(",") if a.strip()]
    if not new:
        return Reply("Usage: area alias NAME; alias1, alias2. Nothing was changed.")
    async with ctx.db.session() as session:
        area = await _area_named(session, ctx.msg.workspace, name)
        snap = registry.area_snapshot(await registry.area_view(session, area))
        snap["aliases"] = [*snap["aliases"], *new]
        try:
            entry = await registry.write_area(
                session, ctx.msg.workspace, snap, actor=ctx.msg.user, action="area.alias", existing=area, now=ctx.now()
            )
        except registry.RegistryError as exc:
            return Reply(f"{exc} Nothing was changed.")
        return await _confirm_area(ctx, session, entry, "Added aliases to", area)


@routes.command(
    "area remove", "Remove an area from the registry", usage="area remove NAME", admin="change the ownership registry"
)
@_writes
async def area_remove(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        area = await _area_named(session, ctx.msg.workspace, ctx.args)
        entry = await registry.delete_area(session, ctx.msg.workspace, area, actor=ctx.msg.user, now=ctx.now())
    return Reply(f"Removed “{area.name}”.", buttons=[_undo(entry)])


@routes.command(
    "area verify",
    "Mark an area's RACI as checked today",
    usage="area verify NAME",
    admin="change the ownership registry",
)
@_writes
async def area_verify(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        area = await _area_named(session, ctx.msg.workspace, ctx.args)
        entry = await verify(ctx, session, area)
        return await _confirm_area(ctx, session, entry, "Verified", area)


async def verify(ctx: Context, session, area: Area) -> AuditEntry | None:
    """Record that `area` was checked now by the person talking (audited, undoable)."""
    snap = registry.area_snapshot(await registry.area_view(session, area))
    snap["verified_at"], snap["verified_by"] = ctx.now().isoformat(), ctx.msg.user
    return await registry.write_area(
        session, ctx.msg.workspace, snap, actor=ctx.msg.user, action="area.verify", existing=area, now=ctx.now()
    )


# --------------------------------------------------------------------------------- parties


@routes.command(
    "party set",
    "Add or change a party (team, role or person)",
    usage=PARTY_SET_USAGE,
    admin="change the ownership registry",
    examples=("party set PMO; contact: #pmo-office",),
)
@_writes
async def party_set(ctx: Context) -> Reply:
    try:
        name, fields = parse_fields(ctx.args, PARTY_KEYS)
    except UsageError as exc:
        return Reply(f"{exc} Nothing was changed. Usage: {PARTY_SET_USAGE}")
    contact = fields.get("contact", "")
    if mention := ctx.msg.person_in(contact) or ctx.msg.channel_in(contact):
        if mention.text == contact:  # kept as an address the bot can post to, not as the name shown
            fields["contact"] = mention.reference()
    async with ctx.db.session() as session:
        existing = await registry.find_party(session, ctx.msg.workspace, name) if key(name) else None
        snap = registry.party_snapshot(existing) if existing else {"name": name}
        if "name" in fields:
            snap["name"] = fields.pop("name")
        if "aliases" in fields and existing:
            fields["aliases"] = [*existing.aliases, *fields["aliases"]]
        snap.update(fields)
        try:
            entry = await registry.write_party(
                session, ctx.msg.workspace, snap, actor=ctx.msg.user, existing=existing, now=ctx.now()
            )
        except registry.RegistryError as exc:
            return Reply(f"{exc} Nothing was changed.")
    if entry is None:
        return Reply(
            f"Nothing to change: the party “{snap['name']}” already is as you describe it. Nothing was recorded."
        )
    verb = "Updated" if existing else "Added"
    fields_shown = [
        Field("Contact", show_reference(snap.get("contact") or "") or "none"),
        Field("Aliases", ", ".join(snap.get("aliases") or []) or "none"),
    ]
    return Reply(
        f"{verb} party “{snap['name']}”.",
        title=snap["name"],
        sections=[
            Section(text=f"{verb} party “{snap['name']}”."),
            Section(text=snap.get("description") or "", fields=fields_shown),
        ],
        buttons=[_undo(entry)],
    )


@routes.command(
    "party remove",
    "Remove a party that no area refers to any more",
    usage="party remove NAME",
    admin="change the ownership registry",
)
@_writes
async def party_remove(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        party = await registry.find_party(session, ctx.msg.workspace, ctx.args) if key(ctx.args) else None
        if party is None:
            known = ", ".join(p.name for p in await registry.all_parties(session, ctx.msg.workspace))
            return Reply(
                f"There is no party called “{ctx.args.strip()}”. Known parties: {known or 'none yet'}. "
                "Nothing was changed."
            )
        try:
            entry = await registry.delete_party(session, ctx.msg.workspace, party, actor=ctx.msg.user, now=ctx.now())
        except registry.RegistryError as exc:
            return Reply(f"Can't remove it: {exc} Nothing was changed.")
    return Reply(f"Removed party “{party.name}”.", buttons=[_undo(entry)])


# ------------------------------------------------------------------------ gaps, audit, undo


GAPS_SHOWN = 15


async def settle_gaps(ctx: Context) -> list[tuple[UnansweredQuestion, str]]:
    """Close the open gaps the registry, as it is now, answers (after every change and before
    `gaps` is shown, so a change made by an import or another replica counts too)."""
    index = (await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)).index
    async with ctx.db.session() as session:
        return await registry.settle_gaps(session, ctx.msg.workspace, index, ctx.now())


@routes.command(
    "gaps",
    "Questions nobody could answer yet, most asked first, and proposed aliases",
    admin="see the unanswered questions",
)
async def list_gaps(ctx: Context) -> Reply:
    await settle_gaps(ctx)
    async with ctx.db.session() as session:
        rows = await registry.gaps(session, ctx.msg.workspace, GAPS_SHOWN)
        total = await registry.count_gaps(session, ctx.msg.workspace)
        names = {a.id: a.name for a in await _areas(session, ctx.msg.workspace, {g.area_id for g in rows})}
    if not rows:
        return Reply("No unanswered questions. Everyone found their owner.")
    lines, buttons = [], []
    for g in rows:
        line = f"• #{g.id} “{g.text}” asked {g.asked_count}× (last by {g.last_asked_by}, {g.last_asked_at:%Y-%m-%d})"
        if g.area_id in names:
            line += f" → proposed as another name for {names[g.area_id]} by {g.proposed_by}"
            buttons.append(Button(f"Add “{g.text[:30]}” to {names[g.area_id][:30]}", "ownership.gap_accept", str(g.id)))
        lines.append(line)
    buttons += [Button(f"Dismiss #{g.id}", "ownership.gap_dismiss", str(g.id)) for g in rows[:10]]
    more = f" (the {len(rows)} most asked shown)" if total > len(rows) else ""
    usage = "Accept a proposal with `gaps accept N` (or `gaps accept N AREA`), drop one with `gaps dismiss N`."
    return Reply(
        f"{total} unanswered question(s){more}:\n" + "\n".join(lines) + f"\n{usage}",
        title="Unanswered questions",
        sections=[Section(text="\n".join(lines)), Section(text=usage)],
        buttons=buttons,
    )


async def _areas(session, workspace: str, ids: set[int | None]) -> list:
    ids = {i for i in ids if i is not None}
    if not ids:
        return []
    return list((await session.exec(select(Area).where(Area.workspace == workspace, Area.id.in_(ids)))).all())


def _gap_id(text: str) -> tuple[int | None, str]:
    """'12 Enterprise roadmap' / '#12' → (12, 'Enterprise roadmap'); ids are ASCII digits, bounded."""
    m = re.fullmatch(r"\s*#?([0-9]{1,12})(?:\s+(.*))?", text, flags=re.ASCII | re.DOTALL)
    return (int(m[1]), (m[2] or "").strip()) if m else (None, "")


@routes.command(
    "gaps accept",
    "Add an unanswered question as another name (alias) of an area",
    usage="gaps accept N [AREA]",
    admin="change the ownership registry",
    examples=("gaps accept 12", "gaps accept 12 Enterprise roadmap"),
)
@_writes
async def gap_accept(ctx: Context) -> Reply:
    gap_id, area_name = _gap_id(ctx.args)
    if gap_id is None:
        return Reply("Usage: gaps accept N [AREA] (N is the number `gaps` shows). Nothing was changed.")
    return await _accept(ctx, gap_id, area_name)


@routes.action("ownership.gap_accept", admin="change the ownership registry")
@_writes
async def gap_accept_button(ctx: Context) -> Reply:
    gap_id, _ = _gap_id(ctx.action.value)
    return await _accept(ctx, gap_id if gap_id is not None else -1, "")


async def _accept(ctx: Context, gap_id: int, area_name: str) -> Reply:
    ws = ctx.msg.workspace
    async with ctx.db.session() as session:
        gap = await registry.get_gap(session, ws, gap_id)
        if gap is None or gap.status != registry.GAP_OPEN:
            return Reply(f"There is no open question #{gap_id}; `gaps` lists them. Nothing was changed.")
        if area_name:
            area = await _area_named(session, ws, area_name)
        else:
            area = await registry.get_area(session, ws, gap.area_id) if gap.area_id else None
            if area is None:
                return Reply(
                    f"Nobody has picked an area for “{gap.text}” yet: say which one, "
                    f"e.g. `gaps accept {gap.id} Enterprise roadmap`. Nothing was changed."
                )
        alias = " ".join(gap.text.split())
        snap = registry.area_snapshot(await registry.area_view(session, area))
        snap["aliases"] = [*snap["aliases"], alias[: registry.MAX_NAME]]
        try:
            entry = await registry.write_area(
                session, ws, snap, actor=ctx.msg.user, action="area.alias", existing=area, now=ctx.now()
            )
        except registry.RegistryError as exc:
            return Reply(f"{exc} Nothing was changed.")
        registry.close_gap(gap, registry.GAP_ACCEPTED, ctx.msg.user, ctx.now(), area.id)
        session.add(gap)
        return await _confirm_area(ctx, session, entry, f"Added “{alias}” as another name for", area)


@routes.command(
    "gaps dismiss",
    "Drop an unanswered question the registry should not answer",
    usage="gaps dismiss N",
    admin="change the ownership registry",
)
async def gap_dismiss(ctx: Context) -> Reply:
    gap_id, _ = _gap_id(ctx.args)
    if gap_id is None:
        return Reply("Usage: gaps dismiss N (N is the number `gaps` shows). Nothing was changed.")
    return await _dismiss(ctx, gap_id)


@routes.action("ownership.gap_dismiss", admin="change the ownership registry")
async def gap_dismiss_button(ctx: Context) -> Reply:
    gap_id, _ = _gap_id(ctx.action.value)
    return await _dismiss(ctx, gap_id if gap_id is not None else -1)


async def _dismiss(ctx: Context, gap_id: int) -> Reply:
    async with ctx.db.session() as session:
        gap = await registry.get_gap(session, ctx.msg.workspace, gap_id)
        if gap is None or gap.status != registry.GAP_OPEN:
            return Reply(f"There is no open question #{gap_id}; `gaps` lists them. Nothing was changed.")
        registry.close_gap(gap, registry.GAP_DISMISSED, ctx.msg.user, ctx.now())
        session.add(gap)
        return Reply(f"Dismissed #{gap.id} “{gap.text}”: it no longer shows in `gaps` or the digest.")


@routes.command(
    "audit",
    "Recent changes to the registry: who, when, before → after (audit NAME: one area's or party's)",
    usage="audit [NAME]",
    admin="see the audit log",
)
async def list_audit(ctx: Context) -> Reply:
    ws, name = ctx.msg.workspace, ctx.args.strip()
    async with ctx.db.session() as session:
        subjects = None
        if name:
            found = await registry.find_area(session, ws, name) or await registry.find_party(session, ws, name)
            subjects = {name, found.name} if found else {name}
        rows = await registry.recent_audit(session, ws, subjects=subjects)
    if not rows:
        return Reply(f"No changes to “{name}” recorded." if name else "No changes recorded yet.")
    lines = [f"• {e.at:%Y-%m-%d %H:%M} {e.actor}: {e.action} “{e.subject}”: {changes.describe(e)}" for e in rows]
    title = f"Changes to {name}" if name else "Registry changes"
    return Reply(
        "Recent changes:\n" + "\n".join(lines),
        title=title[:150],
        sections=[Section(text="\n".join(lines))],  # each adapter splits it to its platform's limits
    )


@routes.action("ownership.undo", admin="undo registry changes")
@_writes
async def undo(ctx: Context) -> Reply:
    ws = ctx.msg.workspace
    async with ctx.db.session() as session:
        entry = await session.get(AuditEntry, ctx.action.int_value)
        if entry is None or entry.workspace != ws or entry.action.endswith(".undo"):
            return Reply("There is nothing to undo there.")
        later = (
            await session.exec(
                select(AuditEntry.id).where(
                    AuditEntry.workspace == ws, AuditEntry.subject.in_(_subjects(entry)), AuditEntry.id > entry.id
                )
            )
        ).first()
        if later:
            return Reply(
                f"“{entry.subject}” has changed again since; undo the later change first. Nothing was changed."
            )
        try:
            if entry.action.startswith("party."):
                return await _undo_party(ctx, session, entry)
            return await _undo_area(ctx, session, entry)
        except registry.RegistryError as exc:
            return Reply(f"Can't undo: {exc} Nothing was changed.")


def _subjects(entry: AuditEntry) -> list[str]:
    names = {entry.subject}
    for snap in (entry.before, entry.after):
        if snap:
            names.add(snap.get("area") or snap.get("name") or entry.subject)
    return sorted(names)


async def _undo_area(ctx: Context, session, entry: AuditEntry) -> Reply:
    ws = ctx.msg.workspace
    current = await registry.find_area(session, ws, entry.after["area"]) if entry.after else None
    if entry.before is None:
        if current:
            await registry.delete_area(session, ws, current, actor=ctx.msg.user, now=ctx.now())
        await registry.audit(session, ws, ctx.msg.user, "area.undo", entry.subject, entry.after, None, ctx.now())
        return Reply(f"Undone: “{entry.subject}” is removed again.")
    await registry.write_area(
        session, ws, entry.before, actor=ctx.msg.user, action="area.undo", existing=current, now=ctx.now()
    )
    return Reply(f"Undone: “{entry.before['area']}” is back as it was.")


async def _undo_party(ctx: Context, session, entry: AuditEntry) -> Reply:
    ws = ctx.msg.workspace
    party = await registry.find_party(session, ws, entry.after["name"]) if entry.after else None
    if entry.before is None:
        if party and any((await registry.party_areas(session, party)).values()):
            return Reply(f"“{party.name}” already holds roles in areas; change those first. Nothing was changed.")
        if party:
            await session.delete(party)
        await registry.audit(session, ws, ctx.msg.user, "party.undo", entry.subject, entry.after, None, ctx.now())
        return Reply(f"Undone: the party “{entry.subject}” is removed again.")
    await registry.write_party(session, ws, entry.before, actor=ctx.msg.user, existing=party, now=ctx.now())
    return Reply(f"Undone: the party “{entry.before['name']}” is back as it was.")
