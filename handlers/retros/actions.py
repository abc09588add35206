"""Action items: added while discussing, reviewed at the next retro, marked done or carried over."""

from __future__ import annotations

from bot.core import Form, Input, Reply
from bot.core.router import Context, Routes
from handlers.ideas import service as ideas
from handlers.retros import replies, store
from handlers.retros.common import NO_RETRO, facilitator_only, not_open, retro_by_value, retro_here, today
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
    retro = await retro_here(ctx)
    if retro is None:
        return Reply(NO_RETRO)
    if denied := facilitator_only(ctx, retro, "add action items"):
        return denied
    text, mentioned = ctx.msg.with_ids(ctx.args)
    try:
        args = parse_action(text, today(ctx), mentioned)
    except RetroInputError as exc:
        return Reply(f"{exc} No action was added. Usage: {ACTION_USAGE}")
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
            return Reply(f"{replies.Name(retro)} closed a moment ago. No action was added.")
        session.add(action)
    missing = [what for what, value in (("owner", args.owner), ("due date", args.due)) if value is None]
    hint = f" It has no {' and no '.join(missing)} yet." if missing else ""
    reminder = " The owner gets a reminder the day before and on the due date." if args.owner and args.due else ""
    return Reply(
        f"Action A{action.id} added to {replies.name(retro)}:\n{replies.action_line(action, today(ctx))}"
        f"{hint}{reminder}",
        mentions=[args.owner] if args.owner else [],
    )


@routes.command("retro actions", "Open action items of this channel's retros, overdue ones flagged")
async def list_actions(ctx: Context) -> Reply:
    async with ctx.db.session() as session:
        actions = await store.open_actions(session, ctx.msg.workspace, ctx.msg.channel)
    return replies.actions_list("Open retro actions", actions, today(ctx))


def _action_id(text: str) -> int | None:
    text = text.strip().lstrip("#").upper().removeprefix("A")
    return int(text) if text.isdigit() else None


async def _finish(ctx: Context, action_id: int | None, how: str) -> Reply:
    if action_id is None:
        return Reply(f"Which action? Give its number, e.g. retro {how} A12 (see retro actions).", private=True)
    async with ctx.db.session() as session:
        action = await store.get_action(session, ctx.msg.workspace, action_id)
    if action is None:
        return Reply(f"There is no action A{action_id} here. See retro actions.", private=True)
    if action.status != "open":
        return Reply(f"Action A{action.id} is already {action.status}.", private=True)
    if how == "done":
        if not await store.finish_action(ctx.db, action.id, status="done", by=ctx.msg.user, now=ctx.now()):
            return Reply(f"Action A{action.id} was just changed by someone else.", private=True)
        return Reply(f"Marked action A{action.id} done: {action.text}. Thanks!")
    async with ctx.db.session() as session:
        into = await store.open_in(session, action.workspace, action.channel)
    if into is None or into.id == action.retro_id:
        return Reply(
            f"Actions are carried into the channel's next open retro; "
            f"{'there is none open' if into is None else 'it already belongs to the open one'}. "
            "Nothing was changed.",
            private=True,
        )
    copy = await store.carry(ctx.db, action, into, by=ctx.msg.user, now=ctx.now())
    if copy is None:
        return Reply(f"Action A{action.id} was just changed by someone else.", private=True)
    return Reply(f"Carried action A{action.id} into {replies.name(into)} as A{copy.id}: {copy.text}.")


@routes.command("retro done", "Mark an action item done", usage="retro done A12")
async def done(ctx: Context) -> Reply:
    return await _finish(ctx, _action_id(ctx.args), "done")


@routes.command("retro carry", "Carry an open action into this channel's open retro", usage="retro carry A12")
async def carry(ctx: Context) -> Reply:
    return await _finish(ctx, _action_id(ctx.args), "carry")


@routes.action("retro.done")
async def done_button(ctx: Context) -> Reply:
    reply = await _finish(ctx, ctx.action.int_value if ctx.action.int_value >= 0 else None, "done")
    reply.private = True
    return reply


@routes.action("retro.review")
async def review_button(ctx: Context) -> Reply:
    retro = await retro_by_value(ctx)
    if problem := not_open(retro):
        return problem
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
        return Reply("Choose Done or Carried over. Nothing was changed.", private=True)
    return await _finish(ctx, _action_id(ctx.action.form.get("action") or ""), how)


@routes.command(
    "retro escalate",
    "Turn an action that needs help from outside the team into an improvement idea",
    usage="retro escalate A12",
)
async def escalate(ctx: Context) -> Reply:
    return await _escalate(ctx, _action_id(ctx.args))


@routes.action("retro.escalate")
async def escalate_button(ctx: Context) -> Reply:
    return await _escalate(ctx, ctx.action.int_value if ctx.action.int_value >= 0 else None)


async def _escalate(ctx: Context, action_id: int | None) -> Reply:
    """One step: the action becomes an idea (routed to the owner of its area like any other);
    the action stays open in the retro, with the idea's number to follow."""
    if action_id is None:
        return Reply("Which action? Give its number, e.g. retro escalate A12 (see retro actions).", private=True)
    async with ctx.db.session() as session:
        action = await store.get_action(session, ctx.msg.workspace, action_id)
        retro = await session.get(Retro, action.retro_id) if action else None
    if action is None or retro is None:
        return Reply(f"There is no action A{action_id} here. See retro actions.", private=True)
    if action.status != "open":
        return Reply(f"Action A{action.id} is already {action.status}; only open actions are escalated.", private=True)
    details = (
        f"Escalated from action A{action.id} of {replies.name(retro)}"
        + (f", owner @{action.owner}" if action.owner else "")
        + (f", due {action.due_on.isoformat()}" if action.due_on else "")
        + "."
    )
    done = await ideas.submit(ctx.services, ideas.Actor.of(ctx), action.text, details=details)
    return done.reply()
