"""`pmo-bot teams-package`: the zip an admin uploads to Teams (manifest.json + two icons).

Icons are drawn here when none are given (a ring on the accent colour; a white ring on
transparency for the outline), written as PNG with zlib+struct so no imaging library is needed.
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.core.router import CommandInfo

MANIFEST_VERSIONS = ("1.25", "1.17")  # both schemas are in ../shared/platform-data
ACCENT = (0x2F, 0x55, 0x97)
SCOPES = ["personal", "team", "groupChat"]
COLOR_SIZE, OUTLINE_SIZE = 192, 32
MAX_COMMANDS = 10  # Teams shows at most 10 commands per scope
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
Pixel = tuple[int, int, int, int]


class PackageError(ValueError):
    pass


# ------------------------------------------------------------------------------- manifest


def bot_commands(infos: Iterable[CommandInfo]) -> list[dict[str, str]]:
    """What users can type, from the router's commands: the questions, then one entry per command
    word (`meetup` stands for `meetup list`, `meetup rsvp` …), admin-only commands left out."""
    commands = {
        "who owns": "Who owns an area, e.g. who owns the enterprise roadmap?",
        "what does": "What a team owns, e.g. what does the PMO own?",
    }
    subcommands: dict[str, list[str]] = {}
    for info in infos:
        if info.admin:
            continue
        first, *rest = info.words.split()
        if rest:
            subcommands.setdefault(first, []).append(" ".join(rest))
        else:
            commands.setdefault(first, info.summary)
    for first, rest in subcommands.items():
        also = f"{first} {', '.join(rest)}"
        commands[first] = f"{commands[first]} ({also})" if first in commands else also
    return [{"title": clip(title, 32), "description": clip(text, 128)} for title, text in commands.items()][
        :MAX_COMMANDS
    ]


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word boundary with "…" (and a bracket it
    left open closed again), never in the middle of a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]  # room for "…" and a closing bracket
    if " " in cut and cut[-1].isalnum() and text[limit - 2].isalnum():  # in the middle of a word
        cut = cut[: cut.rfind(" ")]
    cut = cut.rstrip(" ,;:(") + "…"
    return cut + (")" if cut.count("(") > cut.count(")") else "")


def build_manifest(
    app_id: str,
    *,
    commands: Iterable[CommandInfo] = (),
    manifest_version: str = MANIFEST_VERSIONS[0],
    version: str = "1.0.0",
    website: str = "https://example.com/pmo-bot",
    name: str = "PMO Bot",
) -> dict[str, Any]:
    if not _GUID.match(app_id or ""):
        raise PackageError(f"the app id must be the bot's Microsoft App ID (a GUID), not {app_id!r}")
    if manifest_version not in MANIFEST_VERSIONS:
        raise PackageError(f"manifest version must be one of {', '.join(MANIFEST_VERSIONS)}")
    website = website.rstrip("/")
    return {
        "$schema": f"https://developer.microsoft.com/en-us/json-schemas/teams/v{manifest_version}/MicrosoftTeams.schema.json",
        "manifestVersion": manifest_version,
        "version": version,
        "id": app_id,
        "developer": {
            "name": "PMO",
            "websiteUrl": website,
            "privacyUrl": f"{website}/privacy",
            "termsOfUseUrl": f"{website}/terms",
        },
        "name": {"short": name[:30], "full": f"{name}: who owns what, retros, ideas, meetups"[:100]},
        "description": {
            "short": "Who owns what in our operating model, plus retros, ideas and meetups."[:80],
            "full": (
                "Ask who owns an area of the operating model (RACI: who is accountable, who to consult), "
                "run retrospectives, log improvement ideas and keep up with community meetups. "
                "Mention the bot in a channel or chat with it directly; type help to see everything."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": app_id,
                "scopes": SCOPES,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": SCOPES, "commands": bot_commands(commands)}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


# ------------------------------------------------------------------------------------ PNG


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An 8-bit RGBA PNG (colour type 6), one filter byte (none) per row."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def png_info(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise PackageError("not a PNG file")
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def _ring(size: int, x: int, y: int) -> bool:
    centre = (size - 1) / 2
    distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
    return size * 0.26 <= distance <= size * 0.40


def colour_icon() -> bytes:
    return png(COLOR_SIZE, COLOR_SIZE, lambda x, y: (255, 255, 255, 255) if _ring(COLOR_SIZE, x, y) else (*ACCENT, 255))


def outline_icon() -> bytes:
    return png(OUTLINE_SIZE, OUTLINE_SIZE, lambda x, y: (255, 255, 255, 255 if _ring(OUTLINE_SIZE, x, y) else 0))


def _icon(path: Path | None, size: int, draw: Callable[[], bytes], *, transparent: bool) -> bytes:
    if path is None:
        return draw()
    data = path.read_bytes()
    width, height, colour = png_info(data)
    if (width, height) != (size, size):
        raise PackageError(f"{path} is {width}×{height}; Teams needs {size}×{size}")
    if transparent and colour not in (4, 6):
        raise PackageError(f"{path} has no alpha channel; the outline icon must be white on transparent")
    return data


# -------------------------------------------------------------------------------- package


def write_package(
    out: Path,
    app_id: str,
    *,
    color_icon: Path | None = None,
    outline_icon_path: Path | None = None,
    **manifest_options: Any,
) -> Path:
    manifest = build_manifest(app_id, **manifest_options)
    files = {
        "manifest.json": json.dumps(manifest, indent=2, ensure_ascii=False).encode(),
        "color.png": _icon(color_icon, COLOR_SIZE, colour_icon, transparent=False),
        "outline.png": _icon(outline_icon_path, OUTLINE_SIZE, outline_icon, transparent=True),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():  # at the zip's root: Teams rejects nested folders
            archive.writestr(name, data)
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--app-id", help="the bot's Microsoft App ID (default: MICROSOFT_APP_ID)")
    parser.add_argument("--out", type=Path, default=Path("pmo-bot-teams.zip"), help="where to write the zip")
    parser.add_argument("--color-icon", type=Path, help="192×192 colour PNG (default: generated)")
    parser.add_argument("--outline-icon", type=Path, help="32×32 white-on-transparent PNG (default: generated)")
    parser.add_argument("--app-version", default="1.0.0", help="the app's own version (raise it on every upload)")
    parser.add_argument(
        "--website",
        default="https://example.com/pmo-bot",
        help="https URL for support; /privacy and /terms are appended for those pages",
    )


def run(args: argparse.Namespace, default_app_id: str | None, commands: Iterable[CommandInfo]) -> int:
    app_id = args.app_id or default_app_id
    if not app_id:
        print("No app id: pass --app-id or set MICROSOFT_APP_ID.", file=sys.stderr)
        return 2
    try:
        out = write_package(
            args.out,
            app_id,
            color_icon=args.color_icon,
            outline_icon_path=args.outline_icon,
            version=args.app_version,
            website=args.website,
            commands=commands,
        )
    except (PackageError, OSError) as exc:
        print(f"Could not build the Teams package: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {out}: upload it in Teams (Apps → Manage your apps → Upload an app).")
    return 0
