"""Slack payloads -> neutral Incoming / Action. Payloads are untrusted: every read is defensive."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.adapters.slack.render import neutral_action_id, unescape
from bot.core import Action, Incoming, Mention

PLATFORM = "slack"
# Slash command -> the words the core routes on ("/pmo help" is "help", "/improve x" is "improve x").
COMMANDS = {"/pmo": "", "/improve": "improve", "/retro": "retro", "/meetup": "meetup"}
MAX_FORM_VALUE = 3000
MAX_FORM_INPUTS = 100
# Message subtypes that are still someone talking (edits, joins and deletions are not).
TALKING_SUBTYPES = {None, "file_share", "thread_broadcast", "bot_message"}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# Slack's markup: <@U123|name>, <#C123|name>, <!here>, <!subteam^S1|@team>, <https://x|label>.
# What a person typed arrives escaped (&lt;), so only real markup has a bare "<".
_MARKUP = re.compile(r"<([^<>]*)>")


def neutral_text(raw: str) -> tuple[str, dict[str, tuple[Mention, ...]]]:
    """Slack message text -> plain text (mentions as @name / #name, links as their label) and the
    people and channels Slack marked. Typed text that merely looks like a mention stays text."""
    people: list[Mention] = []
    channels: list[Mention] = []
    out: list[str] = []
    at = 0
    for m in _MARKUP.finditer(raw):
        out.append(unescape(raw[at : m.start()]))
        at = m.end()
        target, _, label = m[1].partition("|")
        label = unescape(label)
        if target.startswith("@") and len(target) > 1:
            shown = "@" + (label.lstrip("@") or target[1:])
            people.append(Mention(target[1:], shown[1:], shown))
        elif target.startswith("#") and len(target) > 1:
            shown = "#" + (label.lstrip("#") or target[1:])
            channels.append(Mention(target[1:], shown[1:], shown))
        elif target.startswith("!"):
            shown = label or "@" + target[1:].split("^")[0]
        else:
            shown = label or unescape(target)
        out.append(shown)
    out.append(unescape(raw[at:]))
    return "".join(out), {"people": tuple(people), "channels": tuple(channels)}


def command_incoming(body: dict[str, Any]) -> Incoming:
    text, mentioned = neutral_text(_str(body.get("text")))
    text = text.strip()
    prefix = COMMANDS.get(_str(body.get("command")), "")
    return Incoming(
        platform=PLATFORM,
        workspace=_str(body.get("team_id")),
        channel=_str(body.get("channel_id")),
        user=_str(body.get("user_id")),
        user_name=_str(body.get("user_name")) or None,
        text=f"{prefix} {text}".strip(),
        addressed=True,
        direct=_str(body.get("channel_name")) == "directmessage",
        raw=body,
        **mentioned,
    )


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Drop the leading <@BOT> (or <@BOT|name>) that addressed the bot."""
    if bot_user_id:
        text = re.sub(rf"^\s*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[\s:,]*", "", text)
    return text


def event_incoming(body: dict[str, Any], bot_user_id: str | None, bot_id: str | None = None) -> Incoming | None:
    """app_mention and message.im -> Incoming; None for anything the bot should not answer."""
    event = _dict(body.get("event"))
    kind = event.get("type")
    if kind == "message":
        if event.get("channel_type") != "im" or event.get("subtype") not in TALKING_SUBTYPES:
            return None
        thread = _str(event.get("thread_ts")) or None  # a DM is answered where it was written
        direct = True
    elif kind == "app_mention":
        thread = _str(event.get("thread_ts")) or _str(event.get("ts")) or None  # reply in a thread
        direct = False
    else:
        return None
    user = _str(event.get("user")) or _str(event.get("bot_id"))
    if not user or user == bot_user_id or (bot_id and event.get("bot_id") == bot_id):
        return None  # never answer ourselves: that way lies a loop
    text, mentioned = neutral_text(strip_mention(_str(event.get("text")), bot_user_id))
    return Incoming(
        platform=PLATFORM,
        workspace=_str(body.get("team_id")) or _str(event.get("team")),
        channel=_str(event.get("channel")),
        user=user,
        text=text.strip(),
        thread=thread,
        addressed=True,
        direct=direct,
        raw=body,
        **mentioned,
    )


def block_action(body: dict[str, Any]) -> Action | None:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        return None
    action = actions[0]
    message = _dict(body.get("message"))
    container = _dict(body.get("container"))
    thread = _str(message.get("thread_ts")) or (None if container.get("is_ephemeral") else _str(message.get("ts")))
    channel = _dict(body.get("channel"))
    return Action(
        platform=PLATFORM,
        workspace=_team(body),
        channel=_str(channel.get("id")),
        user=_str(_dict(body.get("user")).get("id")),
        text=_str(_dict(action.get("text")).get("text")),
        thread=thread or None,
        addressed=True,
        # A press in the bot's DM (a reminder's Mark done) is a one-to-one conversation, like a typed DM.
        direct=_str(channel.get("name")) == "directmessage" or _str(channel.get("id")).startswith("D"),
        raw=body,
        action_id=neutral_action_id(_str(action.get("action_id"))),
        value=_str(action.get("value")),
    )


def view_submission(body: dict[str, Any]) -> tuple[Action, dict[str, Any]]:
    """A modal submission -> (Action, the metadata we stored when opening it)."""
    view = _dict(body.get("view"))
    try:
        meta = _dict(json.loads(_str(view.get("private_metadata")) or "{}"))
    except ValueError:
        meta = {}
    action = Action(
        platform=PLATFORM,
        workspace=_team(body),
        channel=_str(meta.get("c")),
        user=_str(_dict(body.get("user")).get("id")),
        thread=_str(meta.get("t")) or None,
        addressed=True,
        raw=body,
        action_id=_str(view.get("callback_id")),
        value=_str(meta.get("v")),
        form=form_values(view),
    )
    return action, meta


def form_values(view: dict[str, Any]) -> dict[str, str]:
    """state.values {block_id: {action_id: element state}} -> {input name: text}."""
    values: dict[str, str] = {}
    for block in list(_dict(_dict(view.get("state")).get("values")).values())[:MAX_FORM_INPUTS]:
        for name, state in _dict(block).items():
            state = _dict(state)
            if "selected_options" in state:  # checkboxes
                value = "true" if state.get("selected_options") else ""
            elif "selected_option" in state:
                value = _str(_dict(state.get("selected_option")).get("value"))
            else:
                value = _str(state.get("value"))
            values[str(name)] = value[:MAX_FORM_VALUE]
    return values


def _team(body: dict[str, Any]) -> str:
    return _str(_dict(body.get("team")).get("id")) or _str(_dict(body.get("user")).get("team_id"))
