"""Bot Framework activities from Teams → neutral `Incoming` / `Action`, and the stored reference.

Teams facts used here: a channel conversation id carries the thread as `;messageid=…`; the tenant
is in `channelData.tenant.id` (botbuilder 4.17.1 reads `conversation.tenantID`, so Teams'
`tenantId` never reaches `ConversationAccount.tenant_id`); `<at>Name</at>` in the text marks mentions.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from botbuilder.schema import Activity

from bot.adapters.teams.render import ACTION_KEY, MAX_FIELD_CHARS, MORE_ACTION, MORE_CHOICE, VALUE_KEY
from bot.core import Action, Incoming, Mention

PLATFORM = "teams"
MAX_FORM_FIELDS = 40
_AT_TAG = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_THREAD = re.compile(r";messageid=(\d+)$")


class BadSubmit(ValueError):
    """A card submit whose data we did not write (missing, malformed or forged)."""


def tenant_of(activity: Activity) -> str:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant") if isinstance(data.get("tenant"), dict) else {}
    conv = activity.conversation
    extra = getattr(conv, "additional_properties", None) or {}
    found = tenant.get("id") or (conv and conv.tenant_id) or extra.get("tenantId")
    # Outside Teams (Emulator, Web Chat) there is no tenant: the channel stands in for it.
    return str(found or activity.channel_id or "unknown")


def kind_of(activity: Activity) -> str:
    conv = activity.conversation
    kind = (conv.conversation_type if conv else None) or ""
    if not kind:
        kind = "groupChat" if conv and conv.is_group else "personal"
    return kind


def split_conversation(conversation_id: str) -> tuple[str, str | None]:
    """'19:x@thread.tacv2;messageid=17' → ('19:x@thread.tacv2', '17'): the channel and its thread."""
    m = _THREAD.search(conversation_id)
    return (conversation_id[: m.start()], m.group(1)) if m else (conversation_id, None)


def join_conversation(channel: str, thread: str | None) -> str:
    return f"{channel};messageid={thread}" if thread else channel


def mentioned_people(activity: Activity) -> list[str]:
    """Member ids (29:…) of the people, not the bot, mentioned in a message."""
    bot_id = activity.recipient.id if activity.recipient else None
    out = []
    for entity in activity.entities or []:
        props = getattr(entity, "additional_properties", None) or {}
        who = props.get("mentioned") if isinstance(props.get("mentioned"), dict) else {}
        if (
            entity.type == "mention"
            and isinstance(who.get("id"), str)
            and who["id"] != bot_id
            and not who["id"].startswith("19:")
        ):
            out.append(who["id"])
    return out


def strip_mentions(
    activity: Activity, people: dict[str, str] | None = None
) -> tuple[str, bool, dict[str, tuple[Mention, ...]]]:
    """The text without the bot's own mention, whether the bot was mentioned, and who and which
    channels were mentioned: each <at>Name</at> entity reads "@Name" (a channel's "#Name") in the
    text and becomes a Mention, a person's with the neutral user id from `people` (member id →
    AAD object id) when known. Only entities count: typed text can't forge a mention."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    mentioned = False
    found: dict[str, list[Mention]] = {"people": [], "channels": []}
    for entity in activity.entities or []:
        props = getattr(entity, "additional_properties", None) or {}
        who = props.get("mentioned") if isinstance(props.get("mentioned"), dict) else {}
        tag = props.get("text")
        if entity.type != "mention" or not isinstance(tag, str) or not tag:
            continue
        if bot_id and who.get("id") == bot_id:
            mentioned = True
            text = text.replace(tag, " ")
        elif isinstance(who.get("id"), str) and tag in text:
            name = " ".join(html.unescape(_AT_TAG.sub(lambda m: m.group(1), tag)).split())
            if who["id"].startswith("19:"):  # a channel (or chat): its conversation id
                found["channels"].append(Mention(who["id"], name, "#" + name))
                text = text.replace(tag, "#" + name, 1)
            else:
                found["people"].append(Mention((people or {}).get(who["id"], who["id"]), name, "@" + name))
                text = text.replace(tag, "@" + name, 1)
    text = html.unescape(_AT_TAG.sub(lambda m: m.group(1), text))
    return " ".join(text.split()), mentioned, {kind: tuple(items) for kind, items in found.items()}


def to_incoming(activity: Activity, people: dict[str, str] | None = None) -> Incoming:
    """A message activity (typed text or a card submit) → the neutral message."""
    channel, thread = split_conversation(activity.conversation.id if activity.conversation else "")
    kind = kind_of(activity)
    sender = activity.from_property
    text, mentioned, mentions = strip_mentions(activity, people)
    base: dict[str, Any] = {
        "platform": PLATFORM,
        "workspace": tenant_of(activity),
        "channel": channel,
        "thread": thread,
        # The AAD object id is the same for every bot and is what admins find in Entra ID.
        "user": (sender and (sender.aad_object_id or sender.id)) or "unknown",
        "user_name": sender.name if sender else None,
        "direct": kind == "personal",
        "addressed": kind == "personal" or mentioned,
        "raw": activity,
        "text": text,
        **mentions,
    }
    if activity.value is None:
        return Incoming(**base)
    return _submit(activity.value, base)


def _submit(value: Any, base: dict[str, Any]) -> Action:
    if not isinstance(value, dict):
        raise BadSubmit("card data is not an object")
    action_id, carried = value.get(ACTION_KEY), value.get(VALUE_KEY, "")
    if action_id == MORE_ACTION:  # a button picked from a "More…" menu: the choice names it
        action_id, carried = _picked(value.get(MORE_CHOICE))
        value = {k: v for k, v in value.items() if k != MORE_CHOICE}
    if not isinstance(action_id, str) or not action_id or len(action_id) > 255:
        raise BadSubmit("card data has no action id")
    if not isinstance(carried, str | int) or len(str(carried)) > MAX_FIELD_CHARS:
        raise BadSubmit("card data carries an unreadable value")
    form = {k: v for k, v in value.items() if k not in (ACTION_KEY, VALUE_KEY)}
    if len(form) > MAX_FORM_FIELDS or not all(
        isinstance(k, str) and isinstance(v, str | int | float | bool) and len(str(v)) <= MAX_FIELD_CHARS
        for k, v in form.items()
    ):
        raise BadSubmit("card data has unexpected inputs")
    base["addressed"] = True  # pressing the bot's own button is talking to the bot
    return Action(**base, action_id=action_id, value=str(carried), form={k: str(v) for k, v in form.items()})


def _picked(choice: Any) -> tuple[str, str]:
    try:
        picked = json.loads(choice) if isinstance(choice, str) and len(choice) <= 2 * MAX_FIELD_CHARS else None
    except ValueError:
        picked = None
    if not (isinstance(picked, list) and len(picked) == 2 and all(isinstance(p, str) for p in picked)):
        raise BadSubmit("the menu choice is not one of ours")
    return picked[0], picked[1]


def reference_of(activity: Activity) -> dict[str, Any]:
    """A plain-dict ConversationReference for proactive sends to this channel (not its thread)."""
    channel, _thread = split_conversation(activity.conversation.id)
    bot = activity.recipient
    return {
        "channelId": activity.channel_id,
        "serviceUrl": activity.service_url,
        "bot": {"id": bot.id, "name": bot.name} if bot else None,
        "conversation": {"id": channel, "conversationType": kind_of(activity), "tenantId": tenant_of(activity)},
    }


def person_of(activity: Activity) -> tuple[str, dict[str, Any]] | None:
    """The sender as someone the bot can DM later: (their neutral user id, what a 1:1 needs).

    The neutral id is the AAD object id, but creating a 1:1 conversation needs the Teams member id
    (29:…); a personal conversation's id is kept as soon as one is seen, so no create is needed."""
    sender = activity.from_property
    if sender is None or not sender.id or activity.recipient is None or sender.id == activity.recipient.id:
        return None
    data: dict[str, Any] = {
        "channelId": activity.channel_id,
        "memberId": sender.id,
        "bot": {"id": activity.recipient.id, "name": activity.recipient.name},
        "tenantId": tenant_of(activity),
    }
    if kind_of(activity) == "personal" and activity.conversation and activity.conversation.id:
        data["conversationId"] = activity.conversation.id
    return sender.aad_object_id or sender.id, data
