"""Neutral `Reply` → an Adaptive Card 1.5 (the highest version Teams renders).

Every piece of text goes into a RichTextBlock/TextRun: Teams applies Markdown to TextBlock and
FactSet but never to TextRun, so whatever a user typed is shown as typed. `fallbackText` may be
read as Markdown, so it is escaped. Pure dicts: no botbuilder import, easy to validate.
A card may be of any length here: `fit.py` splits it into messages Teams accepts.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from typing import Any

from bot.core import Button, Form, Input, Reply, Section

ACTION_KEY, VALUE_KEY = "pmo_action", "pmo_value"  # what Action.Submit data carries back
MORE_ACTION, MORE_CHOICE = "teams.more", "pmo_more"  # the overflow menu's submit and its choice
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_RUN = 4000  # characters per text run; longer lines go on in the next run
MAX_ACTIONS = 6  # Teams shows at most 6 card actions: the rest go into a "More…" menu
MAX_FIELD_CHARS = 5000  # the longest input value (or button value) read back from a submit
SUMMARY = 300  # characters of the plain text shown in notifications
FALLBACK = 1000  # characters of the escaped text shown where a card can't be
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def escape_markdown(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _literal(text: str) -> str:
    # TextRun still expands {{DATE(…)}} / {{TIME(…)}}: a zero-width space keeps braces literal.
    return text.replace("{{", "{\u200b{")


def _run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": _literal(text), **style}


def _pieces(line: str) -> list[str]:
    """A line as runs of at most MAX_RUN characters, broken at a space where there is one."""
    out = []
    while len(line) > MAX_RUN:
        at = line.rfind(" ", MAX_RUN // 2, MAX_RUN)
        at = at if at > 0 else MAX_RUN
        out.append(line[:at])
        line = line[at:].lstrip()
    return [*out, line]


def _paragraphs(text: str, *, spacing: str = "Small", **style: Any) -> list[dict[str, Any]]:
    """One RichTextBlock per line: a newline inside a TextRun is not rendered the same everywhere.
    A very long line goes on in further blocks, so nothing is cut off."""
    blocks = []
    for i, line in enumerate(text.split("\n")):
        if line.strip():
            for j, piece in enumerate(_pieces(line)):
                blocks.append(
                    {
                        "type": "RichTextBlock",
                        "inlines": [_run(piece, **style)],
                        "spacing": "None" if i or j else spacing,
                    }
                )
    return blocks


def _section(section: Section) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if section.heading:
        items += _paragraphs(section.heading, spacing="Medium", weight="Bolder")
    if section.text:
        items += _paragraphs(section.text)
    for field in section.fields:
        items.append(
            {
                "type": "ColumnSet",
                "spacing": "Small",
                "columns": [
                    {"type": "Column", "width": 1, "items": _paragraphs(field.label, spacing="None", weight="Bolder")},
                    {"type": "Column", "width": 3, "items": _paragraphs(field.value or "—", spacing="None")},
                ],
            }
        )
    return items


def _submit(title: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "Action.Submit",
        "title": title[:80] or "OK",
        "data": {ACTION_KEY: action_id, VALUE_KEY: value},
    }
    if style:
        action["style"] = {"primary": "positive", "danger": "destructive"}[style]
    return action


def _button(button: Button) -> dict[str, Any]:
    return _submit(button.text, button.action_id, button.value, button.style)


def _actions(buttons: Sequence[Button], room: int) -> list[dict[str, Any]]:
    """Buttons as card actions, at most `room` of them: beyond that the last place is a "More…"
    menu holding the rest, so no button is ever dropped."""
    if len(buttons) <= room:
        return [_button(b) for b in buttons]
    return [*(_button(b) for b in buttons[: room - 1]), _more(buttons[room - 1 :])]


def _more(buttons: Sequence[Button]) -> dict[str, Any]:
    """A "More…" menu: the buttons themselves when Teams can show them all, else a drop-down of
    them and one submit (the choice carries the button's action id and value back)."""
    if len(buttons) <= MAX_ACTIONS:
        card: dict[str, Any] = {"type": "AdaptiveCard", "actions": [_button(b) for b in buttons]}
    else:
        menu = {
            "type": "Input.ChoiceSet",
            "id": MORE_CHOICE,
            "label": "More choices",
            "style": "compact",
            "isRequired": True,
            "errorMessage": "Pick one first.",
            "choices": [
                {"title": b.text[:80] or "OK", "value": json.dumps([b.action_id, b.value], ensure_ascii=False)}
                for b in buttons
            ],
        }
        card = {"type": "AdaptiveCard", "body": [menu], "actions": [_submit("Go", MORE_ACTION, "", "primary")]}
    return {"type": "Action.ShowCard", "title": "More…", "card": card}


def _input(item: Input) -> dict[str, Any]:
    common: dict[str, Any] = {"id": item.name, "label": item.label, "isRequired": not item.optional}
    if not item.optional:
        common["errorMessage"] = f"{item.label} is required."
    if item.kind == "select":
        return {
            "type": "Input.ChoiceSet",
            **common,
            "style": "compact",
            "value": item.initial,
            "choices": [{"title": label, "value": value} for value, label in item.choices],
        }
    if item.kind == "checkbox":
        # The console sends "true" or "" for a checkbox; Teams sends valueOn / valueOff.
        return {
            "type": "Input.Toggle",
            **common,
            "title": item.label,
            "valueOn": "true",
            "valueOff": "",
            "value": "true" if item.initial == "true" else "",
        }
    return {
        "type": "Input.Text",
        **common,
        "placeholder": item.placeholder,
        "value": item.initial,
        "isMultiline": item.kind == "multiline",
        "maxLength": min(item.max_length or MAX_FIELD_CHARS, MAX_FIELD_CHARS),
    }


def _form(form: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's inputs in one container (a submit reads the inputs of its own card, so they are
    never split from it), and its submit action."""
    items = _paragraphs(form.title, spacing="None", weight="Bolder") + [_input(i) for i in form.inputs]
    container = {"type": "Container", "spacing": "Medium", "items": items}
    return container, _submit(form.submit_label, form.submit_action_id, form.value, "primary")


def render_card(reply: Reply) -> dict[str, Any]:
    """The whole reply as one card, however long: `fit.py` splits it for sending."""
    body: list[dict[str, Any]] = []
    if reply.title:
        body += _paragraphs(reply.title, spacing="None", weight="Bolder", size="Large")
    for section in reply.sections:
        body += _section(section)
    if not reply.sections:
        body += _paragraphs(reply.text)
    actions = []
    if reply.form:
        inputs, submit = _form(reply.form)
        body.append(inputs)
        actions.append(submit)
    actions += _actions(reply.buttons, MAX_ACTIONS - len(actions))
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "fallbackText": escape_markdown(reply.text[:FALLBACK]),
        "body": body or [{"type": "RichTextBlock", "inlines": [_run("(no text)")]}],
    }
    if actions:
        card["actions"] = actions
    return card


def render_activity(reply: Reply, mentions: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The message activity fields for a reply: the card, and a plain summary for notifications.
    Images (a chart) ride along inline as data URIs, which Teams shows under the card; other
    files would need OneDrive consent, so they are not sent. `mentions` (entities the adapter
    looked up for reply.mentions) become the message's text above the card, so they notify:
    a card may only carry mentions in a Teams-only property the Adaptive Card schema refuses."""
    attachments = [{"contentType": CARD_CONTENT_TYPE, "content": render_card(reply)}]
    attachments += [
        {
            "contentType": f.mime,
            "name": f.name,
            "contentUrl": f"data:{f.mime};base64," + base64.b64encode(f.data).decode("ascii"),
        }
        for f in reply.files
        if f.mime.startswith("image/")
    ]
    activity = {"type": "message", "summary": reply.text[:SUMMARY], "attachments": attachments}
    if mentions:
        activity.update(text=" ".join(m["text"] for m in mentions), textFormat="xml", entities=list(mentions))
    return activity
