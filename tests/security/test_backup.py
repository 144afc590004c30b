"""Backups: encrypted, rotating daily (14 kept), a restore refusing a file
altered anywhere; a damaged store said plainly by check, backup and sync,
and never an empty backup file."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from jsxclient.cli import main
from jsxclient.security import vault
from jsxclient.security.keyfile import keyfile_path
from jsxclient.store import maintenance
from jsxclient.store.db import StoreDamaged
from jsxclient.store.maintenance import BackupRefused
from jsxclient.sync.engine import SyncEngine
from jsxclient.sync.errors import DamagedStoreError
from jsxclient.sync.transport import Transport

from .conftest import PASSWORD, USER, add_people


def as_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's account, from the environment as a scheduled job has it."""
    monkeypatch.setenv("JSXCLIENT_USER", USER)
    monkeypatch.setenv("JSXCLIENT_PASSWORD", PASSWORD)


def _damage(path: Path) -> None:
    """Overwrite pages in the middle of the file, as a failing disk would."""
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(size // 2 // 4096 * 4096)
        f.write(os.urandom(3 * 4096))


def _damaged(session: vault.Session) -> vault.Session:
    add_people(session)
    conn = session.store.db.connection()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    _damage(session.path)
    return vault.unlock(session.path, USER, PASSWORD)


def test_daily_backups_rotate_and_keep_fourteen(session: vault.Session) -> None:
    start = datetime.now()
    assert maintenance.auto_backup(session.store, now=start) is not None
    assert maintenance.auto_backup(session.store, now=start + timedelta(hours=3)) is None
    for day in range(1, 20):
        made = maintenance.auto_backup(session.store, now=start + timedelta(days=day))
        assert made is not None
    kept = maintenance.auto_backups(session.path)
    assert len(kept) == 14
    assert kept[-1].name.startswith(session.path.stem)
    maintenance.verify_backup(kept[0], session.key)


def test_a_restore_refuses_a_file_altered_anywhere(session: vault.Session, tmp_path: Path) -> None:
    add_people(session)
    good = maintenance.backup(session.store, tmp_path / "good.jsxbak")
    raw = good.read_bytes()
    header_end = raw.index(b"\n", len(maintenance.MAGIC)) + 1
    altered = {
        "body": raw[: len(raw) - 5000] + bytes([raw[-5000] ^ 1]) + raw[len(raw) - 4999 :],
        "header": raw.replace(b'"encrypted": true', b'"encrypted": false', 1),
        "truncated": raw[: header_end + (len(raw) - header_end) // 2],
        "junk": os.urandom(8192),
        "empty": b"",
    }
    session.store.db.close()
    before = session.path.read_bytes()
    for name, data in altered.items():
        bad = tmp_path / f"{name}.jsxbak"
        bad.write_bytes(data)
        with pytest.raises(BackupRefused):
            maintenance.restore(session.path, bad, session.key)
    with pytest.raises(BackupRefused):
        maintenance.restore(session.path, tmp_path / "missing.jsxbak", session.key)
    assert session.path.read_bytes() == before
    maintenance.restore(session.path, good, session.key)  # the untouched one is fine


def test_a_backup_of_other_data_needs_its_own_password(
    session: vault.Session, tmp_path: Path
) -> None:
    ids = add_people(session)
    bak = maintenance.backup(session.store, tmp_path / "laptop.jsxbak")
    # A new computer: another store, another key.
    other = tmp_path / "new-pc" / "jsxclient.db"
    fresh, _ = vault.create(other, "li", "Li-passw0rd!", role="township_worker")
    fresh.close()
    with pytest.raises(BackupRefused):
        maintenance.restore(other, bak, fresh.key, allow_other_township=True)
    with pytest.raises(BackupRefused):  # a wrong password opens none of its keys
        maintenance.restore(
            other,
            bak,
            fresh.key,
            allow_other_township=True,
            unlock=lambda kf: kf.open_with_password(USER, "Wrong-passw0rd"),
        )
    maintenance.restore(
        other,
        bak,
        fresh.key,
        allow_other_township=True,
        unlock=lambda kf: kf.open_with_password(USER, PASSWORD),
    )
    s = vault.unlock(other, USER, PASSWORD)  # the backup's key file came along
    assert s.store.get("person", ids["a"]) is not None
    s.close()


def test_a_damaged_store_is_said_plainly_and_never_backed_up_empty(
    session: vault.Session, tmp_path: Path
) -> None:
    s = _damaged(session)
    rep = maintenance.check(s.store)
    assert rep.damaged and not rep.ok
    dest = tmp_path / "out" / "b.jsxbak"
    with pytest.raises(StoreDamaged):
        maintenance.backup(s.store, dest)
    assert not dest.exists() and not list(dest.parent.glob("*"))
    with pytest.raises(DamagedStoreError) as exc:
        SyncEngine(s.store, Transport("http://127.0.0.1:9", "token", retries=0)).run()
    assert "损坏" in exc.value.zh and "damaged" in exc.value.en
    s.close()


def test_cli_check_backup_and_sync_on_a_damaged_store(
    session: vault.Session,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_user(monkeypatch)
    s = _damaged(session)
    with s.store.transaction() as tx:  # as if connected: sync would run
        s.store.set_meta("server_url", "http://127.0.0.1:9", tx.conn)
        s.store.set_meta("sync_token", "t", tx.conn)
    s.close()
    store = str(s.path)
    capsys.readouterr()
    assert main(["--store", store, "check"]) == 1
    out, err = capsys.readouterr()
    assert "损坏" in out and "damaged" in out and "Traceback" not in out + err
    dest = tmp_path / "b.jsxbak"
    assert main(["--store", store, "backup", str(dest)]) == 1
    out, err = capsys.readouterr()
    assert "损坏" in err and "damaged" in err and not dest.exists()
    assert main(["--store", store, "sync"]) != 0
    out, err = capsys.readouterr()
    assert "损坏" in err and "Traceback" not in err


def test_cli_restore_of_a_new_computer_from_a_backup(
    session: vault.Session,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_user(monkeypatch)
    add_people(session)
    bak = maintenance.backup(session.store, tmp_path / "b.jsxbak")
    session.close()
    new = tmp_path / "pc2" / "jsxclient.db"
    assert main(["--store", str(new), "restore", str(bak)]) == 0
    assert keyfile_path(new).exists()
    s = vault.unlock(new, USER, PASSWORD)
    assert s.store.pending_count() > 0
    s.close()
    shutil.rmtree(new.parent)
