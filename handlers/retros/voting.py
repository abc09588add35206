"""Dot voting: open it, vote and take votes back (command, button or form), budgets, discuss."""

from __future__ import annotations

import re

from bot.core import Form, Input, Reply
from bot.core.router import Context, Routes
from handlers.retros import replies, store
from handlers.retros.common import NO_RETRO, facilitator_only, not_open, post, retro_by_value, retro_here, voter_key
from storage.models.retros import OPEN_STATUSES, Retro

routes = Routes("retros")
MAX_BUDGET = 50
_BUDGET = re.compile(r"(\d{1,3})(?:\s+(?:max|per card|cap)\s+(\d{1,3}))?", re.IGNORECASE)


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
        return Reply(f"Voting is not open in {replies.name(retro)}.", private=True)
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
        mine = await store.ballot(session, retro.id, voter_key(ctx, retro))
    if not cards:
        return Reply("There are no cards to vote on.", private=True)
    return ballot_form(retro, cards, mine)


@routes.command(
    "retro vote",
    "Facilitator: open voting. Everyone: vote for card N",
    usage="retro vote [N]",
    examples=("retro vote 3",),
)
async def vote(ctx: Context) -> Reply:
    retro = await retro_here(ctx)
    if retro is None:
        return Reply(NO_RETRO)
    arg = ctx.args.strip().lstrip("#")
    if not arg:
        if retro.status == "collecting":
            return await _open_voting(ctx, retro)
        return await _ballot(ctx, retro)
    if not arg.isdigit():
        return Reply("Give the card's number, e.g. retro vote 3.", private=True)
    return await _cast(ctx, retro, int(arg), add=True)


@routes.command("retro unvote", "Take back one of your votes on card N", usage="retro unvote N")
async def unvote(ctx: Context) -> Reply:
    retro = await retro_here(ctx)
    if retro is None:
        return Reply(NO_RETRO)
    arg = ctx.args.strip().lstrip("#")
    if not arg.isdigit():
        return Reply("Give the card's number, e.g. retro unvote 3.", private=True)
    return await _cast(ctx, retro, int(arg), add=False)


async def _cast(ctx: Context, retro: Retro, number: int, *, add: bool) -> Reply:
    if retro.status != "voting":
        why = "has not opened voting yet" if retro.status == "collecting" else "has closed voting"
        return Reply(f"{replies.Name(retro)} {why}, so votes can't be changed. Nothing was changed.", private=True)
    async with ctx.db.session() as session:
        card = await store.card_by_number(session, retro, number)
    if card is None:
        return Reply(f"{replies.Name(retro)} has no card #{number}. Nothing was changed.", private=True)
    try:
        if add:
            mine = await store.vote(ctx.db, retro.id, card, voter_key(ctx, retro), ctx.now())
        else:
            mine = await store.unvote(ctx.db, retro.id, card, voter_key(ctx, retro))
    except store.VoteRefused as exc:
        return Reply(f"{exc} Nothing was changed.", private=True)
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
    done = f"Voted for card #{number}." if add else f"Took back a vote from card #{number}."
    return Reply(f"{done} {replies.my_votes(retro, cards, mine.mine)}", private=True)


@routes.action("retro.ballot")
async def ballot_button(ctx: Context) -> Reply:
    retro = await retro_by_value(ctx)
    return not_open(retro) or await _ballot(ctx, retro)


@routes.action("retro.vote.form")
async def ballot_submit(ctx: Context) -> Reply:
    retro = await retro_by_value(ctx)
    if problem := not_open(retro):
        return problem
    number = ctx.action.form.get("card") or ""
    if not number.isdigit():
        return Reply("Choose a card to vote for. Nothing was changed.", private=True)
    return await _cast(ctx, retro, int(number), add=ctx.action.form.get("change") != "remove")


async def _open_voting(ctx: Context, retro: Retro) -> Reply:
    if denied := facilitator_only(ctx, retro, "open voting"):
        return denied
    # Voting needs the cards in view, so opening it reveals them too.
    if not await store.move(ctx.db, retro.id, from_=("collecting",), status="voting", revealed=True):
        return Reply(f"{replies.Name(retro)} is not collecting cards any more. Nothing was changed.")
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
    retro = await retro_here(ctx)
    if retro is None:
        return Reply(NO_RETRO)
    if denied := facilitator_only(ctx, retro, "change the vote budget"):
        return denied
    m = _BUDGET.fullmatch(ctx.args.strip())
    if not m:
        return Reply("Usage: retro budget N [max M], e.g. retro budget 3 max 1. Nothing was changed.")
    votes = int(m[1])
    cap = int(m[2]) if m[2] else min(retro.max_per_card, votes)
    if not 1 <= votes <= MAX_BUDGET or not 1 <= cap <= votes:
        return Reply(f"Give 1 to {MAX_BUDGET} votes each, and at most that many on one card. Nothing was changed.")
    if not await store.move(ctx.db, retro.id, from_=("collecting", "voting"), vote_budget=votes, max_per_card=cap):
        return Reply("Voting has closed, so the budget can't change any more. Nothing was changed.")
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
    retro = await retro_here(ctx)
    if retro is None:
        return Reply(NO_RETRO)
    if denied := facilitator_only(ctx, retro, "close voting"):
        return denied
    if retro.status == "discussing":
        return Reply(f"{replies.Name(retro)} is already being discussed.")
    moved = await store.move(
        ctx.db, retro.id, from_=tuple(s for s in OPEN_STATUSES if s != "discussing"), status="discussing", revealed=True
    )
    if not moved:
        return Reply(f"{replies.Name(retro)} is no longer open. Nothing was changed.")
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
