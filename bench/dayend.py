"""Day's-end burst: N township devices push M changes each, then pull, over HTTP.

Starts `jsxserver serve --workers W` on a fresh PostgreSQL schema (dropped
afterwards), loads the division list and its 31,542 associations, gives each
device its own township and a token, then lets a pool of client processes and
threads play the devices: each pushes its changes in batches of --batch (50;
the desktop client sends up to 500 in one request): person, special-family and
care-visit inserts, visits referencing the device's own families, and edits of
its own people; then it pulls until it is up to date.

Figures: changes/s over the whole burst (pushes and pulls), request latency
percentiles per kind, the result statuses, and CPU seconds per change of the
server's processes (the headline: load-independent where the wall clock is
not), of the PostgreSQL backends serving them and of the bench's own clients.
Password hashing is not measured: tokens are issued directly in the database.

    python -m bench dayend                       # 2,000 devices x 200 changes
    python -m bench dayend --devices 50          # a quick run
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import orjson
import requests

from bench.common import RESULTS_DIR, free_port, load_average, print_table
from jsxcore.protocol import MAX_PULL_LIMIT

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class DeviceSpec:
    index: int
    device_id: str
    token: str
    township: str
    villages: tuple[str, ...]


@dataclass
class ClientReport:
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    rows_pulled: int = 0
    changes: int = 0
    cpu_s: float = 0.0


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench dayend", description=__doc__.splitlines()[0])
    p.add_argument("--devices", type=int, default=2000, help="township devices (max 2008)")
    p.add_argument("--changes", type=int, default=200, help="changes per device")
    p.add_argument(
        "--batch",
        type=int,
        default=50,
        help="changes per push request (the desktop client sends up to 500)",
    )
    p.add_argument("--workers", type=int, default=3, help="uvicorn worker processes")
    p.add_argument(
        "--threads", type=int, default=0, help="requests per worker at once (0: the server's)"
    )
    p.add_argument("--clients", type=int, default=48, help="devices syncing at the same time")
    p.add_argument("--client-procs", type=int, default=2, help="client processes")
    p.add_argument(
        "--database",
        default=PG_URL,
        help="PostgreSQL URL (a fresh schema is made inside it and dropped)",
    )
    p.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = p.parse_args(argv)
    if not 1 <= args.devices <= 2008:
        p.error("--devices must be 1..2008 (one township each)")
    if min(args.changes, args.clients, args.client_procs, args.workers, args.batch) < 1:
        p.error("--changes, --batch, --clients, --client-procs and --workers must be positive")
    return args


# -- setup ---------------------------------------------------------------------------


def _prepare(url: str, n: int) -> tuple[list[DeviceSpec], int]:
    """Divisions, associations, one user and device per township; returns the
    devices and the sequence number they are all synced up to."""

    from jsxcore.divisions import read_divisions
    from jsxserver.core import seqs
    from jsxserver.core.config import Settings
    from jsxserver.core.db import bulk_load, init_db, make_database
    from jsxserver.core.security import hash_password, offline_verifier, token_hash
    from jsxserver.models import DEVICE_TABLE, USER_TABLE, utcnow
    from jsxserver.services.divisions import import_divisions

    db = make_database(Settings(database_url=url))
    init_db(db)
    divisions = read_divisions()
    with seqs.write_session(db) as session:
        import_divisions(session, divisions)
    villages: dict[str, list[str]] = {}
    for d in divisions:
        if d.level == "village" and d.parent_code:
            villages.setdefault(d.parent_code, []).append(d.code)
    towns = sorted(c for c in villages if c.endswith("000"))[:n]
    password_hash, verifier = hash_password("Bench-2024!"), offline_verifier("Bench-2024!")
    now = utcnow()
    devices, users, device_rows = [], [], []
    for i, town in enumerate(towns):
        token, device_id = secrets.token_urlsafe(32), f"bench{i:05d}{uuid.uuid4().hex[:8]}"
        users.append(
            dict(
                username=f"bench{i:05d}",
                display_name=f"压测{i}",
                role="township_worker",
                division_code=town,
                active=True,
                password_hash=password_hash,
                offline_verifier=verifier,
                failed_count=0,
                locked_until=None,
                created_at=now,
            )
        )
        device_rows.append(
            dict(
                id=device_id,
                username=f"bench{i:05d}",
                name="bench",
                token_hash=token_hash(token),
                created_at=now,
                last_seen=now,
                expires_at=now + timedelta(days=1),
                revoked_at=None,
            )
        )
        devices.append(DeviceSpec(i, device_id, token, town, tuple(sorted(villages[town]))))
    with db.write_engine.begin() as conn:
        bulk_load(conn, USER_TABLE, users)
        bulk_load(conn, DEVICE_TABLE, device_rows)

    with db.engine.connect() as conn:
        seq = seqs.latest(conn)
    db.dispose()
    return devices, seq


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children so far (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _backend_cpu(admin_url: str, application: str) -> float:
    """CPU seconds of the PostgreSQL backends serving the server's pools
    (those still connected: a lower bound; the server connects only after
    the setup, so this is the burst's database work)."""
    import psycopg

    tick = os.sysconf("SC_CLK_TCK")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (application,)
            )
        ]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone, or PostgreSQL on another machine
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _start_server(
    url: str, port: int, workers: int, clients: int, threads: int
) -> subprocess.Popen[bytes]:
    per_worker = clients // workers + 4
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSXSERVER_")}
    env.update(JSXSERVER_POOL_SIZE=str(per_worker), JSXSERVER_MAX_OVERFLOW="4")
    if threads:
        env["JSXSERVER_THREADS"] = str(threads)
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jsxserver.cli",
            "serve",
            "--port",
            str(port),
            "--database",
            url,
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,  # the JSON access log: written, not shown
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).ok:
                return proc
        except requests.ConnectionError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("jsxserver exited during start-up")
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("jsxserver did not start within 60 s")


# -- what a device sends ---------------------------------------------------------------


def _changes(dev: DeviceSpec, n: int) -> Iterator[dict[str, Any]]:
    """A day's journal: inserts of people, families and visits, and edits."""
    rnd = random.Random(dev.index)
    ms = int(time.time() * 1000)
    counter = 0
    families: list[str] = []
    people: dict[str, str | None] = {}  # id -> address

    def change(
        entity: str, row_id: str, op: str, fields: dict[str, Any], old: dict[str, Any]
    ) -> dict[str, Any]:
        nonlocal counter
        counter += 1
        return {
            "change_id": uuid.uuid4().hex,
            "entity": entity,
            "row_id": row_id,
            "op": op,
            "fields": fields,
            "old": old,
            "hlc": f"{ms:013d}-{counter:05d}-{dev.device_id}",
            "device": dev.device_id,
            "user": "",
        }

    created = datetime.now().isoformat(sep=" ", timespec="microseconds")
    for i in range(n):
        # The first two are a family and a person, so visits and edits
        # always have something of this device's own to refer to.
        roll = (0.0, 0.3)[i] if i < 2 else rnd.random()
        village = rnd.choice(dev.villages)
        base = {"division_code": village, "created_at": created, "deleted": False}
        if roll < 0.15:
            fid = uuid.uuid4().hex
            families.append(fid)
            yield change(
                "specialfamily",
                fid,
                "insert",
                {
                    **base,
                    "head_person_id": None,
                    "category": rnd.choice(["bereaved", "disabled"]),
                    "disability_grade": None,
                    "event_date": "2015-06-01",
                    "address": f"{i}号",
                    "doc_certificate": True,
                    "doc_death_or_disability": False,
                    "doc_household": True,
                    "family_doctor_signed": rnd.random() < 0.5,
                    "priority_hospital": False,
                    "status": "enrolled",
                    "exit_reason": None,
                    "exit_date": None,
                    "enrolled_on": "2020-01-01",
                    "override_reason": None,
                    "notes": None,
                },
                {},
            )
        elif roll < 0.45:
            pid = uuid.uuid4().hex
            people[pid] = None
            yield change(
                "person",
                pid,
                "insert",
                {
                    **base,
                    "name": f"居民{dev.index}-{i}",
                    "id_number": None,
                    "sex": rnd.choice("12"),
                    "birth_date": "1968-03-02",
                    "ethnicity": "01",
                    "education": None,
                    "political": None,
                    "marital": "20",
                    "mobile": f"13{rnd.randrange(10**9):09d}",
                    "address": None,
                },
                {},
            )
        elif roll < 0.85:
            vid = uuid.uuid4().hex
            yield change(
                "carevisit",
                vid,
                "insert",
                {
                    **base,
                    "family_id": rnd.choice(families),
                    "visit_date": (date.today() - timedelta(days=rnd.randrange(90))).isoformat(),
                    "mode": rnd.choice(["home", "phone", "wechat"]),
                    "visitor": "村干部",
                    "physical_state": None,
                    "mental_state": None,
                    "needs": "无",
                    "actions": "上门慰问",
                    "aid_fen": rnd.randrange(0, 50000),
                    "major_event": False,
                    "follow_up_due": None,
                },
                {},
            )
        else:
            pid = rnd.choice(list(people))
            new = f"新地址{i}"
            yield change("person", pid, "update", {"address": new}, {"address": people[pid]})
            people[pid] = new


# -- the client side -------------------------------------------------------------------


class _Http:
    """One keep-alive HTTP/1.1 connection per client thread. The clients
    stand for 2,000 laptops but share this machine's two cores with the
    server: http.client and orjson keep their own CPU small (requests
    spent about half a millisecond of it per request)."""

    def __init__(self, base_url: str) -> None:
        self.netloc = urlsplit(base_url).netloc
        self.conn = http.client.HTTPConnection(self.netloc, timeout=300)

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body, headers)
                resp = self.conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                # A keep-alive connection the server closed between devices:
                # once more on a new one (a push is idempotent by batch id).
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.netloc, timeout=300)
                if attempt:
                    raise
                continue
            if resp.getheader("Content-Encoding") == "gzip":
                data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
            return resp.status, data
        raise AssertionError("unreachable")


def _play(
    dev: DeviceSpec,
    changes: int,
    cursor: int,
    conn: _Http,
    report: ClientReport,
    batch_size: int,
) -> None:
    # What jsxclient sends: its protocol version, gzip accepted; pages of
    # its default size. No own_after: each device stands for a township
    # whose other laptops' day it pulls (here: the rows it pushed itself).
    headers = {
        "Authorization": f"Bearer {dev.token}",
        "X-JSX-Protocol": "3",
        "Content-Type": "application/json",
        "Accept-Encoding": "gzip",
    }
    batch: list[dict[str, Any]] = []

    def send() -> None:
        body = orjson.dumps(
            {"batch_id": uuid.uuid4().hex, "device": dev.device_id, "changes": batch}
        )
        start = time.perf_counter()
        status, data = conn.request("POST", "/api/v1/push", body, headers)
        report.push_ms.append((time.perf_counter() - start) * 1000)
        if status != 200:
            report.errors[f"push {status}"] += 1
            return
        report.changes += len(batch)
        report.statuses.update(res["status"] for res in orjson.loads(data)["results"])
        batch.clear()

    for ch in _changes(dev, changes):
        batch.append(ch)
        if len(batch) == batch_size:
            send()
    if batch:
        send()
    while True:
        start = time.perf_counter()
        status, data = conn.request(
            "GET", f"/api/v1/pull?cursor={cursor}&limit={MAX_PULL_LIMIT}", None, headers
        )
        report.pull_ms.append((time.perf_counter() - start) * 1000)
        if status != 200:
            report.errors[f"pull {status}"] += 1
            return
        page = orjson.loads(data)
        report.rows_pulled += sum(len(t["rows"]) for t in page["tables"])
        cursor = page["cursor"]
        if not page["more"]:
            return


def _client_process(
    base_url: str,
    devices: list[DeviceSpec],
    changes: int,
    cursor: int,
    threads: int,
    batch_size: int,
) -> ClientReport:
    report = ClientReport()
    cpu0 = time.process_time()
    lock = threading.Lock()
    local = threading.local()

    def one(dev: DeviceSpec) -> None:
        if not hasattr(local, "http"):
            local.http = _Http(base_url)
        mine = ClientReport()
        try:
            _play(dev, changes, cursor, local.http, mine, batch_size)
        except (OSError, http.client.HTTPException) as exc:
            mine.errors[type(exc).__name__] += 1
        with lock:
            report.push_ms += mine.push_ms
            report.pull_ms += mine.pull_ms
            report.statuses.update(mine.statuses)
            report.errors.update(mine.errors)
            report.rows_pulled += mine.rows_pulled
            report.changes += mine.changes

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, devices))
    report.cpu_s = time.process_time() - cpu0
    return report


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


# -- the run ---------------------------------------------------------------------------


def run(argv: list[str]) -> dict[str, object]:
    args = _parse(argv)
    import psycopg

    schema = f"jsx_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        PG_ADMIN if args.database == PG_URL else args.database.replace("+psycopg", ""),
        autocommit=True,
    ) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in args.database else "?"
    url = f"{args.database}{sep}options={quote(f'-csearch_path={schema}')}"
    admin = PG_ADMIN if args.database == PG_URL else args.database.replace("+psycopg", "")
    proc: subprocess.Popen[bytes] | None = None
    try:
        t0 = time.perf_counter()
        devices, cursor = _prepare(url, args.devices)
        setup_s = time.perf_counter() - t0
        port = free_port()
        proc = _start_server(
            f"{url}&application_name={schema}", port, args.workers, args.clients, args.threads
        )
        base_url = f"http://127.0.0.1:{port}"
        procs = min(args.client_procs, len(devices))
        threads = max(1, args.clients // procs)
        shares = [devices[i::procs] for i in range(procs)]
        load_before = load_average()
        cpu0 = _tree_cpu(proc.pid)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=procs) as pool:
            futures = [
                pool.submit(
                    _client_process, base_url, share, args.changes, cursor, threads, args.batch
                )
                for share in shares
            ]
            reports = [f.result() for f in futures]
        wall = time.perf_counter() - start
        server_cpu = _tree_cpu(proc.pid) - cpu0
        db_cpu = _backend_cpu(admin, schema)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.keep:
            with psycopg.connect(
                PG_ADMIN if args.database == PG_URL else args.database.replace("+psycopg", ""),
                autocommit=True,
            ) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")

    total = ClientReport()
    for r in reports:
        total.push_ms += r.push_ms
        total.pull_ms += r.pull_ms
        total.statuses.update(r.statuses)
        total.errors.update(r.errors)
        total.rows_pulled += r.rows_pulled
        total.changes += r.changes
        total.cpu_s += r.cpu_s
    every = total.push_ms + total.pull_ms
    return {
        "devices": len(devices),
        "changes_per_device": args.changes,
        "batch": args.batch,
        "changes_pushed": total.changes,
        "wall_s": round(wall, 2),
        "changes_per_s": round(total.changes / wall, 1),
        "requests": len(every),
        "requests_per_s": round(len(every) / wall, 1),
        # CPU of the server's processes (the machine is shared: this compares
        # across runs where the wall clock does not).
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_change": round(server_cpu * 1000 / max(total.changes, 1), 3),
        # The rest of the machine's work for the same burst: the database
        # backends of the server's pools and the bench's own client processes.
        "db_cpu_s": round(db_cpu, 1),
        "db_cpu_ms_per_change": round(db_cpu * 1000 / max(total.changes, 1), 3),
        "client_cpu_s": round(total.cpu_s, 1),
        "client_cpu_ms_per_change": round(total.cpu_s * 1000 / max(total.changes, 1), 3),
        "p95_request_ms": round(_pct(every, 0.95), 1),
        "push": {
            "requests": len(total.push_ms),
            "p50_ms": round(_pct(total.push_ms, 0.5), 1),
            "p95_ms": round(_pct(total.push_ms, 0.95), 1),
            "p99_ms": round(_pct(total.push_ms, 0.99), 1),
            "max_ms": round(max(total.push_ms, default=float("nan")), 1),
        },
        "pull": {
            "requests": len(total.pull_ms),
            "p50_ms": round(_pct(total.pull_ms, 0.5), 1),
            "p95_ms": round(_pct(total.pull_ms, 0.95), 1),
            "rows": total.rows_pulled,
        },
        "statuses": dict(total.statuses),
        "errors": dict(total.errors) or {"none": 0},
        "server_workers": args.workers,
        "server_threads": args.threads or "default",
        "concurrent_devices": procs * threads,
        "setup_s": round(setup_s, 1),
        "load_average": {"before": round(load_before, 2), "after": round(load_average(), 2)},
    }


if __name__ == "__main__":
    figures = run(sys.argv[1:])
    print_table(figures, "dayend")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "dayend.json"
    out.write_text(
        json.dumps(
            {
                "meta": {
                    "bench": "dayend",
                    "argv": sys.argv[1:],
                    "at": datetime.now().isoformat(timespec="seconds"),
                },
                "figures": figures,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten to {out}")
