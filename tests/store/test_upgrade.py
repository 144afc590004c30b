"""Opening a store an older program wrote: a verified backup first, then the
migrations in one transaction; a failure leaves the store as it was and says
what to do.

`fixtures/store-schema4.db.gz` was written by jsxclient 0.1.0 (schema 4,
commit 6b94759): `jsxclient init 430105003000`, `demo-data --scale 0.01
--seed 7` (409 records, all pending in the journal), then the divisions
outside 开福区 deleted and the file vacuumed to keep it small.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from jsxclient import cli
from jsxclient.store import bulk, journal, schema
from jsxclient.store.db import Database
from jsxclient.store.maintenance import check, verify_store_file
from jsxclient.store.search import name_key
from jsxclient.store.store import Store
from jsxclient.store.upgrade import (
    MigrationFailedError,
    StoreTooNewError,
    upgrade_backups,
)
from jsxcore.entities import ENTITIES

FIXTURE = Path(__file__).parent / "fixtures" / "store-schema4.db.gz"
TOWNSHIP = "430105003000"


@pytest.fixture
def v4_store(tmp_path: Path) -> Path:
    path = tmp_path / "jsxclient.db"
    path.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    return path


def data(path: Path) -> dict[str, Any]:
    """Every record, journal entry and meta value, read with plain sqlite3."""
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        # A table a later schema added is empty after the upgrade: compare the others.
        out: dict[str, Any] = {
            name: conn.execute(f"SELECT * FROM {name} ORDER BY id").fetchall()
            for name in ENTITIES
            if name in tables and name not in ("monthlyreport", "persondecision")
        }
        out["journal"] = conn.execute("SELECT * FROM journal ORDER BY seq").fetchall()
        out["meta"] = conn.execute("SELECT * FROM meta ORDER BY key").fetchall()
        out["division"] = conn.execute("SELECT * FROM division ORDER BY code").fetchall()
        cols = [r[1] for r in conn.execute("PRAGMA table_info(person)")]
        out["person_search_key"] = cols.index("search_key")
        return out
    finally:
        conn.close()


def _without_keys(d: dict[str, Any]) -> dict[str, Any]:
    at = d["person_search_key"]
    return {**d, "person": [tuple(v for i, v in enumerate(r) if i != at) for r in d["person"]]}


def dump(path: Path) -> list[str]:
    """The whole database as SQL: schema, version and every row."""
    conn = sqlite3.connect(path)
    try:
        return [f"user_version={schema.schema_version(conn)}", *conn.iterdump()]
    finally:
        conn.close()


def version_of(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return schema.schema_version(conn)
    finally:
        conn.close()


def test_a_store_of_the_previous_schema_opens_intact_with_a_verified_backup(
    v4_store: Path,
) -> None:
    assert version_of(v4_store) == 4
    before = data(v4_store)
    assert len(before["journal"]) == 414 and before["person"]

    s = Store.open(v4_store)
    try:
        assert schema.schema_version(s.db.connection()) == schema.LATEST
        [backup] = upgrade_backups(v4_store)
        assert backup.name.startswith("jsxclient.db.before-upgrade-v4-")
        meta = verify_store_file(backup, None, expect_township=TOWNSHIP)
        assert meta["township_code"] == TOWNSHIP
        log = (
            s.db.connection()
            .execute("SELECT from_version, to_version, backup FROM upgrade_log")
            .fetchall()
        )
        assert log == [(4, schema.LATEST, str(backup))]
        assert check(s).ok
        after = data(v4_store)
        # Every record, journal entry and setting kept; the derived search
        # keys are recomputed (migration 7: surnames read as surnames).
        assert _without_keys(after) == _without_keys(before)
        keys = s.db.connection().execute("SELECT name, search_key FROM person").fetchall()
        assert all(k == name_key(n) for n, k in keys)
        # The upgraded store takes new work through the one write path.
        with s.transaction() as tx:
            tx.insert("person", {"name": "升级后", "sex": "2", "division_code": "430105003001"})
        assert s.pending_count() == 415
    finally:
        s.close()

    assert version_of(backup) == 4 and data(backup) == before  # the backup is the old store

    # Opening it again changes nothing and makes no second backup.
    Store.open(v4_store).close()
    assert upgrade_backups(v4_store) == [backup]


def _failing_step(conn: sqlite3.Connection) -> None:
    # Changes of every kind, then the failure: none of them may survive.
    conn.execute("ALTER TABLE person ADD COLUMN nickname VARCHAR(20)")
    conn.execute("UPDATE person SET name = '改坏了'")
    conn.execute("DELETE FROM journal")
    conn.execute("CREATE TABLE half_done (x)")
    raise sqlite3.OperationalError("injected failure in migration step")


@pytest.fixture
def failing_migration(monkeypatch: pytest.MonkeyPatch) -> int:
    """One more migration after the newest, that fails half-way."""
    bad = schema.LATEST + 1
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, (bad, None, _failing_step)])
    return bad


def test_a_failing_migration_leaves_the_store_unchanged_and_says_what_to_do(
    v4_store: Path,
    failing_migration: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert schema.latest() == failing_migration
    before = dump(v4_store)
    with pytest.raises(MigrationFailedError) as err:
        Store.open(v4_store)
    # Migration 5 succeeded before the injected one failed: one transaction,
    # so the store is back at schema 4, byte for byte the same data.
    assert dump(v4_store) == before
    [backup] = upgrade_backups(v4_store)
    assert err.value.backup == backup
    assert dump(backup)[1:] == before[1:]
    assert verify_store_file(backup, None, expect_township=TOWNSHIP)
    zh, en = err.value.text("zh"), err.value.text("en")
    assert "升级已撤销" in zh and "数据没有改动" in zh and "重新安装之前的版本" in zh
    assert str(backup) in zh
    assert "nothing was changed" in en and "Reinstall the previous version" in en
    assert str(backup) in en

    # The command line says the same, in both languages, with exit status 1
    # (signed in: its first sign-in would encrypt the old store).
    monkeypatch.setenv("JSXCLIENT_USER", "clerk")
    monkeypatch.setenv("JSXCLIENT_PASSWORD", "Passw0rd!x")
    assert cli.main(["--store", str(v4_store), "check"]) == 1
    printed = capsys.readouterr().err
    assert "升级已撤销" in printed and "the upgrade was undone" in printed
    assert dump(v4_store) == before
    assert len(upgrade_backups(v4_store)) == 2  # each attempt backs up first

    # The working program (without the broken migration) still upgrades it.
    schema.MIGRATIONS.pop()
    s = Store.open(v4_store)
    assert check(s).ok
    s.close()


def test_a_store_of_a_newer_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={schema.LATEST + 1}")
    conn.close()
    before = dump(path)
    with pytest.raises(StoreTooNewError) as err:
        Store.open(path)
    assert "请安装最新版本" in err.value.text("zh")
    assert "install the newest version" in err.value.text("en")
    assert dump(path) == before and upgrade_backups(path) == []
    raw = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(schema.SchemaTooNewError):
        schema.migrate(raw)
    raw.close()


def test_a_new_store_needs_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    s = Store.open(path)
    assert s.db.connection().execute("SELECT from_version, backup FROM upgrade_log").fetchall() == [
        (0, None)
    ]
    s.close()
    assert upgrade_backups(path) == []


def test_an_encrypted_store_is_backed_up_encrypted(tmp_path: Path) -> None:
    path, key = tmp_path / "secret.db", bytes(range(32))
    db = Database(path, key)
    schema.migrate(db.connection(), target=4)
    db.connection().execute("INSERT INTO meta(key, value) VALUES('township_code', ?)", (TOWNSHIP,))
    db.close()
    s = Store.open(path, key=key)
    s.close()
    [backup] = upgrade_backups(path)
    assert not backup.read_bytes().startswith(b"SQLite format 3")
    assert verify_store_file(backup, key, expect_township=TOWNSHIP)["township_code"] == TOWNSHIP


def _indexes(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        n: s
        for n, s in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
        )
    }


def _schema9_store(path: Path) -> None:
    """A store of schema 9 holding a pending and a synced person and member."""
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=9)
    for i, state in enumerate(("pending", "synced")):
        conn.execute(
            "INSERT INTO person(id, division_code, created_at, updated_at, updated_device, "
            "updated_user, deleted, sync_state, name, sex, mobile) VALUES(?, '430105003001', "
            "'2024-01-01', '2024-01-01', 'd', 'u', 0, ?, '王芳', '2', '13900000000')",
            (f"p{i}", state),
        )
    conn.close()


def test_schema_10_keeps_indexes_to_what_queries_read(tmp_path: Path) -> None:
    path = tmp_path / "v9.db"
    _schema9_store(path)
    s = Store.open(path)
    try:
        conn = s.db.connection()
        have = _indexes(conn)
        assert "ix_person_mobile" not in have and "ix_person_division_code" not in have
        assert "WHERE sync_state <> 'synced'" in have["ix_person_sync_state"]
        assert "WHERE left_on IS NOT NULL" in have["ix_member_left_on"]
        # The rows not synced are still found through the (smaller) index.
        status = "SELECT sync_state, count(*) FROM person WHERE sync_state != 'synced' GROUP BY 1"
        plan = " ".join(r[-1] for r in conn.execute(f"EXPLAIN QUERY PLAN {status}"))
        assert "ix_person_sync_state" in plan
        assert conn.execute(status).fetchall() == [("pending", 1)]
        assert journal.pending_rows_without_change(conn, "person") == 1
    finally:
        s.close()


def test_schema_10_during_a_bootstrap_changes_what_its_end_rebuilds(tmp_path: Path) -> None:
    """A bootstrap stopped half-way by schema 9 (its indexes dropped, their
    SQL kept), then a program of schema 10: the rebuild makes schema 10's."""
    path = tmp_path / "v9.db"
    _schema9_store(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    bulk.defer(conn)
    conn.execute("COMMIT")
    assert "ix_person_mobile" not in _indexes(conn)
    conn.close()
    s = Store.open(path)  # upgrades, then finishes the deferred rebuild
    try:
        have = _indexes(s.db.connection())
        fresh = Store.open(tmp_path / "new.db")
        try:
            assert have == _indexes(fresh.db.connection())
        finally:
            fresh.close()
        assert "ix_person_mobile" not in have
        assert "WHERE sync_state <> 'synced'" in have["ix_member_sync_state"]
    finally:
        s.close()
