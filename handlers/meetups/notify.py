"""People hear about what concerns them: a direct message to each person whose date moved, was
skipped, called off or taken back, and to whoever gets a place from the waitlist.

Each message is an exactly-once delivery (scheduler/deliveries.py), tried again if it fails.
`subject` names the change (an occurrence and the moment of the change), so a second change of
the same date is a second message, while a retry of one change never is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

from bot.core import ConversationRef, Reply
from bot.core.ports import Services
from handlers.meetups import jobs, replies
from scheduler.deliveries import deliver
from storage.models import MeetupOccurrence, MeetupSeries


def subject(occ: MeetupOccurrence | int, at: datetime) -> str:
    """One change to one date: `occurrence:12@20261124T093000.000000`."""
    occ_id = occ if isinstance(occ, int) else occ.id
    return f"occurrence:{occ_id}@{at:%Y%m%dT%H%M%S.%f}"


def tell_later(
    services: Services, series: MeetupSeries, people: Iterable[str], reply: Reply, *, kind: str, about: str
) -> None:
    """`tell`, once the answer to the person acting has gone (and nothing for nobody)."""
    if people := list(people):
        services.later(tell(services, series, people, reply, kind=kind, about=about))


async def tell(
    services: Services, series: MeetupSeries, people: Iterable[str], reply: Reply, *, kind: str, about: str
) -> None:
    """DM `reply` to each of `people` (once each), concurrently: adapters pace each conversation."""
    now = services.clock()

    async def one(user: str) -> None:
        await deliver(
            services,
            ConversationRef.direct(series.platform, series.workspace, user),
            reply,
            kind=kind,
            subject=about,
            due_at=now,
            grace=jobs.grace(services),
        )

    await asyncio.gather(*(one(user) for user in dict.fromkeys(people)))


def why(series: MeetupSeries) -> str:
    return f"You get this because you answered going or maybe to {series.title} (meetup #{series.id})."


def skipped(series: MeetupSeries, start: datetime, next_start: datetime | None) -> Reply:
    text = f"{series.title} on {replies.local(series, start)} will not take place: it has been skipped."
    if next_start:
        text += f" The next one is on {replies.local(series, next_start)}."
    return Reply(f"{text}\n{why(series)}", title=f"{series.title}: skipped")


def unskipped(series: MeetupSeries, start: datetime, answer: str) -> Reply:
    text = (
        f"{series.title} on {replies.local(series, start)} takes place after all. "
        f"Your answer ({answer}) still stands; change it with `meetup rsvp {series.id} going|maybe|no`."
    )
    return Reply(f"{text}\n{why(series)}", title=f"{series.title}: back on")


def cancelled(series: MeetupSeries, start: datetime) -> Reply:
    text = f"{series.title} on {replies.local(series, start)} will not take place: the series has been cancelled."
    return Reply(f"{text}\n{why(series)}", title=f"{series.title}: cancelled")


def moved(series: MeetupSeries, old: MeetupSeries, was: datetime, now_at: datetime) -> Reply:
    text = (
        f"{series.title} on {replies.local(old, was)} has moved to {replies.local(series, now_at)}. "
        f"Your answer still stands; change it with `meetup rsvp {series.id} going|maybe|no "
        f"{replies.day(series, now_at)}`."
    )
    return Reply(f"{text}\n{why(series)}", title=f"{series.title}: moved")


def dropped(series: MeetupSeries, old: MeetupSeries, was: datetime) -> Reply:
    text = (
        f"{series.title} on {replies.local(old, was)} will not take place: the schedule has changed to "
        f"{replies.repeats(series)}."
    )
    return Reply(f"{text}\n{why(series)}", title=f"{series.title}: date dropped")


def promoted(series: MeetupSeries, start: datetime) -> Reply:
    text = (
        f"A place opened up: you're going to {series.title} on {replies.local(series, start)}. "
        f"Can't make it after all? `meetup rsvp {series.id} no {replies.day(series, start)}` frees it for the next."
    )
    return Reply(text, title=f"{series.title}: you have a place")


def waitlisted(series: MeetupSeries, start: datetime) -> Reply:
    text = (
        f"{series.title} on {replies.local(series, start)} now has {series.capacity} places, fewer than before: "
        "you are on the waitlist, and will hear from me if a place opens up."
    )
    return Reply(f"{text}\n{why(series)}", title=f"{series.title}: on the waitlist")
