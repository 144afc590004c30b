"""Backups and checks from the settings page."""

from __future__ import annotations

from pathlib import Path

from jsxclient.store import maintenance
from jsxclient.store.store import Store


def backup(store: Store, dest: Path) -> Path:
    return maintenance.backup(store, dest)


def check(store: Store) -> maintenance.CheckReport:
    return maintenance.check(store)


def close_connection(store: Store) -> None:
    """Close this worker thread's connection (before a restore replaces the file)."""
    store.db.close()


def restore(store_path: Path, backup_path: Path, key: bytes | None) -> Path:
    return maintenance.restore(store_path, backup_path, key)
