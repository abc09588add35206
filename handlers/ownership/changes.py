"""An audit entry in words: what a change did, field by field ("accountable: PMO → Finance")."""

from __future__ import annotations

from typing import Any

from storage.models import AuditEntry

LABELS = {
    "area": "name",
    "name": "name",
    "accountable": "accountable",
    "responsible": "responsible",
    "consulted": "consulted",
    "informed": "informed",
    "aliases": "aliases",
    "contact": "contact",
    "description": "description",
    "notes": "notes",
    "verify_every_days": "verify every",
}
CUT = 60  # long texts (notes, descriptions) are shown up to this many characters


def _short(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    text = " ".join(str(value).split())
    return text if len(text) <= CUT else text[: CUT - 1] + "…"


def _verified(snap: dict[str, Any]) -> str:
    at = snap.get("verified_at")
    return f"{str(at)[:10]} by {snap.get('verified_by') or 'someone'}" if at else "never"


def _days(value: Any) -> str:
    return f"{value} days" if value else "default"


def describe(entry: AuditEntry) -> str:
    """'added: accountable PMO; …', 'removed (was: …)', or each changed field as before → after."""
    before, after = entry.before, entry.after
    if before is None and after is None:
        return "nothing"
    if before is None or after is None:
        snap = after if before is None else before
        parts = [
            f"{LABELS[k]} {_days(v) if k == 'verify_every_days' else _short(v)}"
            for k, v in snap.items()
            if k in LABELS and k not in ("area", "name") and v not in (None, "", [])
        ]
        what = "added" if before is None else "removed"
        return f"{what}: {'; '.join(parts)}" if before is None else f"{what} (was: {'; '.join(parts) or 'empty'})"
    parts = []
    for k in LABELS:
        old, new = before.get(k), after.get(k)
        if k not in before and k not in after:
            continue
        if isinstance(old, list) or isinstance(new, list):
            gone = [x for x in old or [] if x not in (new or [])]
            came = [x for x in new or [] if x not in (old or [])]
            if gone or came:
                parts.append(f"{LABELS[k]} " + ", ".join([*(f"+{x}" for x in came), *(f"−{x}" for x in gone)]))
        elif (old or None) != (new or None):
            show = _days if k == "verify_every_days" else _short
            parts.append(f"{LABELS[k]}: {show(old)} → {show(new)}")
    if _verified(before) != _verified(after):
        parts.append(f"verified: {_verified(before)} → {_verified(after)}")
    return "; ".join(parts) or "no change"
