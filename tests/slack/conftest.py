"""Slack test rig: the real aiohttp app on 127.0.0.1, really signed requests, and a stand-in
Slack Web API (also on 127.0.0.1) that records every call and answers like Slack does."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.slack import SLACK
from bot.assembly.app import Bot
from bot.assembly.server import create_app
from bot.core.config import Settings
from storage.db import Database
from tests.conftest import ADMIN

SECRET = "test-signing-secret"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
TOKEN = "xoxb-test"
OPEN_CHANNELS = ("C-GENERAL", "C-NEWS", "C0BUSY", "C0COMMUNITY", "C0QUIET", "C1")  # everyone is in these


def sign(body: str, timestamp: int | str, secret: str = SECRET) -> str:
    """Slack's scheme: v0= + HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    answer: dict[str, Any] = field(default_factory=dict)  # what the stand-in said back
    hook: str = ""  # for response_url calls: which hook


@dataclass
class StandIn:
    """Slack's Web API, response_url hooks and Socket Mode, as far as the bot uses them."""

    team: str
    url: str = ""
    calls: list[Call] = field(default_factory=list)
    scripted: dict[str, list[tuple[int, dict[str, str], dict[str, Any]]]] = field(default_factory=dict)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_acks: asyncio.Queue = field(default_factory=asyncio.Queue)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    refuse_sockets: bool = False
    dropped: dict[str, int] = field(default_factory=dict)  # method -> connections to cut before answering
    private: dict[str, set[str]] = field(default_factory=dict)  # channel -> its only members

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        async def until() -> None:
            while len(self.of(method)) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), timeout)
        return self.of(method)

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.method == "GET":  # slack_sdk sends some reads (conversations.info) as GET
            args = dict(request.query)
        elif request.content_type == "application/json":
            args = await request.json()
        elif request.content_type == "multipart/form-data":
            args = {k: v if isinstance(v, str) else v.file.read() for k, v in (await request.post()).items()}
        else:
            args = {k: v[0] for k, v in parse_qs(await request.text()).items()}
        args = {**request.query, **args}  # some methods send their arguments as query parameters
        auth = request.headers.get("Authorization", "")
        call = Call(method, args, auth.removeprefix("Bearer ") or None)
        self.calls.append(call)
        self.changed.set()
        if self.dropped.get(method):  # the connection dies mid-request, as a flaky network's would
            self.dropped[method] -= 1
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if self.scripted.get(method):
            status, headers, call.answer = self.scripted[method].pop(0)
            return web.json_response(call.answer, status=status, headers=headers)
        call.answer = self.answer(method, args)
        return web.json_response(call.answer)

    def channels_of(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.conversations, two channels a page as Slack may well do, so cursors are followed."""
        mine = [*OPEN_CHANNELS, *(c for c, members in self.private.items() if args.get("user") in members)]
        start = int(args.get("cursor") or 0)
        page = {"ok": True, "channels": [{"id": c, "is_private": c in self.private} for c in mine[start : start + 2]]}
        page["response_metadata"] = {"next_cursor": str(start + 2) if start + 2 < len(mine) else ""}
        return page

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"{time.time():.6f}"
        if method == "users.conversations":
            return self.channels_of(args)
        return {
            "auth.test": {
                "ok": True,
                "team_id": self.team,
                "team": "Test",
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "user": "pmo-bot",
                "url": "https://test.slack.com/",
            },
            "chat.postMessage": {"ok": True, "channel": args.get("channel"), "ts": ts},
            "chat.postEphemeral": {"ok": True, "message_ts": ts},
            "views.open": {"ok": True, "view": {"id": "V1"}},
            "files.getUploadURLExternal": {
                "ok": True,
                "upload_url": f"{self.url}/upload/F0CHART",
                "file_id": "F0CHART",
            },
            "files.completeUploadExternal": {"ok": True, "files": [{"id": "F0CHART", "title": "chart"}]},
            # The bot is a member of every channel except C0OUTSIDE.
            "conversations.info": {
                "ok": True,
                "channel": {
                    "id": args.get("channel"),
                    "name": "community",
                    "is_member": args.get("channel") != "C0OUTSIDE",
                },
            },
            "apps.connections.open": {"ok": True, "url": self.url.replace("http", "ws", 1) + "/socket"},
            "oauth.v2.access": {
                "ok": True,
                "app_id": "A1",
                "access_token": f"xoxb-{self.team.lower()}",
                "token_type": "bot",
                "scope": "app_mentions:read,chat:write,commands,im:history",
                "bot_user_id": BOT_USER,
                "team": {"id": self.team, "name": "Test"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "U-INSTALLER"},
            },
        }.get(method, {"ok": True})

    async def upload(self, request: web.Request) -> web.Response:
        """Where files.getUploadURLExternal sends the file's bytes."""
        self.calls.append(Call("upload", {"id": request.match_info["id"], "bytes": await request.read()}, None))
        self.changed.set()
        return web.Response(text="OK - 1")

    async def hook(self, request: web.Request) -> web.Response:
        self.calls.append(Call("response_url", await request.json(), None, hook=request.match_info["id"]))
        self.changed.set()
        return web.Response(text="ok")

    def take_hook(self, hook: str) -> Call | None:
        """Remove and return what was posted to one response_url (a slash command's late answer)."""
        for call in self.calls:
            if call.method == "response_url" and call.hook == hook:
                self.calls.remove(call)
                return call
        return None

    async def socket(self, request: web.Request) -> web.StreamResponse:
        if self.refuse_sockets:
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        self.changed.set()
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self.socket_acks.put(json.loads(message.data))
        return ws


@pytest.fixture
async def standin(workspace: str) -> AsyncIterator[StandIn]:
    fake = StandIn(team=workspace)
    app = web.Application()
    app.router.add_post("/api/{method}", fake.api)
    app.router.add_get("/api/{method}", fake.api)
    app.router.add_post("/hooks/{id}", fake.hook)
    app.router.add_post("/upload/{id}", fake.upload)
    app.router.add_get("/socket", fake.socket)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    for ws in fake.sockets:
        await ws.close()
    await server.close()


def slack_settings(db: Database, standin: StandIn, **overrides: Any) -> Settings:
    options: dict[str, Any] = {"slack_signing_secret": SECRET, "slack_bot_token": TOKEN}
    options.update(overrides)
    return Settings(
        _env_file=None, database_url=db.url, pmo_bot_admins=ADMIN, slack_api_url=standin.url + "/api/", **options
    )


class Answer:
    """A slash command's answer as the person sees it: the acknowledgement's body or, when the bot
    took longer than its ack budget (a busy machine), what it posted to the command's response_url
    instead. Either way the same message; `json()` returns it ({} when there was none)."""

    def __init__(self, response, rig: Slack, hook: str) -> None:
        self.response, self.rig, self.hook = response, rig, hook

    def __getattr__(self, name: str) -> Any:
        return getattr(self.response, name)

    async def json(self) -> dict[str, Any]:
        body = await self.response.text()
        if body:
            return json.loads(body)
        call = self.rig.standin.take_hook(self.hook)
        if not call:
            return {}
        # response_url's own flag (post a new message, don't replace the one the command came from)
        return {k: v for k, v in call.args.items() if (k, v) != ("replace_original", False)}


class Slack:
    """Sends what Slack sends, signed, to the running app."""

    def __init__(self, client: TestClient, bot: Bot, standin: StandIn, team: str) -> None:
        self.client, self.bot, self.standin, self.team = client, bot, standin, team
        self.seen: list[dict[str, Any]] = []  # the messages a transcript has shown, latest last

    # A transcript, as in the console and Teams rigs: what the person reads after each step.

    async def say(self, text: str, *, command: str = "/pmo", user: str = "U-ALICE", **where: str) -> str:
        """Type a slash command (`/pmo TEXT` by default); returns the answer's text and blocks."""
        before = len(self.standin.calls)
        answer = await (await self.command(text, command, user=user, **where)).json()
        await self.settle()
        shown = [answer, *(c.args for c in self.standin.calls[before:] if c.method in _SHOWN)]
        self.seen.extend(m for m in shown if m)
        return "\n".join(_message_text(m) for m in shown if m)

    async def press(self, title: str, *, user: str = "U-ALICE") -> str:
        """Click the button whose text starts with `title` on the latest message shown that has
        one; returns what the person reads next (an update, a private note, a new post)."""
        for message in reversed(self.seen):
            button = next((b for b in _buttons(message) if b["text"]["text"].startswith(title)), None)
            if button:
                break
        else:
            raise AssertionError(f"no message shown has a button “{title}”")
        before = len(self.standin.calls)
        await self.click(button["action_id"], button.get("value", ""), user=user)
        await self.settle()
        shown = [c.args for c in self.standin.calls[before:] if c.method in _SHOWN]
        self.seen.extend(shown)
        return "\n".join(_message_text(m) for m in shown)

    @property
    def adapter(self):
        return self.client.server.app[SLACK]

    async def settle(self) -> None:
        await self.bot.settle()

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ):
        if timestamp is None:
            # Slack signs each delivery as it sends it: a retry (1 min, 5 min later) has a newer timestamp.
            timestamp = int(time.time()) + int((headers or {}).get("X-Slack-Retry-Num", 0))
        ts = timestamp
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts, secret),
        }
        sent.update(headers or {})
        return await self.client.post("/slack/events", data=body.encode(), headers=sent)

    def hook_url(self, hook: str = "") -> str:
        return f"{self.standin.url}/hooks/{hook or uuid.uuid4().hex[:8]}"

    def command_body(
        self, text: str, command: str = "/pmo", user: str = "U-ALICE", *, hook: str = "", **extra: str
    ) -> str:
        fields = {
            "token": "legacy",
            "team_id": self.team,
            "team_domain": "test",
            "channel_id": "C-GENERAL",
            "channel_name": "general",
            "user_id": user,
            "user_name": "alice",
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "response_url": self.hook_url(hook),
            "trigger_id": f"trig-{uuid.uuid4().hex[:6]}",
        }
        fields.update(extra)
        return urlencode(fields)

    async def command(self, text: str, command: str = "/pmo", **extra: str) -> Answer:
        hook = f"cmd-{uuid.uuid4().hex[:8]}"
        body = self.command_body(text, command, hook=hook, **extra)
        response = await self.post(body, "application/x-www-form-urlencoded")
        if not await response.read():  # answered after the ack: wait for it, as the person would
            await self.settle()
        return Answer(response, self, hook)

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> str:
        return json.dumps(
            {
                "token": "legacy",
                "team_id": self.team,
                "api_app_id": "A1",
                "type": "event_callback",
                "event": {"event_ts": event.get("ts", "1.0"), **event},
                "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": self.team, "user_id": BOT_USER, "is_bot": True}],
            }
        )

    async def event(self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None):
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(self.event_body(event, event_id), "application/json", headers=headers)

    async def mention(self, text: str, *, user: str = "U-ALICE", ts: str = "1700000000.000100", **extra: Any):
        return await self.event(
            {
                "type": "app_mention",
                "user": user,
                "text": f"<@{BOT_USER}> {text}",
                "channel": "C-GENERAL",
                "ts": ts,
                **extra,
            }
        )

    async def interactive(self, payload: dict[str, Any]):
        payload = {"team": {"id": self.team, "domain": "test"}, "api_app_id": "A1", "token": "legacy", **payload}
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    async def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U-ALICE",
        ephemeral: bool = False,
        message_ts: str = "1700000000.000200",
        thread_ts: str | None = None,
    ):
        message = {"ts": message_ts, "type": "message", "text": "…"}
        if thread_ts:
            message["thread_ts"] = thread_ts
        return await self.interactive(
            {
                "type": "block_actions",
                "user": {"id": user, "team_id": self.team},
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": "C-GENERAL",
                    "is_ephemeral": ephemeral,
                },
                "channel": {"id": "C-GENERAL", "name": "general"},
                "message": None if ephemeral else message,
                "trigger_id": f"trig-{uuid.uuid4().hex[:6]}",
                "response_url": self.hook_url(),
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": "b1",
                        "value": value,
                        "text": {"type": "plain_text", "text": "button"},
                        "action_ts": "1.0",
                    }
                ],
            }
        )


async def start(bot: Bot, standin: StandIn, team: str) -> tuple[Slack, TestClient]:
    client = TestClient(TestServer(create_app(bot), host="127.0.0.1"))
    await client.start_server()
    return Slack(client, bot, standin, team), client


@pytest.fixture
async def slack(db: Database, standin: StandIn, workspace: str, clock) -> AsyncIterator[Slack]:
    bot = Bot(slack_settings(db, standin), db, clock=clock)
    rig, client = await start(bot, standin, workspace)
    yield rig
    await client.close()


_SHOWN = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")


def _buttons(message: dict[str, Any]):
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("type") == "button":
                yield element


def _message_text(message: dict[str, Any]) -> str:
    blocks = message.get("blocks") or []
    return (
        message.get("text", "") + "\n" + (blocks if isinstance(blocks, str) else json.dumps(blocks, ensure_ascii=False))
    )


def texts(call: Call) -> str:
    """Everything a person could read in a posted message: the fallback text and all block text."""
    return call.args.get("text", "") + "\n" + json.dumps(call.args.get("blocks", []), ensure_ascii=False)
