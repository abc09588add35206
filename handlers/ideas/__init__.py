"""Improvement ideas (`improve …`): intake, routing to owners, lifecycle, votes, and follow-up."""

from handlers.ideas import commands, jobs

routes = [commands.routes]
planners = [jobs.plan]
