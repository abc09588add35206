"""`improve …`: log an idea in one step, vote, follow it through its lifecycle, find it again."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from bot.core import Form, Input, Reply
from bot.core.identity import pseudonym, pseudonyms, seal
from bot.core.router import Context, Routes
from handlers.ideas import jobs, notify, replies, routing, stats, store
from handlers.ideas.lifecycle import CLOSED, LABELS, NEEDS_COMMENT, OPEN, TRIAGED, parse_status, refusal
from handlers.ideas.text import MAX_DETAILS, IdeaInputError, check, split_title
from handlers.ownership.registry import RegistryCache
from storage.models import Idea

routes = Routes("ideas")
routes.examples.append("improve Share retro templates across teams")
_NUMBER = re.compile(r"#?(\d{1,9})\b\s*(.*)$", re.S)
_STATUS = re.compile(r"#?(\d{1,9})\s+(in[ _-]?progress|\S+)\s*(?:of\s+)?(?:#?(\d{1,9})\b)?\s*(.*)$", re.S | re.I)
USAGE = (
    "improve <your idea> · improve list [status] [area] [mine] · improve show N · improve vote N · "
    "improve unvote N · improve search <words> · improve withdraw N · improve detail N <text> · "
    'improve status N <status> ["comment"] · improve assign N @person · improve stats · improve digest'
)


def _unquote(text: str) -> str:
    return text.strip().strip("\"“”'‘’").strip()


def _scope(idea_id: int | None) -> str:
    return f"idea:{idea_id}:submitter"


def _my_keys(ctx: Context) -> Callable[[int | None], str]:
    """idea id -> the asker's pseudonym as that idea's anonymous submitter."""
    key_of = pseudonyms(ctx.settings, ctx.msg.workspace, ctx.msg.user)
    return lambda idea_id: key_of(_scope(idea_id))


def _is_submitter(ctx: Context, idea: Idea) -> bool:
    """Named: by user id. Anonymous: by the asker's pseudonym for this idea."""
    if idea.submitter_key is None:
        return idea.submitter == ctx.msg.user
    return idea.submitter_key == pseudonym(ctx.settings, ctx.msg.workspace, _scope(idea.id), ctx.msg.user)


def _may_manage(ctx: Context, idea: Idea) -> bool:
    return ctx.is_admin or (idea.owner is not None and idea.owner == ctx.msg.user)


async def _idea(ctx: Context, text: str) -> tuple[Idea | None, str, Reply | None]:
    """The idea named by a leading number (in this workspace only), and the text after it."""
    m = _NUMBER.match(text.strip())
    if not m:
        return (
            None,
            "",
            Reply("Which idea? Give its number, e.g. `improve show 12` (see `improve list`).", private=True),
        )
    async with ctx.db.session() as session:
        idea = await store.get(session, ctx.msg.workspace, int(m[1]))
    if idea is None:
        return None, "", Reply(f"There is no idea #{m[1]} here. See `improve list`.", private=True)
    return idea, m[2].strip(), None


# ------------------------------------------------------------------------------ submitting


@routes.command(
    "improve",
    "Log an improvement idea in one step (or open a form)",
    usage="improve <your idea>",
    examples=("improve Share retro templates across teams",),
)
async def improve(ctx: Context) -> Reply:
    if not ctx.args.strip():
        return await idea_form(ctx)
    return await _submit(ctx, ctx.args, check_similar=True)


@routes.command("improve idea", "Log an idea that starts with one of the command words", usage="improve idea <text>")
async def improve_idea(ctx: Context) -> Reply:
    return await _submit(ctx, ctx.args, check_similar=True)


@routes.command("improve help", "Improvement ideas: what you can do")
async def improve_help(ctx: Context) -> Reply:
    lines = USAGE.split(" · ")
    return Reply("Improvement ideas:\n" + "\n".join(lines), title="Improvement ideas", private=True)


async def idea_form(ctx: Context) -> Reply:
    snapshot = await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)
    areas = sorted(snapshot.index.names.items(), key=lambda item: item[1].lower())  # adapters fit any number
    return Reply(
        "Fill in the idea form, or type: improve <your idea>",
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
    try:
        title = check(form.get("title", ""), limit=300, what="The one-line idea")
        details = (
            check(form["details"], limit=MAX_DETAILS, what="Details") if (form.get("details") or "").strip() else ""
        )
    except IdeaInputError as exc:
        return Reply(f"{exc} Nothing was saved.", private=True)
    return await _submit(
        ctx, title, details=details, area=form.get("area") or "", anonymous=anonymous, check_similar=True
    )


@routes.action("idea.submit")
async def submit_anyway(ctx: Context) -> Reply:
    try:
        draft = json.loads(ctx.action.value)
        title, details, area, anonymous = str(draft["t"]), str(draft["d"]), str(draft["a"]), bool(draft["x"])
    except (ValueError, KeyError, TypeError):
        return Reply("That button has expired. Type your idea again: improve <your idea>", private=True)
    return await _submit(ctx, title, details=details, area=area, anonymous=anonymous, check_similar=False)


async def submit(ctx: Context, title: str, *, details: str = "") -> Reply:
    """Log an idea for the person in `ctx` from another feature (a retro action): the same checks,
    look-alike offer, routing and follow-up as `improve …`."""
    return await _submit(ctx, title, details=details, check_similar=True)


async def _submit(
    ctx: Context, text: str, *, details: str = "", area: str = "", anonymous: bool = False, check_similar: bool
) -> Reply:
    try:
        text = check(text, limit=300 if details else 1000)
    except IdeaInputError as exc:
        return Reply(f"{exc} Nothing was saved.", private=True)
    title, rest = split_title(text)
    details = "\n\n".join(p for p in (rest, details) if p)[:MAX_DETAILS]
    workspace = ctx.msg.workspace
    if check_similar:
        alike = await store.similar(ctx.db, workspace, f"{title} {details}")
        draft = replies.draft_value(title, details, area, anonymous)
        if alike and draft:
            return replies.looks_like(draft, alike, title)
    area_id = int(area) if area.isdigit() else None
    area_name = ""
    if area_id is None:
        area_id, area_name = await routing.area_of(ctx.services, workspace, f"{title} {details}")
    route = await routing.route(ctx.services, ctx.msg.platform, workspace, area_id)
    now = ctx.now()
    user = ctx.msg.user
    idea = await store.create(
        ctx.db,
        Idea(
            workspace=workspace,
            number=0,
            title=title,
            details=details,
            area_id=route.area_id,
            area_name=route.area_name or area_name,
            owner=route.owner,
            submitter=None if anonymous else user,
            anonymous=anonymous,
            reply_to=seal(ctx.settings, user) if anonymous else None,
            platform=ctx.msg.platform,
            channel="" if anonymous else ctx.msg.channel,
            created_at=now,
            updated_at=now,
        ),
        actor=None if anonymous else user,
        submitter_key=_my_keys(ctx) if anonymous else None,
    )
    if route.party:
        where = f"It is about {route.area_name}, so it goes to {route.party} (accountable)."
        reason = f"New idea for {route.area_name}, where {route.party} is accountable"
    else:
        where = "It isn't clearly about one area, so it goes to the PMO's triage queue."
        reason = "New idea for the triage queue (no area matched)"
    ctx.later(notify.announce(ctx.services, idea, route.contact, reason, kind="idea.route"))
    return replies.logged(idea, where)


# ------------------------------------------------------------------------------ reading


@routes.command(
    "improve list",
    "Open ideas, newest first",
    usage="improve list [status] [area] [mine]",
    examples=("improve list", "improve list accepted mine"),
)
async def list_ideas(ctx: Context) -> Reply:
    words = ctx.args.split()
    statuses: tuple[str, ...] = OPEN
    mine = None
    heading = ["open"]
    rest: list[str] = []
    for word in words:
        status = parse_status(word) if word.lower() not in ("in", "progress") else None
        if word.lower() == "all":
            statuses, heading = tuple(LABELS), ["(all)"]
        elif status:
            statuses, heading = (status,), [LABELS[status]]
        elif word.lower() in ("mine", "my"):
            mine = (ctx.msg.user, _my_keys(ctx))
            heading.append("of yours")
        else:
            rest.append(word)
    if " ".join(rest).lower().replace("_", " ") in ("in progress", "in-progress"):
        statuses, heading, rest = ("in_progress",), ["in progress"], []
    area_id = None
    if rest:
        match = (await ctx.own(RegistryCache).snapshot(ctx.db, ctx.msg.workspace)).index.match(" ".join(rest))
        if match.kind != "answer":
            return Reply(
                f"I don't know the area “{' '.join(rest)}”. Try `improve list [status] [area] [mine]`, "
                "e.g. improve list accepted roadmap mine; to log an idea starting with “list”, "
                "write improve idea …",
                private=True,
            )
        area_id = match.best.area_id
        heading.append(f"for {match.best.name}")
    ideas, total = await store.listing(ctx.db, ctx.msg.workspace, statuses=statuses, area_id=area_id, mine=mine)
    return replies.listing(ideas, total, " ".join(heading), "Narrow it down: improve list [status] [area] [mine].")


@routes.command("improve show", "An idea with its history (who, when)", usage="improve show N")
async def show(ctx: Context) -> Reply:
    idea, _, problem = await _idea(ctx, ctx.args)
    if problem:
        return problem
    return replies.card(idea, await store.history(ctx.db, idea.id))


@routes.command("improve search", "Find ideas by their words", usage="improve search <words>")
async def search(ctx: Context) -> Reply:
    if not ctx.args.strip():
        return Reply("Search for what? e.g. improve search retro templates", private=True)
    found = await store.search(ctx.db, ctx.msg.workspace, ctx.args)
    return replies.listing(found, len(found), f"matching “{ctx.args.strip()}”", "")


# ------------------------------------------------------------------------------ votes


@routes.command("improve vote", "Vote for an idea (one vote each)", usage="improve vote N")
async def vote(ctx: Context) -> Reply:
    idea, _, problem = await _idea(ctx, ctx.args)
    return problem or await _vote(ctx, idea, add=True)


@routes.command("improve unvote", "Take your vote back", usage="improve unvote N")
async def unvote(ctx: Context) -> Reply:
    idea, _, problem = await _idea(ctx, ctx.args)
    return problem or await _vote(ctx, idea, add=False)


@routes.action("idea.vote")
async def vote_button(ctx: Context) -> Reply:
    """The Vote button toggles: a second press takes the vote back."""
    idea, _, problem = await _idea(ctx, ctx.action.value)
    if problem:
        return problem
    return await _vote(ctx, idea, add=not await store.has_voted(ctx.db, idea.id, ctx.msg.user))


@routes.action("idea.plus_one")
async def plus_one(ctx: Context) -> Reply:
    idea, _, problem = await _idea(ctx, ctx.action.value)
    if problem:
        return problem
    reply = await _vote(ctx, idea, add=True)
    reply.text += " Your idea was not logged separately."
    return reply


async def _vote(ctx: Context, idea: Idea, *, add: bool) -> Reply:
    if add and idea.status in CLOSED:
        return Reply(f"Idea #{idea.number} is {LABELS[idea.status]}, so it takes no more votes.", private=True)
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
    idea, _, problem = await _idea(ctx, ctx.args)
    return problem or await _withdraw(ctx, idea)


@routes.action("idea.withdraw")
async def withdraw_button(ctx: Context) -> Reply:
    idea, _, problem = await _idea(ctx, ctx.action.value)
    return problem or await _withdraw(ctx, idea)


async def _withdraw(ctx: Context, idea: Idea) -> Reply:
    if not _is_submitter(ctx, idea):
        return Reply(
            f"Only the person who submitted idea #{idea.number} can withdraw it. Nothing was changed.", private=True
        )
    if idea.status in CLOSED:
        return Reply(f"Idea #{idea.number} is already {LABELS[idea.status]}. Nothing was changed.", private=True)
    return await _change_status(ctx, idea, "withdrawn", "", actor=None if idea.anonymous else ctx.msg.user)


@routes.command(
    "improve detail", "Add detail to an idea (its submitter, owner or an admin)", usage="improve detail N <text>"
)
async def detail(ctx: Context) -> Reply:
    idea, text, problem = await _idea(ctx, ctx.args)
    if problem:
        return problem
    return await _add_detail(ctx, idea, text)


@routes.action("idea.detail")
async def detail_button(ctx: Context) -> Reply:
    idea, _, problem = await _idea(ctx, ctx.action.value)
    if problem:
        return problem
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
    idea, _, problem = await _idea(ctx, ctx.action.value)
    if problem:
        return problem
    return await _add_detail(ctx, idea, ctx.action.form.get("details", ""))


async def _add_detail(ctx: Context, idea: Idea, text: str) -> Reply:
    if not (_is_submitter(ctx, idea) or _may_manage(ctx, idea)):
        return Reply(
            f"Only idea #{idea.number}'s submitter, its owner or an admin can add detail. Nothing was changed.",
            private=True,
        )
    try:
        text = check(_unquote(text), limit=1000, what="A detail")
    except IdeaInputError as exc:
        return Reply(f"{exc} Nothing was saved.", private=True)
    details = f"{idea.details}\n\n{text}".strip()
    if len(details) > MAX_DETAILS:
        return Reply(
            f"Idea #{idea.number} already has {len(idea.details):,} characters of detail; "
            f"{MAX_DETAILS:,} is the most. Nothing was saved.",
            private=True,
        )
    actor = None if idea.anonymous and _is_submitter(ctx, idea) else ctx.msg.user
    event = await store.change(
        ctx.db, idea, actor=actor, now=ctx.now(), kind="detail", comment=text[:1000], details=details
    )
    if event is None:
        return Reply(f"Idea #{idea.number} changed while you were writing; nothing was saved. Try again.", private=True)
    return Reply(f"Added detail to idea {replies.label(idea)}.", private=True)


# ------------------------------------------------------------------------------ owners and admins


@routes.command(
    "improve status",
    "Move an idea on (owner or admin); declining needs a reason",
    usage='improve status N <triaged|accepted|in progress|done|declined|duplicate M> ["comment"]',
    examples=('improve status 12 accepted "budget approved"',),
)
async def status(ctx: Context) -> Reply:
    m = _STATUS.match(ctx.args.strip())
    if not m:
        return Reply(
            'Usage: improve status N <status> ["comment"], e.g. improve status 12 accepted "budget approved"',
            private=True,
        )
    idea, _, problem = await _idea(ctx, m[1])
    if problem:
        return problem
    wanted = parse_status(m[2])
    if wanted is None:
        return Reply(
            f"“{m[2]}” is not a status. Use one of: "
            + ", ".join(LABELS[s] for s in LABELS if s != "withdrawn")
            + ". Nothing was changed.",
            private=True,
        )
    comment = m[4] if wanted == "duplicate" else ctx.args.strip()[m.end(2) :]
    return await _status_change(ctx, idea, wanted, _unquote(comment), duplicate_of=m[3])


@routes.action("idea.status")
async def status_button(ctx: Context) -> Reply:
    number, _, wanted = ctx.action.value.partition(":")
    idea, _, problem = await _idea(ctx, number)
    if problem:
        return problem
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
    idea, _, problem = await _idea(ctx, number)
    if problem:
        return problem
    of = (ctx.action.form.get("of") or "").strip().lstrip("#") or None
    return await _status_change(ctx, idea, wanted, ctx.action.form.get("comment", ""), duplicate_of=of)


async def _status_change(
    ctx: Context, idea: Idea, wanted: str, comment: str, *, duplicate_of: str | None = None, replace: bool = False
) -> Reply:
    if wanted not in LABELS:
        return Reply("That button has expired. See `improve show N`.", private=True)
    if not _may_manage(ctx, idea):
        owner = f" (@{idea.owner})" if idea.owner else ""
        return Reply(
            f"Only admins and idea #{idea.number}'s owner{owner} can change its status. Nothing was changed.",
            private=True,
        )
    if why := refusal(idea.status, wanted):
        return Reply(f"Idea #{idea.number} can't become {LABELS[wanted]}: {why} Nothing was changed.", private=True)
    comment = " ".join(comment.split())
    if wanted in NEEDS_COMMENT and not comment:
        return Reply(
            f"Declining idea #{idea.number} needs a reason, which its submitter and voters will read: "
            f'improve status {idea.number} declined "why". Nothing was changed.',
            private=True,
        )
    if len(comment) > 1000:
        return Reply("A comment can be up to 1,000 characters. Nothing was changed.", private=True)
    original = None
    if wanted == "duplicate":
        if not duplicate_of or not duplicate_of.isdigit():
            return Reply(
                f"Duplicate of which idea? e.g. improve status {idea.number} duplicate 7. Nothing was changed.",
                private=True,
            )
        async with ctx.db.session() as session:
            original = await store.get(session, ctx.msg.workspace, int(duplicate_of))
        if original is None or original.id == idea.id or original.status in ("duplicate", "withdrawn"):
            return Reply(
                f"Idea #{duplicate_of} can't be the original: it doesn't exist here, is this idea, or is "
                "itself a duplicate or withdrawn. Nothing was changed.",
                private=True,
            )
    return await _change_status(ctx, idea, wanted, comment, actor=ctx.msg.user, original=original, replace=replace)


async def _change_status(
    ctx: Context,
    idea: Idea,
    wanted: str,
    comment: str,
    *,
    actor: str | None,
    original: Idea | None = None,
    replace: bool = False,
) -> Reply:
    now = ctx.now()
    values = {}
    if wanted in TRIAGED and idea.triaged_at is None:
        values["triaged_at"] = now
    if wanted == "done":
        values["done_at"] = now
    if original is not None:
        values["duplicate_of"] = original.number
    event = await store.change(
        ctx.db,
        idea,
        actor=actor,
        now=now,
        kind="status",
        to_status=wanted,
        comment=comment,
        merge_into=original,
        **values,
    )
    if event is None:
        return Reply(
            f"Idea #{idea.number} was changed by someone else a moment ago; nothing was changed. "
            f"See `improve show {idea.number}`.",
            private=True,
        )
    ctx.later(notify.tell_followers(ctx.services, idea, event, actor=(ctx.msg.platform, ctx.msg.user)))
    text = f"Idea {replies.label(idea)} is now {LABELS[wanted]}" + (f" of #{original.number}" if original else "")
    text += (f": “{comment}”." if comment else ".") + " Its submitter and voters are being told."
    if replace:
        reply = replies.notice(idea, text)
        reply.replace, reply.notice = True, text
        return reply
    return Reply(text, private=True)


@routes.command(
    "improve assign", "Give an idea an owner (admins, or its current owner)", usage="improve assign N @person"
)
async def assign(ctx: Context) -> Reply:
    idea, rest, problem = await _idea(ctx, ctx.args)
    if problem:
        return problem
    person = ctx.msg.person_in(rest)
    if person is None:
        return Reply(
            f"Assign idea #{idea.number} to whom? Mention them: improve assign {idea.number} @sam", private=True
        )
    if not _may_manage(ctx, idea):
        return Reply(f"Only admins and idea #{idea.number}'s owner can assign it. Nothing was changed.", private=True)
    if idea.status in CLOSED:
        return Reply(
            f"Idea #{idea.number} is {LABELS[idea.status]}; it needs no owner now. Nothing was changed.", private=True
        )
    owner = person.id
    event = await store.change(
        ctx.db, idea, actor=ctx.msg.user, now=ctx.now(), kind="assigned", comment="", owner=owner
    )
    if event is None:
        return Reply(
            f"Idea #{idea.number} was changed by someone else a moment ago; nothing was changed.", private=True
        )
    ctx.later(notify.tell_followers(ctx.services, idea, event, actor=(ctx.msg.platform, ctx.msg.user)))
    return Reply(
        f"Idea {replies.label(idea)} now belongs to @{owner}. They can change its status.",
        private=True,
        mentions=[owner],
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
