"""Community meetups: series, their dated occurrences, RSVPs."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


def calendar_token() -> str:
    """An unguessable name for a calendar feed: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class MeetupSeries(SQLModel, table=True):
    """A recurring (or one-off) meetup. `rule` is an RRULE body expanded in `timezone` from
    `starts_on` at local `start_time`; one-off meetups have no rule and `starts_on` is the day."""

    __tablename__ = "meetup_series"

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255, index=True)
    title: str = Field(max_length=200)
    topic: str = Field(default="", max_length=1000)
    host: str = Field(default="", max_length=255)
    location: str = Field(default="", max_length=500)
    link: str = Field(default="", max_length=1000)
    capacity: int | None = None
    rule: str = Field(default="", max_length=500)
    timezone: str = Field(max_length=64)
    starts_on: date
    start_time: time
    duration_minutes: int = 60
    announce_before_minutes: int = 24 * 60
    remind_before_minutes: int = 15
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=500)
    organiser: str = Field(max_length=255)
    status: str = Field(default="active", max_length=16)  # active / cancelled
    # The series' iCalendar feed is /calendar/<token>.ics: whoever has the link can read it.
    calendar_token: str = Field(default_factory=calendar_token, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)  # the scheduler reads what changed since


class MeetupCalendar(SQLModel, table=True):
    """The feed of every meetup of one channel, created when someone first asks for it."""

    __tablename__ = "meetup_calendar"
    __table_args__ = (UniqueConstraint("workspace", "platform", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=500)
    token: str = Field(default_factory=calendar_token, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class MeetupOccurrence(SQLModel, table=True):
    """One date of a series, created when it is first needed (announced, skipped, RSVP'd, edited)."""

    __tablename__ = "meetup_occurrence"
    __table_args__ = (UniqueConstraint("series_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    series_id: int = Field(foreign_key="meetup_series.id", ondelete="CASCADE", index=True)
    starts_at: datetime
    # scheduled / announced / reminded / done / skipped / cancelled
    status: str = Field(default="scheduled", max_length=16)
    host: str | None = Field(default=None, max_length=255)
    topic: str | None = Field(default=None, max_length=1000)


class MeetupRsvp(SQLModel, table=True):
    __tablename__ = "meetup_rsvp"
    __table_args__ = (UniqueConstraint("occurrence_id", "user"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=255)
    occurrence_id: int = Field(foreign_key="meetup_occurrence.id", ondelete="CASCADE", index=True)
    user: str = Field(max_length=255)
    answer: str = Field(max_length=8)  # going / maybe / no
    at: datetime = Field(default_factory=utcnow)
