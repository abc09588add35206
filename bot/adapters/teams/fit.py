"""Teams' message size limit: activities measured the way Microsoft counts them, split to fit.

Teams refuses a message over about 28 KB (413 MessageSizeTooBig), counting the activity as it is
sent: its JSON, which the connector writes as compact UTF-8. A reply too long for one message
becomes several, in order: the card's body is split between its blocks (a bold title or heading
stays with what follows it; a form stays whole, with its submit), buttons go on the last part,
mentions on the first, images after the card in messages of their own; the sender labels the
later parts "… continued (2 of 3)" as it sends them (room for that is kept in every part). An
update replaces one message, so it is shortened instead, with a note saying so.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from bot.adapters.teams.render import CARD_CONTENT_TYPE

MAX_ACTIVITY_BYTES = 28_000  # Teams' "about 28 KB" per message, with room to spare for KiB vs kB
CONTINUED = "… continued ({} of {})"
SHORTENED = "(Shortened: the rest does not fit in one Teams message. Ask again to see all of it.)"
_MENTIONS = ("text", "textFormat", "entities")
Activity = dict[str, Any]


def encode(activity: Activity) -> bytes:
    """The bytes the connector sends, and Teams counts."""
    return json.dumps(activity, ensure_ascii=False, separators=(",", ":")).encode()


def size(value: Any) -> int:
    return len(encode(value))


def fit(activity: Activity, limit: int = MAX_ACTIVITY_BYTES) -> list[Activity]:
    """The activity as one or more activities of at most `limit` bytes each, with the label that
    `label` may add to the later ones (an update: one activity, shortened)."""
    limit -= _LABEL_ROOM
    if size(activity) <= limit:
        return [activity]
    first, *images = activity.get("attachments") or [{}]
    envelope = {k: v for k, v in activity.items() if k not in ("attachments", *_MENTIONS)}
    if first.get("contentType") != CARD_CONTENT_TYPE:
        return [_image(envelope, first, limit)]  # an image on its own, still too big
    card = _Card(envelope, {k: activity[k] for k in _MENTIONS if k in activity}, first["content"])
    if activity.get("id"):
        return [card.shortened(limit)]
    return card.split(limit) + [_image(envelope, image, limit) for image in images]


def label(part: Activity, number: int, count: int) -> Activity:
    """A later part of a split message, saying so at its top (and in its fallback text)."""
    attachments = part.get("attachments") or [{}]
    if number < 2 or attachments[0].get("contentType") != CARD_CONTENT_TYPE:
        return part
    text = CONTINUED.format(number, count)
    card = attachments[0]["content"]
    card = {**card, "fallbackText": text, "body": [_paragraph(text), *card.get("body", [])]}
    return {**part, "attachments": [{**attachments[0], "content": card}, *attachments[1:]]}


def _paragraph(text: str) -> dict[str, Any]:
    run = {"type": "TextRun", "text": text, "isSubtle": True, "size": "Small"}
    return {"type": "RichTextBlock", "inlines": [run], "spacing": "Small"}


_LABEL_ROOM = 2 * size(_paragraph(CONTINUED.format(999, 999))) + 2  # the label, in the body and as fallback text


def _image(envelope: Activity, image: dict[str, Any], limit: int) -> Activity:
    message = {**envelope, "attachments": [image]}
    if size(message) <= limit:
        return message
    note = _paragraph(f"(The image “{image.get('name') or 'image'}” is too large for a Teams message.)")
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [note]}
    return {**envelope, "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}]}


class _Card:
    """One card's activity taken apart: what every part repeats, and the blocks to share out."""

    def __init__(self, envelope: Activity, mentions: dict[str, Any], card: dict[str, Any]) -> None:
        self.envelope, self.mentions = envelope, mentions
        self.bare = {k: v for k, v in card.items() if k not in ("body", "actions")}
        self.body, self.actions = card.get("body") or [], card.get("actions") or []

    def message(self, body: list[dict[str, Any]], *, first: bool, last: bool) -> Activity:
        content = {**self.bare, "body": body}
        if not first:
            content["fallbackText"] = "…"  # a later part's is its label
        if last and self.actions:
            content["actions"] = self.actions
        out = {**self.envelope, "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": content}]}
        if first:
            out.update(self.mentions)
        return out

    def split(self, limit: int) -> list[Activity]:
        room_first = limit - size(self.message([], first=True, last=False))
        room_rest = limit - size(self.message([], first=False, last=False))
        for_actions = size(self.message([], first=False, last=True)) - size(self.message([], first=False, last=False))
        chunks: list[list[dict[str, Any]]] = [[]]
        used, available = 0, room_first
        for elements, need in _items(self.body, for_actions, min(room_first, room_rest)):
            if used + need > available and chunks[-1]:
                chunks.append([])
                used, available = 0, room_rest
            chunks[-1] += elements
            used += need
        return [self.message(chunk, first=i == 0, last=i == len(chunks) - 1) for i, chunk in enumerate(chunks)]

    def shortened(self, limit: int) -> Activity:
        note = _paragraph(SHORTENED)
        room = limit - size(self.message([note], first=True, last=True))
        kept: list[dict[str, Any]] = []
        for element in self.body:
            need = size(element) + 1
            if need > room:
                if not kept:
                    kept.append(_shrink(element, room))
                break
            kept.append(element)
            room -= need
        return self.message([*kept, note], first=True, last=True)


def _items(body: list[dict[str, Any]], for_actions: int, room: int) -> list[tuple[list[dict[str, Any]], int]]:
    """The body as (blocks that go together, bytes they need), the last with the buttons' bytes.
    A group too big for any message goes block by block; a block still too big is shrunk."""
    groups: list[list[dict[str, Any]]] = []
    pending: list[dict[str, Any]] = []
    for element in body:
        pending.append(element)
        if not _introduces(element):
            groups.append(pending)
            pending = []
    if pending:
        groups.append(pending)
    items = []
    for g, group in enumerate(groups):
        extra = for_actions if g == len(groups) - 1 else 0
        need = sum(size(e) + 1 for e in group) + extra
        if need <= room:
            items.append((group, need))
            continue
        for e, element in enumerate(group):
            last = extra if e == len(group) - 1 else 0
            if size(element) + 1 + last > room:
                element = _shrink(element, room - last)
            items.append(([element], size(element) + 1 + last))
    return items


def _introduces(element: dict[str, Any]) -> bool:
    """A bold line (a title, a heading) belongs with what follows it."""
    runs = element.get("inlines") if element.get("type") == "RichTextBlock" else None
    return bool(runs) and all(run.get("weight") == "Bolder" for run in runs)


def _shrink(element: dict[str, Any], room: int) -> dict[str, Any]:
    """The last resort for one block too big for any message (a form with a huge drop-down): its
    longest text or list is halved until the block fits."""
    element = copy.deepcopy(element)
    while size(element) + 1 > room and _halve(element):
        pass
    return element


_TEXTS = frozenset({"text", "title", "label", "placeholder", "fallbackText"})  # what may be cut short
_LISTS = frozenset({"choices", "inlines"})  # what may lose its tail
_LAST = frozenset({"items", "body"})  # whole blocks: only when nothing else is left to cut


def _halve(node: Any) -> bool:
    found: list[tuple[bool, int, Any, Any]] = []  # (cut first?, bytes, container, key)

    def walk(value: Any) -> None:
        pairs = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in pairs:
            if key in _TEXTS and isinstance(item, str) and len(item) > 8:
                found.append((True, size(item), value, key))
            elif key in _LISTS | _LAST and isinstance(item, list) and len(item) > 1:
                found.append((key not in _LAST, size(item), value, key))
            if isinstance(item, dict | list) and key != "data":  # button data is never cut
                walk(item)

    walk(node)
    if not found:
        return False
    *_, container, key = max(found, key=lambda f: f[:2])
    item = container[key]
    container[key] = item[: len(item) // 2] + ("…" if isinstance(item, str) else [])
    return True
