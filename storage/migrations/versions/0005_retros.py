"""retros: retro, retro_card, retro_vote, retro_action

One open retro per channel is a partial unique index (SQLite and PostgreSQL both have them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 02:19:29.919525
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retro",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=32), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("facilitator", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("vote_budget", sa.Integer(), nullable=False),
        sa.Column("max_per_card", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("retro", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retro_workspace"), ["workspace"], unique=False)
        batch_op.create_index(
            "uq_retro_open_per_channel",
            ["workspace", "channel"],
            unique=True,
            sqlite_where=sa.text("status IN ('collecting', 'voting', 'discussing')"),
            postgresql_where=sa.text("status IN ('collecting', 'voting', 'discussing')"),
        )

    op.create_table(
        "retro_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=500), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["retro_id"], ["retro.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("retro_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retro_action_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_retro_action_retro_id"), ["retro_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retro_action_workspace"), ["workspace"], unique=False)

    op.create_table(
        "retro_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("column_name", sa.String(length=100), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=True),
        sa.Column("author_key", sa.String(length=64), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["retro_id"], ["retro.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("retro_id", "number"),
    )
    with op.batch_alter_table("retro_card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retro_card_retro_id"), ["retro_id"], unique=False)

    op.create_table(
        "retro_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("card_slot", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["retro_card.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["retro_id"], ["retro.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("card_id", "voter_key", "card_slot"),
        sa.UniqueConstraint("retro_id", "voter_key", "slot"),
    )
    with op.batch_alter_table("retro_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retro_vote_card_id"), ["card_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retro_vote_retro_id"), ["retro_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("retro_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retro_vote_retro_id"))
        batch_op.drop_index(batch_op.f("ix_retro_vote_card_id"))

    op.drop_table("retro_vote")
    with op.batch_alter_table("retro_card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retro_card_retro_id"))

    op.drop_table("retro_card")
    with op.batch_alter_table("retro_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retro_action_workspace"))
        batch_op.drop_index(batch_op.f("ix_retro_action_retro_id"))
        batch_op.drop_index(batch_op.f("ix_retro_action_due_on"))

    op.drop_table("retro_action")
    with op.batch_alter_table("retro", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_retro_open_per_channel",
            sqlite_where=sa.text("status IN ('collecting', 'voting', 'discussing')"),
            postgresql_where=sa.text("status IN ('collecting', 'voting', 'discussing')"),
        )
        batch_op.drop_index(batch_op.f("ix_retro_workspace"))

    op.drop_table("retro")
