"""Configuration from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.zones import ZoneError, canonical_zone

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///pmo-bot.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    pmo_bot_admins: Annotated[frozenset[str], NoDecode] = frozenset()
    pmo_bot_timezone: str = "UTC"
    # Where people reach `serve` (https://pmo-bot.example.com): links to calendar feeds start with it.
    pmo_bot_public_url: str | None = None
    # Posts missed by less than this (e.g. during a restart) go out marked "(late)"; older are skipped.
    pmo_bot_meetup_grace_minutes: int = 60
    # Ideas still "new" after this many days are escalated to the PMO's triage queue.
    pmo_bot_idea_escalate_days: int = 7
    # Keys pseudonyms of anonymous authors and sealed addresses (bot/core/identity.py).
    pmo_bot_secret: str | None = None

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str | None = None

    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_type: str = "MultiTenant"
    microsoft_app_tenant_id: str | None = None
    # Local development only: accept Teams traffic without JWT checks when no app id is set.
    pmo_bot_teams_allow_unauthenticated: bool = False
    # Bot Connector service URLs the bot may call (bot/adapters/teams/service_urls.py); empty: Microsoft's.
    pmo_bot_teams_service_urls: Annotated[tuple[str, ...], NoDecode] = ()

    host: str = "0.0.0.0"
    port: int = 3978

    @field_validator("pmo_bot_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("pmo_bot_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """A bad default zone is found at start, not by a traceback on the first `meetup schedule`."""
        try:
            return canonical_zone(value)
        except ZoneError as exc:
            raise ValueError(f"PMO_BOT_TIMEZONE: {exc}") from None

    @field_validator("pmo_bot_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"PMO_BOT_PUBLIC_URL must start with https:// (got {value!r})")
        return value

    @field_validator("pmo_bot_teams_service_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    def is_admin(self, platform: str, user: str) -> bool:
        # The console runs on the operator's own machine against their own database: with no
        # admins configured, its user administers the local registry.
        if not self.pmo_bot_admins:
            return platform == "console"
        return user in self.pmo_bot_admins
