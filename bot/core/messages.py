"""What reaches a handler: a message or action, and where a conversation is (to post later)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.ids import parse_id

_REFERENCE = re.compile(r"<([@#])([^|>\s]+)(?:\|([^>]*))?>|([@#])(\S+)")


@dataclass(slots=True, frozen=True)
class Mention:
    """A person or channel named in a message, as the platform marked it: its id, the name shown,
    and the text that stands for it in `Incoming.text` ("@Sam Jones", "#general"). Only what the
    platform marked is a mention: typing "@sam" names nobody."""

    id: str
    name: str
    text: str

    def reference(self) -> str:
        """How a stored address (a party's contact) keeps it: <@id|name> or <#id|name>, or just
        @id / #id where the id is the name (the console, the default model's "#pmo")."""
        sigil = self.text[:1]
        if self.id == self.name:
            return f"{sigil}{self.id}"
        return f"<{sigil}{self.id}|{self.name.replace('>', '').replace('|', ' ')}>"


def parse_reference(stored: str) -> tuple[str, str, str] | None:
    """A stored address -> (sigil "@" or "#", id, name); None for free text ("ask Sam")."""
    m = _REFERENCE.fullmatch(stored.strip())
    if not m:
        return None
    if m[1]:
        return m[1], m[2], m[3] or m[2]
    return m[4], m[5], m[5]


def address(platform: str, workspace: str, stored: str) -> ConversationRef | None:
    """A stored contact as somewhere to post: a person (a DM) or a channel (by id or name; the
    platform takes what it can reach). None for a description ("ask Sam in the PMO")."""
    text = stored.strip()
    if not text or " " in text:
        return None
    if parsed := parse_reference(text):
        sigil, target, _name = parsed
        if sigil == "@":
            return ConversationRef.direct(platform, workspace, target)
        return ConversationRef(platform, workspace, target)
    return ConversationRef(platform, workspace, text)  # a bare id, e.g. a Teams conversation 19:…


def show_reference(stored: str) -> str:
    """A stored address as people read it: @name, #name, or the text as it is."""
    parsed = parse_reference(stored)
    return f"{parsed[0]}{parsed[2]}" if parsed else stored


@dataclass(slots=True, frozen=True)
class ConversationRef:
    """Where to post: enough for an adapter to send into this conversation later.

    With `user` set it is a direct message to that person (see `direct`); `channel` is unused."""

    platform: str
    workspace: str
    channel: str
    thread: str | None = None
    user: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def direct(cls, platform: str, workspace: str, user: str) -> ConversationRef:
        """A one-to-one message to `user` (a reminder, a status change): the adapter opens the DM."""
        return cls(platform, workspace, "", user=user)


@dataclass(slots=True, kw_only=True)
class Incoming:
    """A message addressed (or not) to the bot."""

    platform: str
    workspace: str
    channel: str
    user: str
    text: str = ""
    thread: str | None = None
    addressed: bool = True  # mentioned, DM'd, or a slash command
    direct: bool = False  # a one-to-one conversation with the bot
    user_name: str | None = None
    people: tuple[Mention, ...] = ()  # the people mentioned, in order
    channels: tuple[Mention, ...] = ()  # the channels mentioned, in order
    raw: Any = field(default=None, repr=False)

    @property
    def conversation(self) -> ConversationRef:
        return ConversationRef(self.platform, self.workspace, self.channel, self.thread)

    def person_in(self, text: str) -> Mention | None:
        """The first person mentioned in `text` (a part of this message's text)."""
        return _first(text, self.people)

    def channel_in(self, text: str) -> Mention | None:
        """The first channel mentioned in `text` (a part of this message's text)."""
        return _first(text, self.channels)

    def with_ids(self, text: str) -> tuple[str, dict[str, Mention]]:
        """`text` with each mention written as @id / #id (ids hold no spaces, so a word parser keeps
        them whole), and those words mapped back to their mention. Typed words are not in the map."""
        words: dict[str, Mention] = {}
        for m in sorted((*self.people, *self.channels), key=lambda m: -len(m.text)):
            if m.text and m.text in text:
                word = f"{m.text[:1]}{m.id}"
                text = text.replace(m.text, word)
                words[word] = m
        return text, words


@dataclass(slots=True, kw_only=True)
class Action(Incoming):
    """A button press or form submission. `form` holds input values by input name."""

    action_id: str
    value: str = ""
    form: dict[str, str] = field(default_factory=dict)

    @property
    def int_value(self) -> int:
        """The value as a row id; -1 (matches nothing) when a forged or stale value is not one
        (bot.core.ids: ASCII digits that fit a database integer)."""
        found = parse_id(self.value)
        return -1 if found is None else found


def _first(text: str, mentions: tuple[Mention, ...]) -> Mention | None:
    found = [(text.find(m.text), m) for m in mentions if m.text and m.text in text]
    return min(found, key=lambda pair: pair[0])[1] if found else None
