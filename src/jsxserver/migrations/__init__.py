"""Alembic migrations of the server schema (run by ``jsxserver admin migrate``
and, when ``JSXSERVER_AUTO_MIGRATE`` is 1, at start; see core/schema.py).

A new revision: ``versions/NNNN_what.py`` with ``down_revision`` the current
head; write the DDL by hand with ``op`` (both dialects), keep models.py in
step, and the test in tests/server/test_migrations.py checks that an
upgraded database matches the models exactly.
"""
