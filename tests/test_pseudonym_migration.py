"""Migration 0009 on data written the old way (one keyed hash per person on every row, named or
anonymous): afterwards nothing links an anonymous row to its author, and the authors still
manage what they wrote: their cards, their votes (one budget each), their ideas, and DMs already
sent are not sent again. On SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.adapters.console.adapter import ConsoleSession
from bot.assembly.app import Bot
from bot.core import ConversationRef
from bot.core.config import Settings
from bot.core.identity import _material, _subkey
from scheduler.deliveries import claim, target_of
from storage.db import Database
from storage.models import Delivery, Idea, RetroCard, RetroVote
from tests.conftest import ADMIN, BACKENDS, PG_URL

WS = "T-MIGRATED"
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def old_key(settings: Settings, user: str) -> str:
    """What every row kept before 0009: one keyed hash per person and workspace."""
    key = _subkey(_material(settings), "pseudonym")
    return hmac.new(key, f"{WS}\x00{user}".encode(), hashlib.sha256).hexdigest()


@pytest.fixture(params=BACKENDS)
async def old_db(request, tmp_path) -> AsyncIterator[Database]:
    """A database at revision 0006, the last one before scoped pseudonyms."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'old.db'}")
        await db.upgrade("0006")
        yield db
        await db.close()
        return
    schema = f"pmo_mig_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        await db.upgrade("0006")
        yield db
    finally:
        await db.close()
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def write_the_old_way(db: Database, settings: Settings) -> None:
    ann, bob = old_key(settings, "U-ANN"), old_key(settings, "U-BOB")
    card = "INSERT INTO retro_card (workspace, retro_id, number, column_name, text, author, author_key, anonymous, "
    card += "created_at) VALUES (:ws, :retro, :n, 'Start', :text, :author, :key, :anon, :now)"
    async with db.engine.begin() as conn:
        ids = {}
        for name, channel, status in (("collecting", "C-ONE", "collecting"), ("voting", "C-TWO", "voting")):
            ids[name] = (
                await conn.execute(
                    text(
                        "INSERT INTO retro (workspace, platform, channel, title, template, columns, facilitator, "
                        "status, revealed, vote_budget, max_per_card, created_at) VALUES (:ws, 'console', :channel, "
                        ":title, 'custom', '[\"Start\", \"Stop\"]', 'U-FAC', :status, false, 5, 3, :now) RETURNING id"
                    ),
                    {"ws": WS, "channel": channel, "title": name, "status": status, "now": NOW},
                )
            ).scalar_one()
        cards = [
            (ids["collecting"], 1, "pair on reviews", "U-ANN", ann, False),
            (ids["collecting"], 2, "stop blaming people", None, ann, True),
            (ids["collecting"], 3, "more demos", None, bob, True),
            (ids["voting"], 1, "write things down", None, ann, True),
            (ids["voting"], 2, "shorter standups", "U-BOB", bob, False),
        ]
        for retro, n, words, author, key, anon in cards:
            params = {"ws": WS, "retro": retro, "n": n, "text": words, "author": author, "key": key, "anon": anon}
            await conn.execute(text(card), {**params, "now": NOW})
        voted = (
            await conn.execute(
                text("SELECT id FROM retro_card WHERE retro_id = :r AND number = 1"), {"r": ids["voting"]}
            )
        ).scalar_one()
        for slot in (1, 2, 3):  # Ann gave card #1 of the voting retro the most it can get from one person
            await conn.execute(
                text(
                    "INSERT INTO retro_vote (workspace, retro_id, card_id, voter_key, slot, card_slot, created_at) "
                    "VALUES (:ws, :retro, :card, :key, :slot, :slot, :now)"
                ),
                {"ws": WS, "retro": ids["voting"], "card": voted, "key": ann, "slot": slot, "now": NOW},
            )
        for number, submitter, anon in ((1, "U-ANN", False), (2, None, True)):
            await conn.execute(
                text(
                    "INSERT INTO idea (workspace, number, title, details, status, area_name, submitter, "
                    "submitter_key, anonymous, platform, channel, votes, created_at, updated_at) VALUES (:ws, :n, "
                    ":title, '', 'new', '', :submitter, :key, :anon, 'console', '', 0, :now, :now)"
                ),
                {"ws": WS, "n": number, "title": f"idea {number}", "submitter": submitter, "key": ann, "anon": anon}
                | {"now": NOW},
            )
        await conn.execute(
            text(
                "INSERT INTO delivery (workspace, kind, subject, target, due_at, status, attempts, claimed_at) "
                "VALUES (:ws, 'idea.status', 'event:7', :target, :now, 'sent', 1, :now)"
            ),
            {"ws": WS, "target": f"console:{WS}:@{ann[:40]}", "now": NOW},
        )


async def test_old_rows_become_unlinkable_and_keep_working(old_db: Database):
    settings = Settings(_env_file=None, database_url=old_db.url, pmo_bot_secret="migration test", pmo_bot_admins=ADMIN)
    await write_the_old_way(old_db, settings)
    ann_old = old_key(settings, "U-ANN")

    counts = "SELECT (SELECT count(*) FROM retro_vote), (SELECT count(*) FROM retro_card), (SELECT count(*) FROM idea)"
    async with old_db.engine.connect() as conn:
        before = (await conn.execute(text(counts))).one()
    await old_db.upgrade(settings=settings)
    async with old_db.engine.connect() as conn:
        assert (await conn.execute(text(counts))).one() == before == (3, 5, 2)  # nothing lost on the way

    async with old_db.session() as session:
        cards = (await session.exec(select(RetroCard).where(RetroCard.workspace == WS))).all()
        votes = (await session.exec(select(RetroVote).where(RetroVote.workspace == WS))).all()
        ideas = (await session.exec(select(Idea).where(Idea.workspace == WS))).all()
        [dm] = (await session.exec(select(Delivery).where(Delivery.workspace == WS))).all()
    assert all(c.author_key is None for c in cards if not c.anonymous)  # named rows: the name, no pseudonym
    assert all(i.submitter_key is None for i in ideas if not i.anonymous)
    stored = [c.author_key for c in cards if c.anonymous] + [v.voter_key for v in votes]
    stored += [i.submitter_key for i in ideas if i.anonymous] + [dm.target.rsplit("@", 1)[1]]
    assert ann_old not in stored and ann_old[:40] not in [s[:40] for s in stored]
    ann_values = {c.author_key[:40] for c in cards if c.anonymous and c.text != "more demos"}
    ann_values |= {v.voter_key[:40] for v in votes} | {i.submitter_key[:40] for i in ideas if i.anonymous}
    ann_values |= {dm.target.rsplit("@", 1)[1]}
    assert len(ann_values) == 5  # her card in each retro, her votes, her idea, her DM: nothing in common

    # The features still know whose is what.
    bot = Bot(settings, old_db, clock=lambda: NOW)

    def say(user: str, channel: str = "C-ONE"):
        session = ConsoleSession(bot, workspace=WS, channel=channel, user=user)
        return lambda words: session.send(words)

    status = "\n".join(r.text + str(r.sections) for r in await say("U-ANN")("retro status"))
    assert "Your cards" in status and "pair on reviews" in status and "stop blaming people" in status
    assert "more demos" not in status.split("Your cards")[1]
    assert "Only the card's author" in (await say("U-BOB")("retro delete 2"))[0].text
    assert "Deleted card #2" in (await say("U-ANN")("retro delete 2"))[0].text
    refused = (await say("U-ANN", "C-TWO")("retro vote 1"))[0].text
    assert "You already gave card #1 3 votes" in refused  # her old votes are still hers: one budget
    assert "Took back a vote" in (await say("U-ANN", "C-TWO")("retro unvote 1"))[0].text
    assert "Voted for card #2" in (await say("U-BOB", "C-TWO")("retro vote 2"))[0].text
    listed = (await say("U-ANN")("improve list all mine"))[0].text
    assert "#1" in listed and "#2" in listed
    assert "#2" not in (await say("U-BOB")("improve list all mine"))[0].text
    await say("U-BOB")("improve withdraw 2")
    await say("U-ANN")("improve withdraw 2")
    async with old_db.session() as session:
        withdrawn = (await session.exec(select(Idea.status).where(Idea.workspace == WS, Idea.number == 2))).one()
    assert withdrawn == "withdrawn"
    await bot.settle()
    # A DM sent before the migration is not sent again: its row is found under the new target.
    ref = ConversationRef.direct("console", WS, "U-ANN")
    assert target_of(ref, settings, kind="idea.status", subject="event:7") == dm.target
    again = await claim(bot, workspace=WS, kind="idea.status", subject="event:7", target=dm.target, due_at=NOW)
    assert again is None
