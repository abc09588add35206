"""POST /api/messages: CloudAdapter.process() (JWT checked there), with every failure mapped to a
deliberate status: 401 bad token, 400/415 bad request, 503 temporary trouble — never a 500."""

from __future__ import annotations

import json
import logging

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from msrest.exceptions import DeserializationError

from bot.adapters.teams import keys
from bot.adapters.teams.auth import AuthUnavailable, BadActivity, BotConfig, CachingAuthentication, UntrustedServiceUrl
from bot.adapters.teams.connector import BotConnector
from bot.adapters.teams.people import People
from bot.adapters.teams.sender import Outbox, TeamsSender
from bot.adapters.teams.service_urls import DEFAULT_SERVICE_URLS, ServiceUrls
from bot.adapters.teams.turn import TeamsTurn
from bot.core.host import Core
from bot.core.metrics import ERRORS

log = logging.getLogger(__name__)


class TeamsEndpoint:
    def __init__(self, bot: Core) -> None:
        keys.install()  # token-signing keys fetched off the event loop, not by botbuilder's requests.get
        config = BotConfig.from_settings(bot.services.settings)
        service_urls = ServiceUrls(bot.services.settings.pmo_bot_teams_service_urls or DEFAULT_SERVICE_URLS)
        self.auth = CachingAuthentication(config, service_urls)
        self.adapter = CloudAdapter(self.auth)
        self.outbox = Outbox(BotConnector(service_urls))
        people = People(self.outbox.connector)
        self.sender = TeamsSender(bot.services.db, self.auth, self.outbox, people, config.APP_ID)
        self.turn = TeamsTurn(bot, self.outbox, people, self.sender)
        self.adapter.on_turn_error = self.turn.on_error

    async def close(self, _app: web.Application | None = None) -> None:
        await self.outbox.connector.close()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.content_type:
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            response = await self.adapter.process(request, self.turn)
        except web.HTTPUnauthorized:
            log.info("teams request refused: not authenticated")
            raise
        except web.HTTPException:
            raise
        except UntrustedServiceUrl:
            log.warning("teams request refused: its serviceUrl is not on the allow-list (PMO_BOT_TEAMS_SERVICE_URLS)")
            return web.json_response({"error": "serviceUrl not allowed"}, status=403)
        except (json.JSONDecodeError, UnicodeDecodeError, DeserializationError, BadActivity) as exc:
            return web.json_response({"error": f"not a Bot Framework activity: {type(exc).__name__}"}, status=400)
        except AuthUnavailable as exc:  # keys.py logged the failed fetch once; this is every request meanwhile
            ERRORS.labels("teams_auth").inc()
            log.info("teams request refused for now: its token could not be checked", extra={"reason": str(exc)})
            return web.json_response({"error": "authentication temporarily unavailable"}, status=503)
        except Exception:
            ERRORS.labels("teams_adapter").inc()
            log.exception("teams request failed outside the turn")
            return web.json_response({"error": "temporarily unavailable"}, status=503)
        return response or web.Response(status=200)
