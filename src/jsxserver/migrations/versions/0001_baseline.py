"""Baseline: the 0.2.0 schema, exactly as its ``metadata.create_all`` made it.

A database created by 0.2.0 (tables, no ``alembic_version``) is stamped with
this revision by core/schema.py and upgraded from here.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _s(n: int) -> sa.String:
    return sa.String(length=n)


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("username", _s(64), nullable=False),
        sa.Column("display_name", _s(100), nullable=False),
        sa.Column("role", _s(20), nullable=False),
        sa.Column("division_code", _s(12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", _s(255), nullable=False),
        sa.Column("offline_verifier", _s(255), nullable=True),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", _ts(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "change_log",
        sa.Column("change_id", _s(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("batch_id", _s(64), nullable=False),
        sa.Column("entity", _s(32), nullable=False),
        sa.Column("row_id", _s(64), nullable=False),
        sa.Column("op", _s(8), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("old", _json(), nullable=False),
        sa.Column("hlc", _s(96), nullable=False),
        sa.Column("device", _s(64), nullable=False),
        sa.Column("username", _s(64), nullable=False),
        sa.Column("received_at", _ts(), nullable=False),
        sa.Column("status", _s(10), nullable=False),
        sa.Column("result", _json(), nullable=False),
        sa.PrimaryKeyConstraint("change_id"),
    )
    op.create_index("ix_change_log_batch_id", "change_log", ["batch_id"])
    op.create_index("ix_change_log_row", "change_log", ["entity", "row_id"])
    op.create_index("ix_change_log_seq", "change_log", ["seq"])
    op.create_table(
        "counter",
        sa.Column("name", _s(32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "device",
        sa.Column("id", _s(64), nullable=False),
        sa.Column("username", _s(64), nullable=False),
        sa.Column("name", _s(100), nullable=False),
        sa.Column("token_hash", _s(64), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("last_seen", _ts(), nullable=True),
        sa.Column("expires_at", _ts(), nullable=True),
        sa.Column("revoked_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_device_username", "device", ["username"])
    op.create_table(
        "division",
        sa.Column("code", _s(12), nullable=False),
        sa.Column("name", _s(60), nullable=False),
        sa.Column("level", _s(10), nullable=False),
        sa.Column("parent_code", _s(12), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_division_parent_code", "division", ["parent_code"])
    op.create_table(
        "push_batch",
        sa.Column("batch_id", _s(64), nullable=False),
        sa.Column("device", _s(64), nullable=False),
        sa.Column("response", _json(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_table(
        "record",
        sa.Column("entity", _s(32), nullable=False),
        sa.Column("id", _s(64), nullable=False),
        sa.Column("township", _s(9), nullable=False),
        sa.Column("division_code", _s(12), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.Column("field_hlc", _json(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.Column("updated_device", _s(64), nullable=False),
        sa.Column("updated_user", _s(64), nullable=False),
        sa.PrimaryKeyConstraint("entity", "id"),
    )
    op.create_index("ix_record_seq", "record", ["seq"])
    op.create_index("ix_record_township_seq", "record", ["township", "seq"])
    op.create_table(
        "scope_exit",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entity", _s(32), nullable=False),
        sa.Column("row_id", _s(64), nullable=False),
        sa.Column("township", _s(9), nullable=False),
        sa.Column("division_code", _s(12), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_scope_exit_township_seq", "scope_exit", ["township", "seq"])
    op.create_table(
        "server_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", _s(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("entity", _s(32), nullable=False),
        sa.Column("row_id", _s(64), nullable=False),
        sa.Column("field", _s(64), nullable=False),
        sa.Column("base", _json(), nullable=True),
        sa.Column("mine", _json(), nullable=True),
        sa.Column("theirs", _json(), nullable=True),
        sa.Column("winner", _s(6), nullable=False),
        sa.Column("mine_hlc", _s(96), nullable=False),
        sa.Column("theirs_hlc", _s(96), nullable=True),
        sa.Column("device", _s(64), nullable=False),
        sa.Column("username", _s(64), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_server_conflict_row", "server_conflict", ["entity", "row_id"])


def downgrade() -> None:
    for table in (
        "server_conflict",
        "scope_exit",
        "record",
        "push_batch",
        "division",
        "device",
        "counter",
        "change_log",
        "app_user",
    ):
        op.drop_table(table)
