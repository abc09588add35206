"""A feature as the assembly sees it: one value per feature package, listing what it brings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.ports import Planner, WorkspaceSeed
from bot.core.router import Routes


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    routes: tuple[Routes, ...] = ()
    planners: tuple[Planner, ...] = ()  # what it wants scheduled, read from its tables
    seeds: tuple[WorkspaceSeed, ...] = ()  # run once when a workspace first appears
    state: tuple[Callable[[], Any], ...] = ()  # classes of its own state (caches): one instance per bot
