"""Adding and deleting cards: by command, by the Add card form, or by DM while a retro is open."""

from __future__ import annotations

from bot.core import Button, Form, Input, Reply
from bot.core.router import Context, Refusal, Routes
from handlers.retros import replies, store
from handlers.retros.common import (
    NO_RETRO,
    author_key,
    button_retro,
    card_number,
    may_take_part,
    retro_here,
    wrote,
)
from handlers.retros.parse import ANON_FLAGS, MAX_CARD, RetroInputError, check_card_text, match_column, take_flag
from storage.models.retros import Retro

routes = Routes("retros")
ADD_USAGE = "retro add <column> <text> [--anon]"


async def _target(ctx: Context) -> Retro:
    """This channel's open retro; in a DM, the one open retro this person can mean (or a choice,
    raised as the answer)."""
    retro = await retro_here(ctx)
    if retro:
        return retro
    if not ctx.msg.direct:
        raise Refusal(NO_RETRO)
    async with ctx.db.session() as session:
        candidates = await store.open_in_workspace(session, ctx.msg.workspace, ctx.msg.platform)
    candidates = [r for r in candidates if await may_take_part(ctx, r)]  # never name another team's retro
    if len(candidates) > 1:  # prefer the retros this person already took part in
        async with ctx.db.session() as session:
            mine = [r for r in candidates if any(wrote(ctx, r, c) for c in await store.cards(session, r.id))]
        candidates = mine if len(mine) == 1 else candidates
    if not candidates:
        raise Refusal(
            "No retro is open in a channel you are in. A facilitator starts one in the team's channel: retro start."
        )
    if len(candidates) == 1:
        return candidates[0]
    buttons = [Button(f"#{r.id} {r.title}"[:75], "retro.pick", str(r.id)) for r in candidates[:6]]
    no = Refusal("Several retros are open. Which one is your card for? Press one to get the card form.")
    no.reply.buttons = buttons
    raise no


def add_form(retro: Retro) -> Reply:
    return Reply(
        text=f"Fill in your card for {replies.name(retro)}, or type: {ADD_USAGE}",
        private=True,
        form=Form(
            title="Add a retro card",
            submit_action_id="retro.add.form",
            submit_label="Add card",
            value=str(retro.id),
            inputs=[
                Input("column", "Column", kind="select", choices=[(c, c) for c in retro.columns]),
                Input(
                    "text",
                    "Your card",
                    kind="multiline",
                    placeholder="What should we start, stop…?",
                    max_length=MAX_CARD,
                ),
                Input("anonymous", "Post anonymously", kind="checkbox", optional=True),
            ],
        ),
    )


@routes.command(
    "retro add",
    "Add a card to the open retro (hidden until revealed)",
    usage=ADD_USAGE,
    examples=("retro add stop long status meetings --anon",),
)
async def add(ctx: Context) -> Reply:
    retro = await _target(ctx)
    if not ctx.args.strip():
        return add_form(retro)
    text, anonymous = take_flag(ctx.args, ANON_FLAGS)
    column, rest = match_column(text, retro.columns)
    if column is None:
        first = rest.split(" ", 1)[0]
        raise Refusal(
            f"“{first[:40]}” is not a column of {replies.name(retro)}. Its columns are: "
            f"{', '.join(retro.columns)}. Usage: {ADD_USAGE}. Nothing was added."
        )
    return await _save(ctx, retro, column, rest, anonymous)


@routes.action("retro.add")
async def add_button(ctx: Context) -> Reply:
    return add_form(await button_retro(ctx))


@routes.action("retro.pick")
async def pick(ctx: Context) -> Reply:
    return add_form(await button_retro(ctx))


@routes.action("retro.add.form")
async def add_submit(ctx: Context) -> Reply:
    retro = await button_retro(ctx)
    form = ctx.action.form
    column = next((c for c in retro.columns if c == (form.get("column") or "")), None)
    if column is None:
        raise Refusal(f"Choose one of the columns: {', '.join(retro.columns)}. Nothing was added.")
    return await _save(ctx, retro, column, form.get("text") or "", bool(form.get("anonymous")))


async def _save(ctx: Context, retro: Retro, column: str, text: str, anonymous: bool) -> Reply:
    if retro.status != "collecting":
        raise Refusal(
            f"{replies.Name(retro)} is {replies.STATUS[retro.status]}; cards can be added "
            "only while it collects them. Nothing was added."
        )
    try:
        text = check_card_text(text)
    except RetroInputError as exc:
        raise Refusal(f"{exc} Nothing was added.") from None
    card = await store.add_card(
        ctx.db,
        retro,
        column=column,
        text=text,
        author=ctx.msg.user,
        author_key=author_key(ctx, retro) if anonymous else None,
        anonymous=anonymous,
        now=ctx.now(),
    )
    if card is None:
        raise Refusal(f"{replies.Name(retro)} stopped collecting cards a moment ago. Nothing was added.")
    async with ctx.db.session() as session:
        cards = await store.cards(session, retro.id)
    how = "anonymously: nobody will see who wrote it" if anonymous else "with your name"
    hidden = "" if retro.revealed else " It stays hidden until the facilitator reveals the cards."
    return Reply(
        f"Added card #{card.number} to {column} in {replies.name(retro)}, {how}.{hidden} "
        f"The retro has {replies.counts_line(cards)}. Delete it with retro delete {card.number}.",
        private=True,
    )


@routes.command("retro delete", "Delete a card: your own, or any as facilitator", usage="retro delete N")
async def delete(ctx: Context) -> Reply:
    retro = await _target(ctx)
    number = card_number(ctx.args, "retro delete 3")
    async with ctx.db.session() as session:
        card = await store.card_by_number(session, retro, number) if number else None
    if card is None:
        raise Refusal(f"{replies.Name(retro)} has no card #{number or ctx.args.strip().lstrip('#')[:24]}.")
    if not wrote(ctx, retro, card) and ctx.msg.user != retro.facilitator and not ctx.is_admin:
        raise Refusal(
            f"Only the card's author or the facilitator ({retro.facilitator}) can delete card #{number}. "
            "Nothing was deleted."
        )
    await store.delete_card(ctx.db, card)
    return Reply(f"Deleted card #{number} from {replies.name(retro)} (and any votes on it).", private=True)
