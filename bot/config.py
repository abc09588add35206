"""Configuration from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///pmo-bot.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    pmo_bot_admins: Annotated[frozenset[str], NoDecode] = frozenset()
    pmo_bot_timezone: str = "UTC"
    # Posts missed by less than this (e.g. during a restart) go out marked "(late)"; older are skipped.
    pmo_bot_meetup_grace_minutes: int = 60
    # Ideas still "new" after this many days are escalated to the PMO's triage queue.
    pmo_bot_idea_escalate_days: int = 7
    # Keys pseudonyms of anonymous authors and sealed addresses (bot/identity.py).
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
