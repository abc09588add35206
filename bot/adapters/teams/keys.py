"""The Bot Framework's token-signing keys, fetched without ever holding the event loop.

botbuilder fetches the OpenID metadata and its JWKS with a blocking `requests.get` without a
timeout, on the event loop, and again for every token whose `kid` it doesn't know while the last
fetch failed: a forged token with a made-up `kid` and a slow key endpoint froze the server. Here
the keys are fetched with aiohttp and a timeout, one fetch at a time (concurrent requests wait for
the same one), and a `kid` we don't know is refused from the keys we have unless the last fetch is
more than MISS_REFETCH old (Microsoft publishes a new key well before signing with it). After a
failed fetch nothing is fetched for RETRY_AFTER_FAILURE seconds: requests are refused at once
(503 while there are no keys at all, 401 for a `kid` not among the old ones).

`install()` puts this in place of botbuilder's metadata cache; tokens are still checked by
botbuilder (issuer, audience, expiry, endorsements, service URL claim) with the keys we hand it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=5, connect=3)
FRESH_FOR = 24 * 3600.0  # keys are fetched again after a day (as botbuilder does)
MISS_REFETCH = 300.0  # an unknown kid makes us look again at most this often
RETRY_AFTER_FAILURE = 30.0  # after a failed fetch, no new attempt for this long
MAX_BYTES = 1 << 20  # the real documents are a few kB


class KeysUnavailable(RuntimeError):
    """No signing keys could be fetched (and none are known): try again later."""


class UnknownKey(PermissionError):
    """The token names a key the Bot Framework does not publish: not authorised."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    """What botbuilder reads from its metadata: the public key and the channels it may sign for."""

    public_key: Any
    endorsements: list[str]


class OpenIdKeys:
    """The keys published behind one OpenID metadata URL."""

    def __init__(self, metadata_url: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.url, self.clock = metadata_url, clock
        self.keys: dict[str, SigningKey] = {}
        self.fetched_at = float("-inf")
        self.failed_until = float("-inf")
        self._fetching: asyncio.Task | None = None

    async def get(self, kid: str | None) -> SigningKey:
        """botbuilder's `_OpenIdMetadata.get`, without blocking: the key for `kid`, or an error."""
        now = self.clock()
        stale = now - self.fetched_at >= FRESH_FOR
        if (stale or (kid not in self.keys and now - self.fetched_at >= MISS_REFETCH)) and now >= self.failed_until:
            await self._refresh()
        if not self.keys:
            raise KeysUnavailable(f"no token signing keys from {self.url}")
        key = self.keys.get(kid or "")
        if key is None:
            raise UnknownKey("the token's signing key is not one the Bot Framework publishes")
        return key

    async def _refresh(self) -> None:
        if self._fetching is None or self._fetching.done():
            self._fetching = asyncio.ensure_future(self._fetch())
        await asyncio.shield(self._fetching)  # one caller giving up does not cancel the others' fetch

    async def _fetch(self) -> None:
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                metadata = await _json(session, self.url)
                jwks = await _json(session, str(metadata["jwks_uri"]))
            keys = {str(k["kid"]): _signing_key(k) for k in jwks["keys"] if isinstance(k, dict) and "kid" in k}
        except Exception as exc:  # noqa: BLE001 — unreachable, slow, not JSON, not keys: all "try later"
            self.failed_until = self.clock() + RETRY_AFTER_FAILURE
            log.warning(
                "could not fetch the Bot Framework's token signing keys; trying again in %.0f s",
                RETRY_AFTER_FAILURE,
                extra={"url": self.url, "error": f"{type(exc).__name__}: {exc}"[:300], "keys_kept": len(self.keys)},
            )
            return
        self.keys, self.fetched_at = keys, self.clock()
        log.info("fetched the Bot Framework's token signing keys", extra={"url": self.url, "keys": len(keys)})


async def _json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as response:
        response.raise_for_status()
        body = await response.content.read(MAX_BYTES + 1)
        if len(body) > MAX_BYTES:
            raise ValueError("document too large")
        return json.loads(body)


def _signing_key(jwk: dict[str, Any]) -> SigningKey:
    endorsements = jwk.get("endorsements") or []
    return SigningKey(RSAAlgorithm.from_jwk(json.dumps(jwk)), [e for e in endorsements if isinstance(e, str)])


KEYS: dict[str, OpenIdKeys] = {}  # metadata URL -> its keys, shared by every request in the process


def metadata_for(url: str) -> OpenIdKeys:
    keys = KEYS.get(url)
    if keys is None:
        keys = KEYS[url] = OpenIdKeys(url)
    return keys


def install() -> None:
    """Every JwtTokenExtractor botbuilder creates asks `metadata_for` for its keys."""
    JwtTokenExtractor.get_open_id_metadata = staticmethod(metadata_for)
