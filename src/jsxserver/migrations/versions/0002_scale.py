"""Province scale and operations: seqs from a PostgreSQL sequence with open
pushes tracked in ``push_open``; the append-only ``audit_log``; indexes for
retention; the retention horizon counter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Audit rows younger than this can never be deleted, whatever the settings
# say (the audit rules ask for six months).
AUDIT_FLOOR_DAYS = 180


def _big_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "push_open",
        sa.Column("id", _big_id(), nullable=False),
        sa.Column("floor", sa.BigInteger(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _big_id(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=12), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_user_at", "audit_log", ["username", "at"])
    op.create_index("ix_change_log_received_at", "change_log", ["received_at"])
    op.create_index("ix_push_batch_created_at", "push_batch", ["created_at"])
    op.create_index("ix_server_conflict_created_at", "server_conflict", ["created_at"])

    # The counters a 0.2.0 server inserted at start, and the new horizon.
    for name in ("seq", "horizon"):
        op.execute(
            sa.text(
                "INSERT INTO counter (name, value) SELECT :n, 0 "
                "WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = :n)"
            ).bindparams(n=name)
        )
    if pg:
        # Continues where the counter stopped.
        op.execute("CREATE SEQUENCE record_seq AS bigint MINVALUE 1 CACHE 1")
        op.execute(
            "SELECT setval('record_seq', 1 + GREATEST("
            "(SELECT value FROM counter WHERE name = 'seq'), "
            "(SELECT coalesce(max(seq), 0) FROM record)), false)"
        )
        op.execute(
            f"""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{AUDIT_FLOOR_DAYS} days' THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'audit_log is append-only (rows are kept {AUDIT_FLOOR_DAYS} days)';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_log_keep BEFORE DELETE ON audit_log "
            f"WHEN old.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{AUDIT_FLOOR_DAYS} days') "
            f"BEGIN SELECT RAISE(ABORT, 'audit_log rows are kept {AUDIT_FLOOR_DAYS} days'); END"
        )


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        op.execute(
            "UPDATE counter SET value = (SELECT last_value FROM record_seq) WHERE name = 'seq'"
        )
        op.execute("DROP SEQUENCE record_seq")
    op.drop_table("audit_log")
    if pg:
        op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("push_open")
    op.drop_index("ix_server_conflict_created_at", "server_conflict")
    op.drop_index("ix_push_batch_created_at", "push_batch")
    op.drop_index("ix_change_log_received_at", "change_log")
    op.execute("DELETE FROM counter WHERE name = 'horizon'")
