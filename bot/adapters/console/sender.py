"""Posts the bot makes on its own (announcements, reminders) while the console runs."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from bot.core import ConversationRef, Reply


class ConsoleSender:
    """The console's outbox: hands each post (or DM: `conversation.user` set) to `show` (print in
    `pmo-bot chat`) and keeps it in `outbox`. The console can post anywhere and has no channels to
    keep apart: everyone is a member of every channel."""

    def __init__(self, show: Callable[[ConversationRef, Reply], None] | None = None) -> None:
        self.outbox: list[tuple[ConversationRef, Reply]] = []
        self.updated: list[tuple[ConversationRef, str, Reply]] = []  # (where, message id, new content)
        self._show = show
        self._ids = itertools.count(1)

    async def update(self, conversation: ConversationRef, message_id: str, reply: Reply) -> bool:
        self.updated.append((conversation, message_id, reply))
        if self._show:
            self._show(conversation, reply)
        return True

    async def can_post(self, conversation: ConversationRef) -> str | None:
        return None

    async def is_member(self, channel: ConversationRef, user: str) -> bool:
        return True

    async def send(self, conversation: ConversationRef, reply: Reply) -> str | None:
        self.outbox.append((conversation, reply))
        if self._show:
            self._show(conversation, reply)
        return f"console-{next(self._ids)}"
