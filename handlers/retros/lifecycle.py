"""`retro` start, status, reveal, close, cancel and handing over the facilitator role."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.core import Button, Reply, Section
from bot.core.router import Context, Refusal, Routes
from handlers.retros import replies, store
from handlers.retros.common import (
    button_retro,
    open_retro,
    post,
    require_facilitator,
    retro_here,
    today,
    wrote,
)
from handlers.retros.parse import RetroInputError, parse_start
from handlers.retros.templates import names
from scheduler.deliveries import deliver
from storage.models.retros import OPEN_STATUSES, Retro

routes = Routes("retros")
ANONYMITY = (
    "Anonymous cards (--anon or the checkbox) never show who wrote them, anywhere. In Teams a "
    "message in the channel is seen by all: use the Add card button or a DM to me to stay anonymous."
)


@routes.command("retro", "Retrospectives in this channel: every command")
async def retro_help(ctx: Context) -> Reply:
    """Every `retro …` command, from the route table itself, so none is ever left out."""
    commands = [c for c in ctx.router.commands if c.words.startswith("retro ") and (ctx.is_admin or not c.admin)]
    lines = [f"• {c.usage} — {c.summary}" for c in commands]
    return Reply(
        "Retro commands:\n" + "\n".join(lines),
        title="Retrospectives",
        sections=[Section(text="\n".join(lines)), Section(text=ANONYMITY)],
        private=True,
    )


@routes.command(
    "retro start",
    f"Start a retrospective in this channel; templates: {names()}",
    usage="retro start [template] [title]",
    examples=("retro start", "retro start 4ls Sprint 12", 'retro start custom "Went well | To improve | Ideas"'),
)
async def start(ctx: Context) -> Reply:
    if ctx.msg.direct:
        raise Refusal("Start a retro in the team's channel, so everyone can take part: /retro start there.")
    try:
        args = parse_start(ctx.args)
    except RetroInputError as exc:
        raise Refusal(f"{exc} No retro was started.") from None
    now = ctx.now()
    retro = Retro(
        workspace=ctx.msg.workspace,
        platform=ctx.msg.platform,
        channel=ctx.msg.channel,
        title=args.title or f"Retro {today(ctx).isoformat()}",
        template=args.template.key if args.template else "custom",
        columns=list(args.columns),
        facilitator=ctx.msg.user,
        created_at=now,
    )
    try:
        async with ctx.db.session() as session:
            session.add(retro)
    except IntegrityError:  # the partial unique index: one open retro per channel
        existing = await retro_here(ctx)
        which = replies.name(existing) if existing else "a retro"
        who = f" (facilitator {existing.facilitator})" if existing else ""
        raise Refusal(
            f"This channel already has an open retro: {which}{who}. Close or cancel it first. No retro was started."
        ) from None
    async with ctx.db.session() as session:
        old = await store.open_actions(session, retro.workspace, retro.channel, before_retro=retro.id)
    board = replies.board(
        retro,
        [],
        old,
        today(ctx),
        heading=f"{ctx.msg.user} started a retro. Columns: "
        + ", ".join(retro.columns)
        + ". Add cards with retro add <column> <text> or the button.",
    )
    return await post(
        ctx,
        retro,
        board,
        f"Started {replies.name(retro)}; you are the facilitator. "
        "When the cards are in: retro reveal, retro vote, retro discuss, retro close.",
    )


@routes.command("retro status", "The board of this channel's open retro, with how many have added cards and voted")
async def status(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
        old = await store.open_actions(session, retro.workspace, retro.channel, before_retro=retro.id)
        voters = await store.voters(session, retro.id)
    reply = replies.board(retro, cards, old, today(ctx))
    reply.sections.insert(-1, Section(heading="Progress", text=replies.progress(retro, cards, voters)))
    mine = [c for c in cards if wrote(ctx, retro, c)]
    if mine and not retro.revealed:
        reply.sections.insert(
            -1,
            Section(heading="Your cards (only you see this list)", text="\n".join(replies.card_line(c) for c in mine)),
        )
        reply.private = True
    return reply


@routes.command("retro reveal", "Facilitator: show everyone's cards")
async def reveal(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    require_facilitator(ctx, retro, "reveal the cards")
    if retro.revealed:
        raise Refusal(f"The cards of {replies.name(retro)} are already revealed: see retro status.")
    if not await store.move(ctx.db, retro.id, from_=OPEN_STATUSES, revealed=True):
        raise Refusal(f"{replies.Name(retro)} is no longer open. Nothing was changed.")
    retro.revealed = True
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
    reply = Reply(
        f"The cards of {replies.name(retro)}: {replies.counts_line(cards)}.",
        title=f"Retro #{retro.id}: the cards"[:150],
        sections=[
            Section(text=f"{replies.counts_line(cards)}. Next: retro vote."),
            *replies.revealed_sections(retro, cards),
        ],
    )
    return await post(ctx, retro, reply, f"Revealed {replies.counts_line(cards)}.")


async def _close(ctx: Context, retro: Retro) -> Reply:
    require_facilitator(ctx, retro, "close the retro")
    now = ctx.now()
    # Two presses at once: only one UPDATE matches an open retro, so one summary is posted.
    if not await store.move(ctx.db, retro.id, from_=OPEN_STATUSES, status="closed", revealed=True, closed_at=now):
        raise Refusal(f"{replies.Name(retro)} is already closed.")
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
        votes = await store.tallies(session, retro.id)
        actions = await store.actions_of(session, retro.id)
        voters = await store.voters(session, retro.id)
    summary = replies.summary(retro, cards, votes, actions, voters, today(ctx))
    confirmation = (
        f"Closed {replies.name(retro)}; the summary is posted in the channel. Export it: retro export {retro.id}"
    )
    try:
        await deliver(
            ctx.services,
            store.channel_of(retro),
            summary,
            kind="retro.summary",
            subject=f"retro:{retro.id}",
            due_at=now,
        )
    except LookupError:  # nothing can post on its own (the console without a sender): answer with it
        summary.sections.insert(0, Section(text=confirmation))
        return summary
    return Reply(confirmation, private=True)


@routes.command("retro close", "Facilitator: close the retro and post its summary")
async def close(ctx: Context) -> Reply:
    return await _close(ctx, await open_retro(ctx))


@routes.action("retro.close")
async def close_button(ctx: Context) -> Reply:
    return await _close(ctx, await button_retro(ctx))


@routes.command("retro cancel", "Facilitator: cancel the open retro without a summary (asks first; its cards are kept)")
async def cancel(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    require_facilitator(ctx, retro, "cancel the retro")
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
        actions = await store.actions_of(session, retro.id)
    kept = f"{replies.cards_count(len(cards))} and {len(actions)} action item{'' if len(actions) == 1 else 's'}"
    text = (
        f"Cancel {replies.name(retro)}? Its {kept} are kept, but no summary is posted and nobody can add "
        "to it any more. Press Cancel the retro, or type: retro cancel confirm"
    )
    return Reply(
        text,
        private=True,
        buttons=[
            Button("Cancel the retro", "retro.cancel", str(retro.id), style="danger"),
            Button("Keep it", "retro.keep", str(retro.id)),
        ],
    )


@routes.command("retro cancel confirm", "Facilitator: cancel the open retro now, without asking")
async def cancel_confirmed(ctx: Context) -> Reply:
    return await _cancel(ctx, await open_retro(ctx))


@routes.action("retro.cancel")
async def cancel_button(ctx: Context) -> Reply:
    return await _cancel(ctx, await button_retro(ctx))


@routes.action("retro.keep")
async def keep_button(ctx: Context) -> Reply:
    retro = await button_retro(ctx)
    return Reply(f"{replies.Name(retro)} goes on. Nothing was changed.", private=True)


async def _cancel(ctx: Context, retro: Retro) -> Reply:
    require_facilitator(ctx, retro, "cancel the retro")
    if not await store.move(ctx.db, retro.id, from_=OPEN_STATUSES, status="cancelled", closed_at=ctx.now()):
        raise Refusal(f"{replies.Name(retro)} is already closed or cancelled.")
    notice = Reply(f"{replies.Name(retro)} was cancelled by {ctx.msg.user}. A new one can be started with retro start.")
    return await post(ctx, retro, notice, f"Cancelled {replies.name(retro)}.")


@routes.command("retro facilitator", "Hand the facilitator role to someone else", usage="retro facilitator @person")
async def handover(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    require_facilitator(ctx, retro, "hand over the retro")
    mention = ctx.msg.person_in(ctx.args)
    who = mention.id if mention else ""
    if not who or len(who) > 255:
        raise Refusal("Who takes over? Mention them: retro facilitator @sam. Nothing was changed.")
    if not await store.move(ctx.db, retro.id, from_=OPEN_STATUSES, facilitator=who):
        raise Refusal(f"{replies.Name(retro)} is no longer open. Nothing was changed.")
    retro.facilitator = who
    return await post(
        ctx,
        retro,
        Reply(f"{who} now facilitates {replies.name(retro)}."),
        f"{who} now facilitates {replies.name(retro)}.",
    )
