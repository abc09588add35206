"""Failed deliveries waiting to be tried again: when, until when, and their sealed content; meetup
series indexed by when they last changed (the scheduler's refresh reads only those).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_retry",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("delivery_id"),
    )
    with op.batch_alter_table("delivery_retry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_retry_workspace"), ["workspace"], unique=False)
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetup_series_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetup_series_updated_at"))
    with op.batch_alter_table("delivery_retry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_retry_workspace"))
    op.drop_table("delivery_retry")
