"""Meetup calendar feeds: an unguessable token per series, and one per channel for its feed of
every series.

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-23 10:00:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token", sa.String(length=64), nullable=True))
    series = sa.table("meetup_series", sa.column("id", sa.Integer()), sa.column("calendar_token", sa.String()))
    connection = op.get_bind()
    for (series_id,) in connection.execute(sa.select(series.c.id)).all():
        connection.execute(
            series.update().where(series.c.id == series_id).values(calendar_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.alter_column("calendar_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_meetup_series_calendar_token", ["calendar_token"])

    op.create_table(
        "meetup_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=500), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
        sa.UniqueConstraint("workspace", "platform", "channel"),
    )


def downgrade() -> None:
    op.drop_table("meetup_calendar")
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.drop_constraint("uq_meetup_series_calendar_token", type_="unique")
        batch_op.drop_column("calendar_token")
