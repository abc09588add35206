"""Commands whose features have not landed yet answer clearly instead of failing."""

from __future__ import annotations

from bot.core import Reply
from bot.router import Context, Routes

routes = Routes("coming soon")
FEATURES = {}


def _soon(feature: str):
    async def handler(ctx: Context) -> Reply:
        return Reply(f"{FEATURES[feature]} are coming soon. Until then, type “help” to see what I can do today.")

    return handler


for _word in FEATURES:
    routes.command(_word, f"{FEATURES[_word]}: coming soon")(_soon(_word))
