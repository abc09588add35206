"""Posting activities to the Bot Connector REST API (v3) on one shared aiohttp session.

botbuilder's ConnectorClient serialises through msrest (a few ms per Adaptive Card) and sends with
`requests` in a thread pool; at load that CPU and the GIL contention cost more than the bot's own
work. The cached ConnectorClient still supplies the credentials (app id, password or managed
identity, MSAL token cache): only the HTTP call is ours.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import quote

import aiohttp
from msrest.authentication import Authentication

from bot.adapters.teams.fit import encode
from bot.adapters.teams.service_urls import ServiceUrls

TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)
TOKEN_REUSE = 300.0  # seconds a token from MSAL is reused before asking MSAL (which refreshes) again


class ConnectorError(Exception):
    """The Bot Connector refused or failed a post; `status` is None when no HTTP answer came back."""

    def __init__(self, status: int | None, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"Bot Connector answered {status}: {message[:300]}")
        self.status, self.retry_after = status, retry_after


class BotConnector:
    """Every call checks its service URL against the allow-list first, before a token is even fetched."""

    def __init__(self, service_urls: ServiceUrls | None = None) -> None:
        self.service_urls = service_urls or ServiceUrls()
        self._session: aiohttp.ClientSession | None = None
        self._tokens: dict[tuple[str, str | None], tuple[str, float]] = {}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT, connector=aiohttp.TCPConnector(limit=100))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _token(self, credentials: Authentication | None, *, fresh: bool = False) -> str | None:
        app_id = getattr(credentials, "microsoft_app_id", None)
        if not app_id or app_id == "AnonymousSkillAppId":  # authentication off: no token, as botbuilder does
            return None
        key = (app_id, getattr(credentials, "oauth_scope", None))
        cached = self._tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        # MSAL is synchronous and may go to Azure AD: keep it off the event loop.
        token = await asyncio.get_running_loop().run_in_executor(None, credentials.get_access_token, fresh)
        self._tokens[key] = (token, time.monotonic() + TOKEN_REUSE)
        return token

    async def create_conversation(
        self, credentials: Authentication | None, service_url: str, body: dict[str, Any]
    ) -> str:
        """POST /v3/conversations (a 1:1 chat with a user); Teams returns the existing chat if there is one."""
        url = f"{self.service_urls.check(service_url).rstrip('/')}/v3/conversations"
        return await self._send("POST", url, credentials, body) or ""

    async def post(self, credentials: Authentication | None, service_url: str, activity: dict[str, Any]) -> str | None:
        """POST the activity to its conversation (as a reply when it has replyToId), or PUT it over
        the message `activity["id"]` when it has one (an update); returns the message id."""
        base = self.service_urls.check(service_url).rstrip("/")
        url = f"{base}/v3/conversations/{quote(activity['conversation']['id'], safe='')}/activities"
        method = "PUT" if activity.get("id") else "POST"
        if activity.get("id") or activity.get("replyToId"):
            url += "/" + quote(activity.get("id") or activity["replyToId"], safe="")
        return await self._send(method, url, credentials, activity) or activity.get("id")

    async def get_member(
        self, credentials: Authentication | None, service_url: str, conversation_id: str, member_id: str
    ) -> dict[str, Any]:
        """GET one member of a conversation (its aadObjectId, name…): who a mention in a message is."""
        url = (
            f"{self.service_urls.check(service_url).rstrip('/')}/v3/conversations/{quote(conversation_id, safe='')}"
            f"/members/{quote(member_id, safe='')}"
        )
        body = await self._request("GET", url, credentials, None)
        return body if isinstance(body, dict) else {}

    async def _send(
        self, method: str, url: str, credentials: Authentication | None, body: dict[str, Any]
    ) -> str | None:
        answer = await self._request(method, url, credentials, body)
        return answer.get("id") if isinstance(answer, dict) else None

    async def _request(
        self, method: str, url: str, credentials: Authentication | None, body: dict[str, Any] | None
    ) -> Any:
        for fresh in (False, True):  # a 401 means our cached token went stale: one retry with a new one
            headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else {}
            if token := await self._token(credentials, fresh=fresh):
                headers["Authorization"] = f"Bearer {token}"
            data = encode(body) if body is not None else None  # compact UTF-8: what the size limit counts
            try:
                async with self._client().request(method, url, data=data, headers=headers) as response:
                    text = await response.text()
                    if response.status < 300:
                        return _json(text)
                    if response.status == 401 and "Authorization" in headers and not fresh:
                        continue
                    raise ConnectorError(response.status, text, _seconds(response.headers.get("Retry-After")))
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise ConnectorError(None, f"{type(exc).__name__}: {exc}") from exc
        return None


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
