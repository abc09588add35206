"""Teams tests: the real aiohttp app on 127.0.0.1, Bot Framework activities shaped as Teams sends
them, and a stand-in Bot Connector service (also on 127.0.0.1) that records what the bot posts."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.assembly.app import Bot
from bot.assembly.server import create_app
from bot.core.config import Settings
from tests.conftest import ADMIN

BOT_ID = "28:pmo-bot-app-id"
BOT_NAME = "PMO Bot"


@pytest.fixture(autouse=True)
def local_service_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in Bot Connector is on 127.0.0.1: allow it, as a developer would (README)."""
    monkeypatch.setenv("PMO_BOT_TEAMS_SERVICE_URLS", "http://127.0.0.1")


@dataclass
class Connector:
    """The stand-in Bot Connector: records posts, answers with scripted failures first if asked."""

    url: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)  # bodies of POST /v3/conversations
    failures: list[int] = field(default_factory=list)  # statuses to answer before succeeding
    rosters: dict[str, set[str]] = field(default_factory=dict)  # conversation -> AAD ids of its only members
    max_bytes: int | None = None  # answer 413 (MessageSizeTooBig) to a larger activity, as Teams does
    too_big: list[int] = field(default_factory=list)  # sizes of the activities refused with 413
    attempts: int = 0

    async def post(self, request: web.Request) -> web.Response:
        self.attempts += 1
        raw = await request.read()
        if self.max_bytes is not None and len(raw) > self.max_bytes:
            self.too_big.append(len(raw))
            return web.json_response(
                {"error": {"code": "MessageSizeTooBig", "message": "Message size too large."}}, status=413
            )
        if self.failures:
            status = self.failures.pop(0)
            return web.json_response(
                {"error": {"code": "Throttled", "message": "slow down"}},
                status=status,
                headers={"Retry-After": "0"} if status == 429 else None,
            )
        body = json.loads(raw)
        self.posts.append(
            {
                "bytes": len(raw),  # what Teams counts against its message size limit
                "method": request.method,
                "conversation": request.match_info["conversation"],
                "reply_to": request.match_info.get("activity"),
                "region": request.match_info.get("region"),
                "activity": body,
            }
        )
        return web.json_response({"id": f"m-{len(self.posts)}"})

    async def create(self, request: web.Request) -> web.Response:
        """Create a 1:1 conversation: Teams answers with the chat's id (the same one every time)."""
        body = await request.json()
        self.created.append(body)
        return web.json_response({"id": f"a:dm-{body['members'][0]['id']}"})

    async def member(self, request: web.Request) -> web.Response:
        """One member of a conversation: test users' member ids are 29:<their AAD object id>.
        Everyone is in every conversation except those in `rosters`, which have only their own."""
        member = request.match_info["member"]
        roster = self.rosters.get(request.match_info["conversation"])
        if roster is not None and member.removeprefix("29:") not in roster:
            return web.json_response(
                {
                    "error": {
                        "code": "MemberNotFoundInConversation",
                        "message": "The member is not part of the conversation.",
                    }
                },
                status=404,
            )
        aad = member.removeprefix("29:")  # asked by member id or by AAD object id, as Teams allows
        return web.json_response({"id": f"29:{aad}", "name": aad.title(), "aadObjectId": aad})

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [p["activity"]["attachments"][0]["content"] for p in self.posts]

    def texts(self, index: int = -1) -> list[str]:
        """Every piece of text of one posted card, in order."""
        return list(_texts(self.cards[index]))


def _texts(node: Any):
    if isinstance(node, dict):
        if node.get("type") == "TextRun":
            yield node["text"]
        for key, value in node.items():
            if key != "fallbackText":
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def card_text(card: dict[str, Any]) -> str:
    return "\n".join(_texts(card))


def card_inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A card's form inputs by id, wherever they sit in its body (a form is one container)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item["type"].startswith("Input."):
                found[item["id"]] = item
            walk(item.get("items", []))

    walk(card.get("body", []))
    return found


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    recorder = Connector()
    app = web.Application()
    app.router.add_post("/v3/conversations", recorder.create)
    app.router.add_get("/v3/conversations/{conversation}/members/{member}", recorder.member)
    app.router.add_post("/v3/conversations/{conversation}/activities", recorder.post)
    app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", recorder.post)
    app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", recorder.post)
    # Service URLs carry a region (…/emea/, …/amer/) and change over time.
    app.router.add_post("/{region}/v3/conversations/{conversation}/activities", recorder.post)
    app.router.add_post("/{region}/v3/conversations/{conversation}/activities/{activity}", recorder.post)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    recorder.url = str(server.make_url("/"))
    yield recorder
    await server.close()


@dataclass
class KeyService:
    """A stand-in for the Bot Framework's OpenID metadata and key set (JWKS), in a thread of its
    own so that it answers even while something holds the test's event loop. `mode`: "ok",
    "fail" (HTTP 500) or "slow" (answers 500 once `release` is set, or after `delay` seconds)."""

    url: str = ""
    keys: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "ok"
    delay: float = 10.0
    hits: Counter = field(default_factory=Counter)
    release: threading.Event = field(default_factory=threading.Event)
    answered: int = 0  # requests answered so far


def _key_handler(service: KeyService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            service.hits[self.path] += 1
            if service.mode == "slow":
                service.release.wait(service.delay)
            if service.mode != "ok":
                self.send_error(500)
                service.answered += 1
                return
            base = service.url.rsplit("/", 1)[0]
            document = {"jwks_uri": base + "/keys"} if self.path == "/openid" else {"keys": service.keys}
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            service.answered += 1

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def key_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyService]:
    """Token signing keys served on 127.0.0.1 where Bot Framework channel tokens are checked."""
    from botframework.connector.auth import ChannelValidation

    service = KeyService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _key_handler(service))
    server.daemon_threads, server.block_on_close = True, False
    service.url = f"http://127.0.0.1:{server.server_address[1]}/openid"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", service.url)
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def teams_settings(db) -> Settings:
    return Settings(_env_file=None, database_url=db.url, pmo_bot_admins=ADMIN, pmo_bot_teams_allow_unauthenticated=True)


@pytest.fixture
async def teams_bot(teams_settings: Settings, db, clock) -> AsyncIterator[Bot]:
    bot = Bot(teams_settings, db, clock=clock)
    yield bot
    await bot.settle(timeout=10)  # as `bot` in tests/conftest.py


async def start(bot: Bot) -> TestClient:
    client = TestClient(TestServer(create_app(bot), host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def client(teams_bot: Bot) -> AsyncIterator[TestClient]:
    client = await start(teams_bot)
    yield client
    await client.close()


class Teams:
    """Builds activities the way Teams sends them, for one tenant (the test's workspace)."""

    def __init__(self, tenant: str, service_url: str) -> None:
        self.tenant, self.service_url = tenant, service_url
        self.channel = f"19:{uuid.uuid4().hex}@thread.tacv2"
        self.team = f"19:{uuid.uuid4().hex}@thread.tacv2"
        self.chat = f"a:{uuid.uuid4().hex}"

    def _base(self, kind: str, conversation: str, user: str, **extra: Any) -> dict[str, Any]:
        activity = {
            "id": f"{uuid.uuid4().int % 10**13}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "timestamp": "2025-01-01T12:00:00.000Z",
            "locale": "en-GB",
            "from": {"id": f"29:{user}", "name": user.title(), "aadObjectId": user},
            "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "conversation": {
                "id": conversation,
                "conversationType": kind,
                "tenantId": self.tenant,
                **({"isGroup": True} if kind != "personal" else {}),
            },
            "channelData": {"tenant": {"id": self.tenant}},
        }
        if kind == "channel":
            activity["channelData"].update({"team": {"id": self.team}, "channel": {"id": self.channel}})
        activity.update(extra)
        return activity

    def personal(self, text: str, user: str = "U-ALICE", **extra: Any) -> dict[str, Any]:
        return self._base("personal", self.chat, user, type="message", text=text, textFormat="plain", **extra)

    def channel_message(
        self, text: str, user: str = "U-ALICE", *, thread: str | None = None, mentions: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """`mentions`: users whose "@Name" in `text` Teams turns into mentions (<at>Name</at>)."""
        mention = f"<at>{BOT_NAME}</at>"
        entities = [{"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}]
        for person in mentions:
            tag = f"<at>{person.title()}</at>"
            text = text.replace(f"@{person.title()}", tag)
            entities.append(
                {"type": "mention", "text": tag, "mentioned": {"id": f"29:{person}", "name": person.title()}}
            )
        activity = self._base(
            "channel",
            f"{self.channel};messageid={thread or '1700000000001'}",
            user,
            type="message",
            text=f"{mention} {text}",
            textFormat="plain",
        )
        activity["entities"] = [
            *entities,
            {"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web"},
        ]
        return activity

    def submit(self, value: Any, user: str = "U-ALICE", kind: str = "personal") -> dict[str, Any]:
        conversation = self.chat if kind == "personal" else f"{self.channel};messageid=1700000000001"
        return self._base(kind, conversation, user, type="message", value=value, replyToId="1700000000555")

    def bot_added(self, kind: str = "channel") -> dict[str, Any]:
        conversation = self.channel if kind == "channel" else self.chat
        return self._base(kind, conversation, "U-INSTALLER", type="conversationUpdate", membersAdded=[{"id": BOT_ID}])

    def installed(self, kind: str = "personal", action: str = "add") -> dict[str, Any]:
        conversation = self.channel if kind == "channel" else self.chat
        return self._base(kind, conversation, "U-INSTALLER", type="installationUpdate", action=action)


@pytest.fixture
def teams(workspace: str, connector: Connector) -> Teams:
    return Teams(workspace, connector.url)


def submit_data(button: dict[str, Any], **inputs: str) -> dict[str, Any]:
    return {**button["data"], **inputs}


def _actions(node: Any):
    """Every Action.Submit in a card, however nested (overflow menus, show-cards)."""
    if isinstance(node, dict):
        if node.get("type") == "Action.Submit":
            yield node
        for value in node.values():
            yield from _actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _actions(item)


class TeamsChat:
    """A Teams conversation as a transcript: `say` sends a message as Teams does (in the channel,
    mentioning the bot, or in a personal chat), `press` submits a button of the last card; both
    return what the person reads next (the text of the cards the bot posted in answer)."""

    def __init__(self, client: TestClient, teams: Teams, connector: Connector) -> None:
        self.client, self.teams, self.connector = client, teams, connector

    async def send(self, activity: dict[str, Any]) -> list[dict[str, Any]]:
        """Post one activity as Teams would; the cards the bot posted because of it."""
        before = len(self.connector.posts)
        response = await self.client.post("/api/messages", json=activity)
        assert response.status in (200, 201), await response.text()
        return [p["activity"]["attachments"][0]["content"] for p in self.connector.posts[before:]]

    async def say(
        self, text: str, *, user: str = "U-ALICE", channel: bool = True, mentions: tuple[str, ...] = ()
    ) -> str:
        activity = (
            self.teams.channel_message(text, user=user, mentions=mentions)
            if channel
            else self.teams.personal(text, user=user)
        )
        return "\n".join(card_text(card) for card in await self.send(activity))

    async def press(self, title: str, *, user: str = "U-ALICE", channel: bool = True, **inputs: str) -> str:
        """Submit the button whose title starts with `title` on the latest card that has one."""
        for card in reversed(self.connector.cards):
            button = next((a for a in _actions(card) if a["title"].startswith(title)), None)
            if button:
                break
        else:
            raise AssertionError(f"no card has a button “{title}”")
        kind = "channel" if channel else "personal"
        cards = await self.send(self.teams.submit(submit_data(button, **inputs), user=user, kind=kind))
        return "\n".join(card_text(card) for card in cards)


@pytest.fixture
def chat(client: TestClient, teams: Teams, connector: Connector) -> TeamsChat:
    return TeamsChat(client, teams, connector)
