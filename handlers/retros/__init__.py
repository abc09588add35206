"""Retrospectives in the channel: templates, hidden and anonymous cards, capped dot voting,
action items with owners and due dates that are reminded and reviewed at the next retro."""

from bot.core.feature import Feature
from handlers.retros import actions, cards, export, jobs, lifecycle, voting

FEATURE = Feature(
    "retros",
    routes=(lifecycle.routes, cards.routes, voting.routes, actions.routes, export.routes),
    planners=(jobs.plan,),
)
