"""Improvement ideas (`improve …`): intake, routing to owners, lifecycle, votes, and follow-up."""

from bot.core.feature import Feature
from handlers.ideas import commands, jobs, manage

FEATURE = Feature("ideas", routes=(commands.routes, manage.routes), planners=(jobs.plan,))
