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
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.core.messages import Action, ConversationRef, Incoming
from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.core.config import Settings
    from bot.core.ports import Jobs, Outbox, Services
    from storage.db import Database

Handler = Callable[["Context"], Awaitable[Reply | None]]
T = TypeVar("T")


class Refusal(Exception):
    """A polite no: raised anywhere under a handler, it becomes the reply (and nothing was changed,
    so the message should say so when something could have been)."""

    def __init__(self, text: str, *, private: bool = True) -> None:
        super().__init__(text)
        self.reply = Reply(text, private=private)


@dataclass(slots=True)
class Context:
    """What a handler gets: the message, what the route matched, and the ports it may use."""

    msg: Incoming
    services: Services
    router: Router
    args: str = ""  # the text after the command words
    match: re.Match[str] | None = None

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def outbox(self) -> Outbox:
        return self.services.outbox

    @property
    def jobs(self) -> Jobs:
        return self.services.jobs

    @property
    def action(self) -> Action:
        assert isinstance(self.msg, Action)
        return self.msg

    @property
    def is_admin(self) -> bool:
        return self.settings.is_admin(self.msg.platform, self.msg.user)

    def now(self) -> datetime:
        return self.services.clock()

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        self.services.later(work)

    def own(self, kind: type[T]) -> T:
        return self.services.own(kind)

    async def in_channel(self, channel: ConversationRef) -> bool:
        """Whether the person may reach something that belongs to `channel`: they are talking in it,
        or the platform says they are a member (failing closed)."""
        if (self.msg.platform, self.msg.workspace, self.msg.channel) == (
            channel.platform,
            channel.workspace,
            channel.channel,
        ):
            return True
        return channel.platform == self.msg.platform and await self.outbox.is_member(channel, self.msg.user)

    async def require_channel(self, channel: ConversationRef, refusal: str) -> None:
        """Refuse (with `refusal`, which must not name the object) unless `in_channel(channel)`."""
        if not await self.in_channel(channel):
            raise Refusal(refusal)


@dataclass(slots=True, frozen=True)
class CommandInfo:
    words: str
    summary: str
    usage: str = ""
    examples: tuple[str, ...] = ()
    admin: str = ""  # what only admins may do ("change the ownership registry"); empty: anyone
    group: str = ""


@dataclass(slots=True, frozen=True)
class Route:
    """The router's pick for a message: the handler, its arguments, and who may run it."""

    handler: Handler | None
    args: str = ""
    match: re.Match[str] | None = None
    admin: str = ""


@dataclass
class Routes:
    """A handler module's route table."""

    group: str
    commands: list[tuple[CommandInfo, Handler]] = field(default_factory=list)
    intents: list[tuple[re.Pattern[str], Handler]] = field(default_factory=list)
    actions: dict[str, tuple[Handler, str]] = field(default_factory=dict)  # action id -> (handler, admin)
    examples: list[str] = field(default_factory=list)  # natural-language examples for help
    fallback: Handler | None = None

    def command(
        self, words: str, summary: str, *, usage: str = "", examples: tuple[str, ...] = (), admin: str = ""
    ) -> Callable[[Handler], Handler]:
        """A command. With `admin` ("see the audit log") the router lets only admins run it."""

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

    def action(self, action_id: str, *, admin: str = "") -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.actions[action_id] = (fn, admin)
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
        self._actions: dict[str, tuple[Handler, str]] = {}
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

    def resolve(self, msg: Incoming) -> Route:
        """Pick the handler for a message."""
        if isinstance(msg, Action):
            fn, admin = self._actions.get(msg.action_id, (None, ""))
            return Route(fn, msg.value, admin=admin)
        text = clean_text(msg.text)
        words = text.split()
        lowered = [w.lower() for w in words[: self._longest]]
        for n in range(len(lowered), 0, -1):
            hit = self._commands.get(tuple(lowered[:n]))
            if hit:
                return Route(hit[1], " ".join(words[n:]), admin=hit[0].admin)
        for pattern, fn in self._intents:
            m = pattern.search(text)
            if m:
                return Route(fn, text, m)
        return Route(self._fallback, text)

    async def dispatch(self, msg: Incoming, services: Services) -> Reply | None:
        """Run the handler for `msg`: admins-only routes refuse others, a Refusal becomes the reply."""
        route = self.resolve(msg)
        if route.handler is None:
            return Reply("That button or form has expired or is not one I know. Type `help` to see what I can do.")
        if route.admin and not services.settings.is_admin(msg.platform, msg.user):
            return Reply(
                f"Only admins can {route.admin}. Nothing was changed. Ask a PMO bot admin "
                "(configured in PMO_BOT_ADMINS) if that needs doing.",
                private=True,
            )
        try:
            return await route.handler(Context(msg, services, self, route.args, route.match))
        except Refusal as no:
            return no.reply


_TRAILING = " ?!.¿¡。？！"


def clean_text(text: str) -> str:
    """Collapse whitespace and drop trailing punctuation so patterns see the words only."""
    return " ".join(text.split()).rstrip(_TRAILING)
