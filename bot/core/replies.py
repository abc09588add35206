"""What a handler answers: a rich, platform-neutral message.

All text in a `Reply` is plain text: renderers escape it for their platform, so user input can
never turn into markup, mentions or pings. Emphasis is structural (titles, field labels), not inline.

A reply may be as long as its content: each adapter fits it to its platform's limits (splitting it
over several messages where it must, between sections and lines), so handlers never count blocks,
bytes or characters for a platform.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal


@dataclass(slots=True)
class Field:
    label: str
    value: str
    at: datetime | None = None  # a moment: platforms that can show it in the viewer's time zone do


@dataclass(slots=True)
class Section:
    text: str = ""
    heading: str | None = None
    fields: list[Field] = field(default_factory=list)


MAX_VALUE = 1900  # characters of a Button's (or Form's) value that every adapter carries back unchanged


@dataclass(slots=True)
class Button:
    """`value` comes back with the press; up to MAX_VALUE characters of it on every platform, so
    state longer than that (a draft) must not travel in a button."""

    text: str
    action_id: str
    value: str = ""
    style: Literal["primary", "danger"] | None = None


@dataclass(slots=True)
class Input:
    name: str
    label: str
    kind: Literal["text", "multiline", "select", "checkbox"] = "text"
    optional: bool = False
    placeholder: str = ""
    initial: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    max_length: int | None = None  # text inputs: the most the feature accepts (platforms cap it at their own)


@dataclass(slots=True)
class Form:
    """A form the user fills in; submitting it arrives as an Action with `form` filled."""

    title: str
    submit_action_id: str
    inputs: list[Input]
    submit_label: str = "Submit"
    value: str = ""  # opaque state carried back with the submission (up to MAX_VALUE characters)


@dataclass(slots=True)
class Attachment:
    """A file that goes with a reply (a chart); shown inline where the platform can."""

    name: str
    data: bytes = field(repr=False)
    mime: str
    title: str = ""


@dataclass(slots=True)
class Reply:
    """A rich, platform-neutral message. `text` is the plain fallback and is always set.

    A handler may return the same Reply again (cached answers), so a reply is finished once a
    handler returns it: adapters and callers read it and never change it."""

    text: str
    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    form: Form | None = None
    private: bool = False  # only the asker should see it, where the platform can do that
    replace: bool = False  # an answer to a button that updates the message the button was on
    notice: str = ""  # with `replace`: a line for the person who pressed the button only
    mentions: list[str] = field(default_factory=list)  # user ids to notify, shown after the text
    files: list[Attachment] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["files"] = [{"name": f.name, "mime": f.mime, "title": f.title, "bytes": len(f.data)} for f in self.files]
        return out
