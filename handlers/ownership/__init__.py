"""Who owns X? The RACI registry of the operating model: questions, administration, files."""

from __future__ import annotations

from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.feature import Feature
from handlers.ownership import admin, matrix, questions
from handlers.ownership.registry import RegistryCache

DEFAULT_MODEL = Path(__file__).with_name("default_model.yml")


async def seed_default_model(session: AsyncSession, workspace: str) -> None:
    """Give a new workspace the default operating model, so the first question just works."""
    parties, areas, errors = matrix.parse_yaml(DEFAULT_MODEL.read_text(encoding="utf-8"))
    assert not errors, errors
    await matrix.write_matrix(session, workspace, parties, areas, actor="pmo-bot (default model)")


FEATURE = Feature(
    "ownership", routes=(questions.routes, admin.routes), seeds=(seed_default_model,), state=(RegistryCache,)
)
