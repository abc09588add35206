"""Seen Slack request signatures (replays refused on every replica).

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


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


def downgrade() -> None:
    with op.batch_alter_table("seen_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_signature_expires_at"))
    op.drop_table("seen_signature")
