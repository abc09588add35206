"""Learnable gaps: an unanswered question keeps its status, the area someone picked for it (an
alias proposal) and who closed it; names are re-keyed with the stemming normaliser.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REKEYED = ("area", "area_alias", "party")


def upgrade() -> None:
    with op.batch_alter_table("unanswered_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="open"))
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=False, server_default="unknown"))
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposed_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_unanswered_question_area_id", "area", ["area_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_unanswered_question_open", ["workspace", "status", "asked_count"], unique=False)
    _rekey()


def _rekey() -> None:
    """Keys are how names are found and kept unique; the normaliser changed (no more synonyms
    folding "funding" into "budget", stems instead of plural folding), so every key is recomputed.
    A row whose new key another row of its workspace already holds keeps its old key."""
    from handlers.ownership.matching import key

    conn = op.get_bind()
    for table, column in (*((t, "name") for t in REKEYED), ("unanswered_question", "text")):
        if table == "area_alias":
            column = "alias"
        rows = conn.execute(sa.text(f"SELECT id, workspace, {column}, key FROM {table} ORDER BY id")).all()
        taken = {(ws, k) for _, ws, _, k in rows}
        for row_id, ws, text, old in rows:
            new = key(text)[: 200 if table != "unanswered_question" else 500] or old
            if new == old or (ws, new) in taken:
                continue
            taken.discard((ws, old))
            taken.add((ws, new))
            conn.execute(sa.text(f"UPDATE {table} SET key = :k WHERE id = :i"), {"k": new, "i": row_id})


def downgrade() -> None:
    with op.batch_alter_table("unanswered_question", schema=None) as batch_op:
        batch_op.drop_index("ix_unanswered_question_open")
        batch_op.drop_constraint("fk_unanswered_question_area_id", type_="foreignkey")
        for column in ("closed_at", "closed_by", "proposed_at", "proposed_by", "area_id", "outcome", "status"):
            batch_op.drop_column(column)
