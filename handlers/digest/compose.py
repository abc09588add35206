"""The weekly PMO digest: one view of the week across features (ideas, retro actions, unanswered
"who owns" questions, areas due for a check, the next meetups). Each part reads its feature's
tables directly.

Each reader sees only what they may: retro actions and meetups belong to a channel and are shown
only to its members (`Audience.may_see`), and the unanswered questions only to admins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import col, select

from bot.core import ConversationRef, Reply, Section
from handlers.ideas.lifecycle import LABELS, OPEN
from handlers.meetups.replies import local
from handlers.meetups.store import channel_of, next_starts
from handlers.ownership import freshness, registry
from storage.models import Idea, IdeaEvent, MeetupSeries, RetroAction, UnansweredQuestion

if TYPE_CHECKING:
    from bot.core.ports import Services

SHOW = 8  # lines per part; the rest is counted


async def _nowhere(_: ConversationRef) -> bool:
    return False


@dataclass(slots=True)
class Audience:
    """Who reads a digest: which channels' actions and meetups they may see (the platform says,
    failing closed), and whether the admins' part (unanswered questions) is theirs to read.
    By default: no channel's, and no admins' part."""

    may_see: Callable[[ConversationRef], Awaitable[bool]] = _nowhere
    admin: bool = False
    where: str = "in channels you are in"
    _seen: dict[tuple[str, str, str], bool] = field(default_factory=dict)

    @classmethod
    def channel(cls, ref: ConversationRef, *, admin: bool) -> Audience:
        """Everyone in `ref`: that channel's own actions and meetups; the admins' part with `admin`
        (where an admin chose to have the digest posted)."""

        async def same(other: ConversationRef) -> bool:
            return (other.platform, other.workspace, other.channel) == (ref.platform, ref.workspace, ref.channel)

        return cls(same, admin=admin, where="in this channel")

    async def sees(self, ref: ConversationRef) -> bool:
        key = (ref.platform, ref.workspace, ref.channel)
        if key not in self._seen:  # one question to the platform per channel
            self._seen[key] = await self.may_see(ref)
        return self._seen[key]


def _lines(items: list[str], total: int | None = None) -> str:
    total = len(items) if total is None else total
    more = [f"…and {total - SHOW} more"] if total > SHOW else []
    return "\n".join(f"• {line}" for line in items[:SHOW] + more)


async def compose(
    services: Services, workspace: str, *, since: datetime, until: datetime, audience: Audience | None = None
) -> Reply:
    waiting_since = until - timedelta(days=services.settings.pmo_bot_idea_escalate_days)
    async with services.db.session() as session:
        new = (
            await session.exec(
                select(Idea)
                .where(Idea.workspace == workspace, Idea.created_at >= since, Idea.created_at < until)
                .order_by(col(Idea.number))
            )
        ).all()
        changes = (
            await session.exec(
                select(IdeaEvent, Idea.number, Idea.title)
                .join(Idea, col(Idea.id) == IdeaEvent.idea_id)
                .where(
                    IdeaEvent.workspace == workspace,
                    IdeaEvent.kind == "status",
                    IdeaEvent.at >= since,
                    IdeaEvent.at < until,
                )
                .order_by(col(IdeaEvent.at))
            )
        ).all()
        waiting = (
            await session.exec(
                select(Idea)
                .where(Idea.workspace == workspace, Idea.status == "new", Idea.created_at < waiting_since)
                .order_by(col(Idea.created_at))
            )
        ).all()
        top = (
            await session.exec(
                select(Idea)
                .where(Idea.workspace == workspace, col(Idea.status).in_(OPEN), Idea.votes > 0)
                .order_by(col(Idea.votes).desc(), col(Idea.number))
                .limit(5)
            )
        ).all()
        actions = (
            await session.exec(
                select(RetroAction)
                .where(RetroAction.workspace == workspace, RetroAction.status == "open")
                .order_by(col(RetroAction.due_on).is_(None), col(RetroAction.due_on))
            )
        ).all()
        gaps = (
            await session.exec(
                select(UnansweredQuestion)
                .where(UnansweredQuestion.workspace == workspace, UnansweredQuestion.last_asked_at >= since)
                .where(UnansweredQuestion.status == "open")  # answered, accepted or dismissed gaps are done
                .order_by(col(UnansweredQuestion.asked_count).desc())
                .limit(SHOW)
            )
        ).all()
        gap_total = await session.scalar(
            select(func.count())
            .select_from(UnansweredQuestion)
            .where(UnansweredQuestion.workspace == workspace, UnansweredQuestion.last_asked_at >= since)
            .where(UnansweredQuestion.status == "open")
        )
        series = (
            await session.exec(
                select(MeetupSeries).where(MeetupSeries.workspace == workspace, MeetupSeries.status == "active")
            )
        ).all()
        stale = [a for a in await registry.area_lines(session, workspace) if freshness.is_stale(a, until)]
    audience = audience or Audience()
    actions = [a for a in actions if await audience.sees(ConversationRef(a.platform, a.workspace, a.channel))]
    series = [s for s in series if await audience.sees(channel_of(s))]

    today = until.date()
    week = f"{since.strftime('%d %b')} – {until.strftime('%d %b %Y')}"
    sections = [
        Section(
            heading=f"New ideas ({len(new)})",
            text=_lines([f"#{i.number} {i.title} ({LABELS[i.status]})" for i in new]) or "None this week.",
        ),
        Section(
            heading=f"Status changes ({len(changes)})",
            text=_lines(
                [
                    f"#{n} {t}: {LABELS.get(e.from_status or '', '')} → {LABELS.get(e.to_status or '', '')}"
                    + (f" (“{e.comment}”)" if e.comment else "")
                    for e, n, t in changes
                ]
            )
            or "None this week.",
        ),
        Section(
            heading=f"Waiting for triage too long ({len(waiting)})",
            text=_lines([f"#{i.number} {i.title}: new for {(until - i.created_at).days} days" for i in waiting])
            or "None.",
        ),
        Section(
            heading="Top-voted open ideas",
            text=_lines([f"#{i.number} {i.title}: {i.votes} vote{'s' if i.votes != 1 else ''}" for i in top])
            or "No votes yet.",
        ),
        Section(
            heading=f"Open retro actions ({len(actions)})",
            text=_lines(
                [
                    f"{a.text} — {('@' + a.owner) if a.owner else 'owner missing'}, "
                    + (
                        f"due {a.due_on.isoformat()}" + (" (overdue)" if a.due_on < today else "")
                        if a.due_on
                        else "no due date"
                    )
                    for a in actions
                ]
            )
            or f"None {audience.where}.",
        ),
    ]
    if audience.admin:
        sections.append(
            Section(
                heading=f"Unanswered “who owns” questions ({gap_total or 0})",
                text=_lines(
                    [f"“{q.text}” asked {q.asked_count} time{'s' if q.asked_count != 1 else ''}" for q in gaps],
                    gap_total,
                )
                or "None: every question had an answer.",
            )
        )
    stale.sort(key=freshness.due_at)  # longest overdue first
    sections.append(
        Section(
            heading=f"Areas due for a check ({len(stale)})",
            text=_lines(
                [
                    f"{a.name} — {a.accountable or 'nobody accountable'}, "
                    + (f"last verified {freshness.ago(a.verified_at, until)}" if a.verified_at else "never verified")
                    for a in stale
                ]
            )
            or "None: every area was verified within its interval.",
        )
    )
    coming = sorted(
        (start, s)
        for s in series
        for start in next_starts(s, after=until, count=2)
        if start < until + timedelta(days=7)
    )
    sections.append(
        Section(
            heading="Meetups in the coming week",
            text=_lines([f"{s.title}: {local(s, start)}" for start, s in coming]) or f"None {audience.where}.",
        )
    )
    text = (
        f"PMO weekly digest, {week}: {len(new)} new ideas, {len(changes)} status changes, "
        f"{len(waiting)} waiting too long, {len(actions)} open retro actions."
    )
    return Reply(text, title=f"PMO weekly digest · {week}", sections=sections)
