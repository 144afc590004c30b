"""The server's push alone: a first push replayed through push_encoded in process.

A store is filled with persons and their member records through the write path,
its journal cut into the batches a device would send (push order, 500 changes),
and each batch's request body is parsed and applied by the server's push service
on a fresh server database, one after the other, as the route does (no HTTP, no
device, no second process: steady enough to compare two revisions of the push
code). The floor: the same record and change log rows, as the push left them,
inserted raw with sqlite3 into an empty copy of the two tables, a transaction a
batch. The server's GC settings are applied as at its start (`jsxserver.main`).

    python -m bench push_replay [--members N] [--postgres] [--page-size B] [--gc-young N]

--page-size and --gc-young replay under another setting than the server's, to
weigh one (e.g. --page-size 4096, --gc-young 700: the settings before 16 KiB pages
and the raised threshold).
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
from bench.sync_bootstrap import add_members, townships
from jsxclient.store import journal as jr
from jsxclient.store.reference import init_township
from jsxclient.store.store import Store
from jsxclient.sync.derived import settle_derived_inserts
from jsxclient.sync.push import change_of
from jsxcore.entities import ENTITIES
from jsxcore.protocol import MAX_BATCH_CHANGES, PushRequest
from jsxserver.core import db as server_db
from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import init_db, make_database
from jsxserver.main import GC_YOUNG
from jsxserver.services import push as push_service
from jsxserver.services.divisions import import_divisions
from jsxserver.services.scope import Scope


def bodies(workdir: Path, township: str, villages: list[str], members: int) -> list[bytes]:
    """The request bodies of a first push of ``members`` persons with a member
    record each (fake names, no ID numbers)."""
    store = Store.open(workdir / "device.db", None, user="bench")
    try:
        init_township(store, township)  # divisions and the association tree
        add_members(store, villages, members)
        settle_derived_inserts(store)  # as a push does: derived rows are not sent
        conn = store.db.connection()
        rank = {name: es.rank for name, es in ENTITIES.items()}
        order = sorted(jr.unsent(conn), key=lambda r: (rank.get(r[1], 99), r[0]))
        seq_list = [s for s, _ in order]
        out = []
        for i in range(0, len(seq_list), MAX_BATCH_CHANGES):
            part = seq_list[i : i + MAX_BATCH_CHANGES]
            by_seq = {e.seq: e for e in jr.pending_entries(conn, part)}
            changes = [change_of(by_seq[s]) for s in part]
            req = PushRequest(batch_id=uuid.uuid4().hex, device=store.device_id, changes=changes)
            out.append(req.model_dump_json().encode())
        return out
    finally:
        store.close()


def _floor(source: Path, workdir: Path, batches: int, page_size: int) -> dict[str, float]:
    """Raw sqlite3 inserts of the rows the replay wrote (record, change log),
    into the same two tables with their indexes, one transaction a batch."""
    src = sqlite3.connect(source)
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
    dst.execute(f"PRAGMA page_size={page_size}")
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
    p.add_argument(
        "--page-size",
        type=int,
        default=server_db.SQLITE_PAGE_SIZE,
        help="page size of the new SQLite server file and the floor's (default: the server's)",
    )
    p.add_argument(
        "--gc-young",
        type=int,
        default=GC_YOUNG,
        help="allocations between young collections (default: the server's; Python's is 700)",
    )
    args = p.parse_args(argv)
    # Read by the server's connect hook when it makes a new file.
    server_db.SQLITE_PAGE_SIZE = args.page_size
    workdir = Path(tempfile.mkdtemp(prefix="jsx-bench-replay-"))
    schema = f"jsxbench_{uuid.uuid4().hex[:8]}" if args.postgres else None
    try:
        township, villages = next(townships())
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
        gc.set_threshold(args.gc_young, *threshold[1:])
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
            "page_size": args.page_size,
            "gc_young": args.gc_young,
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
            floor = _floor(workdir / "server.db", workdir, len(batches), args.page_size)
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
