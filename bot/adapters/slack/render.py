"""Neutral replies as Block Kit messages and forms as modals, always within Slack's limits.

Every piece of text is escaped (&, <, >) so user input can never become a mention, a link or a
ping. In mrkdwn, text is also shown as typed: each *, _, ~ and ` becomes a date token whose format
Slack can't use, which Slack shows as its fallback, the character itself, without parsing it
(mrkdwn has no escape character; jsx-slack's <Escape> does the same), and `verbatim` keeps URLs
and #names in the text from becoming links. Only the bold of headings and labels is ours.
Long content is split or shortened, never rejected (Slack rejects a whole message that breaks
one limit): a long reply becomes several messages (up to MAX_MESSAGES, sent in order); an update
of one message is shortened with a note. Rendered action ids get a "#n" suffix because Slack
wants them unique in a message; `neutral_action_id` strips it again.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.core import Button, Field, Form, Input, Reply, Section

MAX_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
BUTTONS_PER_BLOCK = 25
MESSAGE_TEXT = 39_000  # Slack cuts `text` after 40,000 characters
MAX_MESSAGES = 5  # a reply in more messages than a response_url takes (5) is shortened
MODAL_TITLE = 24
MODAL_BUTTON = 24
PRIVATE_METADATA = 3000
LABEL = 2000
PLACEHOLDER = 150
INPUT_VALUE = 3000
OPTION_TEXT = 75
OPTION_VALUE = 150
MAX_OPTIONS = 100  # per select, or per option group (of which there may be 100)

# The adapter's own button that opens a form as a modal where there was no trigger_id.
OPEN_FORM_ACTION = "slack.open_form"
_SUFFIX = re.compile(r"#\d{1,3}$")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
# An emoji shortcode (kept whole: its underscores are part of its name) or a formatting character.
_MARKUP = re.compile(r"(:[a-z0-9_+'-]{1,100}:)|([*_~`])")
_QUOTE = re.compile(r"^&gt;", re.MULTILINE)  # a > typed at the start of a line would make a quote
SHORTENED = "(Shortened: the full answer is too long for Slack. Ask for less of it at a time.)"
CONTINUED = "… continued ({} of {})"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack sends &, <, > in user text as entities; turn them back into plain text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _literal(match: re.Match[str]) -> str:
    return match[1] or f"<!date^00000000^{{_}}|{match[2]}>"


def as_typed(text: str) -> str:
    """Escaped mrkdwn that Slack shows exactly as `text` reads: no bold, italics, strike-through,
    code or quote made of what the user typed."""
    out = escape(text)
    if any(c in out for c in "*_~`"):
        out = _MARKUP.sub(_literal, out)
    return _QUOTE.sub("\u00ad&gt;", out) if "&gt;" in out else out  # a soft hyphen: invisible


def _cut(escaped: str, limit: int) -> str:
    """Cut escaped text to `limit` characters without breaking an entity such as &amp; or a
    date token (the only < in escaped text)."""
    cut = escaped[:limit]
    for opener, closer, width in (("<", ">", 24), ("&", ";", 5)):
        at = cut.rfind(opener, max(0, limit - width))
        if at != -1 and closer not in cut[at:]:
            cut = cut[:at]
    return cut


def _shorten(out: str, limit: int) -> str:
    return out if len(out) <= limit else _cut(out, limit - 1) + "…"


def fit(text: str, limit: int) -> str:
    """Escape, then shorten with an ellipsis if still too long (for plain_text, which Slack never parses)."""
    return _shorten(escape(text), limit)


def fit_mrkdwn(text: str, limit: int) -> str:
    """As `fit`, for mrkdwn: shown as typed."""
    return _shorten(as_typed(text), limit)


def split(text: str, limit: int) -> list[str]:
    """Text for mrkdwn (shown as typed) in chunks of at most `limit`, preferring line breaks, then spaces."""
    rest, chunks = as_typed(text), []
    while len(rest) > limit:
        window = _cut(rest, limit)
        at = window.rfind("\n")
        if at < limit // 2:
            at = window.rfind(" ")
        if at < limit // 2:
            at = len(window)
        chunks.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest.strip():
        chunks.append(rest)
    return chunks


def neutral_action_id(rendered: str) -> str:
    return _SUFFIX.sub("", rendered)


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": fit(text, limit) or " ", "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section_blocks(section: Section) -> list[dict[str, Any]]:
    heading = f"*{fit_mrkdwn(section.heading, 300)}*" if section.heading else ""
    budget = SECTION_TEXT - len(heading) - 1
    chunks = split(section.text, budget) if section.text else []
    if heading:
        chunks = [heading + ("\n" + chunks[0] if chunks else "")] + chunks[1:]
    blocks = [{"type": "section", "text": _mrkdwn(chunk)} for chunk in chunks]
    fields = [_mrkdwn(_field(f)) for f in section.fields]
    for start in range(0, len(fields), MAX_FIELDS):
        group = fields[start : start + MAX_FIELDS]
        if blocks and start == 0 and "fields" not in blocks[-1]:
            blocks[-1]["fields"] = group  # a section may carry text and fields together
        else:
            blocks.append({"type": "section", "fields": group})
    return blocks


def _field(f: Field) -> str:
    """Bold label, then the value. A moment is shown in each viewer's own time zone; the handler's
    text is the fallback (which Slack shows unparsed)."""
    label = f"*{fit_mrkdwn(f.label, 300)}*\n"
    if f.at is None:
        return label + fit_mrkdwn(f.value, FIELD_TEXT - len(label))
    date = f"<!date^{int(f.at.timestamp())}^{{date_short_pretty}} at {{time}}|"
    return f"{label}{date}{fit(f.value, FIELD_TEXT - len(label) - len(date) - 1)}>"


def mention_line(users: list[str]) -> str:
    """Only well-formed Slack user ids become mentions: nothing else can ping."""
    return " ".join(f"<@{u}>" for u in users if _USER_ID.fullmatch(u))


def button(b: Button, index: int) -> dict[str, Any]:
    suffix = f"#{index}"
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(b.text, BUTTON_TEXT),
        "action_id": b.action_id[: ACTION_ID - len(suffix)] + suffix,
    }
    if b.value:
        element["value"] = b.value[:BUTTON_VALUE]
    if b.style:
        element["style"] = b.style
    return element


def open_form_button(form: Form, origin_text: str) -> Button | None:
    """A button that re-asks `origin_text` to open the form as a modal (a click brings a trigger_id)."""
    if len(origin_text) > BUTTON_VALUE:
        return None
    return Button(f"Open the form: {form.title}", OPEN_FORM_ACTION, origin_text, style="primary")


def render_messages(
    reply: Reply, *, extra_buttons: list[Button] = (), most: int = MAX_MESSAGES
) -> list[dict[str, Any]]:
    """Reply -> messages ({"text": plain fallback, "blocks": [...]}) to post in order, each within
    Block Kit's limits: 50 blocks a message, later ones labelled "… continued (2 of 3)", buttons
    and mentions on the last. Beyond `most` messages the content is shortened, with a note."""
    content: list[dict[str, Any]] = []
    if reply.title:
        content.append({"type": "header", "text": plain(reply.title, HEADER_TEXT)})
    for section in reply.sections or [Section(text=reply.text)]:
        content.extend(_section_blocks(section))
    mentions = mention_line(reply.mentions)
    elements = [button(b, i) for i, b in enumerate([*reply.buttons, *extra_buttons])]
    tail = [{"type": "section", "text": _mrkdwn(mentions[:SECTION_TEXT])}] if mentions else []
    tail += [
        {"type": "actions", "elements": elements[i : i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]
    chunks = _chunks(content, tail)
    if len(chunks) > most:
        chunks = chunks[:most]
        room = MAX_BLOCKS - (len(chunks) > 1) - 1 - len(tail)
        chunks[-1] = chunks[-1][:room] + [_context(escape(SHORTENED))] + tail
    text = fit(reply.text or reply.title or " ", MESSAGE_TEXT - len(mentions) - 1)
    messages = []
    for n, chunk in enumerate(chunks, start=1):
        label = CONTINUED.format(n, len(chunks))
        said = text if n == 1 else label
        if n == len(chunks) and mentions:
            said = f"{said} {mentions}"
        blocks = ([_context(escape(label))] if n > 1 else []) + chunk
        messages.append({"text": said, "blocks": blocks[:MAX_BLOCKS]})
    return messages


def render_message(reply: Reply, *, extra_buttons: list[Button] = ()) -> dict[str, Any]:
    """Reply -> one message (an update, an acknowledgement): shortened with a note if need be."""
    return render_messages(reply, extra_buttons=extra_buttons, most=1)[0]


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _chunks(content: list[dict[str, Any]], tail: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Blocks shared out over messages of at most MAX_BLOCKS (one less after the first, for its
    label); the tail (mentions, buttons) goes last, with at least the last content block."""
    units = [[block] for block in content[:-1]] + [content[-1:] + tail]
    chunks: list[list[dict[str, Any]]] = [[]]
    for unit in units:
        room = MAX_BLOCKS - (len(chunks) > 1)
        if chunks[-1] and len(chunks[-1]) + len(unit) > room:
            chunks.append([])
        chunks[-1] += unit
    return chunks


def _element(item: Input) -> dict[str, Any]:
    action_id = item.name[:ACTION_ID]
    if item.kind == "select" and item.choices:
        options = [{"text": plain(label, OPTION_TEXT), "value": value[:OPTION_VALUE]} for value, label in item.choices]
        element: dict[str, Any] = {"type": "static_select", "action_id": action_id}
        if len(options) <= MAX_OPTIONS:
            element["options"] = options
        else:  # more than one select holds: in groups of 100, each named by its first and last choice
            groups = [options[i : i + MAX_OPTIONS] for i in range(0, len(options), MAX_OPTIONS)][:MAX_OPTIONS]
            element["option_groups"] = [
                {
                    "label": plain(f"{g[0]['text']['text'][:35]} … {g[-1]['text']['text'][:35]}", OPTION_TEXT),
                    "options": g,
                }
                for g in groups
            ]
        initial = next((o for o in options if o["value"] == item.initial), None)
        if initial:
            element["initial_option"] = initial
    elif item.kind == "checkbox":
        option = {"text": plain(item.label, OPTION_TEXT), "value": "true"}
        element = {"type": "checkboxes", "action_id": action_id, "options": [option]}
        if item.initial:
            element["initial_options"] = [option]
        return element
    else:
        element = {"type": "plain_text_input", "action_id": action_id, "multiline": item.kind == "multiline"}
        if item.initial:
            element["initial_value"] = item.initial[:INPUT_VALUE]
        if item.max_length:
            element["max_length"] = min(item.max_length, INPUT_VALUE)
    if item.placeholder:
        element["placeholder"] = plain(item.placeholder, PLACEHOLDER)
    return element


def render_modal(form: Form, metadata: dict[str, Any]) -> dict[str, Any] | None:
    """Form -> a views.open modal; None when its state cannot travel in private_metadata."""
    private = json.dumps(metadata, separators=(",", ":"))
    if len(private) > PRIVATE_METADATA:
        return None
    blocks = [
        {
            "type": "input",
            "block_id": item.name[:ACTION_ID],
            "optional": item.optional,
            "label": plain(item.label, LABEL),
            "element": _element(item),
        }
        for item in form.inputs[:MAX_MODAL_BLOCKS]
    ]
    return {
        "type": "modal",
        "callback_id": form.submit_action_id[:ACTION_ID],
        "title": plain(form.title, MODAL_TITLE),
        "submit": plain(form.submit_label, MODAL_BUTTON),
        "close": plain("Cancel", MODAL_BUTTON),
        "private_metadata": private,
        "blocks": blocks,
    }
