"""With an app id configured, only activities carrying a valid Bot Framework token run.

The token-signing keys are served by a stand-in on 127.0.0.1 (tests/teams/conftest.py), so
nothing here reaches login.botframework.com; the `only_localhost` fixture makes sure.
"""

import json
import logging
import time

import jwt
import pytest
from botframework.connector.auth import AuthenticationConstants
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.assembly.app import Bot
from bot.assembly.server import create_app
from bot.core.config import Settings
from storage import conversations
from tests.conftest import ADMIN
from tests.teams.conftest import start

APP_ID = "5f0c3a52-7b1e-4c9a-9d7e-2a6b3c4d5e6f"
KID = "test-signing-key"


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def published(key, kid: str = KID) -> dict:
    """A public key as the Bot Framework publishes it in its JWKS."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, endorsements=["msteams"])
    return jwk


@pytest.fixture
def channel_keys(key_service, signing_key):
    """The Bot Framework's published keys."""
    key_service.keys = [published(signing_key)]
    return key_service


def token(key, service_url, *, audience=APP_ID, expires_in=3600, kid=KID):
    now = int(time.time())
    claims = {
        "iss": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        "aud": audience,
        "serviceurl": service_url,
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + expires_in,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def secured_settings(db) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db.url,
        pmo_bot_admins=ADMIN,
        microsoft_app_id=APP_ID,
        microsoft_app_password="not-a-real-secret",
    )


@pytest.fixture
async def secured(db, channel_keys):
    client = await start(Bot(secured_settings(db), db))
    yield client
    await client.close()


async def test_requests_without_a_valid_token_are_refused_and_nothing_runs(
    secured, teams, connector, db, workspace, signing_key
):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad_headers = {
        "none": {},
        "malformed": {"Authorization": "Bearer not.a.jwt"},
        "garbage": {"Authorization": "Bearer ?!"},
        "wrong scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
        "expired": {"Authorization": "Bearer " + token(signing_key, connector.url, expires_in=-3600)},
        "forged signature": {"Authorization": "Bearer " + token(other_key, connector.url)},
        "unknown key": {"Authorization": "Bearer " + token(signing_key, connector.url, kid="other")},
        "another bot's token": {
            "Authorization": "Bearer " + token(signing_key, connector.url, audience="someone-else")
        },
        "another service URL": {"Authorization": "Bearer " + token(signing_key, "https://evil.example/")},
    }
    for name, headers in bad_headers.items():
        response = await secured.post(
            "/api/messages", json=teams.personal("who owns the enterprise roadmap?"), headers=headers
        )
        assert response.status == 401, name
    assert connector.posts == []
    assert await conversations.get(db, "teams", workspace, teams.chat) is None


async def test_a_valid_token_is_let_through(secured, teams, connector, db, workspace, signing_key):
    # A member joining needs no reply, so no outgoing token (which would need Azure AD) is fetched.
    joined = teams.bot_added("personal")
    joined["membersAdded"] = [{"id": "29:someone"}]
    response = await secured.post(
        "/api/messages", json=joined, headers={"Authorization": "Bearer " + token(signing_key, connector.url)}
    )
    assert response.status in (200, 201)
    assert await conversations.get(db, "teams", workspace, teams.chat) is not None


async def test_no_app_id_and_no_opt_in_means_no_teams_endpoint(db, caplog):
    settings = Settings(_env_file=None, database_url=db.url)
    bot = Bot(settings, db)
    with caplog.at_level(logging.INFO, logger="bot.adapters.teams"):
        app = create_app(bot)
    assert "teams" not in bot.senders
    assert not any(r.resource.canonical == "/api/messages" for r in app.router.routes())
    assert "Teams is off" in caplog.text


async def test_the_development_opt_in_is_loud(teams_settings, db, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.adapters.teams"):
        create_app(Bot(teams_settings, db))
    assert "AUTHENTICATION IS OFF" in caplog.text
