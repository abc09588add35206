"""Bot Framework authentication from our settings, with connector and token clients reused.

Stock botbuilder builds a new ConnectorClient and UserTokenClient on every turn; each builds an
msrest Configuration whose ClientRetryPolicy.__init__ scans a 500-item list 999 times, and each
new MicrosoftAppCredentials starts with an empty MSAL token cache (a token fetch per turn when an
app id is set). Reusing them per (app id, service URL, audience) removes most of a turn's CPU.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from requests import RequestException

from bot.adapters.teams.keys import KeysUnavailable
from bot.adapters.teams.service_urls import ServiceUrls
from bot.core.config import Settings

log = logging.getLogger(__name__)
MAX_CLIENTS = 512  # service URLs are per region (and per tenant in newer ones): a few in practice


class BadActivity(ValueError):
    """An authenticated request whose activity cannot be answered (no service URL, no conversation)."""


class UntrustedServiceUrl(BadActivity):
    """An activity whose serviceUrl is not on the allow-list: not answered, not stored."""


class AuthUnavailable(RuntimeError):
    """Token validation could not run (OpenID metadata unreachable): retry later, not 'forbidden'."""


@dataclass(frozen=True)
class BotConfig:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    APP_ID: str | None
    APP_PASSWORD: str | None
    APP_TYPE: str
    APP_TENANTID: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> BotConfig:
        return cls(
            settings.microsoft_app_id or None,
            settings.microsoft_app_password or None,
            settings.microsoft_app_type or "MultiTenant",
            settings.microsoft_app_tenant_id or None,
        )


def app_id_of(identity: ClaimsIdentity | None) -> str | None:
    if identity is None:
        return None
    return identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM) or identity.get_claim_value(
        AuthenticationConstants.APP_ID_CLAIM
    )


class CachingAuthentication(ConfigurationBotFrameworkAuthentication):
    def __init__(self, config: BotConfig, service_urls: ServiceUrls) -> None:
        super().__init__(config)
        self.service_urls = service_urls
        self._connectors: OrderedDict[tuple[str | None, str, str | None], ConnectorClient] = OrderedDict()
        self._token_clients: dict[str | None, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        try:
            result = await super().authenticate_request(activity, auth_header)
        except PermissionError:
            raise
        except (KeysUnavailable, RequestException) as exc:
            raise AuthUnavailable(f"could not fetch token signing keys: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 — malformed JWTs, unknown keys, bad endorsements
            # botbuilder lets jwt.DecodeError, IndexError, bare Exception escape: all mean "not authorised".
            raise PermissionError(f"invalid token: {type(exc).__name__}") from exc
        if not activity.service_url or not activity.conversation or not activity.conversation.id:
            raise BadActivity("activity has no serviceUrl or conversation id")
        if not self.service_urls.allows(activity.service_url):
            raise UntrustedServiceUrl("activity's serviceUrl is not on the allow-list")
        if result.connector_factory is not None:
            result.connector_factory = _CachingFactory(
                self, result.connector_factory, app_id_of(result.claims_identity)
            )
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _CachingFactory(self, super().create_connector_factory(claims_identity), app_id_of(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = app_id_of(claims_identity)
        client = self._token_clients.get(app_id)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._token_clients[app_id] = client
        return client

    async def connector(
        self, inner: ConnectorFactory, app_id: str | None, service_url: str, audience: str | None
    ) -> ConnectorClient:
        key = (app_id, service_url, audience)
        client = self._connectors.get(key)
        if client is not None:
            self._connectors.move_to_end(key)
        else:
            client = await inner.create(service_url, audience)
            self._connectors[key] = client
            if len(self._connectors) > MAX_CLIENTS:
                self._connectors.popitem(last=False)
        return client


class _CachingFactory(ConnectorFactory):
    def __init__(self, auth: CachingAuthentication, inner: ConnectorFactory, app_id: str | None) -> None:
        self._auth, self._inner, self._app_id = auth, inner, app_id

    async def create(self, service_url: str, audience: str = None) -> ConnectorClient:  # noqa: RUF013
        return await self._auth.connector(self._inner, self._app_id, service_url, audience)
