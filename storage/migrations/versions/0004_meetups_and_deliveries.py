"""meetups and deliveries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:07:52.916657
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("target", sa.String(length=600), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject", "target"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_workspace"), ["workspace"], unique=False)

    op.create_table(
        "meetup_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=1000), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=1000), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=500), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("announce_before_minutes", sa.Integer(), nullable=False),
        sa.Column("remind_before_minutes", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=500), nullable=False),
        sa.Column("organiser", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetup_series_workspace"), ["workspace"], unique=False)

    op.create_table(
        "meetup_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("topic", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["series_id"], ["meetup_series.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series_id", "starts_at"),
    )
    with op.batch_alter_table("meetup_occurrence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetup_occurrence_series_id"), ["series_id"], unique=False)

    op.create_table(
        "meetup_rsvp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(length=255), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["occurrence_id"], ["meetup_occurrence.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("occurrence_id", "user"),
    )
    with op.batch_alter_table("meetup_rsvp", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetup_rsvp_occurrence_id"), ["occurrence_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetup_rsvp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetup_rsvp_occurrence_id"))

    op.drop_table("meetup_rsvp")
    with op.batch_alter_table("meetup_occurrence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetup_occurrence_series_id"))

    op.drop_table("meetup_occurrence")
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetup_series_workspace"))

    op.drop_table("meetup_series")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_workspace"))

    op.drop_table("delivery")
