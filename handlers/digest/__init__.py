"""The weekly PMO digest: one view of the week across features (ideas, retro actions, unanswered
"who owns" questions, the next meetups), on demand and every Monday where a channel is set."""

from bot.core.feature import Feature
from handlers.digest import commands, jobs

FEATURE = Feature("digest", routes=(commands.routes,), planners=(jobs.plan,))
