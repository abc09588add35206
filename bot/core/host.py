"""What an adapter sees of the assembled bot (bot/assembly/app.py implements it)."""

from __future__ import annotations

from typing import Protocol

from bot.core.messages import Incoming
from bot.core.ports import Outbox, Services
from bot.core.replies import Reply
from bot.core.router import Router


class Core(Protocol):
    """What an adapter sees of the assembled bot: it hands messages in, registers its outbox under
    its platform name in `senders`, and uses the services (database, settings, `later`)."""

    services: Services
    router: Router
    senders: dict[str, Outbox]

    async def handle(self, msg: Incoming) -> Reply | None: ...

    async def settle(self, timeout: float | None = None) -> None: ...
