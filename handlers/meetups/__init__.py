"""Community meetups: recurring series, announced, reminded and RSVP'd on schedule."""

from bot.core.feature import Feature
from handlers.meetups import asks, commands, jobs

FEATURE = Feature("meetups", routes=(commands.routes,), planners=(jobs.plan, asks.plan), state=(jobs.NextDue,))
