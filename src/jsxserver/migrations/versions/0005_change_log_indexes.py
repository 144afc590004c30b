"""Issue 13: the change log drops its indexes on seq and batch_id. Nothing
reads the log by either (a replay is answered from push_batch, retention
goes by received_at); every pushed change wrote both.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_change_log_seq", table_name="change_log")
    op.drop_index("ix_change_log_batch_id", table_name="change_log")


def downgrade() -> None:
    op.create_index("ix_change_log_batch_id", "change_log", ["batch_id"])
    op.create_index("ix_change_log_seq", "change_log", ["seq"])
