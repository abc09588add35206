"""Outgoing Teams messages: fitted to the size limit, paced per conversation, retried when Teams
throttles or hiccups.

botbuilder has no retry of its own. Teams allows a bot 7 sends/s, 8 per 2 s, 60 per 30 s and
1800 per hour in one conversation, and answers 429 (or 412/502/504 under load) beyond that. A
message over its size limit gets 413 (MessageSizeTooBig): it is sent again in smaller parts.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity
from msrest.authentication import Authentication

from bot.adapters.teams.auth import CachingAuthentication
from bot.adapters.teams.connector import BotConnector, ConnectorError
from bot.adapters.teams.fit import MAX_ACTIVITY_BYTES, fit, label, size
from bot.adapters.teams.people import People
from bot.adapters.teams.render import render_activity
from bot.adapters.teams.translate import PLATFORM, join_conversation, split_conversation
from bot.core import ConversationRef, Reply
from bot.core.metrics import ERRORS
from storage import conversations
from storage.db import Database

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 412, 502, 504})
TOO_BIG = 413
SMALLEST = 4000  # bytes: below this a refusal as too big is not about size, and is not split further


class Pacer:
    """Per-conversation sliding windows: a busy conversation waits, the others do not."""

    WINDOWS = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    ) -> None:
        self._clock, self._sleep = clock, sleep
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, key: str) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one waiter per conversation at a time keeps the order of sends
            sent = self._sent.setdefault(key, deque(maxlen=self.WINDOWS[-1][1]))
            while True:
                now = self._clock()
                delay = max(
                    (sent[-limit] + window - now for window, limit in self.WINDOWS if len(sent) >= limit), default=0.0
                )
                if delay <= 0:
                    sent.append(now)
                    break
                await self._sleep(delay)
        if len(self._sent) > 10_000:
            self._forget_idle()

    def _forget_idle(self) -> None:
        cutoff = self._clock() - self.WINDOWS[-1][0]
        for key in [k for k, sent in self._sent.items() if sent and sent[-1] < cutoff]:
            if not self._locks[key].locked():
                del self._sent[key], self._locks[key]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base: float = 0.5  # seconds before the first retry (jittered); doubles each time
    cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.cap, self.base * 2**attempt)
        return max(random.uniform(backoff / 2, backoff), min(retry_after or 0.0, self.cap))


class Outbox:
    """Every post the bot makes (replies and proactive sends) goes through here."""

    def __init__(
        self,
        connector: BotConnector | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.connector = connector or BotConnector()
        self.pacer, self.retry, self._sleep = pacer or Pacer(), retry or RetryPolicy(), sleep

    async def deliver(self, credentials: Authentication | None, activity: dict[str, Any]) -> str | None:
        """Post one activity (a reply when it has replyToId, an update when it has an id), as several
        messages in order when it is too big for one; returns the id of the last (where its buttons are)."""
        limit, pending, done, sent = MAX_ACTIVITY_BYTES, fit(activity), 0, None
        while pending:
            part = label(pending[0], done + 1, done + len(pending))
            try:
                sent = await self._send(credentials, part)
            except ConnectorError as exc:
                if exc.status != TOO_BIG or min(limit, size(part)) // 2 < SMALLEST:
                    raise
                # Teams counted it bigger than we did: what is left, in smaller parts.
                limit = min(limit, size(part)) // 2
                log.warning("teams refused a message as too big; splitting it", extra={"bytes": size(part)})
                pending = [smaller for rest in pending for smaller in fit(rest, limit)]
                continue
            pending.pop(0)
            done += 1
        return sent

    async def _send(self, credentials: Authentication | None, activity: dict[str, Any]) -> str | None:
        key = split_conversation(activity["conversation"]["id"])[0]  # a channel's threads share its limits
        for attempt in range(self.retry.attempts):
            await self.pacer.wait(key)
            try:
                return await self.connector.post(credentials, activity["serviceUrl"], activity)
            except ConnectorError as exc:
                retryable = exc.status in RETRY_STATUSES or exc.status is None  # None: no answer at all
                if not retryable or attempt == self.retry.attempts - 1:
                    raise
                delay = self.retry.delay(attempt, exc.retry_after)
                log.warning("teams send failed; retrying", extra={"status": exc.status, "delay": round(delay, 2)})
                await self._sleep(delay)
        return None


def build_activity(
    reply: Reply,
    *,
    conversation_id: str,
    service_url: str,
    channel_id: str,
    bot: dict[str, Any] | None,
    tenant_id: str | None = None,
    user: dict[str, Any] | None = None,
    reply_to_id: str | None = None,
    mentions: list[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The JSON of an outgoing message activity (Bot Framework schema)."""
    activity = render_activity(reply, mentions)
    activity.update(serviceUrl=service_url, channelId=channel_id, conversation={"id": conversation_id})
    if bot:
        activity["from"] = bot
    if user:
        activity["recipient"] = user
    if reply_to_id:
        activity["replyToId"] = reply_to_id
    if tenant_id:
        activity["channelData"] = {"tenant": {"id": tenant_id}}
    return activity


class TeamsSender:
    """`bot.senders["teams"]`: posts into a conversation the bot has seen, from its stored reference."""

    def __init__(
        self, db: Database, auth: CachingAuthentication, outbox: Outbox, people: People, app_id: str | None
    ) -> None:
        self.db, self.auth, self.outbox, self.people = db, auth, outbox, people
        claims = {AuthenticationConstants.AUDIENCE_CLAIM: app_id, AuthenticationConstants.APP_ID_CLAIM: app_id}
        self._identity = ClaimsIdentity(claims, True)

    async def send(self, conversation: ConversationRef, reply: Reply) -> str | None:
        if conversation.user:
            return await self._send_direct(conversation, reply)
        return await self._deliver(*await self._to_channel(conversation, reply))

    async def update(self, conversation: ConversationRef, message_id: str, reply: Reply) -> bool:
        """Put a new card over a message the bot posted in a channel (an update is a PUT of its id)."""
        credentials, activity = await self._to_channel(conversation, reply)
        activity["id"] = message_id
        await self._deliver(credentials, activity)
        return True

    async def can_post(self, conversation: ConversationRef) -> str | None:
        """The bot posts on its own only where it has been installed or talked to (a stored reference)."""
        if conversation.user:
            return None  # a DM: opened on demand
        record = await conversations.get(self.db, PLATFORM, conversation.workspace, conversation.channel)
        if record is None or not record.service_url:
            return "I can't post in that conversation yet: add me to it (or mention me there once) first."
        return None

    async def _deliver(self, credentials: Authentication | None, activity: dict[str, Any]) -> str | None:
        try:
            return await self.outbox.deliver(credentials, activity)
        except Exception:
            ERRORS.labels("teams_send").inc()
            raise

    async def _to_channel(self, conversation: ConversationRef, reply: Reply) -> tuple[Authentication | None, dict]:
        """The credentials and the activity for a post into a stored channel conversation."""
        record = await conversations.get(self.db, PLATFORM, conversation.workspace, conversation.channel)
        if record is None or not record.service_url:
            raise LookupError(
                f"no stored Teams conversation {conversation.channel!r} in {conversation.workspace!r}: "
                "the bot must be installed there (or have been talked to) first"
            )
        ref = record.data
        # The cached ConnectorClient carries the credentials (and their token cache) for this service URL.
        client = await self.auth.create_connector_factory(self._identity).create(record.service_url, None)
        mentions = (
            await self.people.mentions(
                client.config.credentials, record.service_url, conversation.channel, reply.mentions
            )
            if reply.mentions
            else []
        )
        activity = build_activity(
            reply,
            conversation_id=join_conversation(conversation.channel, conversation.thread),
            service_url=record.service_url,
            channel_id=ref.get("channelId") or "msteams",
            bot=ref.get("bot"),
            tenant_id=(ref.get("conversation") or {}).get("tenantId"),
            mentions=mentions,
        )
        return client.config.credentials, activity

    async def is_member(self, channel: ConversationRef, user: str) -> bool:
        """Whether the person (their AAD object id) is in the channel, as a member lookup says."""
        record = await conversations.get(self.db, PLATFORM, channel.workspace, channel.channel)
        if record is None or not record.service_url:
            return False
        client = await self.auth.create_connector_factory(self._identity).create(record.service_url, None)
        return (
            await self.people.member(client.config.credentials, record.service_url, channel.channel, user) is not None
        )

    async def _send_direct(self, conversation: ConversationRef, reply: Reply) -> str | None:
        """A DM: into the person's 1:1 chat with the bot, created (and kept) the first time."""
        channel = "@" + (conversation.user or "")
        record = await conversations.get(self.db, PLATFORM, conversation.workspace, channel)
        if record is None or not record.service_url:
            # No user id in the message: it ends up in delivery rows and logs, and may be an anonymous author.
            raise LookupError("that Teams user has not been seen by the bot yet, so it cannot message them")
        person = dict(record.data)
        client = await self.auth.create_connector_factory(self._identity).create(record.service_url, None)
        credentials = client.config.credentials
        if not person.get("conversationId"):
            body = {
                "bot": person.get("bot"),
                "isGroup": False,
                "members": [{"id": person["memberId"]}],
                "tenantId": person.get("tenantId"),
                "channelData": {"tenant": {"id": person.get("tenantId")}},
            }
            try:
                person["conversationId"] = await self.outbox.connector.create_conversation(
                    credentials, record.service_url, body
                )
            except Exception:
                ERRORS.labels("teams_send").inc()
                raise
            await conversations.upsert(
                self.db,
                platform=PLATFORM,
                workspace=conversation.workspace,
                channel=channel,
                kind="person",
                service_url=record.service_url,
                data=person,
            )
        activity = build_activity(
            reply,
            conversation_id=person["conversationId"],
            service_url=record.service_url,
            channel_id=person.get("channelId") or "msteams",
            bot=person.get("bot"),
            tenant_id=person.get("tenantId"),
        )
        return await self._deliver(credentials, activity)
