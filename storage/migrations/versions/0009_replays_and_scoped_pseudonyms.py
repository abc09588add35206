"""Seen Slack request signatures (replays refused on every replica), and pseudonyms scoped to one
retro, idea or delivery instead of one per person.

Before, every row an author wrote (named or anonymous) kept the same keyed hash of that person,
so joining anonymous rows to named ones on it named the author. Now:
- named cards and ideas keep their author's id and no pseudonym (author_key / submitter_key NULL);
- anonymous cards keep a pseudonym for "authors of this retro", votes one for "voters of this
  retro", anonymous ideas one for "submitter of this idea", DM deliveries one for that delivery.
Old values are moved into their scope with bot.identity.rekey, which needs only the old value and
the same key the bot uses (PMO_BOT_SECRET, or the platform secrets it falls back to): run
`pmo-bot db upgrade` with the bot's own environment. The old values are gone afterwards.

Revision ID: 0009
Revises: 0006
"""

import re

import sqlalchemy as sa
from alembic import context, op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_DM_TARGET = re.compile(r"^(.*):@([0-9a-f]{40})$")


def upgrade() -> None:
    op.create_table(
        "seen_signature",
        sa.Column("signature", sa.String(length=80), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature"),
    )
    with op.batch_alter_table("seen_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seen_signature_expires_at"), ["expires_at"], unique=False)

    op.drop_index("ix_idea_submitter_number", table_name="idea")
    _make_nullable("retro_card", "author_key")
    _make_nullable("idea", "submitter_key")
    op.create_index("ix_idea_submitter_number", "idea", ["workspace", "submitter", "number"], unique=False)
    anonymous = sa.text("submitter_key IS NOT NULL")
    op.create_index(
        "ix_idea_anonymous",
        "idea",
        ["workspace", "status", "number", "submitter_key"],
        unique=False,
        sqlite_where=anonymous,
        postgresql_where=anonymous,
    )
    _scope_pseudonyms(op.get_bind())


def _make_nullable(table: str, column: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(table, column, existing_type=sa.String(length=64), nullable=True)
        return
    # Not batch mode: SQLite would copy the table and drop the old one, and with foreign keys on
    # that DROP deletes every row that cascades from it (all votes, all idea words and history).
    # A new column, renamed over the old one, changes no other table (SQLite 3.35+).
    op.execute(f"ALTER TABLE {table} ADD COLUMN {column}_scoped VARCHAR(64)")
    op.execute(f"UPDATE {table} SET {column}_scoped = {column}")
    op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.execute(f"ALTER TABLE {table} RENAME COLUMN {column}_scoped TO {column}")


def _scope_pseudonyms(conn: sa.Connection) -> None:
    card = sa.table("retro_card", *_cols("id", "workspace", "retro_id", "author_key", "anonymous"))
    vote = sa.table("retro_vote", *_cols("id", "workspace", "retro_id", "voter_key"))
    idea = sa.table("idea", *_cols("id", "workspace", "submitter_key", "anonymous"))
    delivery = sa.table("delivery", *_cols("id", "workspace", "kind", "subject", "target"))

    conn.execute(sa.update(card).where(card.c.anonymous == sa.false()).values(author_key=None))
    conn.execute(sa.update(idea).where(idea.c.anonymous == sa.false()).values(submitter_key=None))
    rekey = _rekeyer()
    anonymous_cards = conn.execute(
        sa.select(card.c.id, card.c.workspace, card.c.retro_id, card.c.author_key).where(
            card.c.anonymous == sa.true(), card.c.author_key.is_not(None)
        )
    ).all()
    for row_id, workspace, retro_id, old in anonymous_cards:
        new = rekey(workspace, f"retro:{retro_id}:author", old)
        conn.execute(sa.update(card).where(card.c.id == row_id).values(author_key=new))
    for row_id, workspace, retro_id, old in conn.execute(
        sa.select(vote.c.id, vote.c.workspace, vote.c.retro_id, vote.c.voter_key)
    ).all():
        conn.execute(
            sa.update(vote)
            .where(vote.c.id == row_id)
            .values(voter_key=rekey(workspace, f"retro:{retro_id}:voter", old))
        )
    for row_id, workspace, old in conn.execute(
        sa.select(idea.c.id, idea.c.workspace, idea.c.submitter_key).where(idea.c.submitter_key.is_not(None))
    ).all():
        new = rekey(workspace, f"idea:{row_id}:submitter", old)
        conn.execute(sa.update(idea).where(idea.c.id == row_id).values(submitter_key=new))
    for row_id, workspace, kind, subject, target in conn.execute(
        sa.select(delivery.c.id, delivery.c.workspace, delivery.c.kind, delivery.c.subject, delivery.c.target).where(
            delivery.c.target.like("%:@%")
        )
    ).all():
        m = _DM_TARGET.match(target)
        if m:
            new = f"{m[1]}:@{rekey(workspace, f'delivery:{kind}:{subject}', m[2])[:40]}"
            conn.execute(sa.update(delivery).where(delivery.c.id == row_id).values(target=new))


def _cols(*names: str) -> list[sa.ColumnClause]:
    return [sa.column(n) for n in names]


def _rekeyer():
    """bot.identity.rekey with the bot's key, loaded only when there are rows to move."""
    settings = None

    def rekey(workspace: str, scope: str, old: str) -> str:
        nonlocal settings
        if settings is None:
            from bot.core.config import Settings

            settings = context.config.attributes.get("settings") or Settings()
        from bot.core.identity import rekey as scoped

        return scoped(settings, workspace, scope, old)

    return rekey


def downgrade() -> None:
    # Pseudonyms cannot go back to one per person: that would undo what this revision is for.
    # Named rows' pseudonyms are not restored either; only the schema goes back.
    op.drop_index("ix_idea_anonymous", table_name="idea")
    op.drop_index("ix_idea_submitter_number", table_name="idea")
    op.create_index("ix_idea_submitter_number", "idea", ["workspace", "submitter_key", "number"], unique=False)
    with op.batch_alter_table("seen_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_signature_expires_at"))
    op.drop_table("seen_signature")
