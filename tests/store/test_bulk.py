"""The one-pass index build at the end of a bulk load (jsxclient.store.bulk)."""

from __future__ import annotations

from jsxclient.store import bulk
from jsxclient.store.queries.search import fts_match
from jsxclient.store.store import Store

from ..conftest import VILLAGE


def _fts_ids(store: Store, text: str) -> set[str]:
    return {
        r[0]
        for r in store.db.connection().execute(
            "SELECT s.person_id FROM person_fts JOIN person_search s ON s.id = person_fts.rowid "
            "WHERE person_fts MATCH ?",
            (fts_match(text),),
        )
    }


def test_the_rebuild_indexes_every_person_and_leaves_fts5_at_its_defaults(store: Store) -> None:
    conn = store.db.connection()
    conn.execute("BEGIN IMMEDIATE")
    bulk.defer(conn)
    conn.execute("COMMIT")
    with store.transaction() as tx:  # rows written while the index waits
        ids = tx.insert_many(
            "person",
            [  # type: ignore[arg-type]
                {
                    "name": f"欧阳娜{i}",
                    "sex": "2",
                    "division_code": VILLAGE,
                    "mobile": f"1390{i:07d}",
                }
                for i in range(300)
            ],
        )
    assert _fts_ids(store, "ouyang") == set()
    assert bulk.finish(conn) and not bulk.deferred(conn)
    assert _fts_ids(store, "ouyang") == set(ids)
    assert _fts_ids(store, "13900000007") == {ids[7]}
    # The rebuild's room for pending terms is not kept for later writes.
    hashsize = conn.execute("SELECT v FROM person_fts_config WHERE k='hashsize'").fetchone()
    assert hashsize is None or hashsize[0] == 1024 * 1024
    # Kept current row by row again.
    with store.transaction() as tx:
        late = tx.insert("person", {"name": "欧阳明", "sex": "1", "division_code": VILLAGE})
    assert late in _fts_ids(store, "ouyang")
