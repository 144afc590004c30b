"""Shared fixtures: real SQLite stores in tmp_path."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from jsxclient.store.reference import init_township
from jsxclient.store.store import Store
from tests.load import scaled


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test's time limit (pyproject's `timeout`, or its own marker)
    stretched for the machine's load (`tests.load`), so a loaded machine
    fails no test for being slow, and a hung test still stops."""
    for item in items:
        own = item.get_closest_marker("timeout")
        base = own.args[0] if own is not None and own.args else item.config.getini("timeout")
        try:
            seconds = float(base)
        except (TypeError, ValueError):
            continue
        if seconds > 0:
            # First, so that it is the closest marker even over the test's own.
            item.add_marker(pytest.mark.timeout(int(scaled(seconds))), append=False)


# Wrapped keys at a test cost (milliseconds, not a third of a second); child
# processes (CLI and server runs) inherit it. An installed build ignores it.
os.environ["JSXCLIENT_KDF_PROFILE"] = "test"

TOWNSHIP = "430105003000"  # 清水塘街道, 长沙市开福区
VILLAGE = "430105003001"


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the divisions loaded and one township initialised, built
    once per session and copied for each test (loading 31,691 divisions each
    time would dominate the suite)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    s = Store.open(path, user="tester")
    init_township(s, TOWNSHIP)
    s.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@pytest.fixture
def store_path(tmp_path: Path, template_store: Path) -> Path:
    dest = tmp_path / "store.db"
    dest.write_bytes(template_store.read_bytes())
    # Each copy is its own device.
    conn = sqlite3.connect(dest)
    conn.execute("UPDATE meta SET value=? WHERE key='device_id'", (uuid.uuid4().hex[:16],))
    conn.commit()
    conn.close()
    return dest


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    s = Store.open(store_path, user="tester")
    yield s
    s.close()
