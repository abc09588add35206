"""Community meetups: recurring series, announced, reminded and RSVP'd on schedule."""

from bot.core.feature import Feature
from handlers.meetups import asks, changes, commands, edit, jobs, rsvp

FEATURE = Feature(
    "meetups",
    routes=(commands.routes, rsvp.routes, changes.routes, edit.routes),
    planners=(jobs.plan, asks.plan),
    state=(jobs.NextDue,),
)
