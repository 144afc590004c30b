from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from jsxclient.store.db import StoreError
from jsxclient.store.schema import LATEST, SchemaTooNewError, migrate, schema_version
from jsxclient.store.store import RecordNotFound, Store, ValidationFailed
from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES

from ..conftest import TOWNSHIP, VILLAGE


def journal(store: Store) -> list[dict[str, object]]:
    cur = store.db.connection().execute("SELECT * FROM journal ORDER BY seq")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def person(**kw: object) -> dict[str, object]:
    base: dict[str, object] = dict(
        name="李秀英",
        sex="2",
        division_code=VILLAGE,
        id_number="11010519491231002X",
        birth_date="1949-12-31",
        mobile="13912345678",
    )
    base.update(kw)
    return base


def test_every_write_is_journaled_exactly_once(store: Store) -> None:
    before = len(journal(store))
    with store.transaction() as tx:
        pid = tx.insert("person", person())
        tx.update("person", pid, {"mobile": "13700000000", "education": "21"})
        tx.update("person", pid, {"mobile": "13700000000"})  # no change, no entry
    with store.transaction() as tx:
        tx.delete("person", pid)
    entries = [e for e in journal(store)[before:]]
    assert [e["op"] for e in entries] == ["insert", "update", "delete"]
    assert all(e["row_id"] == pid and e["state"] == "pending" for e in entries)
    ins, upd, dele = (json.loads(str(e["fields"])) for e in entries)
    assert ins["name"] == "李秀英" and ins["division_code"] == VILLAGE
    assert set(ins) == set(ENTITIES["person"].data_fields)
    assert upd == {"mobile": "13700000000", "education": "21"}
    assert json.loads(str(entries[1]["old"])) == {"mobile": "13912345678", "education": None}
    assert dele == {"deleted": True}
    assert json.loads(str(entries[2]["old"]))["mobile"] == "13700000000"
    stamps = [str(e["hlc"]) for e in entries]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    row = store.get("person", pid)
    assert row is not None and row["deleted"] is True and row["sync_state"] == "pending"


def test_rolled_back_transaction_leaves_nothing(store: Store) -> None:
    before = len(journal(store))
    with pytest.raises(RuntimeError), store.transaction() as tx:
        pid = tx.insert("person", person())
        raise RuntimeError("boom")
    assert len(journal(store)) == before
    assert store.get("person", pid) is None


def test_invalid_write_is_refused_with_reasons(store: Store) -> None:
    before = len(journal(store))
    with pytest.raises(ValidationFailed) as err, store.transaction() as tx:
        tx.insert("person", person(id_number="11010519491231002Y", mobile="12345"))
    fields = {i.field for i in err.value.issues}
    assert {"id_number", "mobile"} <= fields
    assert all(i.zh and i.en for i in err.value.issues)
    assert len(journal(store)) == before


def test_a_bulk_insert_is_refused_at_its_first_bad_row(store: Store) -> None:
    before = len(journal(store))
    rows = [
        person(id_number=None),
        person(id_number=None, mobile="12345"),
        person(id_number=None, division_code="439999999999"),
    ]
    with pytest.raises(ValidationFailed) as err, store.transaction() as tx:
        tx.insert_many("person", rows)
    assert [i.field for i in err.value.issues] == ["mobile"]
    assert len(journal(store)) == before


def test_references_and_divisions_are_checked(store: Store) -> None:
    with pytest.raises(ValidationFailed) as err, store.transaction() as tx:
        tx.insert(
            "carevisit",
            dict(family_id="f" * 32, division_code=VILLAGE, visit_date="2024-01-02", mode="home"),
        )
    assert [i.code for i in err.value.issues] == ["reference.missing"]
    with pytest.raises(ValidationFailed) as err, store.transaction() as tx:
        tx.insert("person", person(division_code="439999999999"))
    assert [i.field for i in err.value.issues] == ["division_code"]


def test_update_and_delete_of_missing_rows(store: Store) -> None:
    with pytest.raises(RecordNotFound), store.transaction() as tx:
        tx.update("person", "0" * 32, {"name": "x"})
    with store.transaction() as tx:
        pid = tx.insert("person", person())
        tx.delete("person", pid)
    with pytest.raises(RecordNotFound), store.transaction() as tx:
        tx.delete("person", pid)


def test_derived_search_key(store: Store) -> None:
    with store.transaction() as tx:
        pid = tx.insert("person", person(name="张三"))
        assert tx.get("person", pid)["search_key"] == "zhangsan zs"  # type: ignore[index]
        tx.update("person", pid, {"name": "曾小燕"})
    # 曾 as a surname reads zeng; the dictionary reading follows.
    assert store.get("person", pid)["search_key"] == "zengxiaoyan zxy cengxiaoyan cxy"  # type: ignore[index]


def test_clock_survives_reopen(store_path: Path) -> None:
    s = Store.open(store_path)
    with s.transaction() as tx:
        tx.insert("person", person())
    last = s.clock.last
    s.close()
    s2 = Store.open(store_path)
    assert s2.clock.now() > last
    s2.close()


def test_associations_derived_once(store: Store) -> None:
    conn = store.db.connection()
    villages = conn.execute(
        "SELECT count(*) FROM division WHERE parent_code=?", (TOWNSHIP,)
    ).fetchone()[0]
    assert conn.execute("SELECT count(*) FROM association").fetchone()[0] == villages + 1
    assert store.get("association", association_id(VILLAGE)) is not None


def test_migration_keeps_rows_written_by_version_1(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    migrate(conn, target=1)
    assert schema_version(conn) == 1
    conn.execute(
        "INSERT INTO person(id, division_code, created_at, updated_at, updated_device, "
        "updated_user, deleted, sync_state, name, sex) "
        "VALUES('a1', '430105003001', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'd', 'u', "
        "0, 'synced', '王芳', '2')"
    )
    conn.close()
    s = Store.open(tmp_path / "old.db")
    assert schema_version(s.db.connection()) == LATEST
    row = s.get("person", "a1")
    assert row is not None and row["name"] == "王芳" and row["search_key"] == "wangfang wf"
    s.close()


def test_migrated_schema_matches_the_models(store: Store) -> None:
    conn = store.db.connection()
    for name, es in ENTITIES.items():
        cols = {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}
        assert cols == set(es.model.model_fields), name


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "future.db", isolation_level=None)
    conn.execute(f"PRAGMA user_version={LATEST + 1}")
    with pytest.raises(SchemaTooNewError, match="newer"):
        migrate(conn)


def test_encrypted_store(tmp_path: Path) -> None:
    path = tmp_path / "secret.db"
    key = os.urandom(32)
    s = Store.open(path, key=key)
    s.set_meta("probe", "秘密")
    s.close()
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert b"\xe7\xa7\x98\xe5\xaf\x86" not in path.read_bytes()
    with pytest.raises(StoreError):
        Store.open(path, key=os.urandom(32))
    s = Store.open(path, key=key)
    assert s.meta("probe") == "秘密"
    s.close()


def test_write_path_runs_the_entity_rules(store: Store) -> None:
    """The CLI and imports get what the form derives: village and association
    from the person, the subsidy amount from the configured rate."""
    with store.transaction() as tx:
        pid = tx.insert("person", person())
        mid = tx.insert(
            "member", {"person_id": pid, "joined_on": "2024-01-01", "division_code": VILLAGE}
        )
        tx.insert("subsidyrate", {"kind": "hospital_care", "year": 2024, "rate_fen": 3000})
        fid = tx.insert(
            "specialfamily",
            {"category": "bereaved", "head_person_id": pid, "division_code": VILLAGE},
        )
        sid = tx.insert(
            "caresubsidy",
            {
                "family_id": fid,
                "kind": "hospital_care",
                "admitted_on": "2025-03-01",
                "discharged_on": "2025-03-08",
            },
        )
    member = store.get("member", mid)
    assert member is not None and member["association_id"] == association_id(VILLAGE)
    sub = store.get("caresubsidy", sid)
    assert sub is not None
    assert (sub["division_code"], sub["days"], sub["rate_fen"], sub["amount_fen"]) == (
        VILLAGE,
        7,
        3000,
        21000,
    )
