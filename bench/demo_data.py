"""Demo data through the journaled write path vs a raw sqlite3 floor.

Times `jsxclient.demo.generate` (in-memory build + `Tx.insert_many` writes) at
`--scale` into a fresh temporary store, then inserts the very same rows with
plain `executemany` into a fresh store of the same schema and pragmas: once
without validation or journal (the floor), once with the journal rows copied
too (what journaling alone costs). Same chunking, one transaction per chunk.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from bench.common import Timing, file_mb, load_average, peak_rss_mb, rss_mb, timer
from jsxclient import demo
from jsxclient.store.db import Database
from jsxclient.store.reference import init_township
from jsxclient.store.schema import migrate
from jsxclient.store.store import Store

Table = tuple[list[str], list[tuple[object, ...]]]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench demo_data", description=__doc__)
    p.add_argument("--scale", type=float, default=5.0, help="1 = typical township (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--years", type=int, default=5)
    p.add_argument(
        "--township",
        default="430681121000",
        help="township code (default 430681121000 罗江镇, 14 villages)",
    )
    p.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="last day of the data, YYYY-MM-DD (default today)",
    )
    p.add_argument("--key", default=None, help="encrypt the stores with SQLCipher")
    p.add_argument("--chunk", type=int, default=demo.CHUNK, help="rows per transaction")
    p.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="run the write under cProfile and print the N hottest functions "
        "(times are then inflated)",
    )
    p.add_argument("--keep", type=Path, default=None, help="keep the stores in this directory")
    return p


def _read(conn: sqlite3.Connection, table: str, where: str = "") -> Table:
    cur = conn.execute(f"SELECT * FROM {table} {where}")
    return [d[0] for d in cur.description], cur.fetchall()


def _raw_insert(db: Database, tables: list[tuple[str, Table]], chunk: int) -> Timing:
    conn = db.open_connection()
    migrate(conn)
    with timer() as t:
        for name, (cols, rows) in tables:
            sql = f"INSERT INTO {name}({','.join(cols)}) VALUES({','.join('?' * len(cols))})"
            for i in range(0, len(rows), chunk):
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(sql, rows[i : i + chunk])
                conn.execute("COMMIT")
    conn.close()
    return t


def run(argv: list[str]) -> dict[str, object]:
    args = _parser().parse_args(argv)
    demo.CHUNK = args.chunk
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        path = root / "demo.db"
        for old in root.glob("*.db*"):
            old.unlink()
        rss_start = rss_mb()
        store = Store.open(path, key=args.key, user="bench")
        with timer() as t_init:
            init_township(store, args.township)
        with timer() as t_build:
            data = demo.build(store, args.township, args.scale, args.seed, args.years, args.today)
        profiler = cProfile.Profile() if args.profile else None
        with timer() as t_write:
            if profiler:
                profiler.enable()
            counts = demo.write(store, data)
            if profiler:
                profiler.disable()
        peak = peak_rss_mb()
        del data
        rows = sum(counts.values())
        conn = store.db.connection()
        journal_rows = int(conn.execute("SELECT count(*) FROM journal").fetchone()[0])
        tables = [(e, _read(conn, e)) for e in demo.WRITE_ORDER]
        journal = _read(conn, "journal", "WHERE entity != 'association'")
        store.close()
        store_mb = file_mb(path)

        floor = _raw_insert(Database(root / "floor.db", args.key), tables, args.chunk)
        floor_j = _raw_insert(
            Database(root / "floor_journal.db", args.key),
            [*tables, ("journal", journal)],
            args.chunk,
        )

    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())
    generate_s = t_build.seconds + t_write.seconds
    return {
        "township": args.township,
        "scale": args.scale,
        "years": args.years,
        "seed": args.seed,
        "encrypted": args.key is not None,
        "profiled": bool(args.profile),
        "load_average": load_average(),
        "rows": rows,
        "journal_rows": journal_rows,
        "init_township_s": t_init.seconds,
        "build_s": t_build.seconds,
        "write_s": t_write.seconds,
        "generate_s": generate_s,
        "generate_rows_per_s": rows / generate_s,
        "write_rows_per_s": rows / t_write.seconds,
        "floor_s": floor.seconds,
        "floor_rows_per_s": rows / floor.seconds,
        "floor_with_journal_s": floor_j.seconds,
        "ratio_generate_vs_floor": generate_s / floor.seconds,
        "ratio_write_vs_floor": t_write.seconds / floor.seconds,
        "ratio_write_vs_floor_with_journal": t_write.seconds / floor_j.seconds,
        "cpu": {
            "build_s": t_build.cpu,
            "write_s": t_write.cpu,
            "floor_s": floor.cpu,
            "floor_with_journal_s": floor_j.cpu,
            "ratio_write_vs_floor": t_write.cpu / floor.cpu,
        },
        "store_mb": store_mb,
        "rss_start_mb": rss_start,
        "peak_rss_mb": peak,
        "rows_per_entity": counts,
    }
