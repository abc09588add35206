"""Identities that must not be readable: pseudonyms for anonymous authors, sealed addresses.

`pseudonym` is a keyed hash (HMAC-SHA256) of workspace and user: stable, so an anonymous author
can still manage their own card and be counted once, but it can't be turned back into a user id
without the key (a plain hash could, by hashing every member's id). `seal`/`unseal` encrypt a
value (Fernet) for when the bot must reach a person later without storing who they are in clear.

The key comes from PMO_BOT_SECRET. Without it, it is derived from the platform secrets that are
set, so a deployment is keyed without extra set-up; rotating those secrets then changes every
pseudonym and makes sealed values unreadable, which is why production should set PMO_BOT_SECRET.
Only when nothing is set (the console, tests) is a fixed development key used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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


def pseudonym(settings: Settings, workspace: str, user: str) -> str:
    """64 hex characters standing for `user` in `workspace`; the same input always gives the same value."""
    key = _subkey(_material(settings), "pseudonym")
    return hmac.new(key, f"{workspace}\x00{user}".encode(), hashlib.sha256).hexdigest()


def seal(settings: Settings, text: str) -> str:
    """`text` encrypted and authenticated (a URL-safe ASCII token; each call gives a new token)."""
    return _fernet(_material(settings)).encrypt(text.encode()).decode("ascii")


def unseal(settings: Settings, token: str) -> str | None:
    """The text `seal` was given, or None if the token was altered or sealed under another key."""
    try:
        return _fernet(_material(settings)).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        return None
