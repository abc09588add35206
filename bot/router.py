"""Routes an incoming message or action to the handler that registered for it.

Handlers declare their routes on a module-level `Routes` table (like aiohttp's RouteTableDef);
`Router.include()` collects them. Order of matching for a message:
1. a command: the first word(s) of the text (`help`, `improve …`, `area set …`);
2. a natural-language intent: regular expressions, in registration order;
3. the fallback.
Actions (button presses, form submissions) route on their `action_id`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core import Action, Incoming, Reply

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.config import Settings
    from storage.db import Database

Handler = Callable[["Context"], Awaitable[Reply | None]]


@dataclass(slots=True)
class Context:
    """What a handler gets: the message, what the route matched, and the bot's services."""

    msg: Incoming
    bot: Bot
    args: str = ""  # the text after the command words
    match: re.Match[str] | None = None

    @property
    def db(self) -> Database:
        return self.bot.db

    @property
    def settings(self) -> Settings:
        return self.bot.settings

    @property
    def router(self) -> Router:
        return self.bot.router

    @property
    def action(self) -> Action:
        assert isinstance(self.msg, Action)
        return self.msg

    @property
    def is_admin(self) -> bool:
        return self.settings.is_admin(self.msg.platform, self.msg.user)

    def now(self) -> datetime:
        return self.bot.clock()


@dataclass(slots=True, frozen=True)
class CommandInfo:
    words: str
    summary: str
    usage: str = ""
    examples: tuple[str, ...] = ()
    admin: bool = False
    group: str = ""


@dataclass
class Routes:
    """A handler module's route table."""

    group: str
    commands: list[tuple[CommandInfo, Handler]] = field(default_factory=list)
    intents: list[tuple[re.Pattern[str], Handler]] = field(default_factory=list)
    actions: dict[str, Handler] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)  # natural-language examples for help
    fallback: Handler | None = None

    def command(
        self, words: str, summary: str, *, usage: str = "", examples: tuple[str, ...] = (), admin: bool = False
    ) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            info = CommandInfo(words, summary, usage or words, examples, admin, self.group)
            self.commands.append((info, fn))
            return fn

        return register

    def intent(self, *patterns: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.intents.extend((re.compile(p, re.IGNORECASE), fn) for p in patterns)
            return fn

        return register

    def action(self, action_id: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.actions[action_id] = fn
            return fn

        return register

    def fallback_handler(self, fn: Handler) -> Handler:
        self.fallback = fn
        return fn


class Router:
    def __init__(self) -> None:
        self._commands: dict[tuple[str, ...], tuple[CommandInfo, Handler]] = {}
        self._longest = 1
        self._intents: list[tuple[re.Pattern[str], Handler]] = []
        self._actions: dict[str, Handler] = {}
        self._fallback: Handler | None = None
        self.examples: list[str] = []

    def include(self, *tables: Routes) -> None:
        for routes in tables:
            self._include(routes)

    def _include(self, routes: Routes) -> None:
        for info, fn in routes.commands:
            words = tuple(info.words.split())
            self._commands[words] = (info, fn)
            self._longest = max(self._longest, len(words))
        self._intents.extend(routes.intents)
        duplicate = self._actions.keys() & routes.actions.keys()
        if duplicate:
            raise ValueError(f"action ids registered twice: {sorted(duplicate)}")
        self._actions.update(routes.actions)
        self.examples.extend(routes.examples)
        if routes.fallback:
            self._fallback = routes.fallback

    @property
    def commands(self) -> list[CommandInfo]:
        return [info for info, _ in self._commands.values()]

    def resolve(self, msg: Incoming) -> tuple[Handler | None, str, re.Match[str] | None]:
        """Pick the handler for a message; returns (handler, args, match)."""
        if isinstance(msg, Action):
            return self._actions.get(msg.action_id), msg.value, None
        text = clean_text(msg.text)
        words = text.split()
        lowered = [w.lower() for w in words[: self._longest]]
        for n in range(len(lowered), 0, -1):
            hit = self._commands.get(tuple(lowered[:n]))
            if hit:
                return hit[1], " ".join(words[n:]), None
        for pattern, fn in self._intents:
            m = pattern.search(text)
            if m:
                return fn, text, m
        return self._fallback, text, None


_TRAILING = " ?!.¿¡。？！"


def clean_text(text: str) -> str:
    """Collapse whitespace and drop trailing punctuation so patterns see the words only."""
    return " ".join(text.split()).rstrip(_TRAILING)
