"""Alembic environment: always called from core/schema.py with an open
connection (``config.attributes["connection"]``); there is no alembic.ini."""

from __future__ import annotations

from alembic import context

from jsxserver.models import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: batch mode copies the table.
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
