"""The server's push alone: a first push replayed through push_encoded in process.

A store is filled with persons and their member records through the write path,
its journal cut into the batches a device would send (push order, 500 changes),
and each batch's request body is parsed and applied by the server's push service
on a fresh server database, one after the other, as the route does (no HTTP, no
device, no second process: steady enough to compare two revisions of the push
code). The floor: the same record and change log rows, as the push left them,
inserted raw with sqlite3 into an empty copy of the two tables, a transaction a
batch. The server's GC settings are applied as at its start (`jsxserver.main`).

    python -m bench push_replay [--members N] [--postgres]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.common import load_average, timer
from bench.dayend import PG_ADMIN, PG_URL
from jsxclient.store import journal as jr
from jsxclient.store.reference import init_township
from jsxclient.store.store import Store
from jsxclient.sync.derived import settle_derived_inserts
from jsxcore.divisions import association_id, read_divisions
from jsxcore.entities import ENTITIES
from jsxcore.protocol import MAX_BATCH_CHANGES, Change, PushRequest
from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import SQLITE_PAGE_SIZE, init_db, make_database
from jsxserver.main import GC_YOUNG
from jsxserver.services import push as push_service
from jsxserver.services.divisions import import_divisions
from jsxserver.services.scope import Scope


def _township() -> tuple[str, list[str]]:
    villages: dict[str, list[str]] = {}
    divisions = read_divisions()
    for d in divisions:
        if d.level == "village" and d.parent_code:
            villages.setdefault(d.parent_code, []).append(d.code)
    for d in divisions[::-11]:
        if d.level == "township" and len(villages.get(d.code, [])) >= 3:
            return d.code, sorted(villages[d.code])
    raise RuntimeError("no township with villages")


def bodies(workdir: Path, township: str, villages: list[str], members: int) -> list[bytes]:
    """The request bodies of a first push of ``members`` persons with a member
    record each (fake names, no ID numbers)."""
    store = Store.open(workdir / "device.db", None, user="bench")
    try:
        init_township(store, township)  # divisions and the association tree
        assoc = association_id(villages[0])
        for start in range(0, members, 5000):
            stop = min(members, start + 5000)
            with store.transaction() as tx:
                ids = tx.insert_many(
                    "person",
                    [
                        {"name": f"会员{i}", "sex": "12"[i % 2], "division_code": villages[0]}
                        for i in range(start, stop)
                    ],
                )
                tx.insert_many(
                    "member",
                    [
                        {
                            "person_id": ids[i - start],
                            "association_id": assoc,
                            "division_code": villages[0],
                            "joined_on": date(2020, 1, 1 + i % 28),
                            "card_no": f"HN{i:08d}",
                        }
                        for i in range(start, stop)
                    ],
                )
        settle_derived_inserts(store)  # as a push does: derived rows are not sent
        conn = store.db.connection()
        rank = {name: es.rank for name, es in ENTITIES.items()}
        order = sorted(jr.unsent(conn), key=lambda r: (rank.get(r[1], 99), r[0]))
        seq_list = [s for s, _ in order]
        out = []
        for i in range(0, len(seq_list), MAX_BATCH_CHANGES):
            part = seq_list[i : i + MAX_BATCH_CHANGES]
            by_seq = {e.seq: e for e in jr.pending_entries(conn, part)}
            changes = [
                Change(
                    change_id=e.change_id,
                    entity=e.entity,
                    row_id=e.row_id,
                    op=e.op,
                    fields=e.fields,
                    old=e.old,
                    hlc=e.hlc,
                    device=e.device,
                    user=e.user,
                )
                for e in (by_seq[s] for s in part)
            ]
            req = PushRequest(batch_id=uuid.uuid4().hex, device=store.device_id, changes=changes)
            out.append(req.model_dump_json().encode())
        return out
    finally:
        store.close()


def _floor(server_db: Path, workdir: Path, batches: int) -> dict[str, float]:
    """Raw sqlite3 inserts of the rows the replay wrote (record, change log),
    into the same two tables with their indexes, one transaction a batch."""
    src = sqlite3.connect(server_db)
    ddl = [
        sql
        for (sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN ('record', 'change_log') "
            "AND sql IS NOT NULL ORDER BY type DESC"
        )
    ]
    records = src.execute("SELECT * FROM record WHERE entity IN ('person', 'member')").fetchall()
    logs = src.execute("SELECT * FROM change_log").fetchall()
    src.close()
    path = workdir / "floor.db"
    dst = sqlite3.connect(path, isolation_level=None)
    dst.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=NORMAL")
    for sql in ddl:
        dst.execute(sql)
    r_marks = ",".join("?" * len(records[0]))
    l_marks = ",".join("?" * len(logs[0]))
    r_step = -(-len(records) // batches)
    l_step = -(-len(logs) // batches)
    with timer() as t:
        for i in range(batches):
            dst.execute("BEGIN IMMEDIATE")
            part = records[i * r_step : (i + 1) * r_step]
            if part:
                dst.executemany(f"INSERT INTO record VALUES ({r_marks})", part)
            part = logs[i * l_step : (i + 1) * l_step]
            if part:
                dst.executemany(f"INSERT INTO change_log VALUES ({l_marks})", part)
            dst.execute("COMMIT")
    dst.close()
    return {"seconds": t.seconds, "cpu": t.cpu}


def run(argv: list[str]) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m bench push_replay")
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--postgres", action="store_true", help="server database on PostgreSQL")
    args = p.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="jsx-bench-replay-"))
    schema = f"jsxbench_{uuid.uuid4().hex[:8]}" if args.postgres else None
    try:
        township, villages = _township()
        batches = bodies(workdir, township, villages, args.members)
        if schema:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as c:
                c.execute(f"CREATE SCHEMA {schema}")
            url = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
        else:
            url = f"sqlite:///{workdir / 'server.db'}"
        db = make_database(Settings(database_url=url))
        init_db(db)
        with seqs.write_session(db) as session:
            import_divisions(session)
        scope = Scope("bench", "township_worker", township, "township")
        ctx = push_service.PushContext(scope, "bench-device", date.today() + timedelta(days=1))
        threshold = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG, *threshold[1:])
        parse_s = push_s = 0.0
        changes = 0
        try:
            with timer() as total:
                for body in batches:
                    t0 = time.perf_counter()
                    req = PushRequest.model_validate_json(body)
                    t1 = time.perf_counter()
                    with seqs.write_session(db) as session:
                        push_service.push_encoded(session, ctx, req)
                    push_s += time.perf_counter() - t1
                    parse_s += t1 - t0
                    changes += len(req.changes)
        finally:
            gc.set_threshold(*threshold)
            gc.unfreeze()
            db.dispose()
        per = 1e6 / changes
        out: dict[str, Any] = {
            "server": "postgresql" if args.postgres else "sqlite",
            "load_average": load_average(),
            "cpus": os.cpu_count() or 0,
            "changes": changes,
            "batches": len(batches),
            "parse_us_per_change": parse_s * per,
            "push_us_per_change": push_s * per,
            # This process's CPU, the SQLite checkpoint thread's included
            # (PostgreSQL's backends are not counted).
            "cpu_us_per_change": total.cpu * per,
            "changes_per_s": changes / total.seconds,
        }
        if not args.postgres:
            floor = _floor(workdir / "server.db", workdir, len(batches))
            out["floor_us_per_change"] = floor["seconds"] * per
            out["floor_cpu_us_per_change"] = floor["cpu"] * per
            out["ratio_push_vs_floor"] = push_s / floor["seconds"]
        return out
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if schema:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as c:
                c.execute(f"DROP SCHEMA {schema} CASCADE")
