"""Owners and admins: move ideas on, assign them, the triage queue, the figures."""

from __future__ import annotations

import re

from bot.core import Form, Input, Reply
from bot.core.router import Context, Refusal, Routes
from handlers.ideas import jobs, replies, routing, service, stats, store
from handlers.ideas.commands import idea_arg
from handlers.ideas.lifecycle import LABELS, parse_status
from handlers.ideas.service import Actor
from handlers.ideas.text import unquote
from storage.models import Idea

routes = Routes("ideas")
STATUS_USAGE = 'improve status N <triaged|accepted|in progress|done|declined|duplicate M> ["comment"]'
_IN_PROGRESS = re.compile(r"in[ _-]?progress\b", re.IGNORECASE)
_WORD = re.compile(r"(\S*)\s*(.*)$", re.S)


@routes.command(
    "improve status",
    "Move an idea on (owner or admin); steps can be skipped forwards; declining needs a reason",
    usage=STATUS_USAGE,
    examples=('improve status 12 accepted "budget approved"', "improve status 12 in progress"),
)
async def status(ctx: Context) -> Reply:
    idea, rest = await idea_arg(ctx, ctx.args)
    if not rest:
        raise Refusal(f'Which status? e.g. improve status {idea.number} accepted "budget approved"')
    if m := _IN_PROGRESS.match(rest):
        word, rest = m[0], rest[m.end() :]
    else:
        word, rest = _WORD.match(rest).groups()
    wanted = parse_status(word)
    if wanted is None:
        raise Refusal(
            f"“{word[:40]}” is not a status. Use one of: "
            + ", ".join(LABELS[s] for s in LABELS if s != "withdrawn")
            + ". Nothing was changed."
        )
    original = None
    if wanted == "duplicate":
        rest = re.sub(r"^\s*of\b", "", rest, flags=re.IGNORECASE)
        original, rest = _WORD.match(rest.strip()).groups()
    return await _status_change(ctx, idea, wanted, unquote(rest), duplicate_of=original)


@routes.action("idea.status")
async def status_button(ctx: Context) -> Reply:
    number, _, wanted = ctx.action.value.partition(":")
    idea = await service.find(ctx.services, ctx.msg.workspace, number)
    if wanted in ("declined", "duplicate"):  # these need more from the person: a form
        inputs = [Input("comment", "Reason (the submitter and voters will read it)", kind="multiline", max_length=1000)]
        if wanted == "duplicate":
            inputs = [
                Input("of", "Duplicate of idea number"),
                Input("comment", "Comment", optional=True, max_length=1000),
            ]
        return Reply(
            f"Idea #{idea.number}: {LABELS[wanted]}",
            form=Form(
                title=f"Idea #{idea.number}: {LABELS[wanted]}"[:24],
                submit_action_id="idea.status_form",
                value=f"{idea.number}:{wanted}",
                inputs=inputs,
            ),
        )
    return await _status_change(ctx, idea, wanted, "", replace=True)


@routes.action("idea.status_form")
async def status_form(ctx: Context) -> Reply:
    number, _, wanted = ctx.action.value.partition(":")
    idea = await service.find(ctx.services, ctx.msg.workspace, number)
    return await _status_change(
        ctx, idea, wanted, ctx.action.form.get("comment") or "", duplicate_of=ctx.action.form.get("of") or None
    )


async def _status_change(
    ctx: Context, idea: Idea, wanted: str, comment: str, *, duplicate_of: str | None = None, replace: bool = False
) -> Reply:
    event, original = await service.change_status(
        ctx.services, Actor.of(ctx), idea, wanted, comment, duplicate_of=duplicate_of
    )
    text = f"Idea {replies.label(idea)} is now {LABELS[wanted]}" + (f" of #{original.number}" if original else "")
    text += (f": “{event.comment}”." if event.comment else ".") + " Its submitter and voters are being told."
    if replace:
        reply = replies.notice(idea, text)
        reply.replace, reply.notice = True, text
        return reply
    return Reply(text, private=True)


@routes.command(
    "improve assign",
    "Give an idea an owner, who is told (admins, or its current owner)",
    usage="improve assign N @person",
)
async def assign(ctx: Context) -> Reply:
    idea, rest = await idea_arg(ctx, ctx.args)
    person = ctx.msg.person_in(rest)
    if person is None:
        raise Refusal(f"Assign idea #{idea.number} to whom? Mention them: improve assign {idea.number} @sam")
    await service.assign(ctx.services, Actor.of(ctx), idea, person.id)
    told = "" if person.id == ctx.msg.user else " I've sent them a message with the idea."
    return Reply(
        f"Idea {replies.label(idea)} now belongs to @{person.id}. They can change its status.{told}",
        private=True,
        mentions=[person.id],
    )


@routes.command("improve stats", "Ideas per status and area, how fast they move, and a chart of the trend")
async def show_stats(ctx: Context) -> Reply:
    return await stats.stats_reply(ctx.db, ctx.msg.workspace, ctx.now())


@routes.command("improve triage", "The triage queue: new ideas no area matched, and ideas waiting too long")
async def triage_queue(ctx: Context) -> Reply:
    ideas = await store.triage_queue(ctx.db, ctx.msg.workspace, ctx.now() - jobs.escalate_after(ctx.services))
    return replies.listing(ideas, len(ideas), "in the triage queue", "")


@routes.command(
    "improve triage here",
    "Post new ideas that match no area (and waiting ones) in this channel",
    admin="choose where ideas are posted",
)
async def triage_here(ctx: Context) -> Reply:
    return await routing.set_channel(ctx, "triage_channel", "Unmatched and long-waiting ideas")
