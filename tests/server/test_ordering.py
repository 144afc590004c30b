"""Seq ordering on PostgreSQL, where pushes run side by side: a push that
took a lower seq and commits later is never skipped by a puller, with one
server or with several server processes on one database."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import text
from sqlmodel import Session

from jsxcore.protocol import API_PREFIX
from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import init_db, make_database
from jsxserver.models import RECORD_TABLE, utcnow
from jsxserver.services.divisions import import_divisions
from tests.server.conftest import PG_ADMIN_URL, PG_URL, _pg_reachable
from tests.server.support import START_TIMEOUT, TOWNSHIPS, LiveServer, person

pytestmark = pytest.mark.postgres


def _only_postgres(server: LiveServer) -> None:
    if server.backend != "postgres":
        pytest.skip("SQLite pushes hold the write lock: they cannot overlap")


def _raw_row(session: Session, seq: int, town: str, village: str) -> None:
    """A person row written straight into the push's transaction."""
    now = utcnow()
    session.execute(
        RECORD_TABLE.insert().values(
            entity="person",
            id=uuid.uuid4().hex,
            township=town[:9],
            division_code=village,
            data={"name": f"直写{seq}", "division_code": village, "deleted": False},
            field_hlc={},
            deleted=False,
            seq=seq,
            created_at=now,
            updated_at=now,
            updated_device="t",
            updated_user="t",
        )
    )


def test_a_later_commit_of_a_lower_seq_is_not_skipped(server: LiveServer) -> None:
    _only_postgres(server)
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    _, cursor = dev.pull_all()
    with seqs.write_session(server.db) as slow:
        (low,) = seqs.allocate(slow, 1)
        _raw_row(slow, low, town.code, town.village)
        slow.flush()
        # A push that starts later, takes a higher seq and commits first.
        fast = dev.push(dev.insert("person", town.village, **person("后到先存")))
        high = fast["results"][0]["seq"]
        assert high > low
        page = dev.pull(cursor)
        assert page["rows"] == [] and page["cursor"] == cursor
        assert page["server_seq"] < low  # the watermark waits for the open push
        slow.commit()
    rows, _ = dev.pull_all(cursor)
    assert [r["seq"] for r in rows] == [low, high]


def test_a_rolled_back_push_releases_the_watermark(server: LiveServer) -> None:
    _only_postgres(server)
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    _, cursor = dev.pull_all()
    with seqs.write_session(server.db) as slow:
        seqs.allocate(slow, 1)
        ins = dev.insert("person", town.village, **person("回滚之后"))
        seq = dev.push(ins)["results"][0]["seq"]
        assert dev.pull(cursor)["rows"] == []
        slow.rollback()
    rows, _ = dev.pull_all(cursor)
    assert [r["seq"] for r in rows] == [seq]


def _registrations(server: LiveServer) -> int:
    with server.db.engine.connect() as conn:
        n: int = conn.execute(text("SELECT count(*) FROM push_open")).scalar_one()
    return n


def test_a_push_removes_its_registration_as_it_commits_or_after_a_failure(
    server: LiveServer,
) -> None:
    _only_postgres(server)
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    before = _registrations(server)
    with seqs.write_session(server.db) as other:
        assert seqs.registration(other) is not None
        assert _registrations(server) == before + 1
        # Its removal is the push's last statement, committed with its rows.
        ins = dev.insert("person", town.village, **person("登记随提交"))
        assert dev.push_one(ins)["status"] == "applied"
        assert _registrations(server) == before + 1
        # A batch that rolls back (a change id twice) removes it afterwards.
        dup = dev.insert("person", town.village, **person("重复"))
        r = dev.push_raw([dup, dict(dup, row_id=uuid.uuid4().hex)])
        assert r.status_code == 409
        assert _registrations(server) == before + 1
    assert _registrations(server) == before


def test_a_stale_registration_is_reaped(server: LiveServer) -> None:
    _only_postgres(server)
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    _, cursor = dev.pull_all()
    with server.db.engine.begin() as conn:
        # A push whose process died: no backend has this pid.
        conn.execute(
            text("INSERT INTO push_open (floor, pid, started_at) VALUES (0, -1, :at)"),
            {"at": utcnow() - 2 * seqs.STALE_AFTER},
        )
    seq = dev.push(dev.insert("person", town.village, **person("等待清理")))["results"][0]["seq"]
    assert dev.pull(cursor)["rows"] == []  # held back, and the pull reaps the row
    rows, _ = dev.pull_all(cursor)
    assert [r["seq"] for r in rows] == [seq]


# -- several server processes -----------------------------------------------------

PROCESSES = 3
WRITERS = 8
PULLERS = 4
BATCHES = 12
SHARED = 6


@pytest.fixture
def cluster(tmp_path: Any) -> Iterator[tuple[list[str], str]]:
    """PROCESSES `jsxserver serve` processes on one fresh PostgreSQL schema."""
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"jsx_cl_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    url = f"{PG_URL}?options={quote(f'-csearch_path={name} -csynchronous_commit=off')}"
    db = make_database(Settings(database_url=url))
    init_db(db)
    with seqs.write_session(db) as session:
        import_divisions(session, associations=False)
    db.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSXSERVER_")}
    env.update(
        JSXSERVER_ARGON2_TIME_COST="1",
        JSXSERVER_ARGON2_MEMORY_KIB="8192",
        JSXSERVER_OFFLINE_SCRYPT_N="1024",
        JSXSERVER_AUTO_MIGRATE="0",  # migrated above, as an operator would
        JSXSERVER_ACCESS_LOG="0",
    )
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for _ in range(PROCESSES):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "jsxserver.cli",
                        "--database",
                        url,
                        "serve",
                        "--port",
                        str(port),
                        "--log-level",
                        "warning",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + START_TIMEOUT
        for u, p in zip(urls, procs, strict=True):
            while True:
                try:
                    if requests.get(f"{u}{API_PREFIX}/health", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                assert p.poll() is None, "a server process stopped"
                assert time.monotonic() < deadline, "a server process did not start"
                time.sleep(0.2)
        yield urls, url
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


@contextmanager
def _accounts(cluster: tuple[list[str], str]) -> Iterator[LiveServer]:
    """The cluster's first process, with the database at hand to make
    accounts (closed afterwards: the processes serve the rest)."""
    urls, url = cluster
    db = make_database(Settings(database_url=url, argon2_time_cost=1, argon2_memory_kib=8192))
    try:
        yield LiveServer(backend="postgres", database_url=url, db=db, base_url=urls[0])
    finally:
        db.dispose()


def test_several_processes_writers_and_pullers(cluster: tuple[list[str], str]) -> None:
    urls, url = cluster
    town = TOWNSHIPS[3]
    with _accounts(cluster) as live:
        user = live.make_user("township_worker", town.code)
        reader = live.make_user("read_only", town.code)
        writers = [live.login(user) for _ in range(WRITERS)]
        pullers = [live.login(reader) for _ in range(PULLERS)]
    seed = writers[0]
    shared = [seed.insert("person", town.village, **person(f"共享{i}")) for i in range(SHARED)]
    seed.push(*shared)
    for w in writers[1:]:
        for s in shared:
            w.adopt("person", s["row_id"], s["fields"])

    failures: list[str] = []
    inserted: list[str] = []
    lock = threading.Lock()
    writing = threading.Event()
    writing.set()

    def send(method: str, dev: Any, url: str, **kw: Any) -> requests.Response:
        # A kept-alive connection the server closes just as the next request goes out
        # ("connection reset by peer", seen on a loaded machine) is sent again, as the
        # client's transport does: a push is idempotent by its batch id, a pull by cursor.
        for attempt in range(3):
            try:
                r: requests.Response = dev.http.request(method, url, timeout=120, **kw)
                return r
            except requests.ConnectionError:
                if attempt == 2:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def post(dev: Any, body: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
        r = send("POST", dev, f"{rnd.choice(urls)}{API_PREFIX}/push", json=body)
        if r.status_code != 200:
            raise AssertionError(f"push {r.status_code}: {r.text[:300]}")
        out: dict[str, Any] = r.json()
        return out

    def writer(i: int) -> None:
        dev, rnd = writers[i], random.Random(i)
        try:
            for b in range(BATCHES):
                ins = [
                    dev.insert("person", rnd.choice(town.villages), **person(f"新{i}-{b}-{k}"))
                    for k in range(rnd.randint(1, 30))
                ]
                ups = [
                    dev.update("person", rnd.choice(shared)["row_id"], address=f"{i}-{b}-{k}")
                    for k in range(2)
                ]
                changes = [*ins, *ups]
                rnd.shuffle(changes)
                body = {"batch_id": uuid.uuid4().hex, "device": dev.device_id, "changes": changes}
                resp = post(dev, body, rnd)
                for ch, res in zip(changes, resp["results"], strict=True):
                    if res["status"] == "rejected":
                        raise AssertionError(res)
                    if res.get("server") is not None:
                        dev.adopt("person", ch["row_id"], res["server"])
                with lock:
                    inserted.extend(c["row_id"] for c in ins)
        except Exception as exc:
            failures.append(f"writer {i}: {exc!r}")

    streams: list[list[dict[str, Any]]] = [[] for _ in pullers]

    def puller(i: int) -> None:
        dev, rnd = pullers[i], random.Random(100 + i)
        cursor = 0
        try:
            while True:
                finished = not writing.is_set()
                r = send(
                    "GET",
                    dev,
                    f"{rnd.choice(urls)}{API_PREFIX}/pull",
                    params={"cursor": cursor, "limit": rnd.choice([3, 7, 50])},
                )
                if r.status_code != 200:
                    raise AssertionError(f"pull {r.status_code}: {r.text[:300]}")
                page = r.json()
                streams[i].extend(page["rows"])
                cursor = page["cursor"]
                if finished and not page["more"]:
                    return
        except Exception as exc:
            failures.append(f"puller {i}: {exc!r}")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    readers = [threading.Thread(target=puller, args=(i,)) for i in range(PULLERS)]
    for t in [*readers, *threads]:
        t.start()
    for t in threads:
        t.join(timeout=600)
    writing.clear()
    for t in readers:
        t.join(timeout=600)
    assert not failures, failures[:3]
    assert len(inserted) > WRITERS * BATCHES

    db = make_database(Settings(database_url=url))
    try:
        with Session(db.engine) as s:
            final = {
                r.id: (r.seq, r.data)
                for r in s.execute(
                    text("SELECT id, seq, data FROM record WHERE township = :t"),
                    {"t": town.code[:9]},
                )
            }
    finally:
        db.dispose()
    for stream in streams:
        seq_list = [r["seq"] for r in stream]
        assert seq_list == sorted(set(seq_list)), "seqs out of order or repeated"
        counts = Counter(r["id"] for r in stream)
        # Every insert exactly once (no one changes them afterwards) ...
        assert all(counts[i] == 1 for i in inserted)
        # ... and every row's last state: nothing skipped, nothing extra.
        last = {r["id"]: (r["seq"], r["data"]) for r in stream}
        assert last == final


def test_one_person_per_id_number_when_pushes_race(cluster: tuple[list[str], str]) -> None:
    """Devices registering the same persons at the same moment, through
    several server processes: every ID number ends as one live person, the
    other devices' copies refused as duplicates (pushes run side by side on
    PostgreSQL, and no index makes an ID number unique)."""
    from datetime import date

    from jsxcore.validation import make_id_number

    urls, url = cluster
    town = TOWNSHIPS[3]
    with _accounts(cluster) as live:
        user = live.make_user("township_worker", town.code)
        devs = [live.login(user) for _ in range(6)]
    numbers = [
        make_id_number(town.village[:6], date(1960, 1, 1 + i), 101 + 2 * i) for i in range(8)
    ]
    start = threading.Barrier(len(devs))
    results: list[list[dict[str, Any]]] = [[] for _ in devs]
    failures: list[str] = []

    def register(i: int) -> None:
        dev = devs[i]
        changes = [
            dev.insert("person", town.village, **person(f"同{k}", id_number=n))
            for k, n in enumerate(numbers)
        ]
        body = {"batch_id": uuid.uuid4().hex, "device": dev.device_id, "changes": changes}
        try:
            start.wait(timeout=60)
            r = dev.http.post(f"{urls[i % len(urls)]}{API_PREFIX}/push", json=body, timeout=120)
            assert r.status_code == 200, r.text[:300]
            results[i] = r.json()["results"]
        except Exception as exc:
            failures.append(f"device {i}: {exc!r}")

    threads = [threading.Thread(target=register, args=(i,)) for i in range(len(devs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures[:3]
    statuses = Counter((r["status"], r.get("reason_code")) for res in results for r in res)
    assert statuses[("applied", None)] == len(numbers), statuses
    db = make_database(Settings(database_url=url))
    try:
        with Session(db.engine) as s:
            live_numbers = Counter(
                n
                for (n,) in s.execute(
                    text(
                        "SELECT data->>'id_number' FROM record WHERE entity='person' "
                        "AND NOT deleted AND township = :t"
                    ),
                    {"t": town.code[:9]},
                )
            )
    finally:
        db.dispose()
    assert {n: live_numbers[n] for n in numbers} == dict.fromkeys(numbers, 1)
