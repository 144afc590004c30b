"""Issue 11, the server half: lock counters of unknown user names, transfers
between townships, devices' uploaded audit logs (append-only for six
months), township escrow keys, escrowed store keys and their releases.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Devices' audit entries are kept at least six months (MLPS 2.0).
KEEP_DAYS = 183


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _s(n: int) -> sa.String:
    return sa.String(length=n)


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "login_throttle",
        sa.Column("name_hash", _s(64), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", _ts(), nullable=True),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("name_hash"),
    )
    op.create_index("ix_login_throttle_updated_at", "login_throttle", ["updated_at"])
    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_township", _s(9), nullable=False),
        sa.Column("to_township", _s(9), nullable=False),
        sa.Column("to_division", _s(12), nullable=False),
        sa.Column("rows", _json(), nullable=False),
        sa.Column("note", _s(200), nullable=False),
        sa.Column("status", _s(10), nullable=False),
        sa.Column("requested_by", _s(64), nullable=False),
        sa.Column("requested_device", _s(64), nullable=False),
        sa.Column("requested_at", _ts(), nullable=False),
        sa.Column("decided_by", _s(64), nullable=True),
        sa.Column("decided_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transfer_from", "transfer", ["from_township", "status"])
    op.create_index("ix_transfer_to", "transfer", ["to_township", "status"])
    op.create_table(
        "client_audit",
        sa.Column("device", _s(64), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", _s(26), nullable=False),
        sa.Column("username", _s(64), nullable=False),
        sa.Column("entry_device", _s(64), nullable=False),
        sa.Column("action", _s(20), nullable=False),
        sa.Column("object", _s(300), nullable=False),
        sa.Column("result", _s(10), nullable=False),
        sa.Column("detail", _s(1000), nullable=False),
        sa.Column("prev_hash", _s(64), nullable=False),
        sa.Column("hash", _s(64), nullable=False),
        sa.Column("chain_ok", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", _s(64), nullable=False),
        sa.Column("township", _s(9), nullable=False),
        sa.Column("received_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("device", "id"),
    )
    op.create_index("ix_client_audit_received", "client_audit", ["received_at"])
    op.create_index("ix_client_audit_user", "client_audit", ["username", "at"])
    op.create_table(
        "township_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("township", _s(9), nullable=False),
        sa.Column("public_key", _s(44), nullable=False),
        sa.Column("wrapped_private", _s(2000), nullable=False),
        sa.Column("created_by", _s(64), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_township_key_township", "township_key", ["township"])
    op.create_table(
        "key_escrow",
        sa.Column("store_id", _s(64), nullable=False),
        sa.Column("township", _s(9), nullable=False),
        sa.Column("device_id", _s(64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("sealed", _s(400), nullable=False),
        sa.Column("updated_by", _s(64), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("store_id"),
    )
    op.create_index("ix_key_escrow_township", "key_escrow", ["township"])
    op.create_table(
        "escrow_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", _s(64), nullable=False),
        sa.Column("township", _s(9), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("released_to", _s(64), nullable=False),
        sa.Column("device_id", _s(64), nullable=False),
        sa.Column("released_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_escrow_release_store_id", "escrow_release", ["store_id"])
    if pg:
        op.execute(
            f"""
            CREATE FUNCTION client_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND OLD.received_at < now() - interval '{KEEP_DAYS} days' THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'client_audit is append-only (entries are kept {KEEP_DAYS} days)';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER client_audit_guard BEFORE UPDATE OR DELETE ON client_audit "
            "FOR EACH ROW EXECUTE FUNCTION client_audit_guard()"
        )
        op.execute(
            "CREATE TRIGGER client_audit_no_truncate BEFORE TRUNCATE ON client_audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION client_audit_guard()"
        )
    else:
        op.execute(
            "CREATE TRIGGER client_audit_no_update BEFORE UPDATE ON client_audit "
            "BEGIN SELECT RAISE(ABORT, 'client_audit is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER client_audit_keep BEFORE DELETE ON client_audit "
            f"WHEN old.received_at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{KEEP_DAYS} days') "
            f"BEGIN SELECT RAISE(ABORT, 'client_audit entries are kept {KEEP_DAYS} days'); END"
        )


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table in ("escrow_release", "key_escrow", "township_key", "transfer", "login_throttle"):
        op.drop_table(table)
    op.drop_table("client_audit")
    if pg:
        op.execute("DROP FUNCTION client_audit_guard()")
