"""Reports upward: the targets a county, city or the province sets for the
township indicators in its area (monthly reports themselves are ordinary
records of entity ``monthlyreport`` in ``record``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_target",
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("division_code", "indicator"),
    )


def downgrade() -> None:
    op.drop_table("indicator_target")
