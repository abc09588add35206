"""Dot voting: open it, vote and take votes back (command, button or form), budgets, discuss."""

from __future__ import annotations

import re

from bot.core import Form, Input, Reply
from bot.core.router import Context, Refusal, Routes
from handlers.retros import replies, store
from handlers.retros.common import button_retro, card_number, open_retro, post, require_facilitator, voter_key
from storage.models.retros import OPEN_STATUSES, Retro

routes = Routes("retros")
MAX_BUDGET = 50
_BUDGET = re.compile(r"([0-9]{1,3})(?:\s+(?:max|per card|cap)\s+([0-9]{1,3}))?", re.IGNORECASE | re.ASCII)


def ballot_form(retro: Retro, cards: list, mine) -> Reply:
    choices = [(str(c.number), f"#{c.number} [{c.column_name}] {c.text}"[:75]) for c in cards]
    return Reply(
        text=replies.my_votes(retro, cards, mine.mine) + " Choose a card, or type retro vote N / retro unvote N.",
        private=True,
        form=Form(
            title="Vote",
            submit_action_id="retro.vote.form",
            submit_label="Save",
            value=str(retro.id),
            inputs=[
                Input("card", "Card", kind="select", choices=choices),
                Input(
                    "change",
                    "Vote",
                    kind="select",
                    choices=[("add", "Add a vote"), ("remove", "Take a vote back")],
                    initial="add",
                ),
            ],
        ),
    )


async def _ballot(ctx: Context, retro: Retro) -> Reply:
    if retro.status != "voting":
        raise Refusal(f"Voting is not open in {replies.name(retro)}.")
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
        mine = await store.ballot(session, retro.id, voter_key(ctx, retro))
    if not cards:
        raise Refusal("There are no cards to vote on.")
    return ballot_form(retro, cards, mine)


@routes.command(
    "retro vote",
    "Facilitator: open voting. Everyone: vote for card N",
    usage="retro vote [N]",
    examples=("retro vote 3",),
)
async def vote(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    if not ctx.args.strip().lstrip("#"):
        if retro.status == "collecting":
            return await _open_voting(ctx, retro)
        return await _ballot(ctx, retro)
    return await _cast(ctx, retro, ctx.args, add=True)


@routes.command("retro unvote", "Take back one of your votes on card N", usage="retro unvote N")
async def unvote(ctx: Context) -> Reply:
    return await _cast(ctx, await open_retro(ctx), ctx.args, add=False)


async def _cast(ctx: Context, retro: Retro, typed: str, *, add: bool) -> Reply:
    number = card_number(typed, f"retro {'vote' if add else 'unvote'} 3")
    if retro.status != "voting":
        why = "has not opened voting yet" if retro.status == "collecting" else "has closed voting"
        raise Refusal(f"{replies.Name(retro)} {why}, so votes can't be changed. Nothing was changed.")
    async with ctx.db.session() as session:
        card = await store.card_by_number(session, retro, number) if number else None
    if card is None:
        shown = number or typed.strip().lstrip("#")[:24]
        raise Refusal(f"{replies.Name(retro)} has no card #{shown}. Nothing was changed.")
    try:
        if add:
            mine = await store.vote(ctx.db, retro.id, card, voter_key(ctx, retro), ctx.now())
        else:
            mine = await store.unvote(ctx.db, retro.id, card, voter_key(ctx, retro))
    except store.VoteRefused as exc:
        raise Refusal(f"{exc} Nothing was changed.") from None
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
    done = f"Voted for card #{card.number}." if add else f"Took back a vote from card #{card.number}."
    return Reply(f"{done} {replies.my_votes(retro, cards, mine.mine)}", private=True)


@routes.action("retro.ballot")
async def ballot_button(ctx: Context) -> Reply:
    return await _ballot(ctx, await button_retro(ctx))


@routes.action("retro.vote.form")
async def ballot_submit(ctx: Context) -> Reply:
    retro = await button_retro(ctx)
    number = (ctx.action.form.get("card") or "").strip()
    if not number:
        raise Refusal("Choose a card to vote for. Nothing was changed.")
    return await _cast(ctx, retro, number, add=ctx.action.form.get("change") != "remove")


async def _open_voting(ctx: Context, retro: Retro) -> Reply:
    require_facilitator(ctx, retro, "open voting")
    # Voting needs the cards in view, so opening it reveals them too.
    if not await store.move(ctx.db, retro.id, from_=("collecting",), status="voting", revealed=True):
        raise Refusal(f"{replies.Name(retro)} is not collecting cards any more. Nothing was changed.")
    retro.status, retro.revealed = "voting", True
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
    return await post(
        ctx,
        retro,
        replies.voting_open(retro, cards),
        f"Voting is open: {retro.vote_budget} votes each, at most {retro.max_per_card} per card. "
        "Close it with retro discuss.",
    )


@routes.command(
    "retro budget",
    "Facilitator: votes per person and the most on one card",
    usage="retro budget N [max M]",
    examples=("retro budget 3 max 1",),
)
async def budget(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    require_facilitator(ctx, retro, "change the vote budget")
    m = _BUDGET.fullmatch(ctx.args.strip())
    if not m:
        raise Refusal("Usage: retro budget N [max M], e.g. retro budget 3 max 1. Nothing was changed.")
    votes = int(m[1])
    cap = int(m[2]) if m[2] else min(retro.max_per_card, votes)
    if not 1 <= votes <= MAX_BUDGET or not 1 <= cap <= votes:
        raise Refusal(f"Give 1 to {MAX_BUDGET} votes each, and at most that many on one card. Nothing was changed.")
    if not await store.move(ctx.db, retro.id, from_=("collecting", "voting"), vote_budget=votes, max_per_card=cap):
        raise Refusal("Voting has closed, so the budget can't change any more. Nothing was changed.")
    note = (
        " Votes already cast stay; anyone above the new budget can't add more until they take some back."
        if retro.status == "voting"
        else ""
    )
    retro.vote_budget, retro.max_per_card = votes, cap
    text = f"Vote budget in {replies.name(retro)}: {votes} votes each, at most {cap} on one card.{note}"
    if retro.status == "voting":
        return await post(ctx, retro, Reply(text), text)
    return Reply(text)


@routes.command("retro discuss", "Facilitator: close voting and list the cards by votes")
async def discuss(ctx: Context) -> Reply:
    retro = await open_retro(ctx)
    require_facilitator(ctx, retro, "close voting")
    if retro.status == "discussing":
        raise Refusal(f"{replies.Name(retro)} is already being discussed.")
    moved = await store.move(
        ctx.db, retro.id, from_=tuple(s for s in OPEN_STATUSES if s != "discussing"), status="discussing", revealed=True
    )
    if not moved:
        raise Refusal(f"{replies.Name(retro)} is no longer open. Nothing was changed.")
    retro.status, retro.revealed = "discussing", True
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
        votes = await store.tallies(session, retro.id)
    return await post(
        ctx,
        retro,
        replies.discussion(retro, cards, votes),
        'Voting is closed. Add actions with retro action "text" @owner due friday, then retro close.',
    )
