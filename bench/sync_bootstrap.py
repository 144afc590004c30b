"""First sync of a fresh device (bootstrap) beside its floor.

For each case a generator device fills a township (demo data at a scale, or
100,000 member rows), pushes it to a real `jsxserver serve` on 127.0.0.1
(SQLite, or PostgreSQL with --postgres), then a fresh device bootstraps it.
The floor is what no client can beat: the same rows as raw gzip'd JSON pages
over loopback HTTP (served pre-built, so no server work is counted) plus a
raw SQLite executemany insert of the same rows into a fresh store. Figures:
seconds, rows/s, and the ratio bootstrap/floor (goal: within 2x).

    python -m bench sync_bootstrap                     # scale 1, scale 5, 100k members
    python -m bench sync_bootstrap --cases 1 --quick   # a quick look (scale 0.2)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from sqlmodel import Session

from bench.common import free_port, load_average, timer
from jsxclient.store.store import Store
from jsxclient.sync.account import connect, make_transport
from jsxclient.sync.bootstrap import bootstrap
from jsxclient.sync.engine import SyncEngine
from jsxclient.sync.rows import row_sql
from jsxcore.divisions import association_id, read_divisions
from jsxcore.entities import ENTITIES
from jsxcore.protocol import MAX_PULL_LIMIT
from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import init_db, make_database
from jsxserver.models import AppUserCreate
from jsxserver.services.divisions import import_divisions
from jsxserver.services.users import create_user

PASSWORD = "Bench-2024!x"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# -- a server and devices ---------------------------------------------------------


class BenchServer:
    """`jsxserver serve` in its own process over a database of its own."""

    def __init__(self, workdir: Path, postgres: bool = False) -> None:
        self.workdir = workdir
        self.schema = f"jsxbench_{uuid.uuid4().hex[:8]}" if postgres else None
        if self.schema:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {self.schema}")
            self.url = f"{PG_URL}?options={quote(f'-csearch_path={self.schema}')}"
        else:
            self.url = f"sqlite:///{workdir / 'server.db'}"
        self.db = make_database(Settings(database_url=self.url))
        if self.db.checkpointer is not None:
            # The server process runs its own; one here would do the server's
            # work in the bench's process, counted as the client's CPU.
            self.db.checkpointer.close()
        init_db(self.db)
        with seqs.write_session(self.db) as session:
            import_divisions(session)
        self.port = free_port()
        self.log = (workdir / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from jsxserver.cli import main; sys.exit(main(sys.argv[1:]))",
                "--database",
                self.url,
                "serve",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            stdout=self.log,
            stderr=self.log,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.base}/api/v1/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("jsxserver did not start")
            time.sleep(0.05)
        self._townships = iter(townships())

    def township(self) -> tuple[str, list[str], str]:
        code, villages = next(self._townships)
        name = f"b{uuid.uuid4().hex[:8]}"
        with Session(self.db.write_engine) as session:
            create_user(
                session,
                AppUserCreate(
                    username=name, role="township_worker", division_code=code, password=PASSWORD
                ),
            )
        return code, villages, name

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        self.db.dispose()
        if self.schema:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {self.schema} CASCADE")


def townships() -> Iterator[tuple[str, list[str]]]:
    """(township code, its village codes) over the province, each with 3+ villages."""
    villages: dict[str, list[str]] = {}
    divisions = read_divisions()
    for d in divisions:
        if d.level == "village" and d.parent_code:
            villages.setdefault(d.parent_code, []).append(d.code)
    for d in divisions[::-7]:  # spread over the province, away from the tests' picks
        if d.level == "township" and len(villages.get(d.code, [])) >= 3:
            yield d.code, sorted(villages[d.code])


# The data key of the devices' stores with --encrypted (as the app keeps
# them; the login's KDF is timed by bench/kdf.py); None: plain SQLite.
STORE_KEY: bytes | None = None


def device(server: BenchServer, path: Path, user: str) -> Store:
    store = Store.open(path, STORE_KEY, user=user)
    connect(store, server.base, user, PASSWORD, path.stem)
    return store


def engine(store: Store) -> SyncEngine:
    return SyncEngine(store, make_transport(store))


# -- filling a township ----------------------------------------------------------------


def fill_demo(store: Store, township: str, scale: float) -> int:
    from jsxclient.demo import generate

    engine(store).run()  # the associations come from the server first
    # Fake records for the bench's own server: not a worker's demo store.
    counts = generate(store, township, scale=scale, seed=1, mark=False)
    return sum(counts.values())


def fill_members(store: Store, township: str, villages: list[str], members: int) -> int:
    """`members` member rows, each with its own person, through the write path
    (a person holds at most one member record), after a first sync."""
    engine(store).run()
    return add_members(store, villages, members)


def add_members(store: Store, villages: list[str], members: int) -> int:
    """`members` persons with a member record each, in the first village (fake
    names, no ID numbers): the rows written."""
    assoc = association_id(villages[0])
    for start in range(0, members, 5000):
        stop = min(members, start + 5000)
        persons = [
            {"name": f"会员{i}", "sex": "12"[i % 2], "division_code": villages[0]}
            for i in range(start, stop)
        ]
        with store.transaction() as tx:
            ids = tx.insert_many("person", persons)  # type: ignore[arg-type]
            rows = [
                {
                    "person_id": ids[i - start],
                    "association_id": assoc,
                    "division_code": villages[0],
                    "joined_on": date(2020, 1, 1 + i % 28),
                    "card_no": f"HN{i:08d}",
                }
                for i in range(start, stop)
            ]
            tx.insert_many("member", rows)  # type: ignore[arg-type]
    return 2 * members


# -- the floor --------------------------------------------------------------------------


@contextmanager
def static_pages(pages: list[bytes]) -> Iterator[str]:
    """Pre-built gzip'd pages over loopback HTTP: transfer and nothing else."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            body = pages[int(self.path.rsplit("/", 1)[1])]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def floor(store: Store, workdir: Path, template: Path) -> dict[str, float]:
    """The same rows the bootstrap wrote, read back from its store, inserted
    with executemany into bare tables (no indexes or triggers) after a raw
    transfer of the same rows as gzip'd JSON over loopback."""
    conn = store.db.connection()
    rows: dict[str, list[list[Any]]] = {}
    wire: list[dict[str, Any]] = []
    for name in ENTITIES:
        _, _, cols = row_sql(name)
        data = conn.execute(f"SELECT {','.join(cols)} FROM {name}").fetchall()
        rows[name] = [list(r) for r in data]
        es = ENTITIES[name]
        idx = {c: i for i, c in enumerate(cols)}
        wire.extend(
            {"entity": name, "id": r[0], "data": {f: r[idx[f]] for f in es.data_fields}}
            for r in data
        )
    n = len(wire)
    pages = [
        gzip.compress(
            json.dumps({"rows": wire[i : i + MAX_PULL_LIMIT]}, ensure_ascii=False).encode(), 5
        )
        for i in range(0, n, MAX_PULL_LIMIT)
    ]
    session = requests.Session()
    with static_pages(pages) as url, timer() as transfer:
        got = 0
        for i in range(len(pages)):
            resp = session.get(f"{url}/{i}", stream=True, headers={"Accept-Encoding": "gzip"})
            got += len(resp.raw.read(decode_content=False))
    session.close()
    dest = workdir / f"floor-{uuid.uuid4().hex[:6]}.db"
    shutil.copyfile(template, dest)
    fl = sqlite3.connect(dest, isolation_level=None)
    fl.execute("PRAGMA journal_mode=WAL")
    fl.execute("PRAGMA synchronous=NORMAL")
    # The floor is the bare tables: no indexes, no triggers (issue 12's floor;
    # the store builds its search index as it goes, which the ratio counts).
    for kind, name in fl.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger')"
        " AND sql IS NOT NULL"
    ).fetchall():
        fl.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    with timer() as insert:
        for name, batch in rows.items():
            insert_sql = row_sql(name)[0]
            for i in range(0, len(batch), MAX_PULL_LIMIT):
                fl.execute("BEGIN IMMEDIATE")
                fl.executemany(insert_sql, batch[i : i + MAX_PULL_LIMIT])
                fl.execute("COMMIT")
    fl.close()
    return {
        "rows": n,
        "transfer_s": transfer.seconds,
        "insert_s": insert.seconds,
        "floor_s": transfer.seconds + insert.seconds,
        "floor_cpu_s": transfer.cpu + insert.cpu,
        "bytes": got,
    }


def empty_template(workdir: Path) -> Path:
    """A store with the schema and nothing else, for the floor's inserts."""
    path = workdir / "empty.db"
    Store.open(path).close()
    return path


# -- the cases ----------------------------------------------------------------------------


def case(
    server: BenchServer,
    workdir: Path,
    template: Path,
    label: str,
    *,
    scale: float | None = None,
    members: int | None = None,
) -> dict[str, Any]:
    township, villages, user = server.township()
    gen = device(server, workdir / f"gen-{label}.db", user)
    with timer() as fill:
        made = (
            fill_demo(gen, township, scale)
            if scale is not None
            else fill_members(gen, township, villages, members or 0)
        )
    # The generator's sync: its push, then the pull of what it just pushed.
    # CPU seconds of both processes next to the wall clock (the machine is
    # shared: CPU is what compares across runs).
    server_cpu = server.cpu_seconds()
    with timer() as push_t:
        pushed = engine(gen).run()
    server_cpu = server.cpu_seconds() - server_cpu
    gen.close()
    fresh = device(server, workdir / f"fresh-{label}.db", user)
    transport = make_transport(fresh)
    boot_server_cpu = server.cpu_seconds()
    with timer() as boot:
        stats = bootstrap(fresh, transport)
    boot_server_cpu = server.cpu_seconds() - boot_server_cpu
    received_bytes = transport.bytes_received
    # The checkpoint a bootstrap leaves running on its own thread ends
    # before the floor is timed (its CPU and disk counted in neither).
    fresh.db.checkpointed()
    fl = floor(fresh, workdir, template)
    fresh.close()
    return {
        "rows_made": made,
        "fill_s": fill.seconds,
        "push_s": push_t.seconds,
        "push_changes_per_s": pushed.sent / push_t.seconds if push_t.seconds else 0.0,
        "push_client_cpu_s": push_t.cpu,
        "push_server_cpu_s": server_cpu,
        "first_sync_sent": pushed.sent,
        "first_sync_received": pushed.received,  # rows pulled back (echo, before 0.3)
        "first_sync_mb_sent": pushed.bytes_sent / 2**20,
        "first_sync_mb_received": pushed.bytes_received / 2**20,
        "bootstrap_rows": stats.received,
        "bootstrap_s": boot.seconds,
        "bootstrap_cpu_s": boot.cpu,
        "bootstrap_server_cpu_s": boot_server_cpu,  # building the pull pages
        "bootstrap_rows_per_s": stats.received / boot.seconds if boot.seconds else 0.0,
        "bootstrap_mb_received": received_bytes / 2**20,
        "floor_transfer_s": fl["transfer_s"],
        "floor_insert_s": fl["insert_s"],
        "floor_s": fl["floor_s"],
        "floor_mb": fl["bytes"] / 2**20,
        "ratio_vs_floor": boot.seconds / fl["floor_s"] if fl["floor_s"] else float("nan"),
        # The same in CPU seconds of this process (steadier on a loaded
        # machine; the server's page building is bootstrap_server_cpu_s).
        "floor_cpu_s": fl["floor_cpu_s"],
        "ratio_cpu_vs_floor": boot.cpu / fl["floor_cpu_s"] if fl["floor_cpu_s"] else float("nan"),
    }


def run(argv: list[str]) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m bench sync_bootstrap")
    p.add_argument(
        "--cases",
        default="1,5,members",
        help="comma list of demo scales and/or 'members' (default 1,5,members)",
    )
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--quick", action="store_true", help="scale 0.2 and 10,000 members")
    p.add_argument("--postgres", action="store_true", help="server on PostgreSQL")
    p.add_argument("--encrypted", action="store_true", help="devices' stores SQLCipher-encrypted")
    args = p.parse_args(argv)
    global STORE_KEY
    STORE_KEY = os.urandom(32) if args.encrypted else None
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    if args.quick:
        cases = list(dict.fromkeys("0.2" if c != "members" else c for c in cases))
        args.members = 10_000
    workdir = Path(tempfile.mkdtemp(prefix="jsx-bench-boot-"))
    out: dict[str, Any] = {
        "server": "postgresql" if args.postgres else "sqlite",
        "encrypted": args.encrypted,
        "load_average": load_average(),
        "cpus": os.cpu_count() or 0,
    }
    server = BenchServer(workdir, postgres=args.postgres)
    try:
        template = empty_template(workdir)
        for c in cases:
            if c == "members":
                out[f"members_{args.members}"] = case(
                    server, workdir, template, "members", members=args.members
                )
            else:
                out[f"scale_{c}"] = case(server, workdir, template, f"s{c}", scale=float(c))
    finally:
        server.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return out
