"""`improve stats`: counts per status and area, median time to triage and to done, and a chart of
ideas per week by status, so people see the trend instead of reading numbers."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from sqlmodel import select

from bot.core import Attachment, Field, Reply, Section
from handlers.ideas.lifecycle import LABELS
from storage.db import Database
from storage.models import Idea

WEEKS = 12
COLOURS = {
    "new": "#9aa5b1",
    "triaged": "#f0b429",
    "accepted": "#2186eb",
    "in_progress": "#7b61ff",
    "done": "#3ebd93",
    "declined": "#e12d39",
    "duplicate": "#cbd2d9",
    "withdrawn": "#e4e7eb",
}


@dataclass
class Stats:
    by_status: Counter[str] = field(default_factory=Counter)
    by_area: Counter[str] = field(default_factory=Counter)
    to_triage: list[float] = field(default_factory=list)  # days
    to_done: list[float] = field(default_factory=list)
    weeks: list[datetime] = field(default_factory=list)  # Monday 00:00 UTC of each charted week
    per_week: dict[str, list[int]] = field(default_factory=dict)  # status -> count per week


async def gather(db: Database, workspace: str, now: datetime) -> Stats:
    async with db.session() as session:
        rows = (
            await session.exec(
                select(Idea.status, Idea.area_name, Idea.created_at, Idea.triaged_at, Idea.done_at).where(
                    Idea.workspace == workspace
                )
            )
        ).all()
    out = Stats()
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    out.weeks = [monday - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
    out.per_week = {s: [0] * WEEKS for s in LABELS}
    for status, area, created, triaged, done in rows:
        out.by_status[status] += 1
        out.by_area[area or "no area"] += 1
        if triaged:
            out.to_triage.append((triaged - created).total_seconds() / 86400)
        if done:
            out.to_done.append((done - created).total_seconds() / 86400)
        week = (created - out.weeks[0]).days // 7
        if 0 <= week < WEEKS:
            out.per_week[status][week] += 1
    return out


def _days(values: list[float]) -> str:
    if not values:
        return "no ideas yet"
    m = median(values)
    return f"{m:.1f} days" if m < 10 else f"{m:.0f} days"


async def stats_reply(db: Database, workspace: str, now: datetime) -> Reply:
    s = await gather(db, workspace, now)
    total = sum(s.by_status.values())
    if not total:
        return Reply("No ideas yet, so no statistics. Log the first: improve <your idea>")
    status_fields = [Field(LABELS[k], str(s.by_status[k])) for k in LABELS if s.by_status[k]]
    area_lines = [f"• {area}: {n}" for area, n in s.by_area.most_common(10)]
    timing = [Field("Median time to triage", _days(s.to_triage)), Field("Median time to done", _days(s.to_done))]
    text = (
        f"{total} idea{'s' if total != 1 else ''}: "
        + ", ".join(f"{f.value} {f.label}" for f in status_fields)
        + f". Median time to triage {_days(s.to_triage)}, to done {_days(s.to_done)}."
    )
    chart = await asyncio.to_thread(render_chart, s)
    return Reply(
        text,
        title="Improvement ideas: statistics",
        sections=[
            Section(heading=f"By status ({total})", fields=status_fields),
            Section(heading="By area", text="\n".join(area_lines)),
            Section(heading="Speed", fields=timing),
        ],
        files=[
            Attachment("ideas-per-week.png", chart, "image/png", title=f"Ideas per week by status, last {WEEKS} weeks")
        ],
    )


def render_chart(s: Stats) -> bytes:
    """A stacked bar chart (PNG) of ideas submitted per week, coloured by their status now."""
    import matplotlib  # imported here: ~0.3 s, needed only for this command, run in a thread

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.6), dpi=80)  # small: Teams carries it inline in the message
    ax = fig.subplots()
    labels = [w.strftime("%d %b") for w in s.weeks]
    bottom = [0] * WEEKS
    for status, counts in s.per_week.items():
        if any(counts):
            ax.bar(labels, counts, bottom=bottom, label=LABELS[status], color=COLOURS[status])
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title("Ideas per week, by status now")
    ax.set_ylabel("ideas")
    ax.tick_params(axis="x", labelsize=7, rotation=45)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
