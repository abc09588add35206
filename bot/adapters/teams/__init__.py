"""Microsoft Teams through the Bot Framework (botbuilder-python 4.17.1).

Every botbuilder/botframework import in the project lives in this package: Microsoft archived
botbuilder-python, and moving to the Microsoft 365 Agents SDK should touch nothing else.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `pmo-bot teams-package` imports this package and needs neither
    from aiohttp import web

    from bot.core.host import Core

log = logging.getLogger(__name__)
ROUTE = "/api/messages"


def setup(app: web.Application, bot: Core) -> None:
    """Add POST /api/messages and register the proactive sender, when Teams is configured."""
    settings = bot.services.settings
    if not settings.microsoft_app_id:
        if not settings.pmo_bot_teams_allow_unauthenticated:
            log.info("Teams is off: set MICROSOFT_APP_ID (and MICROSOFT_APP_PASSWORD) to enable POST %s", ROUTE)
            return
        log.warning(
            "!!! TEAMS AUTHENTICATION IS OFF: POST %s accepts activities from anyone without a token "
            "(PMO_BOT_TEAMS_ALLOW_UNAUTHENTICATED=true). Use this for local development only. !!!",
            ROUTE,
        )
    from bot.adapters.teams.adapter import TeamsEndpoint  # botbuilder is slow to import: only when used

    endpoint = TeamsEndpoint(bot)
    app.router.add_post(ROUTE, endpoint.handle)
    app.on_cleanup.append(endpoint.close)
    bot.senders["teams"] = endpoint.sender
