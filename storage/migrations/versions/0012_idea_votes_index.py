"""Ideas listed by votes (`improve list by votes`): an index that walks one workspace's ideas most
voted first, newest first among equals, so a page is read in order instead of sorting them all.

Revision ID: 0012
Revises: 0010 (the lead re-chains it after 0011 when merging)
Create Date: 2026-11-24 10:00:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_idea_votes_number", "idea", ["workspace", "votes", "number"])


def downgrade() -> None:
    op.drop_index("ix_idea_votes_number", table_name="idea")
