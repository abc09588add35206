"""Shared fixtures: a migrated database per backend, a fresh workspace per test, the bot.

Every test that takes `db` (directly or through `bot`/`chat`) runs on SQLite and, when
PMO_BOT_TEST_DATABASE_URL is set, again on that PostgreSQL database (in a schema of its own,
dropped afterwards). With CI=true a missing or unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy.engine import make_url

from bot.adapters.console.adapter import ConsoleSession
from bot.adapters.console.render import render
from bot.adapters.console.sender import ConsoleSender
from bot.assembly.app import Bot
from bot.core import Reply
from bot.core.config import Settings
from storage.db import Database

PG_URL = os.environ.get("PMO_BOT_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]
ADMIN = "U-ADMIN"
PLATFORM_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "platform-data"


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", None}


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that reaches beyond 127.0.0.1 (slack.com, token endpoints, OpenID metadata…) fails."""
    real_resolve, real_connect = socket.getaddrinfo, socket.socket.connect

    def resolve(host, *args, **kwargs):
        if host not in LOCAL_HOSTS and not str(host).startswith("/"):
            raise OSError(f"test tried to resolve {host!r}: only 127.0.0.1 is allowed")
        return real_resolve(host, *args, **kwargs)

    def connect(self, address):
        if isinstance(address, tuple) and address[0] not in LOCAL_HOSTS:
            raise OSError(f"test tried to connect to {address!r}: only 127.0.0.1 is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket.socket, "connect", connect)


def pytest_configure(config: pytest.Config) -> None:
    # The bot's settings come from the environment: a developer's own (PMO_BOT_TIMEZONE, a Slack
    # token…) must not change what the tests see. Tests set what they need explicitly.
    for name in [k for k in os.environ if k.startswith(("PMO_BOT_", "SLACK_", "MICROSOFT_")) or k == "DATABASE_URL"]:
        if name != "PMO_BOT_TEST_DATABASE_URL":
            del os.environ[name]
    config.addinivalue_line("markers", "own_database: the test gets an empty database of its own (see `db`)")
    if os.environ.get("CI") == "true" and not PG_URL:
        raise pytest.UsageError(
            "CI=true but PMO_BOT_TEST_DATABASE_URL is not set: storage tests must run on PostgreSQL"
        )


async def _create_schema(name: str) -> None:
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    await admin.close()


async def _drop_schema(name: str) -> None:
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
    await admin.close()


def _pg_options(schema: str) -> dict:
    return {"connect_args": {"server_settings": {"search_path": schema}}}


async def _migrate(url: str, options: dict) -> None:
    database = Database(url, **options)
    await database.upgrade()
    await database.close()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory):
    """backend -> (url, engine options), migrated once per test session. Beside the shared SQLite
    file lies a pristine migrated copy that `own_database` tests start from."""
    folder = tmp_path_factory.mktemp("db")
    urls: dict[str, tuple[str, dict]] = {"sqlite": (f"sqlite:///{folder / 'test.db'}", {})}
    schema = f"pmo_test_{uuid.uuid4().hex[:10]}"
    if PG_URL:
        urls["postgres"] = (PG_URL, _pg_options(schema))

    async def migrate() -> None:
        if PG_URL:
            await _create_schema(schema)
        for url, options in urls.values():
            await _migrate(url, options)
        await _migrate(f"sqlite:///{folder / 'pristine.db'}", {})

    asyncio.run(migrate())
    yield urls
    if PG_URL:
        asyncio.run(_drop_schema(schema))


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, database_urls, tmp_path_factory) -> AsyncIterator[Database]:
    """The test's database. Tests marked `own_database` (anything that reads every workspace: the
    scheduler, its planners and sweeps) get an empty one of their own instead of the shared one."""
    url, options = database_urls[request.param]
    schema = None
    if request.node.get_closest_marker("own_database"):
        if request.param == "sqlite":
            pristine = Path(make_url(url).database).with_name("pristine.db")
            copy = tmp_path_factory.mktemp("own") / "own.db"
            shutil.copyfile(pristine, copy)
            url = f"sqlite:///{copy}"
        else:
            schema = f"pmo_own_{uuid.uuid4().hex[:10]}"
            options = _pg_options(schema)
            await _create_schema(schema)
            await _migrate(url, options)
    database = Database(url, **options)
    yield database
    await database.close()
    if schema:
        await _drop_schema(schema)


@pytest.fixture
def workspace() -> str:
    """Every test talks in a workspace of its own: isolation is by workspace, as in production."""
    return f"T{uuid.uuid4().hex[:10].upper()}"


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings(_env_file=None, database_url=db.url, pmo_bot_admins=ADMIN)


@pytest.fixture
def clock() -> Clock:
    """The bot's clock in a test, whichever rig it talks through (console, Slack, Teams): it stands
    still at Saturday 21 November 2026, 09:00 UTC, until the test moves it."""
    return Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))


@pytest.fixture
async def bot(settings: Settings, db: Database, clock: Clock) -> AsyncIterator[Bot]:
    bot = Bot(settings, db, clock=clock)
    yield bot
    # Work the bot started after a reply (routing notices…) ends before the database closes: a
    # connection still out when the test's loop closes makes aiosqlite's thread fail afterwards.
    await bot.settle(timeout=10)


CARD_SCHEMA = PLATFORM_DATA / "adaptive-card-schema" / "adaptive-card.1.5.0.json"


@pytest.fixture(scope="module")
def card_validator():
    if not CARD_SCHEMA.exists():
        pytest.skip(
            f"Adaptive Card schema not found at {CARD_SCHEMA} (../shared/platform-data is beside the checkout in CI)"
        )
    schema = json.loads(CARD_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema)


def assert_valid(validator, card) -> None:
    """The card is a valid Adaptive Card 1.5 (what Teams renders)."""
    errors = sorted(validator.iter_errors(card), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:300]}" for e in errors)
    assert card["version"] == "1.5"


class Clock:
    """The bot's clock, moved by the test: `clock.set("2026-11-23T12:15:00+00:00")`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = datetime.fromisoformat(text).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def posts(bot: Bot) -> list:
    """What the bot posts on its own (announcements, notices, DMs) in console conversations."""
    sender = ConsoleSender()
    bot.senders["console"] = sender
    return sender.outbox


class Speaker:
    """One person in a console conversation; `say` returns what they would read."""

    def __init__(self, session: ConsoleSession) -> None:
        self.session = session
        self.replies = []

    async def say(self, text: str) -> str:
        self.replies = await self.session.send(text)
        return "\n".join(render(r) for r in self.replies)

    async def press(self, title: str, *, on: Reply | None = None) -> str:
        """Choose the button whose text starts with `title` (by its number, as typed) on the last
        reply, or `on` a message the bot posted on its own."""
        if on is not None:
            self.session.offer(on)
            self.replies = [on]
        buttons = [b for reply in self.replies for b in reply.buttons]
        number = next((i for i, b in enumerate(buttons, 1) if b.text.startswith(title)), None)
        assert number, f"no button “{title}” in {[b.text for b in buttons]}"
        return await self.say(str(number))

    @property
    def reply(self):
        return self.replies[0]


@pytest.fixture
def person(bot: Bot, workspace: str) -> Callable[..., Speaker]:
    def make(
        user: str = "U-ALICE", *, channel: str = "C-GENERAL", workspace_id: str | None = None, direct: bool = False
    ) -> Speaker:
        """Someone talking in `channel`, or with `direct` in a one-to-one conversation with the bot."""
        session = ConsoleSession(bot, workspace=workspace_id or workspace, channel=channel, user=user, direct=direct)
        return Speaker(session)

    return make
