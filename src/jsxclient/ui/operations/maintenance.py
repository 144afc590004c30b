"""Backups and checks from the settings page."""

from __future__ import annotations

from pathlib import Path

from jsxclient.store import journal, maintenance
from jsxclient.store.maintenance import Restored
from jsxclient.store.store import Store

__all__ = ["Restored", "backup", "check", "close_connection", "restore", "unsynced_count"]


def backup(store: Store, dest: Path) -> Path:
    return maintenance.backup(store, dest)


def check(store: Store) -> maintenance.CheckReport:
    return maintenance.check(store)


def close_connection(store: Store) -> None:
    """Close this worker thread's connection (before a restore replaces the file)."""
    store.db.close()


def restore(store_path: Path, backup_path: Path, key: bytes | None) -> maintenance.Restored:
    return maintenance.restore(store_path, backup_path, key)


def unsynced_count(store: Store) -> int:
    """Changes the server has not taken yet (pending or refused): a restore
    carries them into the restored data."""
    return store.pending_count() + journal.rejected_count(store.db.connection())
