"""A delivery's content as one sealed text, for trying it again later: the reply, where it goes,
and whom to tell if it never gets there.

Sealed (bot.core.identity.seal) because a direct message's address is its person: the delivery
row names them only by a pseudonym, and what is kept for a retry must not undo that.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core import ConversationRef, Reply
from bot.core.identity import seal, unseal
from bot.core.replies import Attachment, Button, Field, Form, Input, Section

if TYPE_CHECKING:
    from bot.core.config import Settings


@dataclass(frozen=True, slots=True)
class Payload:
    to: ConversationRef
    reply: Reply
    report_to: ConversationRef | None = None


def pack(settings: Settings, payload: Payload) -> str:
    reply = asdict(payload.reply)
    reply["files"] = [
        {"name": f.name, "mime": f.mime, "title": f.title, "data": base64.b64encode(f.data).decode("ascii")}
        for f in payload.reply.files
    ]
    text = json.dumps(
        {"to": _ref(payload.to), "reply": reply, "report_to": _ref(payload.report_to)},
        default=lambda o: o.isoformat() if isinstance(o, datetime) else str(o),
    )
    return seal(settings, text)


def unpack(settings: Settings, sealed: str) -> Payload | None:
    """The payload, or None if it can't be read (sealed under a key since rotated)."""
    text = unseal(settings, sealed)
    if text is None:
        return None
    data = json.loads(text)
    report_to = data.get("report_to")
    return Payload(_conversation(data["to"]), _reply(data["reply"]), _conversation(report_to) if report_to else None)


def _ref(ref: ConversationRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "platform": ref.platform,
        "workspace": ref.workspace,
        "channel": ref.channel,
        "thread": ref.thread,
        "user": ref.user,
        "extra": ref.extra,
    }


def _conversation(data: dict[str, Any]) -> ConversationRef:
    return ConversationRef(**data)


def _reply(data: dict[str, Any]) -> Reply:
    def field(f: dict[str, Any]) -> Field:
        return Field(f["label"], f["value"], datetime.fromisoformat(f["at"]) if f.get("at") else None)

    form = data.get("form")
    return Reply(
        text=data["text"],
        title=data.get("title"),
        sections=[
            Section(text=s["text"], heading=s["heading"], fields=[field(f) for f in s["fields"]])
            for s in data.get("sections", [])
        ],
        buttons=[Button(**b) for b in data.get("buttons", [])],
        form=Form(
            **{
                **form,
                "inputs": [Input(**{**i, "choices": [tuple(c) for c in i["choices"]]}) for i in form["inputs"]],
            }
        )
        if form
        else None,
        private=data.get("private", False),
        replace=data.get("replace", False),
        notice=data.get("notice", ""),
        mentions=list(data.get("mentions", [])),
        files=[
            Attachment(f["name"], base64.b64decode(f["data"]), f["mime"], f.get("title", ""))
            for f in data.get("files", [])
        ],
    )
