"""Replies as readable terminal text. Buttons become numbered choices the user can type."""

from __future__ import annotations

import unicodedata

from bot.core import Reply

WIDTH = 72


def safe(text: str) -> str:
    """Drop control characters (ANSI escapes included) from text that may come from users."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def render(reply: Reply) -> str:
    lines: list[str] = [safe(reply.notice)] if reply.notice else []
    if reply.title:
        title = safe(reply.title)
        lines.append(f"── {title} " + "─" * max(3, WIDTH - len(title) - 4))
    if not reply.sections:
        lines.append(safe(reply.text))
    for section in reply.sections:
        if section.heading:
            lines.append(safe(section.heading) + ":")
        if section.text:
            lines.append(safe(section.text))
        width = max((len(f.label) for f in section.fields), default=0)
        lines.extend(f"  {safe(f.label).ljust(width)}  {safe(f.value)}" for f in section.fields)
    for file in reply.files:
        lines.append(
            f"[file: {safe(file.name)}, {len(file.data) / 1024:.0f} KB{' — ' + safe(file.title) if file.title else ''}]"
        )
    if reply.buttons:
        lines.append("  ".join(f"[{i}] {safe(b.text)}" for i, b in enumerate(reply.buttons, 1)))
        lines.append("(type a number to choose)")
    if reply.form:
        lines.append(
            f"{safe(reply.form.title)}: answer each question; an empty line skips an optional one, “cancel” stops."
        )
    return "\n".join(lines)
