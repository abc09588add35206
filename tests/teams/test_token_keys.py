"""Forged tokens and a slow or failing key endpoint cannot freeze the server: the Bot Framework's
signing keys are fetched off the event loop with a timeout, one fetch at a time, not again for
every unknown `kid`, and a failed fetch is one log line, not a traceback per request."""

from __future__ import annotations

import asyncio
import logging

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.adapters.teams import keys
from bot.assembly.app import Bot
from tests.teams.conftest import start
from tests.teams.test_auth import published, secured_settings, token


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
async def app(db, key_service):
    client = await start(Bot(secured_settings(db), db))
    yield client
    await client.close()


def forged(connector, kid: str = "made-up") -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {"Authorization": "Bearer " + token(key, connector.url, kid=kid)}


async def test_a_slow_key_endpoint_never_holds_the_event_loop(app, teams, connector, key_service):
    # The key endpoint holds its answer until the test releases it (or 10 s pass). A fetch that
    # held the loop (botbuilder's blocking requests.get) would let nothing else be served before
    # the endpoint answered; here /healthz is answered while the fetch is still waiting.
    key_service.mode = "slow"
    headers = forged(connector)
    attempts = [
        asyncio.ensure_future(app.post("/api/messages", json=teams.personal("hi"), headers=headers)) for _ in range(10)
    ]
    while not key_service.hits["/openid"]:  # the fetch is under way (the key endpoint is dawdling)
        await asyncio.sleep(0.01)
    for _ in range(5):
        assert (await asyncio.wait_for(app.get("/healthz"), 30)).status == 200
    assert key_service.answered == 0  # all of that while the key endpoint had not answered
    key_service.release.set()
    statuses = [r.status for r in await asyncio.wait_for(asyncio.gather(*attempts), 30)]
    assert set(statuses) <= {401, 503}
    assert key_service.hits["/openid"] == 1  # ten requests, one fetch
    assert connector.posts == []


async def test_a_failing_key_endpoint_is_asked_once_and_logged_once(app, teams, connector, key_service, caplog):
    key_service.mode = "fail"
    with caplog.at_level(logging.INFO):
        for _ in range(20):
            response = await app.post("/api/messages", json=teams.personal("hi"), headers=forged(connector))
            assert response.status == 503  # we can't tell yet: Teams retries
        assert (await asyncio.wait_for(app.get("/healthz"), 30)).status == 200
    assert key_service.hits["/openid"] == 1
    assert not [r for r in caplog.records if r.exc_info]
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1
    assert connector.posts == []


async def test_an_unknown_kid_is_refused_from_the_keys_we_have(
    app, teams, connector, key_service, signing_key, monkeypatch
):
    now = [0.0]
    monkeypatch.setitem(keys.KEYS, key_service.url, keys.OpenIdKeys(key_service.url, clock=lambda: now[0]))
    key_service.keys = [published(signing_key)]
    joined = teams.bot_added("personal")
    joined["membersAdded"] = [{"id": "29:someone"}]  # needs no reply: nothing to send to Azure AD for

    async def status(headers: dict[str, str]) -> int:
        return (await app.post("/api/messages", json=joined, headers=headers)).status

    assert await status({"Authorization": "Bearer " + token(signing_key, connector.url)}) in (200, 201)
    for i in range(20):
        assert await status(forged(connector, kid=f"forged-{i}")) == 401
    assert key_service.hits["/openid"] == 1  # no fetch per unknown kid

    # Microsoft rotates keys: a new kid makes us look again, once the last look is a while ago.
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_service.keys.append(published(rotated, kid="rotated"))
    now[0] += keys.MISS_REFETCH
    assert await status({"Authorization": "Bearer " + token(rotated, connector.url, kid="rotated")}) in (200, 201)
    assert key_service.hits["/openid"] == 2
