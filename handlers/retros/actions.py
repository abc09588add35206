"""Action items: added while discussing, reviewed at the next retro, marked done or carried over.

An action belongs to its retro's channel: only people there (or members, asking from a DM) can
mark it done, carry it or escalate it, and to anyone else it does not exist."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core import Form, Input, Reply
from bot.core.router import Context, Refusal, Routes
from handlers.ideas import service as ideas
from handlers.retros import jobs, replies, store
from handlers.retros.common import button_retro, channel_action, open_retro, require_facilitator, today
from handlers.retros.parse import RetroInputError, parse_action
from storage.models.retros import Retro, RetroAction

routes = Routes("retros")
ACTION_USAGE = 'retro action "text" [@owner] [due 2026-12-05 | friday | tomorrow | in 2 weeks]'


@routes.command(
    "retro action",
    "Facilitator: add an action item with owner and due date",
    usage=ACTION_USAGE,
    examples=('retro action "Book a bigger room" @sam due friday',),
)
async def add_action(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    require_facilitator(ctx, retro, "add action items")
    text, mentioned = ctx.msg.with_ids(ctx.args)
    try:
        args = parse_action(text, today(ctx), mentioned)
    except RetroInputError as exc:
        raise Refusal(f"{exc} No action was added. Usage: {ACTION_USAGE}") from None
    action = RetroAction(
        workspace=retro.workspace,
        retro_id=retro.id,
        platform=retro.platform,
        channel=retro.channel,
        text=args.text,
        owner=args.owner,
        due_on=args.due,
        created_by=ctx.msg.user,
        created_at=ctx.now(),
    )
    async with ctx.db.session() as session:
        current = await session.get(type(retro), retro.id)
        if current is None or current.status not in ("collecting", "voting", "discussing"):
            raise Refusal(f"{replies.Name(retro)} closed a moment ago. No action was added.")
        session.add(action)
    missing = [what for what, value in (("owner", args.owner), ("due date", args.due)) if value is None]
    hint = f" It has no {' and no '.join(missing)} yet." if missing else ""
    reminder = _promise(ctx, args.due, today(ctx)) if args.owner and args.due else ""
    return Reply(
        f"Action A{action.id} added to {replies.name(retro)}:\n{replies.action_line(action, today(ctx))}"
        f"{hint}{reminder}",
        mentions=[args.owner] if args.owner else [],
    )


def _promise(ctx: Context, due: date, local_today: date) -> str:
    """What the owner will be reminded of, as the scheduler will do it: only reminders still ahead."""
    at = f"{jobs.REMIND_AT:%H:%M}"
    ahead = [
        due - timedelta(days=days)
        for which, days in jobs.WHEN.items()
        if jobs.remind_at(ctx.services, due, which) >= ctx.now()
    ]
    if not ahead:
        return f" It is due today and {at}, the reminder time, has passed: no reminder will be sent."
    return f" The owner gets a reminder at {at} " + " and ".join(_day(d, local_today) for d in ahead) + "."


def _day(d: date, local_today: date) -> str:
    if d == local_today:
        return "today"
    return "tomorrow" if (d - local_today).days == 1 else f"on {replies.day(d)}"


@routes.command("retro actions", "Open action items of this channel's retros, overdue ones flagged")
async def list_actions(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        actions = await store.open_actions(session, ctx.msg.workspace, ctx.msg.channel)
    return replies.actions_list("Open retro actions", actions, today(ctx))


async def _finish(ctx: Context, action: RetroAction, how: str) -> Reply:
    """Done or carried. Asked from another conversation (a member's DM, the owner's reminder), the
    answer is private and names no text, so a private channel's action is not read out elsewhere."""
    here = action.channel == ctx.msg.channel
    if action.status != "open":
        raise Refusal(f"Action A{action.id} is already {action.status}.")
    if how == "done":
        if not await store.finish_action(ctx.db, action.id, status="done", by=ctx.msg.user, now=ctx.now()):
            raise Refusal(f"Action A{action.id} was just changed by someone else.")
        what = f": {action.text}" if here else ""
        return Reply(f"Marked action A{action.id} done{what}. Thanks!", private=not here)
    async with ctx.db.session() as session:
        into = await store.open_in(session, action.workspace, action.channel)
    if into is None or into.id == action.retro_id:
        raise Refusal(
            f"Actions are carried into the channel's next open retro; "
            f"{'there is none open' if into is None else 'it already belongs to the open one'}. "
            "Nothing was changed."
        )
    copy = await store.carry(ctx.db, action, into, by=ctx.msg.user, now=ctx.now())
    if copy is None:
        raise Refusal(f"Action A{action.id} was just changed by someone else.")
    if not here:
        return Reply(f"Carried action A{action.id} into its channel's open retro as A{copy.id}.", private=True)
    return Reply(f"Carried action A{action.id} into {replies.name(into)} as A{copy.id}: {copy.text}.")


@routes.command("retro done", "Mark an action item done", usage="retro done A12")
async def done(ctx: Context) -> Reply:
    return await _finish(ctx, await channel_action(ctx, ctx.args, "done"), "done")


@routes.command("retro carry", "Carry an open action into this channel's open retro", usage="retro carry A12")
async def carry(ctx: Context) -> Reply:
    return await _finish(ctx, await channel_action(ctx, ctx.args, "carry"), "carry")


@routes.action("retro.done")
async def done_button(ctx: Context) -> Reply:
    reply = await _finish(ctx, await channel_action(ctx, ctx.action.value, "done"), "done")
    reply.private = True
    return reply


@routes.action("retro.review")
async def review_button(ctx: Context) -> Reply:
    retro = await button_retro(ctx)
    async with ctx.db.session() as session:
        old = await store.open_actions(session, retro.workspace, retro.channel, before_retro=retro.id)
    if not old:
        return Reply("No open actions from earlier retros are left. Well done!", private=True)
    return Reply(
        "Choose an action and what happened to it.",
        private=True,
        form=Form(
            title="Update an action",
            submit_action_id="retro.review.form",
            submit_label="Save",
            value=str(retro.id),
            inputs=[
                Input("action", "Action", kind="select", choices=[(str(a.id), f"A{a.id} {a.text}"[:75]) for a in old]),
                Input("change", "It is", kind="select", choices=[("done", "Done"), ("carry", "Carried over")]),
            ],
        ),
    )


@routes.action("retro.review.form")
async def review_submit(ctx: Context) -> Reply:
    how = ctx.action.form.get("change")
    if how not in ("done", "carry"):
        raise Refusal("Choose Done or Carried over. Nothing was changed.")
    return await _finish(ctx, await channel_action(ctx, ctx.action.form.get("action"), how), how)


@routes.command(
    "retro escalate",
    "Turn an action that needs help from outside the team into an improvement idea",
    usage="retro escalate A12",
)
async def escalate(ctx: Context) -> Reply:
    return await _escalate(ctx, await channel_action(ctx, ctx.args, "escalate"))


@routes.action("retro.escalate")
async def escalate_button(ctx: Context) -> Reply:
    return await _escalate(ctx, await channel_action(ctx, ctx.action.value, "escalate"))


async def _escalate(ctx: Context, action: RetroAction) -> Reply:
    """One step: the action becomes an idea (routed to the owner of its area like any other);
    the action stays open in the retro, with the idea's number to follow."""
    async with ctx.db.session() as session:
        retro = await session.get(Retro, action.retro_id)
    if action.status != "open" or retro is None:
        raise Refusal(f"Action A{action.id} is already {action.status}; only open actions are escalated.")
    details = (
        f"Escalated from action A{action.id} of {replies.name(retro)}"
        + (f", owner @{action.owner}" if action.owner else "")
        + (f", due {action.due_on.isoformat()}" if action.due_on else "")
        + "."
    )
    done = await ideas.submit(ctx.services, ideas.Actor.of(ctx), action.text, details=details)
    return done.reply()
