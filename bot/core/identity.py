"""Identities that must not be readable: pseudonyms for anonymous authors, sealed addresses.

A pseudonym stands for a person in one scope only (one retro's card authors, one retro's voters,
one idea's submitter, one delivery): a keyed hash (HMAC-SHA256) of workspace, scope and user. It
is stable within its scope, so an anonymous author can still manage their own card and be counted
once, but the same person has unrelated values in every other scope, so the database can't link
an anonymous row to anything else they did, and without the key it can't be turned back into a
user id (a plain hash could, by hashing every member's id). Rows that name their author store no
pseudonym at all. `seal`/`unseal` encrypt a value (Fernet) for when the bot must reach a person
later without storing who they are in clear.

The pseudonym is computed in two steps, HMAC(scope key, workspace, scope, HMAC(person key,
workspace, user)[:40]), so that rows written before scopes existed (which kept the inner value,
one per person) can be moved into their scope by `rekey` without knowing whose they are
(migration 0009).

The key comes from PMO_BOT_SECRET. Without it, it is derived from the platform secrets that are
set, so a deployment is keyed without extra set-up; rotating those secrets then changes every
pseudonym and makes sealed values unreadable, which is why production should set PMO_BOT_SECRET.
Only when nothing is set (the console, tests) is a fixed development key used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken

if TYPE_CHECKING:
    from bot.core.config import Settings

DEVELOPMENT_KEY = "pmo-bot development key: not secret, set PMO_BOT_SECRET"


def _material(settings: Settings) -> str:
    if settings.pmo_bot_secret:
        return "pmo:" + settings.pmo_bot_secret
    platform = [
        s for s in (settings.slack_signing_secret, settings.slack_client_secret, settings.microsoft_app_password) if s
    ]
    return "platform:" + "\x00".join(platform) if platform else DEVELOPMENT_KEY


@lru_cache(maxsize=16)
def _subkey(material: str, purpose: str) -> bytes:
    # One key per purpose, so a pseudonym never doubles as an encryption key or vice versa.
    return hmac.new(material.encode(), purpose.encode(), hashlib.sha256).digest()


@lru_cache(maxsize=16)
def _fernet(material: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_subkey(material, "seal")))


def _person(settings: Settings, workspace: str, user: str) -> str:
    """The inner, unscoped value (what rows kept before migration 0009): never stored any more."""
    key = _subkey(_material(settings), "pseudonym")
    return hmac.new(key, f"{workspace}\x00{user}".encode(), hashlib.sha256).hexdigest()[:PERSON_CHARS]


PERSON_CHARS = 40  # delivery targets kept 40 characters of the inner value: every rekey starts from those


def _scoper(settings: Settings, workspace: str) -> hmac.HMAC:
    return hmac.new(_subkey(_material(settings), "scoped pseudonym"), f"{workspace}\x00".encode(), hashlib.sha256)


def rekey(settings: Settings, workspace: str, scope: str, unscoped: str) -> str:
    """The pseudonym in `scope` of the person whose unscoped value (old rows) is `unscoped`."""
    h = _scoper(settings, workspace)
    h.update(f"{scope}\x00{unscoped[:PERSON_CHARS]}".encode())
    return h.hexdigest()


def pseudonym(settings: Settings, workspace: str, scope: str, user: str) -> str:
    """64 hex characters standing for `user` in `workspace`, in `scope` only."""
    return rekey(settings, workspace, scope, _person(settings, workspace, user))


def pseudonyms(settings: Settings, workspace: str, user: str) -> Callable[[str], str]:
    """scope -> `user`'s pseudonym there; cheap per call, for checking many scopes (one's anonymous ideas)."""
    start, person = _scoper(settings, workspace), _person(settings, workspace, user)

    def of(scope: str) -> str:
        h = start.copy()
        h.update(f"{scope}\x00{person}".encode())
        return h.hexdigest()

    return of


def seal(settings: Settings, text: str) -> str:
    """`text` encrypted and authenticated (a URL-safe ASCII token; each call gives a new token)."""
    return _fernet(_material(settings)).encrypt(text.encode()).decode("ascii")


def unseal(settings: Settings, token: str) -> str | None:
    """The text `seal` was given, or None if the token was altered or sealed under another key."""
    try:
        return _fernet(_material(settings)).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        return None
