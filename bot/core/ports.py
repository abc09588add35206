"""The ports features depend on, instead of on the assembled bot: an outbox to post through, jobs
to schedule, a clock, settings and the database, bundled as `Services` for handlers and jobs.

Each is small on purpose: a feature asks for what it uses, and the assembly (bot/assembly) decides
what stands behind it (the platform adapters, APScheduler, a test's clock).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.core.messages import ConversationRef
from bot.core.replies import Reply

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.core.config import Settings
    from storage.db import Database

T = TypeVar("T")
Clock = Callable[[], datetime]


class Outbox(Protocol):
    """Messages the bot starts itself (announcements, reminders, DMs). Every adapter implements all
    four methods; the defaults each must keep are stated here."""

    async def send(self, conversation: ConversationRef, reply: Reply) -> str | None:
        """Post `reply` into `conversation` (a DM when `conversation.user` is set); returns the
        platform's message id where it has one. Raises LookupError when there is nowhere to send
        it (no such conversation or person known): final, not worth retrying."""
        ...

    async def update(self, conversation: ConversationRef, message_id: str, reply: Reply) -> bool:
        """Rewrite a message `send` posted; False where the platform can't."""
        ...

    async def can_post(self, conversation: ConversationRef) -> str | None:
        """Why the bot can't post into `conversation` (not invited…), or None if it can."""
        ...

    async def is_member(self, channel: ConversationRef, user: str) -> bool:
        """Whether `user` is in `channel`, as the platform says. A platform that can't say, or
        fails to, answers False: membership checks fail closed."""
        ...


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One scheduled call: `func(services, *args)` at `run_at`. `func` is a module-level
    coroutine function and `args` are primitive ids, so a job says what, not whose state."""

    id: str
    run_at: datetime
    func: Callable[..., Awaitable[None]]
    args: tuple[Any, ...] = ()


class Jobs(Protocol):
    """The scheduler as features see it: move or drop one job. A replica that does not lead the
    scheduler ignores both; the leader's next refresh reads the tables anyway."""

    def put(self, spec: JobSpec) -> None: ...

    def remove(self, job_id: str) -> None: ...


class NoJobs:
    """Jobs while no scheduler runs in this process (the console's `ask`, a standby replica)."""

    def put(self, spec: JobSpec) -> None:
        pass

    def remove(self, job_id: str) -> None:
        pass


@dataclass(slots=True, eq=False)
class Services:
    """What a feature may use. Handlers reach it through their Context; jobs and planners get it
    as their first argument."""

    db: Database
    settings: Settings
    outbox: Outbox
    clock: Clock
    later: Callable[[Coroutine[Any, Any, Any]], None]  # run after the reply has gone; failures logged
    jobs: Jobs = field(default_factory=NoJobs)
    state: dict[type, Any] = field(default_factory=dict)  # each feature's own state (caches), by type

    def now(self) -> datetime:
        return self.clock()

    def own(self, kind: type[T]) -> T:
        """The one instance of a feature's state class in this bot (declared in its Feature)."""
        return self.state[kind]


Planner = Callable[[Services, datetime], Awaitable[Iterable[JobSpec]]]
WorkspaceSeed = Callable[["AsyncSession", str, datetime], Awaitable[None]]  # (session, workspace, now)
