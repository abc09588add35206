"""What can happen to an idea, apart from how it was asked for: submit, change its status, withdraw,
assign, add detail. `improve …` commands, buttons and forms call these, and so does another
feature (a retro action escalated into an idea). A refusal is raised (`Refusal`) and nothing is
changed; what happened is returned for the caller to show (handlers/ideas/replies.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core import Reply
from bot.core.identity import pseudonym, pseudonyms, seal
from bot.core.ids import parse_id
from bot.core.router import Context, Refusal
from handlers.ideas import notify, replies, routing, store
from handlers.ideas.lifecycle import CLOSED, LABELS, NEEDS_COMMENT, TRIAGED, refusal
from handlers.ideas.text import MAX_DETAILS, MAX_IDEA, IdeaInputError, check, split_title
from storage.models import Idea, IdeaEvent

if TYPE_CHECKING:
    from bot.core.ports import Services

MAX_COMMENT = 1000
_DIGITS = re.compile(r"#?[0-9]+", re.ASCII)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts on ideas, and from where."""

    platform: str
    workspace: str
    user: str
    channel: str = ""
    admin: bool = False

    @classmethod
    def of(cls, ctx: Context) -> Actor:
        return cls(ctx.msg.platform, ctx.msg.workspace, ctx.msg.user, ctx.msg.channel, ctx.is_admin)


@dataclass(slots=True)
class Submission:
    """The idea logged, or (nothing saved yet) the open ideas it looks like and the draft to log anyway."""

    idea: Idea | None = None
    where: str = ""  # where the idea went (its area's owner, or the triage queue)
    alike: list[Idea] = field(default_factory=list)
    title: str = ""
    draft: str = ""  # the idea as the "Log mine anyway" button carries it

    def reply(self) -> Reply:
        if self.idea is None:
            return replies.looks_like(self.draft, self.alike, self.title)
        return replies.logged(self.idea, self.where)


# ------------------------------------------------------------------------------ finding and who is who


def _scope(idea_id: int | None) -> str:
    return f"idea:{idea_id}:submitter"


def my_keys(services: Services, actor: Actor) -> Callable[[int | None], str]:
    """idea id -> the actor's pseudonym as that idea's anonymous submitter."""
    key_of = pseudonyms(services.settings, actor.workspace, actor.user)
    return lambda idea_id: key_of(_scope(idea_id))


def is_submitter(services: Services, actor: Actor, idea: Idea) -> bool:
    """Named: by user id. Anonymous: by the actor's pseudonym for this idea."""
    if idea.submitter_key is None:
        return idea.submitter == actor.user
    return idea.submitter_key == pseudonym(services.settings, actor.workspace, _scope(idea.id), actor.user)


def may_manage(actor: Actor, idea: Idea) -> bool:
    return actor.admin or (idea.owner is not None and idea.owner == actor.user)


async def find(services: Services, workspace: str, number: str | int | None) -> Idea:
    """The idea with this number in this workspace, or a refusal that says there is none. Numbers
    are ASCII digits that fit a database integer; a longer one names no idea."""
    found = number if isinstance(number, int) else parse_id(number)
    if found is None:
        shown = str(number or "").strip()
        if _DIGITS.fullmatch(shown):  # digits, but more than any idea number
            raise Refusal(f"There is no idea #{shown.lstrip('#')[:24]} here. See `improve list`.")
        raise Refusal(f"Which idea? “{shown[:40]}” is not an idea number: give its number, e.g. 12.")
    async with services.db.session() as session:
        idea = await store.get(session, workspace, found)
    if idea is None:
        raise Refusal(f"There is no idea #{found} here. See `improve list`.")
    return idea


# ------------------------------------------------------------------------------ submitting


async def submit(
    services: Services,
    actor: Actor,
    text: str,
    *,
    details: str = "",
    area_id: int | None = None,
    anonymous: bool = False,
    check_similar: bool = True,
) -> Submission:
    """Log an idea: checked, compared with open ideas (unless `check_similar` is off), routed to the
    owner of its area (or the triage queue), with a notice sent after the reply."""
    try:
        text = check(text, limit=300 if details else MAX_IDEA)
        details = check(details, limit=MAX_DETAILS, what="Details", hint="") if details.strip() else ""
    except IdeaInputError as exc:
        raise Refusal(f"{exc} Nothing was saved.") from None
    title, rest = split_title(text)
    details = "\n\n".join(p for p in (rest, details) if p)[:MAX_DETAILS]
    workspace = actor.workspace
    if check_similar:
        alike = await store.similar(services.db, workspace, f"{title} {details}")
        draft = replies.draft_value(title, details, area_id, anonymous)
        if alike and draft:
            return Submission(alike=alike, title=title, draft=draft)
    area_name = ""
    if area_id is None:
        area_id, area_name = await routing.area_of(services, workspace, f"{title} {details}")
    route = await routing.route(services, actor.platform, workspace, area_id)
    now = services.clock()
    idea = await store.create(
        services.db,
        Idea(
            workspace=workspace,
            number=0,
            title=title,
            details=details,
            area_id=route.area_id,
            area_name=route.area_name or area_name,
            owner=route.owner,
            submitter=None if anonymous else actor.user,
            anonymous=anonymous,
            reply_to=seal(services.settings, actor.user) if anonymous else None,
            platform=actor.platform,
            channel="" if anonymous else actor.channel,
            created_at=now,
            updated_at=now,
        ),
        actor=None if anonymous else actor.user,
        submitter_key=my_keys(services, actor) if anonymous else None,
    )
    if route.party:
        where = f"It is about {route.area_name}, so it goes to {route.party} (accountable)."
        reason = f"New idea for {route.area_name}, where {route.party} is accountable"
    else:
        where = "It isn't clearly about one area, so it goes to the PMO's triage queue."
        reason = "New idea for the triage queue (no area matched)"
    services.later(notify.announce(services, idea, route.contact, reason, kind="idea.route"))
    return Submission(idea=idea, where=where)


# ------------------------------------------------------------------------------ the lifecycle


async def change_status(
    services: Services,
    actor: Actor,
    idea: Idea,
    wanted: str,
    comment: str = "",
    *,
    duplicate_of: str | int | None = None,
) -> tuple[IdeaEvent, Idea | None]:
    """Move an idea on (its owner or an admin): the step must go forwards, declining needs a
    reason, a duplicate names its original. Followers are told after the reply. Returns the
    history entry and, for a duplicate, the original."""
    if wanted not in LABELS:
        raise Refusal("That button has expired. See `improve show N`.")
    if not may_manage(actor, idea):
        owner = f" (@{idea.owner})" if idea.owner else ""
        raise Refusal(f"Only admins and idea #{idea.number}'s owner{owner} can change its status. Nothing was changed.")
    if why := refusal(idea.status, wanted):
        raise Refusal(f"Idea #{idea.number} can't become {LABELS[wanted]}: {why} Nothing was changed.")
    comment = " ".join(comment.split())
    if wanted in NEEDS_COMMENT and not comment:
        raise Refusal(
            f"Declining idea #{idea.number} needs a reason, which its submitter and voters will read: "
            f'improve status {idea.number} declined "why". Nothing was changed.'
        )
    if len(comment) > MAX_COMMENT:
        raise Refusal(f"A comment can be up to {MAX_COMMENT:,} characters. Nothing was changed.")
    original = None
    if wanted == "duplicate":
        if duplicate_of is None or str(duplicate_of).strip() == "":
            raise Refusal(
                f"Duplicate of which idea? e.g. improve status {idea.number} duplicate 7. Nothing was changed."
            )
        original = await find(services, actor.workspace, duplicate_of)
        if original.id == idea.id or original.status in ("duplicate", "withdrawn"):
            raise Refusal(
                f"Idea #{original.number} can't be the original: it is this idea, or itself a duplicate "
                "or withdrawn. Nothing was changed."
            )
    event = await _move(services, actor, idea, wanted, comment, actor=actor.user, original=original)
    return event, original


async def withdraw(services: Services, actor: Actor, idea: Idea) -> IdeaEvent:
    """The submitter takes their idea back (anonymously, if it was anonymous)."""
    if not is_submitter(services, actor, idea):
        raise Refusal(f"Only the person who submitted idea #{idea.number} can withdraw it. Nothing was changed.")
    if idea.status in CLOSED:
        raise Refusal(f"Idea #{idea.number} is already {LABELS[idea.status]}. Nothing was changed.")
    return await _move(services, actor, idea, "withdrawn", "", actor=None if idea.anonymous else actor.user)


async def _move(
    services: Services,
    who: Actor,
    idea: Idea,
    wanted: str,
    comment: str,
    *,
    actor: str | None,
    original: Idea | None = None,
) -> IdeaEvent:
    now = services.clock()
    values = {}
    if wanted in TRIAGED and idea.triaged_at is None:
        values["triaged_at"] = now
    if wanted == "done":
        values["done_at"] = now
    if original is not None:
        values["duplicate_of"] = original.number
    event = await store.change(
        services.db,
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
        raise Refusal(
            f"Idea #{idea.number} was changed by someone else a moment ago; nothing was changed. "
            f"See `improve show {idea.number}`."
        )
    services.later(notify.tell_followers(services, idea, event, actor=(who.platform, who.user)))
    return event


async def assign(services: Services, actor: Actor, idea: Idea, owner: str) -> IdeaEvent:
    """Give an open idea a new owner (an admin, or its current owner). The new owner gets a DM
    with the idea and its next steps; its followers hear about it too."""
    if not may_manage(actor, idea):
        raise Refusal(f"Only admins and idea #{idea.number}'s owner can assign it. Nothing was changed.")
    if idea.status in CLOSED:
        raise Refusal(f"Idea #{idea.number} is {LABELS[idea.status]}; it needs no owner now. Nothing was changed.")
    if owner == idea.owner:
        raise Refusal(f"Idea #{idea.number} already belongs to @{owner}. Nothing was changed.")
    event = await store.change(
        services.db, idea, actor=actor.user, now=services.clock(), kind="assigned", comment="", owner=owner
    )
    if event is None:
        raise Refusal(f"Idea #{idea.number} was changed by someone else a moment ago; nothing was changed.")
    who = (actor.platform, actor.user)
    services.later(notify.tell_owner(services, idea, event, by=actor.user, actor=who))
    services.later(notify.tell_followers(services, idea, event, actor=who, skip=(actor.platform, owner)))
    return event


async def add_detail(services: Services, actor: Actor, idea: Idea, text: str) -> IdeaEvent:
    """Its submitter, owner or an admin adds to an idea's details (up to MAX_DETAILS in all)."""
    if not (is_submitter(services, actor, idea) or may_manage(actor, idea)):
        raise Refusal(
            f"Only idea #{idea.number}'s submitter, its owner or an admin can add detail. Nothing was changed."
        )
    if not text.strip():
        raise Refusal(f"What should I add to idea #{idea.number}? Write the detail after its number.")
    room = MAX_DETAILS - len(idea.details) - (2 if idea.details else 0)
    if room <= 0:
        raise Refusal(
            f"Idea #{idea.number} already has {len(idea.details):,} characters of detail, the most it can hold. "
            "Nothing was saved."
        )
    hint = (
        "Shorten it, or split it in parts."
        if room == MAX_DETAILS
        else f"Idea #{idea.number} has room for {room:,} more characters of detail."
    )
    try:
        text = check(text, limit=min(room, MAX_DETAILS), what="A detail", hint=hint)
    except IdeaInputError as exc:
        raise Refusal(f"{exc} Nothing was saved.") from None
    actor_id = None if idea.anonymous and is_submitter(services, actor, idea) else actor.user
    event = await store.change(
        services.db,
        idea,
        actor=actor_id,
        now=services.clock(),
        kind="detail",
        comment=text[:MAX_COMMENT],
        details=f"{idea.details}\n\n{text}".strip(),
    )
    if event is None:
        raise Refusal(f"Idea #{idea.number} changed while you were writing; nothing was saved. Try again.")
    return event
