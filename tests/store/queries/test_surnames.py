"""Surnames read as surnames (曾 zeng, 单 shan, 尉迟 yuchi …) in the search
key, the lists, the pickers and their order; migration 7 rewrites the keys
an older program stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jsxclient.store.queries import paging, pickers
from jsxclient.store.queries.paging import Query
from jsxclient.store.schema import migrate
from jsxclient.store.search import name_key, pinyin_key
from jsxclient.store.store import Store
from jsxcore.divisions import association_id

from ...conftest import VILLAGE
from .builders import conn

READINGS = [
    ("曾春燕", "zcy", "zengchunyan"),
    ("单丽华", "slh", "shanlihua"),
    ("解小军", "xxj", "xiexiaojun"),
    ("仇红梅", "qhm", "qiuhongmei"),
    ("区明", "om", "ouming"),
    ("查良镛", "zly", "zhaliangyong"),
    ("朴成浩", "pch", "piaochenghao"),
    ("覃华", "qh", "qinhua"),
    ("尉迟敬德", "ycjd", "yuchijingde"),
    ("万俟雅", "mqy", "moqiya"),
]


@pytest.mark.parametrize(("name", "initials", "full"), READINGS)
def test_surname_readings_lead_the_key(name: str, initials: str, full: str) -> None:
    key = name_key(name)
    assert key.split()[:2] == [full, initials]


def test_the_dictionary_reading_still_finds_them() -> None:
    assert "ccy" in name_key("曾春燕").split()
    # A polyphonic character inside a given name reads as the dictionary says.
    assert name_key("王曾") == pinyin_key("王曾")


def _add(store: Store, names: list[str]) -> None:
    with store.transaction() as tx:
        for n in names:
            pid = tx.insert("person", dict(name=n, sex="2", division_code=VILLAGE))
            tx.insert(
                "member",
                dict(
                    person_id=pid,
                    association_id=association_id(VILLAGE),
                    division_code=VILLAGE,
                    joined_on="2020-01-01",
                ),
            )


def test_lists_and_pickers_find_and_sort_by_the_surname(store: Store) -> None:
    _add(store, [n for n, _, _ in READINGS] + ["蔡春燕", "张春燕"])
    c = conn(store)
    for name, initials, full in READINGS:
        assert name in [ch.label for ch in pickers.find_people(c, initials)], initials
        rows = paging.page(c, "member", Query(full)).rows
        assert name in [r[0] for r in rows], full
    # 曾 sorts as zeng: after cai, before zhang.
    order = [r[0] for r in paging.page(c, "member", Query("chunyan")).rows]
    assert order == ["蔡春燕", "曾春燕", "张春燕"]
    picked = [ch.label for ch in pickers.find_people(c, "chunyan")]
    assert picked == ["蔡春燕", "曾春燕", "张春燕"]


def test_migration_7_rewrites_stored_keys(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    migrate(raw, target=6)
    for pid, name in (("p1", "曾春燕"), ("p2", "王五")):
        raw.execute(
            "INSERT INTO person(id, division_code, created_at, updated_at, updated_device, "
            "updated_user, deleted, sync_state, name, sex, search_key) "
            "VALUES (?, ?, '2024-01-01', '2024-01-01', 'd', 'u', 0, 'synced', ?, '2', ?)",
            (pid, VILLAGE, name, pinyin_key(name)),
        )
    assert raw.execute("SELECT count(*) FROM person_search WHERE text LIKE '%zcy%'").fetchone() == (
        0,
    )
    migrate(raw)
    keys = dict(raw.execute("SELECT id, search_key FROM person"))
    assert keys == {"p1": name_key("曾春燕"), "p2": pinyin_key("王五")}
    assert raw.execute(
        "SELECT p.name FROM person_fts f JOIN person_search s ON s.id = f.rowid "
        "JOIN person p ON p.id = s.person_id WHERE person_fts MATCH '\"zengchunyan\"'"
    ).fetchall() == [("曾春燕",)]
    assert (
        raw.execute("SELECT sort_key FROM person_search WHERE person_id='p1'")
        .fetchone()[0]
        .startswith("zengchunyan")
    )
