"""Web API access: one AsyncWebClient with retries, each workspace's token, and posting replies."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from contextlib import asynccontextmanager
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import render_message, render_messages
from bot.core import Button, ConversationRef, Reply
from bot.core.config import Settings

log = logging.getLogger(__name__)


def web_client(settings: Settings) -> AsyncWebClient:
    """The app's client. slack_sdk retries connection errors by default but not HTTP 429: add both."""
    options: dict[str, Any] = {
        "token": settings.slack_bot_token,
        "retry_handlers": [
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    }
    if settings.slack_api_url:
        options["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    return AsyncWebClient(**options)


class Tokens:
    """Bot token per workspace: the installation store's (OAuth) or the one SLACK_BOT_TOKEN."""

    def __init__(self, single: str | None, store: AsyncInstallationStore | None) -> None:
        self.single, self.store = single, store

    async def bot_token(self, workspace: str) -> str | None:
        if self.store is None:
            return self.single
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=workspace)
        return bot.bot_token if bot else None


async def post(
    client: AsyncWebClient,
    reply: Reply,
    *,
    channel: str,
    thread: str | None = None,
    user: str | None = None,
    token: str | None = None,
    extra_buttons: list[Button] = (),
) -> str | None:
    """Post a reply into a channel (thread), in as many messages as it takes, in order; a private
    reply only `user` sees. Returns the ts of the last message (the one with the buttons)."""
    ts = None
    for message in render_messages(reply, extra_buttons=extra_buttons):
        args: dict[str, Any] = {"channel": channel, **message}
        if thread:
            args["thread_ts"] = thread
        if token:  # never send token=None: it would replace the client's own token with nothing
            args["token"] = token
        if reply.private and user:
            await client.chat_postEphemeral(user=user, **args)
        else:
            ts = (await client.chat_postMessage(**args)).get("ts")
    return ts


class ChannelPacer:
    """About one message per second per channel (Slack's chat.postMessage limit): posts to one
    channel queue behind each other, posts to other channels are not held up."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, channel: str):
        async with self._locks[channel]:
            wait = self._last.get(channel, -self.interval) + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[channel] = time.monotonic()


class SlackSender:
    """bot.senders["slack"]: messages the bot starts itself (announcements, reminders)."""

    MEMBERSHIP_SECONDS = 60.0  # how long a person's channel list is trusted

    def __init__(self, client: AsyncWebClient, tokens: Tokens) -> None:
        self.client, self.tokens = client, tokens
        self.pacer = ChannelPacer()
        self._channels: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}  # (team, user) -> (until, ids)

    async def is_member(self, channel: ConversationRef, user: str) -> bool:
        """Whether the person is in the channel: the public and private channels Slack lists for
        them (users.conversations, one call for most people), remembered for a minute."""
        token = await self.tokens.bot_token(channel.workspace)
        if not token:
            return False
        key = (channel.workspace, user)
        until, channels = self._channels.get(key, (0.0, frozenset()))
        if until < time.monotonic():
            found: set[str] = set()
            async for page in await self.client.users_conversations(
                user=user, types="public_channel,private_channel", exclude_archived=True, limit=1000, token=token
            ):
                found.update(c["id"] for c in page.get("channels") or () if isinstance(c, dict) and "id" in c)
            channels, now = frozenset(found), time.monotonic()
            if len(self._channels) > 1000:  # forget the lapsed ones rather than grow without end
                self._channels = {k: v for k, v in self._channels.items() if v[0] > now}
            self._channels[key] = (now + self.MEMBERSHIP_SECONDS, channels)
        return channel.channel in channels

    async def can_post(self, conversation: ConversationRef) -> str | None:
        """None if the bot can post in the channel, else why not (for the person asking)."""
        token = await self.tokens.bot_token(conversation.workspace)
        if not token:
            return "PMO Bot is not installed in this Slack workspace."
        try:
            info = await self.client.conversations_info(channel=conversation.channel, token=token)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in ("channel_not_found", "missing_scope"):
                return "I can't see that channel. Invite me there first (/invite @PMO Bot)."
            raise
        channel = info.get("channel") or {}
        if not (channel.get("is_member") or channel.get("is_im")):
            return (
                f"I'm not in #{channel.get('name') or conversation.channel}. Invite me there first (/invite @PMO Bot)."
            )
        return None

    async def update(self, conversation: ConversationRef, message_id: str, reply: Reply) -> bool:
        token = await self.tokens.bot_token(conversation.workspace)
        if not token:
            raise LookupError(f"no Slack installation for workspace {conversation.workspace!r}")
        async with self.pacer.turn(f"{conversation.workspace}:{conversation.channel}"):
            await self.client.chat_update(
                channel=conversation.channel, ts=message_id, token=token, **render_message(reply)
            )
        return True

    async def send(self, conversation: ConversationRef, reply: Reply) -> str | None:
        token = await self.tokens.bot_token(conversation.workspace)
        if not token:
            raise LookupError(f"no Slack installation for workspace {conversation.workspace!r}")
        # A user id as the channel posts in the bot's DM with that person (its Messages tab).
        channel = conversation.user or conversation.channel
        async with self.pacer.turn(f"{conversation.workspace}:{channel}"):
            return await post(
                self.client,
                reply,
                channel=channel,
                thread=conversation.thread,
                user=conversation.extra.get("user"),
                token=token,
            )
