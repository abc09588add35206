"""Who is who in a Teams conversation, from the Bot Connector's member lookups, cached per process.

Incoming mentions name a member id (29:…) where the core speaks of AAD object ids; outgoing
mentions need the member id and display name for an AAD object id a handler gave. Both are one
GET of a conversation member, which also answers whether the person is in the conversation.
"""

from __future__ import annotations

import html
import logging
import time
from typing import Any

from msrest.authentication import Authentication

from bot.adapters.teams.connector import BotConnector, ConnectorError
from bot.adapters.teams.translate import split_conversation

log = logging.getLogger(__name__)


class People:
    LIMIT = 50_000  # cached members before the cache starts again
    SECONDS = 600.0  # how long a lookup is trusted: people leave teams, and a retro asks who is in

    def __init__(self, connector: BotConnector) -> None:
        self.connector = connector
        self._members: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}  # (channel, who) -> (until, member)

    async def member(
        self, credentials: Authentication | None, service_url: str, conversation: str, who: str
    ) -> dict[str, Any] | None:
        """The member (id, name, aadObjectId) that `who` (a member id or an AAD object id) is in the
        conversation; None when they are not in it. Only people found are remembered: others may join."""
        channel = split_conversation(conversation)[0]
        until, found = self._members.get((channel, who), (0.0, None))
        if until < time.monotonic():
            try:
                found = await self.connector.get_member(credentials, service_url, channel, who)
            except ConnectorError as exc:
                if exc.status != 404:
                    raise
                self._members.pop((channel, who), None)
                return None
            if len(self._members) >= self.LIMIT:
                self._members.clear()
            self._members[(channel, who)] = (time.monotonic() + self.SECONDS, found)
        return found

    async def mentions(
        self, credentials: Authentication | None, service_url: str, conversation: str, users: list[str]
    ) -> list[dict[str, Any]]:
        """Mention entities for the people (AAD object ids) who are in the conversation; a lookup
        that fails leaves that person unmentioned rather than the message unsent."""
        out = []
        for user in dict.fromkeys(users):
            try:
                member = await self.member(credentials, service_url, conversation, user)
            except ConnectorError as exc:
                log.info("could not look up a member to mention", extra={"status": exc.status})
                continue
            if member and member.get("id"):
                name = member.get("name") or "someone"
                out.append(
                    {
                        "type": "mention",
                        "text": f"<at>{html.escape(name)}</at>",
                        "mentioned": {"id": member["id"], "name": name},
                    }
                )
        return out
