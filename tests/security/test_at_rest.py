"""Issue 11, "a stolen laptop exposes nothing": the raw bytes of the store,
its WAL, backups and work files hold none of the known names, ID numbers,
mobiles or health notes; plain SQLite cannot open them; files are private;
old plain stores are encrypted on first sign-in."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from jsxclient.security import vault
from jsxclient.security.keyfile import keyfile_path
from jsxclient.store import maintenance
from jsxclient.store.db import legacy_key
from jsxclient.store.reference import init_township
from jsxclient.store.store import Store

from ..conftest import TOWNSHIP
from .conftest import PASSWORD, USER, add_people, leaks


def _all_bytes(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_no_personal_data_in_any_file(session: vault.Session, tmp_path: Path) -> None:
    ids = add_people(session)
    store = session.store
    with store.transaction() as tx:  # something in the WAL, not checkpointed
        tx.update("person", ids["b"], {"mobile": "15900001111"})
        tx.update("person", ids["a"], {"address": "欧阳明珠家"})
    data = store.db.path.parent
    wal = Path(f"{store.db.path}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    # A hand-made backup, the daily one, and a restore (its work files and the
    # copy of the store it keeps).
    live = _all_bytes(data)  # the store with its WAL, while in use
    hand = maintenance.backup(store, tmp_path / "usb" / "b.jsxbak")
    auto = maintenance.auto_backup(store)
    assert auto is not None
    store.db.close()
    kept = maintenance.restore(store.db.path, hand, store.db.key).kept
    files = {**_all_bytes(data), **_all_bytes(hand.parent)}
    assert hand in files and auto in files and kept in files and wal in live
    for path, raw in live.items():
        assert not leaks(raw), f"{path.name} holds {leaks(raw)}"
    for path, raw in files.items():
        assert not leaks(raw), f"{path.name} holds {leaks(raw)}"
    # Plain SQLite sees noise: the store and a backup's body.
    for p in (store.db.path, kept):
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(p).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert store.db.connection().execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY


def test_files_are_private_to_the_user(session: vault.Session) -> None:
    add_people(session)
    maintenance.auto_backup(session.store)
    data = session.store.db.path.parent
    paths = [
        session.store.db.path,
        Path(f"{session.store.db.path}-wal"),
        keyfile_path(session.store.db.path),
        *maintenance.auto_backups(session.store.db.path),
    ]
    for p in paths:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE((data / "backups").stat().st_mode) == 0o700


def test_a_new_store_is_private_from_its_first_byte(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "s.db"
    s, _code = vault.create(path, USER, PASSWORD, role="township_admin")
    s.close()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kf = keyfile_path(path).read_text()
    assert PASSWORD not in kf and "data_key" not in kf


def test_an_old_plain_store_is_encrypted_on_first_sign_in(tmp_path: Path) -> None:
    path = tmp_path / "old" / "jsxclient.db"
    old = Store.open(path, user=USER)
    init_township(old, TOWNSHIP)
    sess = vault.Session(old, USER, "township_worker", USER, b"")
    add_people(sess)
    old.set_meta("sync_token", "live-bearer-token-abc")
    old.close()
    # A plain copy a restore of the old build left beside it.
    before = path.with_name(path.name + ".before-restore-20240101-000000")
    before.write_bytes(path.read_bytes())
    assert leaks(path.read_bytes())

    session, code = vault.migrate_plain(path, USER, PASSWORD)
    try:
        pending = session.store.pending_count()
        assert pending > 0
        assert session.store.meta("sync_token") is None  # it sat in a plain file
        assert session.role == "township_admin"  # never connected: the local admin
    finally:
        session.close()
    assert not before.exists()
    files = _all_bytes(path.parent)
    for p, raw in files.items():
        assert not leaks(raw), p
        assert b"live-bearer-token-abc" not in raw
    backups = sorted((path.parent / "backups").glob("*.jsxbak"))
    assert len(backups) == 2  # the migrated store and the old before-restore copy
    # Its recovery code opens it; the old plain copy became a readable backup.
    again, _new = vault.recover(path, code, USER, "N3w-Passw0rd!")
    try:
        assert again.store.pending_count() == pending
        for b in backups:
            maintenance.verify_backup(b, again.key)
    finally:
        again.close()


def test_a_store_of_the_old_key_variable_is_rekeyed(tmp_path: Path) -> None:
    path = tmp_path / "legacy.db"
    old = Store.open(path, key=legacy_key("old shared passphrase"), user=USER)
    init_township(old, TOWNSHIP)
    old.close()
    session, _code = vault.migrate_plain(
        path, USER, PASSWORD, legacy_passphrase="old shared passphrase"
    )
    assert session.store.township_code == TOWNSHIP
    assert session.key != legacy_key("old shared passphrase")
    session.close()
    with pytest.raises(vault.StoreError):
        Store.open(path, key=legacy_key("old shared passphrase"))


def test_the_test_kdf_profile_is_refused_by_an_installed_build(
    secure_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.frozen", True, raising=False)
    with pytest.raises(vault.LoginError):
        vault.unlock(secure_path, USER, PASSWORD)


def test_a_slot_below_todays_cost_is_rewrapped_at_sign_in(
    secure_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jsxclient.security import kdf
    from jsxclient.security.keyfile import KeyFile

    monkeypatch.delenv("JSXCLIENT_KDF_PROFILE")
    assert KeyFile.load(keyfile_path(secure_path)).slots[USER].kdf == kdf.TEST
    vault.unlock(secure_path, USER, PASSWORD).close()
    assert KeyFile.load(keyfile_path(secure_path)).slots[USER].kdf == kdf.PRODUCTION
