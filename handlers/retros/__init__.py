"""Retrospectives in the channel: templates, hidden and anonymous cards, capped dot voting,
action items with owners and due dates that are reminded and reviewed at the next retro."""

from handlers.retros import actions, cards, export, jobs, lifecycle, voting

routes = (lifecycle.routes, cards.routes, voting.routes, actions.routes, export.routes)
planners = (jobs.plan,)
