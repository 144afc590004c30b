"""Person search: `person_search` kept by triggers, the trigram index
agreeing with LIKE, and the migration that builds them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jsxclient.store.queries.search import fts_match
from jsxclient.store.schema import migrate
from jsxclient.store.search import pinyin_key
from jsxclient.store.store import Store

from ...conftest import VILLAGE
from .builders import add_members, conn


def search_rows(store: Store, text: str) -> list[str]:
    return [
        r[0]
        for r in conn(store).execute(
            "SELECT p.name FROM person_search s JOIN person p ON p.id = s.person_id "
            "WHERE s.person_id IN (SELECT person_id FROM person_search WHERE text LIKE ?)",
            (f"%{text}%",),
        )
    ]


def test_person_search_follows_every_write(store: Store) -> None:
    with store.transaction() as tx:
        pid = tx.insert(
            "person",
            dict(
                name="张三丰",
                sex="2",
                division_code=VILLAGE,
                id_number="11010519491231002X",
                mobile="13912345678",
            ),
        )
    for text in ("zsf", "zhangsanfeng", "三丰", "1231002x", "13912345678"):
        assert search_rows(store, text) == ["张三丰"], text
    with store.transaction() as tx:
        tx.update("person", pid, {"name": "李四", "mobile": "13700000000"})
    assert search_rows(store, "zsf") == [] and search_rows(store, "13912345678") == []
    assert search_rows(store, "ls") == ["李四"]
    # A pull or a hard delete writes person without the journaled path.
    conn(store).execute("DELETE FROM person WHERE id = ?", (pid,))
    assert search_rows(store, "ls") == []
    conn(store).execute("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')")


def test_trigram_index_agrees_with_like(store: Store) -> None:
    add_members(store, 300)
    c = conn(store)
    name = c.execute("SELECT name FROM person LIMIT 1").fetchone()[0]
    for text in ("zha", "wei", "1390000012", name, "430105195"):
        like = {
            r[0]
            for r in c.execute("SELECT id FROM person_search WHERE text LIKE ?", (f"%{text}%",))
        }
        fts = {
            r[0]
            for r in c.execute(
                "SELECT rowid FROM person_fts WHERE person_fts MATCH ?", (fts_match(text),)
            )
        }
        assert like == fts and like, text


def test_a_v3_store_gets_person_search_on_migration(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    migrate(raw, target=3)
    raw.execute(
        "INSERT INTO person(id, division_code, created_at, updated_at, updated_device, "
        "updated_user, deleted, sync_state, name, sex, search_key) "
        "VALUES ('p1', ?, '2024-01-01', '2024-01-01', 'd', 'u', 0, 'synced', '王五', '1', ?)",
        (VILLAGE, pinyin_key("王五")),
    )
    migrate(raw)
    assert raw.execute("SELECT text FROM person_search").fetchone()[0] == "王五 wangwu ww  "
    assert raw.execute(
        "SELECT count(*) FROM person_fts WHERE person_fts MATCH '\"wangwu\"'"
    ).fetchone() == (1,)
