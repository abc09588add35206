"""ownership registry

Revision ID: 0001
Revises:
Create Date: 2026-11-21 23:51:37.700507
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=255), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace", "key"),
    )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_workspace"), ["workspace"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_workspace"), ["workspace"], unique=False)

    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("contact", sa.String(length=500), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace", "key"),
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_workspace"), ["workspace"], unique=False)

    op.create_table(
        "unanswered_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("asked_count", sa.Integer(), nullable=False),
        sa.Column("first_asked_by", sa.String(length=255), nullable=False),
        sa.Column("last_asked_by", sa.String(length=255), nullable=False),
        sa.Column("first_asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace", "key"),
    )
    op.create_table(
        "workspace",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("registry_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "area_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace", "key"),
    )
    with op.batch_alter_table("area_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_alias_area_id"), ["area_id"], unique=False)

    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_id", "party_id", "role"),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_party_id"), ["party_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_workspace"), ["workspace"], unique=False)
        batch_op.create_index(
            "one_accountable_per_area",
            ["area_id"],
            unique=True,
            sqlite_where=sa.text("role = 'A'"),
            postgresql_where=sa.text("role = 'A'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(
            "one_accountable_per_area", sqlite_where=sa.text("role = 'A'"), postgresql_where=sa.text("role = 'A'")
        )
        batch_op.drop_index(batch_op.f("ix_assignment_workspace"))
        batch_op.drop_index(batch_op.f("ix_assignment_party_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_area_id"))

    op.drop_table("assignment")
    with op.batch_alter_table("area_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_alias_area_id"))

    op.drop_table("area_alias")
    op.drop_table("workspace")
    op.drop_table("unanswered_question")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_workspace"))

    op.drop_table("party")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_workspace"))

    op.drop_table("audit_log")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_workspace"))

    op.drop_table("area")
