"""Who owns X? The RACI registry of the operating model: questions, administration, files, and
asking owners to re-check their areas when they come due."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.feature import Feature
from handlers.ownership import admin, listing, matrix, questions, reverify
from handlers.ownership.registry import RegistryCache

DEFAULT_MODEL = Path(__file__).with_name("default_model.yml")


async def seed_default_model(session: AsyncSession, workspace: str, now: datetime | None = None) -> None:
    """Give a new workspace the default operating model, so the first question just works."""
    model = matrix.parse_yaml(DEFAULT_MODEL.read_text(encoding="utf-8"))
    assert not model.errors, model.errors
    await matrix.write_matrix(session, workspace, model.parties, model.areas, actor="pmo-bot (default model)", now=now)


FEATURE = Feature(
    "ownership",
    routes=(questions.routes, admin.routes, listing.routes, reverify.routes),
    planners=(reverify.plan,),
    seeds=(seed_default_model,),
    state=(RegistryCache,),
)
