"""Tables, one module per feature. Every row carries `workspace` (Slack team, Teams tenant, or
the console's "local"). Times are timezone-aware UTC; SQLModel's UTCDateTime keeps them so on
SQLite too. Importing this package registers every table (Alembic relies on that).
"""

from storage.models.base import Workspace, utcnow
from storage.models.deliveries import Delivery, DeliveryRetry
from storage.models.ideas import Idea, IdeaChannels, IdeaEvent, IdeaVote, IdeaWord
from storage.models.meetups import MeetupCalendar, MeetupOccurrence, MeetupRsvp, MeetupSeries
from storage.models.ownership import (
    ROLE_NAMES,
    ROLES,
    Area,
    AreaAlias,
    Assignment,
    AuditEntry,
    Party,
    UnansweredQuestion,
)
from storage.models.platform import ConversationRecord, ProcessedEvent, SeenSignature
from storage.models.retros import Retro, RetroAction, RetroCard, RetroVote

__all__ = [
    "ROLES",
    "ROLE_NAMES",
    "Area",
    "AreaAlias",
    "Assignment",
    "AuditEntry",
    "ConversationRecord",
    "Delivery",
    "DeliveryRetry",
    "Idea",
    "IdeaChannels",
    "IdeaEvent",
    "IdeaVote",
    "IdeaWord",
    "MeetupCalendar",
    "MeetupOccurrence",
    "MeetupRsvp",
    "MeetupSeries",
    "Party",
    "ProcessedEvent",
    "Retro",
    "RetroAction",
    "RetroCard",
    "RetroVote",
    "SeenSignature",
    "UnansweredQuestion",
    "Workspace",
    "utcnow",
]
