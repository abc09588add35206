"""The console adapter: one person typing to the bot, for trying it out and for scripted tests.

Numbers choose from the last reply's buttons; a form is filled in one answer per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.adapters.console.sender import ConsoleSender
from bot.core import Action, Button, Form, Incoming, Mention, Reply
from bot.core.host import Core
from bot.core.ids import parse_number

PLATFORM = "console"
# The console has no markup: a typed @user-id or #channel is the mention (it is the operator's own bot).
_MENTION = re.compile(r"(?<![\w@#])([@#])([\w-]+(?:\.[\w-]+)*)")


def mentions(text: str) -> dict[str, tuple[Mention, ...]]:
    found = {"@": [], "#": []}
    for m in _MENTION.finditer(text):
        found[m[1]].append(Mention(m[2], m[2], m[0]))
    return {"people": tuple(found["@"]), "channels": tuple(found["#"])}


@dataclass
class _FormInProgress:
    form: Form
    values: dict[str, str] = field(default_factory=dict)

    @property
    def current(self):
        return self.form.inputs[len(self.values)]


class ConsoleSession:
    """One person at the terminal, talking in `channel` (or, with `direct`, to the bot alone).
    The bot's own posts go to the console's outbox unless one is registered already."""

    def __init__(
        self,
        bot: Core,
        *,
        workspace: str = "local",
        channel: str = "console",
        user: str = "console-user",
        direct: bool = False,
    ):
        self.bot = bot
        self.workspace, self.channel, self.user, self.direct = workspace, channel, user, direct
        bot.senders.setdefault(PLATFORM, ConsoleSender())
        self._buttons: list[Button] = []
        self._form: _FormInProgress | None = None

    def _base(self) -> dict[str, object]:
        return {
            "platform": PLATFORM,
            "workspace": self.workspace,
            "channel": self.channel,
            "user": self.user,
            "direct": self.direct,
            "addressed": True,
        }

    def offer(self, reply: Reply) -> None:
        """Make a message the bot posted on its own (an announcement, a DM) the one whose buttons
        a typed number chooses, as its reply's are."""
        self._buttons = list(reply.buttons)

    @property
    def expects_input(self) -> bool:
        """True while a form is being filled in (an empty line then means "skip")."""
        return self._form is not None

    async def send(self, line: str) -> list[Reply]:
        """One line typed by the user → the replies to show."""
        line = line.strip()
        if self._form:
            return await self._fill(line)
        choice = parse_number(line, 0, 999_999) if self._buttons else None  # ASCII digits: "²" is text
        if choice is not None:
            if not 1 <= choice <= len(self._buttons):
                return [Reply(f"Choose a number from 1 to {len(self._buttons)}, or type a new question.")]
            button = self._buttons[choice - 1]
            msg: Incoming = Action(**self._base(), text=button.text, action_id=button.action_id, value=button.value)
        else:
            msg = Incoming(**self._base(), text=line, **mentions(line))
        return await self._dispatch(msg)

    async def _dispatch(self, msg: Incoming) -> list[Reply]:
        reply = await self.bot.handle(msg)
        if reply is None:
            return []
        self._buttons = list(reply.buttons)
        if reply.form and reply.form.inputs:
            self._form = _FormInProgress(reply.form)
            return [reply, self._prompt()]
        return [reply]

    def _prompt(self) -> Reply:
        assert self._form
        item = self._form.current
        hint = " (optional)" if item.optional else ""
        if item.kind == "select":
            hint += " " + ", ".join(f"{i}={label}" for i, (_, label) in enumerate(item.choices, 1))
        elif item.kind == "checkbox":
            hint += " (yes/no)"
        if item.initial:  # a form filled in with current values: keep them unless retyped
            hint += f" [now: {item.initial}; an empty line keeps it" + (", “-” clears it]" if item.optional else "]")
        return Reply(f"{item.label}{hint}:")

    async def _fill(self, line: str) -> list[Reply]:
        assert self._form
        if line.lower() == "cancel":
            self._form = None
            return [Reply("Cancelled. Nothing was saved.")]
        item = self._form.current
        keep = item.initial and not line  # an empty line keeps a value the form was filled in with
        if item.initial and line == "-" and item.optional:
            line = ""
        if not line and not item.optional and not keep:
            return [Reply(f"“{item.label}” is required (or type “cancel”)."), self._prompt()]
        value = line
        if keep:
            value = item.initial
        elif item.kind == "select" and line:
            index = (parse_number(line, 1, len(item.choices)) or 0) - 1
            if index < 0:
                return [Reply(f"Choose a number from 1 to {len(item.choices)}."), self._prompt()]
            value = item.choices[index][0]
        elif item.kind == "checkbox":
            value = "true" if line.lower() in ("y", "yes", "true", "1") else ""
        self._form.values[item.name] = value
        if len(self._form.values) < len(self._form.form.inputs):
            return [self._prompt()]
        form, self._form = self._form, None
        action = Action(**self._base(), action_id=form.form.submit_action_id, value=form.form.value, form=form.values)
        return await self._dispatch(action)
