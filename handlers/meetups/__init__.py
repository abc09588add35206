"""Community meetups: recurring series, announced, reminded and RSVP'd on schedule."""

from handlers.meetups import asks, commands, jobs

routes = (commands.routes,)
planners = (jobs.plan, asks.plan)
