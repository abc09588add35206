"""The bot itself: settings, database and router, and `handle()` that every adapter calls."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.core import ConversationRef, Incoming, Reply
from bot.metrics import ERRORS, HANDLER_SECONDS
from bot.router import Context, Router
from storage.db import Database
from storage.models import Workspace, utcnow

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # longer messages are refused politely rather than matched for seconds
WorkspaceHook = Callable[[AsyncSession, str], Awaitable[None]]


class Sender(Protocol):
    """What an adapter offers for messages the bot starts itself (announcements, reminders, DMs).

    It may also offer `update(conversation, message_id, reply)` (rewrite a message it posted),
    `can_post(conversation) -> str | None` (why the bot can't post there) and
    `is_member(channel, user) -> bool` (see Bot.is_member)."""

    async def send(self, conversation: ConversationRef, reply: Reply) -> str | None:
        """Post `reply` into `conversation`; returns the platform's message id when it has one."""
        ...


def build_router() -> Router:
    """Every feature's routes. A new feature adds its module here."""
    from handlers import coming_soon, ideas, meetups, ownership, retros
    from handlers import help as help_handler

    router = Router()
    router.include(
        *ownership.routes, *meetups.routes, *ideas.routes, *retros.routes, help_handler.routes, coming_soon.routes
    )
    return router


def build_planners() -> list:
    """What each feature wants scheduled, read from its tables (see scheduler/service.py)."""
    from handlers import ideas, meetups, ownership, retros

    return [*meetups.planners, *ideas.planners, *retros.planners, *ownership.planners]


@functools.cache
def _handler_seconds(platform: str) -> Any:
    """The histogram's child per platform, looked up once (labels() takes a lock every call)."""
    return HANDLER_SECONDS.labels(platform)


class Bot:
    def __init__(
        self, settings: Settings, db: Database, router: Router | None = None, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.settings = settings
        self.db = db
        self.router = router or build_router()
        self.clock = clock
        self._known_workspaces: set[str] = set()
        self.on_new_workspace: list[WorkspaceHook] = []
        self.senders: dict[str, Sender] = {}  # platform -> sender, registered by each adapter
        self.scheduler: Any = None  # scheduler.service.Scheduler while one runs in this process
        self._tasks: set[asyncio.Task[Any]] = set()
        from handlers.ownership import seed_default_model

        # Seeded with the bot's clock: an area's freshness counts from when it was written.
        self.on_new_workspace.append(lambda session, workspace: seed_default_model(session, workspace, self.clock()))

    async def handle(self, msg: Incoming) -> Reply | None:
        text = msg.text or ""
        if len(text) > MAX_TEXT:
            return Reply(
                f"That message is {len(text):,} characters long; I read up to {MAX_TEXT:,}. Please ask in fewer words."
            )
        await self.ensure_workspace(msg.workspace, msg.platform)
        handler, args, match = self.router.resolve(msg)
        if handler is None:
            return Reply("That button or form has expired or is not one I know. Type `help` to see what I can do.")
        ctx = Context(msg=msg, bot=self, args=args, match=match)
        started = time.perf_counter()
        try:
            return await handler(ctx)
        except Exception:
            ERRORS.labels("handler").inc()
            log.exception("handler failed", extra={"workspace": msg.workspace, "user": msg.user})
            return Reply(
                "Sorry, something went wrong on my side and nothing was changed. "
                "Please try again; if it keeps happening, tell your PMO bot admin."
            )
        finally:
            _handler_seconds(msg.platform).observe(time.perf_counter() - started)

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` after the reply has gone (notifying followers, routing notices); failures are logged."""
        task = asyncio.create_task(self._guard(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, Any]) -> None:
        try:
            await work
        except Exception:
            ERRORS.labels("background").inc()
            log.exception("background work failed")

    async def settle(self, timeout: float | None = None) -> None:
        """Wait for work started with `later` (shutdown; tests asserting on what was sent)."""
        while self._tasks:
            done, pending = await asyncio.wait(list(self._tasks), timeout=timeout)
            if pending:
                log.warning("background work still running", extra={"tasks": len(pending)})
                return

    async def send(self, conversation: ConversationRef, reply: Reply) -> str | None:
        sender = self.senders.get(conversation.platform)
        if sender is None:
            raise LookupError(f"no adapter can send to {conversation.platform!r} conversations")
        return await sender.send(conversation, reply)

    async def update(self, conversation: ConversationRef, message_id: str, reply: Reply) -> bool:
        """Rewrite a message the bot posted (send() gave its id); False where the platform can't."""
        update = getattr(self.senders.get(conversation.platform), "update", None)
        if update is None:
            return False
        await update(conversation, message_id, reply)
        return True

    async def is_member(self, channel: ConversationRef, user: str) -> bool:
        """Whether `user` is in `channel`, as its platform says. The console has no channels to
        keep apart (True); a platform that can't say, or fails to, counts as no: fail closed."""
        if channel.platform == "console":
            return True
        check = getattr(self.senders.get(channel.platform), "is_member", None)
        if check is None:
            return False
        try:
            return await check(channel, user)
        except Exception:
            log.warning(
                "membership check failed; treated as not a member",
                exc_info=True,
                extra={"workspace": channel.workspace, "channel": channel.channel},
            )
            return False

    async def ensure_workspace(self, workspace: str, platform: str, *, seed: bool = True) -> None:
        """Create the workspace row on first contact and seed it (default operating model).

        An import into a new workspace passes seed=False: its file replaces the default model."""
        if workspace in self._known_workspaces:
            return
        try:
            async with self.db.session() as session:
                if await session.get(Workspace, workspace) is None:
                    session.add(Workspace(id=workspace, platform=platform))
                    await session.flush()
                    for hook in self.on_new_workspace if seed else ():
                        await hook(session, workspace)
        except IntegrityError:
            pass  # another replica or request created it at the same moment: it is seeded there
        self._known_workspaces.add(workspace)
