"""Improvement ideas (`improve …`): intake, routing to owners, lifecycle, votes, and follow-up."""

from handlers.ideas import commands

routes = [commands.routes]
planners: list = []
