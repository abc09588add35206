"""Every feature the bot has, in the order their routes are tried. A new feature adds itself here,
and only here."""

from __future__ import annotations

from bot.core.router import CommandInfo, Router
from handlers import digest, help, ideas, meetups, ownership, retros

FEATURES = (ownership.FEATURE, meetups.FEATURE, ideas.FEATURE, digest.FEATURE, retros.FEATURE, help.FEATURE)


def commands() -> list[CommandInfo]:
    """Every command users can type (the Teams app package lists them)."""
    router = Router()
    for feature in FEATURES:
        router.include(*feature.routes)
    return router.commands
