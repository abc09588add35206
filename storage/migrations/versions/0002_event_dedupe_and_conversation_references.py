"""event dedupe and conversation references

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:56:46.808657
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_ref",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("service_url", sa.String(length=500), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "workspace", "channel"),
    )
    op.create_table(
        "processed_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "workspace", "event_id"),
    )
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_event_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_event_received_at"))

    op.drop_table("processed_event")
    op.drop_table("conversation_ref")
