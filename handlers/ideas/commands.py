"""`improve …`: log an idea in one step, vote, find it again, manage your own. Owners' and admins'
commands are in manage.py; what each command does to an idea is in service.py."""

from __future__ import annotations

import json
import re

from bot.core import Form, Input, Reply, Section
from bot.core.ids import parse_id
from bot.core.router import Context, Refusal, Routes
from handlers.ideas import replies, service, store
from handlers.ideas.lifecycle import CLOSED, LABELS
from handlers.ideas.listing import list_reply
from handlers.ideas.service import Actor
from handlers.ideas.text import MAX_DETAILS, take_anon, unquote
from handlers.ownership.registry import RegistryCache
from storage.models import Idea

routes = Routes("ideas")
routes.examples.append("improve Share retro templates across teams")
_FIRST = re.compile(r"(\S*)\s*(.*)$", re.S)


async def idea_arg(ctx: Context, text: str) -> tuple[Idea, str]:
    """The idea named by the first word of `text` (in this workspace only) and the text after it;
    a refusal when there is none."""
    first, rest = _FIRST.match(text.strip()).groups()
    if not first:
        raise Refusal("Which idea? Give its number, e.g. 12 (see `improve list`).")
    return await service.find(ctx.services, ctx.msg.workspace, first), rest.strip()


# ------------------------------------------------------------------------------ submitting


@routes.command(
    "improve",
    "Log an improvement idea in one step (--anon: without your name), or open a form",
    usage="improve <your idea> [--anon]",
    examples=("improve Share retro templates across teams", "improve Fewer approval steps --anon"),
)
async def improve(ctx: Context) -> Reply:
    if not ctx.args.strip():
        return await idea_form(ctx)
    return await _submit_typed(ctx)


@routes.command(
    "improve idea",
    "Log an idea that starts with one of the command words",
    usage="improve idea <text> [--anon]",
)
async def improve_idea(ctx: Context) -> Reply:
    return await _submit_typed(ctx)


async def _submit_typed(ctx: Context) -> Reply:
    text, anonymous = take_anon(ctx.args)
    done = await service.submit(ctx.services, Actor.of(ctx), text, anonymous=anonymous)
    return done.reply()


@routes.command("improve help", "Improvement ideas: every command, anonymity and triage")
async def improve_help(ctx: Context) -> Reply:
    commands = [c for c in ctx.router.commands if c.words.split()[0] == "improve" and (ctx.is_admin or not c.admin)]
    lines = [f"• {c.usage} — {c.summary}" + (" (admins)" if c.admin else "") for c in commands]
    notes = (
        "Anonymous: add --anon to a one-line idea, or tick the box in the form (`improve` alone). Your name is "
        "not stored or shown; you still hear about every change, and can withdraw it or add detail.\n"
        "Triage: each idea goes to the Accountable party of the area it is about, who becomes its owner when "
        "that party is a person. Ideas that match no area, or wait too long, go to the PMO's triage queue "
        "(`improve triage`). Only admins and an idea's owner change its status or assign it; steps can be "
        "skipped forwards (new → in progress), never taken back."
    )
    return Reply(
        "Improvement ideas:\n" + "\n".join(lines) + "\n" + notes,
        title="Improvement ideas",
        private=True,
        sections=[Section(text="\n".join(lines)), Section(text=notes)],
    )


async def idea_form(ctx: Context) -> Reply:
    snapshot = await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)
    areas = sorted(snapshot.index.names.items(), key=lambda item: item[1].lower())  # adapters fit any number
    return Reply(
        "Fill in the idea form, or type: improve <your idea> [--anon]",
        form=Form(
            title="Log an improvement idea",
            submit_action_id="idea.form",
            submit_label="Log idea",
            inputs=[
                Input(
                    "title", "Your idea in one line", placeholder="Share retro templates across teams", max_length=300
                ),
                Input(
                    "details",
                    "Details",
                    kind="multiline",
                    optional=True,
                    placeholder="What would change, for whom?",
                    max_length=MAX_DETAILS,
                ),
                Input("area", "Area", kind="select", optional=True, choices=[(str(i), n) for i, n in areas]),
                Input("anonymous", "Submit anonymously", kind="checkbox", optional=True),
            ],
        ),
    )


@routes.action("idea.form")
async def idea_form_submit(ctx: Context) -> Reply:
    form = ctx.action.form
    anonymous = (form.get("anonymous") or "").lower() in ("true", "yes", "y", "1", "on")
    done = await service.submit(
        ctx.services,
        Actor.of(ctx),
        form.get("title") or "",
        details=form.get("details") or "",
        area_id=parse_id(form.get("area")),
        anonymous=anonymous,
    )
    return done.reply()


@routes.action("idea.submit")
async def submit_anyway(ctx: Context) -> Reply:
    try:
        draft = json.loads(ctx.action.value)
        title, details, anonymous = str(draft["t"]), str(draft["d"]), bool(draft["x"])
        area_id = parse_id(str(draft["a"])) if draft["a"] is not None else None
    except (ValueError, KeyError, TypeError):
        raise Refusal("That button has expired. Type your idea again: improve <your idea>") from None
    done = await service.submit(
        ctx.services, Actor.of(ctx), title, details=details, area_id=area_id, anonymous=anonymous, check_similar=False
    )
    return done.reply()


# ------------------------------------------------------------------------------ reading


@routes.command(
    "improve list",
    "Open ideas, newest first (or most votes first), a page at a time",
    usage="improve list [status] [area] [mine] [by votes] [page N]",
    examples=("improve list", "improve list accepted mine", "improve list by votes page 2"),
)
async def list_ideas(ctx: Context) -> Reply:
    return await list_reply(ctx, ctx.args)


@routes.action("idea.list")
async def list_page(ctx: Context) -> Reply:
    return await list_reply(ctx, ctx.action.value[:500])


@routes.command("improve show", "An idea with its history (who, when)", usage="improve show N")
async def show(ctx: Context) -> Reply:
    idea, _ = await idea_arg(ctx, ctx.args)
    return replies.card(idea, await store.history(ctx.db, idea.id))


@routes.command("improve search", "Find ideas by their words", usage="improve search <words>")
async def search(ctx: Context) -> Reply:
    if not ctx.args.strip():
        raise Refusal("Search for what? e.g. improve search retro templates")
    found = await store.search(ctx.db, ctx.msg.workspace, ctx.args)
    return replies.listing(found, len(found), f"matching “{ctx.args.strip()}”", "")


# ------------------------------------------------------------------------------ votes


@routes.command("improve vote", "Vote for an idea (one vote each)", usage="improve vote N")
async def vote(ctx: Context) -> Reply:
    idea, _ = await idea_arg(ctx, ctx.args)
    return await _vote(ctx, idea, add=True)


@routes.command("improve unvote", "Take your vote back", usage="improve unvote N")
async def unvote(ctx: Context) -> Reply:
    idea, _ = await idea_arg(ctx, ctx.args)
    return await _vote(ctx, idea, add=False)


@routes.action("idea.vote")
async def vote_button(ctx: Context) -> Reply:
    """The Vote button toggles: a second press takes the vote back."""
    idea = await service.find(ctx.services, ctx.msg.workspace, ctx.action.value)
    return await _vote(ctx, idea, add=not await store.has_voted(ctx.db, idea.id, ctx.msg.user))


@routes.action("idea.plus_one")
async def plus_one(ctx: Context) -> Reply:
    idea = await service.find(ctx.services, ctx.msg.workspace, ctx.action.value)
    reply = await _vote(ctx, idea, add=True)
    reply.text += " Your idea was not logged separately."
    return reply


async def _vote(ctx: Context, idea: Idea, *, add: bool) -> Reply:
    if add and idea.status in CLOSED:
        raise Refusal(f"Idea #{idea.number} is {LABELS[idea.status]}, so it takes no more votes.")
    changed = await store.vote(ctx.db, idea, ctx.msg.user, ctx.msg.platform, add=add)
    count = f"It has {idea.votes} vote{'s' if idea.votes != 1 else ''}."
    if add:
        text = (
            f"You voted for idea {replies.label(idea)}. {count}"
            if changed
            else f"You have already voted for idea #{idea.number}: one vote each. {count} "
            f"(`improve unvote {idea.number}` takes it back.)"
        )
        if changed:
            text += " I'll tell you when its status changes."
    else:
        text = (
            f"Your vote for idea #{idea.number} is taken back. {count}"
            if changed
            else f"You had not voted for idea #{idea.number}. {count}"
        )
    return Reply(text, private=True)


# ------------------------------------------------------------------------------ the submitter's own changes


@routes.command("improve withdraw", "Withdraw your own idea", usage="improve withdraw N")
async def withdraw(ctx: Context) -> Reply:
    idea, _ = await idea_arg(ctx, ctx.args)
    return await _withdraw(ctx, idea)


@routes.action("idea.withdraw")
async def withdraw_button(ctx: Context) -> Reply:
    return await _withdraw(ctx, await service.find(ctx.services, ctx.msg.workspace, ctx.action.value))


async def _withdraw(ctx: Context, idea: Idea) -> Reply:
    await service.withdraw(ctx.services, Actor.of(ctx), idea)
    return Reply(
        f"Idea {replies.label(idea)} is now withdrawn. Its voters are being told.",
        private=True,
    )


@routes.command(
    "improve detail",
    f"Add detail to an idea, up to {MAX_DETAILS:,} characters (its submitter, owner or an admin)",
    usage="improve detail N <text>",
)
async def detail(ctx: Context) -> Reply:
    idea, text = await idea_arg(ctx, ctx.args)
    return await _add_detail(ctx, idea, unquote(text))


@routes.action("idea.detail")
async def detail_button(ctx: Context) -> Reply:
    idea = await service.find(ctx.services, ctx.msg.workspace, ctx.action.value)
    return Reply(
        f"Add detail to idea #{idea.number}",
        form=Form(
            title=f"Idea #{idea.number}: add detail",
            submit_action_id="idea.detail_form",
            value=str(idea.number),
            inputs=[Input("details", "Detail to add", kind="multiline", max_length=MAX_DETAILS)],
        ),
    )


@routes.action("idea.detail_form")
async def detail_form(ctx: Context) -> Reply:
    idea = await service.find(ctx.services, ctx.msg.workspace, ctx.action.value)
    return await _add_detail(ctx, idea, ctx.action.form.get("details") or "")


async def _add_detail(ctx: Context, idea: Idea, text: str) -> Reply:
    await service.add_detail(ctx.services, Actor.of(ctx), idea, text)
    return Reply(f"Added detail to idea {replies.label(idea)}.", private=True)
