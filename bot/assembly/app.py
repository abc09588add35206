"""The bot assembled: every feature's routes, planners, seeds and state behind one `handle()` that
every adapter calls, and the services (ports) the features use."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.assembly.features import FEATURES
from bot.core import ConversationRef, Incoming, Reply
from bot.core.config import Settings
from bot.core.feature import Feature
from bot.core.metrics import ERRORS, HANDLER_SECONDS
from bot.core.ports import Clock, Outbox, Services
from bot.core.router import Router
from scheduler.service import Scheduler
from storage.db import Database
from storage.models import Workspace, utcnow

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # longer messages are refused politely rather than matched for seconds


@functools.cache
def _handler_seconds(platform: str) -> Any:
    """The histogram's child per platform, looked up once (labels() takes a lock every call)."""
    return HANDLER_SECONDS.labels(platform)


class Platforms:
    """The outbox features see: each conversation goes to its platform's adapter."""

    def __init__(self, senders: dict[str, Outbox]) -> None:
        self.senders = senders

    def _of(self, conversation: ConversationRef) -> Outbox:
        sender = self.senders.get(conversation.platform)
        if sender is None:
            raise LookupError(f"no adapter can send to {conversation.platform!r} conversations")
        return sender

    async def send(self, conversation: ConversationRef, reply: Reply) -> str | None:
        return await self._of(conversation).send(conversation, reply)

    async def update(self, conversation: ConversationRef, message_id: str, reply: Reply) -> bool:
        sender = self.senders.get(conversation.platform)
        return bool(sender) and await sender.update(conversation, message_id, reply)

    async def can_post(self, conversation: ConversationRef) -> str | None:
        sender = self.senders.get(conversation.platform)
        if sender is None:
            return f"I can't post to {conversation.platform} from this process."
        return await sender.can_post(conversation)

    async def is_member(self, channel: ConversationRef, user: str) -> bool:
        sender = self.senders.get(channel.platform)
        if sender is None:
            return False
        try:
            return await sender.is_member(channel, user)
        except Exception:
            log.warning(
                "membership check failed; treated as not a member",
                exc_info=True,
                extra={"workspace": channel.workspace, "channel": channel.channel},
            )
            return False


class Bot:
    def __init__(
        self, settings: Settings, db: Database, features: tuple[Feature, ...] = FEATURES, clock: Clock = utcnow
    ) -> None:
        self.features = features
        self.router = Router()
        for feature in features:
            self.router.include(*feature.routes)
        self.planners = [planner for feature in features for planner in feature.planners]
        self.seeds = [seed for feature in features for seed in feature.seeds]
        self.senders: dict[str, Outbox] = {}  # platform -> its adapter's outbox, registered by each adapter
        state = {kind: kind() for feature in features for kind in feature.state}
        self.services = Services(db, settings, Platforms(self.senders), clock, self.later, state=state)
        self.scheduler: Scheduler | None = None  # the one new_scheduler() made (readiness)
        self._known_workspaces: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.services.clock = clock

    def now(self) -> datetime:
        return self.services.clock()

    async def handle(self, msg: Incoming) -> Reply | None:
        text = msg.text or ""
        if len(text) > MAX_TEXT:
            return Reply(
                f"That message is {len(text):,} characters long; I read up to {MAX_TEXT:,}. Please ask in fewer words."
            )
        await self.ensure_workspace(msg.workspace, msg.platform)
        started = time.perf_counter()
        try:
            return await self.router.dispatch(msg, self.services)
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

    def new_scheduler(self) -> Scheduler:
        """The scheduler for this bot's planners (start() it); /readyz reports its state."""
        self.scheduler = Scheduler(self.services, self.planners)
        return self.scheduler

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
                    for hook in self.seeds if seed else ():
                        await hook(session, workspace, self.now())
        except IntegrityError:
            pass  # another replica or request created it at the same moment: it is seeded there
        self._known_workspaces.add(workspace)
