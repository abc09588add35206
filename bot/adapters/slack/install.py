"""Installing into many workspaces (OAuth): slack_sdk's SQLAlchemy stores on our own database.

The tables are created by migration 0003, not by the stores. Each workspace's bot token is kept
per team and used for that team only (Bolt's authorize looks it up on every request).
"""

from __future__ import annotations

import logging

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.models.bot import Bot as SlackBot
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.config import Settings

log = logging.getLogger(__name__)

# Bot scopes the code uses (manifest.yml lists exactly these; a test checks).
# channels:read / groups:read: conversations.info, to check the bot is in a meetup's channel.
# conversations.info on a DM or group DM needs im:read / mpim:read (a meetup scheduled from a DM).
SCOPES = (
    "app_mentions:read",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:read",
    "im:history",
    "im:read",
    "mpim:read",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600


class InstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's store, saying clearly in the log when a workspace has no installation."""

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> SlackBot | None:
        found = await super().async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if found is None:
            log.warning(
                "Slack request from a workspace with no installation: ignored; install the app "
                "there through /slack/install",
                extra={"workspace": team_id, "enterprise": enterprise_id},
            )
        return found


def oauth_parts(settings: Settings, engine: AsyncEngine, client: AsyncWebClient):
    """(installation store, authorize, OAuth settings) for AsyncApp."""
    assert settings.slack_client_id and settings.slack_client_secret
    store = InstallationStore(client_id=settings.slack_client_id, engine=engine, logger=log)
    authorize = AsyncInstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        bot_only=True,
        cache_enabled=True,  # otherwise every request costs an auth.test round trip to Slack
        client=client,
    )
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine, logger=log),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )
    return store, authorize, oauth
