"""area.verify_every_days: each area's own verification interval (empty: the default, 90 days).

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verify_every_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_column("verify_every_days")
