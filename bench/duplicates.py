"""The duplicate persons' list (the 重复人员 tab of 同步, `jsxclient
duplicates list`): merge reviews and suggestions over a demo store (scale 20
by default: the 100,000-member street, ~110,000 persons), with `pairs`
possible duplicates and as many merge reviews added.

The sync page asks for the list after every change it hears of, on the
database worker. The floor is one pass over the person rows by the name
index (what a search comparing every person with its namesakes costs, 0.9 s
CPU for the first version of this list, a self-join of all persons); the
list starts from the persons without an ID number instead, so its ratio to
the floor should stay far below 1. CPU time beside wall time.

    python -m bench duplicates [--scale 20] [--pairs 50] [--store PATH]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from bench.common import load_average, timer
from jsxclient import demo
from jsxclient.store.store import Store
from jsxclient.sync import duplicates

TOWNSHIP = "430105003000"


def _store(path: Path, scale: float) -> Store:
    if path.exists():
        return Store.open(path, user="bench")
    s = Store.open(path, user="bench")
    demo.generate(s, TOWNSHIP, scale=scale, seed=1, today=date(2026, 11, 20))
    s.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return s


def _add_cases(store: Store, pairs: int) -> None:
    conn = store.db.connection()
    if conn.execute("SELECT count(*) FROM person WHERE name LIKE '重复%'").fetchone()[0]:
        return  # a reused store has them
    village = conn.execute("SELECT division_code FROM member LIMIT 1").fetchone()[0]
    kept = conn.execute(
        "SELECT id FROM person WHERE id_number IS NOT NULL AND deleted = 0 LIMIT ?", (pairs,)
    ).fetchall()
    with store.transaction() as tx:
        for i in range(pairs):
            same = {"name": f"重复{i}", "birth_date": "1950-01-01", "division_code": village}
            tx.insert("person", {**same, "sex": "1"})
            tx.insert("person", {**same, "sex": "2"})
    for (kept_id,) in kept:
        row = store.get("person", kept_id)
        assert row is not None
        with store.transaction() as tx:
            copy = tx.insert(
                "person",
                {"name": f"{row['name']}甲", "sex": row["sex"], "division_code": village},
            )
            duplicates.merge_into_registered(tx, copy, {**row, "id": kept_id}, None)


def run(argv: list[str]) -> dict[str, object]:
    p = argparse.ArgumentParser(prog="python -m bench duplicates")
    p.add_argument("--scale", type=float, default=20.0)
    p.add_argument("--pairs", type=int, default=50)
    p.add_argument("--store", type=Path, help="reuse (or keep) the demo store here")
    a = p.parse_args(argv)
    path = a.store or Path(tempfile.mkdtemp(prefix="bench-dup-")) / f"demo-{a.scale:g}.db"
    with timer() as t_build:
        store = _store(path, a.scale)
        _add_cases(store, a.pairs)
    conn = store.db.connection()
    persons = conn.execute("SELECT count(*) FROM person WHERE deleted = 0").fetchone()[0]
    duplicates.candidates(store)  # warm the page cache
    floors, lists = [], []
    for _ in range(3):
        with timer() as t:
            conn.execute(
                "SELECT count(*) FROM person INDEXED BY ix_person_name "
                "WHERE name > '' AND deleted = 0"
            ).fetchone()
        floors.append(t)
        with timer() as t:
            found = duplicates.candidates(store)
        lists.append(t)
    floor = sorted(floors, key=lambda t: t.seconds)[1]
    listed = sorted(lists, key=lambda t: t.seconds)[1]
    store.close()
    return {
        "scale": a.scale,
        "persons": persons,
        "reviews": sum(1 for c in found if c.kind == "review"),
        "suggestions": sum(1 for c in found if c.kind == "possible"),
        "load_average": round(load_average(), 2),
        "build_store_s": round(t_build.seconds, 1),
        "list_ms": round(listed.seconds * 1000, 1),
        "list_cpu_ms": round(listed.cpu * 1000, 1),
        "floor_name_index_pass_ms": round(floor.seconds * 1000, 1),
        "floor_cpu_ms": round(floor.cpu * 1000, 1),
        "ratio_list_vs_floor": round(listed.seconds / max(floor.seconds, 1e-6), 2),
        "ratio_list_vs_floor_cpu": round(listed.cpu / max(floor.cpu, 1e-6), 2),
    }
