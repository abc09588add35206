"""`pmo-bot`: the console, the server, and the registry's file import/export."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.core.config import Settings

if TYPE_CHECKING:
    from bot.assembly.app import Bot
    from storage.db import Database


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "console-user"


def _parser() -> argparse.ArgumentParser:
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--user", default=_default_user(), help="who is talking (user id; default: your login)")
    who.add_argument("--channel", default="console", help="the channel the conversation is in")
    who.add_argument("--workspace", default="local", help="the workspace (Slack team / Teams tenant)")

    parser = argparse.ArgumentParser(prog="pmo-bot", description="A chat bot for the PMO and its coaching community.")
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", parents=[who], help="talk to the bot in this terminal (one message per line)")
    chat.add_argument("--json", action="store_true", help="print each reply as one JSON object per line")
    ask = sub.add_parser("ask", parents=[who], help="send one message and print the reply")
    ask.add_argument("text")
    ask.add_argument("--json", action="store_true", help="print the reply as JSON")

    sub.add_parser("serve", help="run the HTTP server (Slack, Teams, health, metrics) and the scheduler")
    sub.add_parser("scheduler", help="run only the scheduler (announcements, reminders), no HTTP server")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply database migrations")

    own = sub.add_parser("ownership", help="import or export the RACI registry")
    own_sub = own.add_subparsers(dest="ownership_command", required=True)
    imp = own_sub.add_parser(
        "import", parents=[who], help="import a RACI matrix (CSV, Excel .xlsx or YAML; rows or grid), all or nothing"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--format", choices=["csv", "xlsx", "yaml"], help="default: from the file name")
    exp = own_sub.add_parser("export", parents=[who], help="export the RACI registry")
    exp.add_argument("--format", choices=["csv", "xlsx", "yaml"], help="default: from --out's name, else csv")
    exp.add_argument(
        "--layout", choices=["rows", "grid"], default="rows", help="one row per area, or areas × parties with R/A/C/I"
    )
    exp.add_argument("--out", type=Path, help="write to this file instead of standard output")

    from bot.adapters.teams import package as teams_package

    teams_package.add_arguments(sub.add_parser("teams-package", help="build the Teams app package (zip) to upload"))
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return _parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValidationError as exc:  # a bad setting is one clear line, not a traceback
        for error in exc.errors():
            print(f"pmo-bot: configuration error: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    if args.command == "teams-package":  # needs no database
        from bot.adapters.teams import package as teams_package
        from bot.assembly.features import commands

        return teams_package.run(args, settings.microsoft_app_id, commands())
    try:
        return asyncio.run(_run(args, settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `pmo-bot ask … | head -1`: the reader has all it wanted
        _drop_stdout()
        return 141  # as a process ended by SIGPIPE, like other Unix tools in a pipe
    except UnusableDatabase as exc:
        print(f"pmo-bot: {exc}", file=sys.stderr)
        return 2


def _drop_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class UnusableDatabase(Exception):
    """DATABASE_URL names nothing the bot can open or reach; the message says what, in one line."""


async def open_database(url: str) -> Database:
    """The database at `url`, connected once to be sure it is there; a bad URL or an unreachable
    server is one line (UnusableDatabase), never a driver's traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage.db import Database

    examples = "e.g. sqlite:///pmo-bot.db or postgresql://user:password@host:5432/pmo"
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        raise UnusableDatabase(f"DATABASE_URL is not a database URL ({examples}).") from None
    try:
        db = Database(url)
    except (ArgumentError, ImportError) as exc:  # an unknown database kind, or its driver is not installed
        kind = shown.split(":", 1)[0]
        raise UnusableDatabase(f"DATABASE_URL names a database I can't use ({kind}): {examples}. ({exc})") from None
    folder = Path(make_url(db.url).database or "").parent if db.is_sqlite else None
    if folder is not None and not folder.is_dir():  # said before aiosqlite's thread outlives a failed connect
        await db.close()
        raise UnusableDatabase(f"can't open the database at DATABASE_URL={shown}: there is no folder {folder}")
    try:
        async with db.engine.connect():
            pass
    except Exception as exc:  # refused, unknown host, bad password, no such database or file
        await db.close()
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split()) or type(exc).__name__
        raise UnusableDatabase(f"can't open the database at DATABASE_URL={shown}: {reason[:300]}") from None
    return db


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings.database_url)
    try:
        await db.upgrade(settings=settings)  # 0009 re-keys pseudonyms with the bot's own key
        if args.command == "db":
            print("Database is up to date.")
            return 0
        if args.command in ("chat", "ask"):
            return await _chat(args, settings, db)
        if args.command == "ownership":
            return await ownership(args, settings, db)
        if args.command == "serve":
            from bot.assembly.app import Bot
            from bot.assembly.logs import setup_json_logging
            from bot.assembly.server import serve

            setup_json_logging()
            await serve(Bot(settings, db), settings.host, settings.port)
            return 0
        if args.command == "scheduler":
            return await _scheduler_only(settings, db)
    finally:
        await db.close()
    return 2


async def _scheduler_only(settings: Settings, db) -> int:
    import signal

    from bot.assembly.logs import setup_json_logging
    from bot.assembly.server import long_lived

    setup_json_logging()
    bot = scheduler_bot(settings, db)
    scheduler = bot.new_scheduler()
    long_lived()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await scheduler.start()
    await stop.wait()
    await scheduler.stop()
    return 0


def scheduler_bot(settings: Settings, db) -> Bot:
    """The bot `pmo-bot scheduler` runs: each configured platform's sender, and the console's
    posts (meetups scheduled in `pmo-bot chat`, DMs to console users) printed on stdout."""
    from bot.adapters.console.sender import ConsoleSender
    from bot.assembly.app import Bot
    from bot.assembly.server import create_app

    bot = Bot(settings, db)
    create_app(bot)  # not served: this registers each configured adapter's sender on the bot
    bot.senders["console"] = ConsoleSender(_printer(as_json=False)[1])
    return bot


def _printer(*, as_json: bool):
    """(show replies, show a post the bot makes on its own) on stdout, as text or JSON lines."""
    from bot.adapters.console.render import render

    def show(replies) -> None:
        for reply in replies:
            if reply.files:  # a terminal can't show a chart: save it, and say where, on a copy of the reply
                reply = dataclasses.replace(reply, files=[_save(file) for file in reply.files])
            print(
                json.dumps(reply.to_dict(), ensure_ascii=False, default=str) if as_json else render(reply), flush=True
            )

    def post(conversation, reply) -> None:  # the bot posting on its own, e.g. a meetup announcement
        if not as_json:
            where = (
                f"direct message to {conversation.user}" if conversation.user else f"posted in #{conversation.channel}"
            )
            print(f"[{where}]")
        show([reply])

    return show, post


async def _chat(args: argparse.Namespace, settings: Settings, db) -> int:
    from bot.adapters.console.adapter import ConsoleSession
    from bot.adapters.console.sender import ConsoleSender
    from bot.assembly.app import Bot

    bot = Bot(settings, db)
    session = ConsoleSession(bot, workspace=args.workspace, channel=args.channel, user=args.user)
    show, print_post = _printer(as_json=args.json)

    def post(conversation, reply) -> None:
        print_post(conversation, reply)
        if conversation.user == args.user or conversation.channel == args.channel:
            session.offer(reply)  # its buttons (RSVP, Still correct) are chosen by number, as a reply's

    bot.senders["console"] = ConsoleSender(post)
    if args.command == "ask":
        show(await session.send(args.text))
        await bot.settle(timeout=10)
        return 0
    scheduler = bot.new_scheduler()  # so meetups announce while you chat
    await scheduler.start()
    interactive = sys.stdin.isatty()
    if interactive:
        import readline  # noqa: F401  (line editing and history for input())

        print("pmo-bot: ask me who owns what. Type “help” for more, Ctrl-D to leave.")
    loop = asyncio.get_running_loop()
    try:
        while (line := await loop.run_in_executor(None, _read_line, interactive)) is not None:
            if line.strip() or session.expects_input:
                show(await session.send(line))
    finally:
        await scheduler.stop()
        await bot.settle(timeout=10)
    return 0


def _save(file):
    path = Path("pmo-bot-files") / file.name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(file.data)
    return dataclasses.replace(file, title=f"{file.title} (saved to {path})".strip())


def _read_line(interactive: bool) -> str | None:
    try:
        return input("you> ") if interactive else sys.stdin.readline() or None
    except EOFError:
        return None


FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".yml": "yaml",
    ".yaml": "yaml",
}


async def ownership(args: argparse.Namespace, settings: Settings, db) -> int:
    """`pmo-bot ownership import|export` against `db` (what main() runs, once the database is up)."""
    from bot.assembly.app import Bot
    from handlers.ownership import matrix

    bot = Bot(settings, db)
    if args.ownership_command == "export":
        fmt = args.format or (FORMATS.get(args.out.suffix.lower(), "csv") if args.out else "csv")
        if fmt == "yaml" and args.layout == "grid":
            print("The grid layout is for spreadsheets: use --format csv or xlsx.", file=sys.stderr)
            return 2
        if fmt == "xlsx" and not args.out and sys.stdout.isatty():
            print("An .xlsx workbook is binary: write it to a file with --out raci.xlsx.", file=sys.stderr)
            return 2
        await bot.ensure_workspace(args.workspace, "console")
        data = await matrix.export_matrix(db, args.workspace, fmt, args.layout)
        if args.out:
            await asyncio.to_thread(args.out.write_bytes, data if isinstance(data, bytes) else data.encode())
            print(f"Wrote {args.out}", file=sys.stderr)
        elif isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return 0
    fmt = args.format or FORMATS.get(args.file.suffix.lower())
    if fmt is None:
        print(f"Can't tell the format of {args.file} from its name: use --format csv, xlsx or yaml.", file=sys.stderr)
        return 2
    try:
        data = await asyncio.to_thread(args.file.read_bytes)
    except OSError as exc:
        print(f"Can't read {args.file}: {exc}", file=sys.stderr)
        return 1
    await bot.ensure_workspace(args.workspace, "console", seed=False)
    try:
        result = await matrix.import_matrix(db, args.workspace, data, fmt, actor=args.user, now=bot.clock())
    except matrix.ImportFailed as exc:
        print(f"Nothing was imported: {len(exc.errors)} problem(s) in {args.file}:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(
        f"Imported {args.file}: {len(result.created)} area(s) added, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged; {len(result.parties)} party(ies) written."
    )
    if result.new_parties:
        print(
            f"New parties ({len(result.new_parties)}), named in the file and created without a contact: "
            + ", ".join(result.new_parties)
            + ". Give each a contact with: party set NAME; contact: #channel"
        )
    if result.skipped:
        print(f"Skipped {len(result.skipped)} row(s) with no R/A/C/I (headings?): " + "; ".join(result.skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
