"""What reaches a handler: a message or action, and where a conversation is (to post later)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# A person mentioned in Incoming.text, as every adapter writes it: <@user-id> or <@user-id|name>
# (Slack's own form; the Teams adapter rewrites its <at>…</at> mentions to it). Group 1 is the id.
PERSON = re.compile(r"<@([^|>\s]+)(?:\|([^>]*))?>")
# A channel named in text: <#C123|name> as Slack escapes it (group 1, the id) or #name (group 3).
CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>|#([\w.-]+)")


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
    raw: Any = field(default=None, repr=False)

    @property
    def conversation(self) -> ConversationRef:
        return ConversationRef(self.platform, self.workspace, self.channel, self.thread)


@dataclass(slots=True, kw_only=True)
class Action(Incoming):
    """A button press or form submission. `form` holds input values by input name."""

    action_id: str
    value: str = ""
    form: dict[str, str] = field(default_factory=dict)

    @property
    def int_value(self) -> int:
        """The value as a row id; -1 (matches nothing) when a forged or stale value is not a number."""
        try:
            return int(self.value)
        except ValueError:
            return -1
