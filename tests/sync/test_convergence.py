"""Property: whatever devices do offline and however syncs are cut short,
once every device has synced until quiet they all hold what the server holds,
every acknowledged edit survives or stands as a recorded conflict, and
nothing is applied twice.

Three devices of one township make random inserts, edits and deletes and
sync in random order, while faults are injected: the connection dropped
before a request, after the server committed but before the reply is read,
and between pages of a pull. Each example takes a fresh township on the
module's server, so examples never see each other's rows.

150 examples by default (on SQLite and again on PostgreSQL); more with
JSX_SYNC_PROFILE=thorough (400) or JSX_SYNC_EXAMPLES=N.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jsxclient.sync.errors import OfflineError
from jsxclient.sync.transport import FaultPoint
from jsxcore.merge import same
from tests.e2e.harness import Device, ServerProcess, person

_PROFILES = {"quick": 10, "ci": 150, "thorough": 400}
EXAMPLES = int(
    os.environ.get("JSX_SYNC_EXAMPLES") or _PROFILES[os.environ.get("JSX_SYNC_PROFILE", "ci")]
)
# Bounded by the number of examples, not by time: each takes about a second
# on an idle machine (a few syncs of a few rows); the limit allows six, and
# tests/conftest.py stretches it for the machine's load.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(120 + 6 * EXAMPLES)]
N_DEVICES = 3

NAMES = ["甲", "乙", "丙", "丁"]
ADDRESSES = [None, "一组", "二组", "三组"]
MOBILES = [None, "13800000001", "13800000002", "15900000003"]


class Faults:
    """Raises one dropped connection at the n-th matching request."""

    def __init__(self) -> None:
        self.plan: tuple[str, str, int] | None = None
        self.seen = 0
        self.fired = 0

    def arm(self, phase: str, path: str, nth: int) -> None:
        self.plan, self.seen = (phase, path, nth), 0

    def disarm(self) -> None:
        self.plan = None

    def __call__(self, p: FaultPoint) -> None:
        if self.plan is None:
            return
        phase, path, nth = self.plan
        if p.phase == phase and p.path == path:
            if self.seen == nth:
                self.plan = None
                self.fired += 1
                raise requests.ConnectionError(f"injected at {phase} {path} #{nth}")
            self.seen += 1


_armed = st.tuples(
    st.sampled_from(["before_send", "after_response"]),
    st.sampled_from(["/push", "/pull"]),
    st.integers(0, 1),
)
fault_st = st.one_of(st.none(), _armed, _armed, _armed)  # most syncs get a fault
step_st = st.one_of(
    st.tuples(
        st.just("insert"), st.integers(0, N_DEVICES - 1), st.integers(0, 1), st.sampled_from(NAMES)
    ),
    st.tuples(
        st.just("update"),
        st.integers(0, N_DEVICES - 1),
        st.integers(0, 50),
        st.sampled_from(["name", "address", "mobile", "division_code"]),
        st.integers(0, 3),
    ),
    st.tuples(st.just("delete"), st.integers(0, N_DEVICES - 1), st.integers(0, 50)),
    st.tuples(st.just("sync"), st.integers(0, N_DEVICES - 1), fault_st, st.integers(0, 1)),
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("convergence")


class Fleet:
    """Three logged-in laptops of one township. Each example reinstalls them
    (fresh stores, same identity) and bootstraps what earlier examples left
    on the server: a login per example would spend its time hashing
    passwords. Every few examples the fleet moves to a fresh township so
    the data each example starts from stays small."""

    PER_TOWNSHIP = 20

    def __init__(self, server: ServerProcess, template: Path, workdir: Path) -> None:
        self.server, self.template, self.workdir = server, template, workdir
        self.used = self.PER_TOWNSHIP
        self.devices: list[Device] = []
        self.township, self.villages = "", [""]

    def next(self) -> tuple[str, list[str], list[Device]]:
        if self.used >= self.PER_TOWNSHIP:
            self.close()
            self.township, self.villages = self.server.fresh_township()
            user = self.server.make_user(self.township)
            tag = uuid.uuid4().hex[:6]
            self.devices = [
                Device(
                    self.workdir / f"login-{tag}-{i}.db", self.template, self.server, user, f"d{i}"
                )
                for i in range(N_DEVICES)
            ]
            self.used = 0
        self.used += 1
        return self.township, self.villages, self.devices

    def close(self) -> None:
        for d in self.devices:
            d.close()


@pytest.fixture(scope="module")
def fleet(server: ServerProcess, client_template: Path, workdir: Path) -> Iterator[Fleet]:
    f = Fleet(server, client_template, workdir)
    yield f
    f.close()


def _value(fld: str, i: int, villages: list[str]) -> Any:
    if fld == "name":
        return NAMES[i]
    if fld == "address":
        return ADDRESSES[i]
    if fld == "mobile":
        return MOBILES[i]
    return villages[i % 2]


def _live_persons(d: Device) -> list[str]:
    return sorted(k[1] for k, v in d.rows().items() if k[0] == "person" and not v["deleted"])


def _apply(
    step: tuple[Any, ...], devices: list[Device], faults: list[Faults], villages: list[str]
) -> None:
    kind, i = step[0], step[1]
    d = devices[i]
    if kind == "insert":
        with d.store.transaction() as tx:
            tx.insert("person", person(villages[step[2]], step[3]))
    elif kind in ("update", "delete"):
        live = _live_persons(d)
        if not live:
            return
        pid = live[step[2] % len(live)]
        with d.store.transaction() as tx:
            if kind == "delete":
                tx.delete("person", pid)
            else:
                tx.update("person", pid, {step[3]: _value(step[3], step[4], villages)})
    else:
        fault, retries = step[2], step[3]
        if fault is not None:
            faults[i].arm(*fault)
        d.transport.retries = retries
        with contextlib.suppress(OfflineError):
            d.sync(batch_size=2, page_size=3)
        faults[i].disarm()


def _enc(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def _stored(v: Any, decoded: bool = False) -> str:
    """A conflict value as stored: JSON text, or already decoded (PostgreSQL's
    JSONB, where a string value comes back as a plain str)."""
    return _enc(v if decoded or not isinstance(v, str) else json.loads(v))


def _check(server: ServerProcess, township: str, devices: list[Device], baseline: set[str]) -> None:
    truth = server.records(township)
    for d in devices:
        assert d.rows() == truth, f"{d.name} differs from the server"
        assert (
            d.store.db.connection()
            .execute("SELECT count(*) FROM journal WHERE state != 'acked'")
            .fetchone()[0]
            == 0
        )
    persons = {k[1] for k in truth if k[0] == "person"}
    inserted = {
        e["row_id"] for d in devices for e in d.journal("op='insert'") if e["entity"] == "person"
    }
    assert persons == baseline | inserted, "rows appeared or vanished"

    # Each acknowledged change reached the server exactly once, and nothing
    # the server did not acknowledge was applied.
    journal = {e["change_id"]: e for d in devices for e in d.journal()}
    acked = {c: e for c, e in journal.items() if e["result"] in ("applied", "merged", "conflict")}
    assert server.db is not None
    with server.db.engine.connect() as conn:
        ids = tuple(journal) or ("-",)
        marks = ",".join(["%s" if server.backend == "postgres" else "?"] * len(ids))
        logged = list(
            conn.exec_driver_sql(
                f"SELECT change_id, status FROM change_log WHERE change_id IN ({marks})", ids
            )
        )
        server_conflicts = {
            (row_id, fld, _stored(v, decoded=server.backend == "postgres"))
            for cid, row_id, fld, mine, theirs in conn.exec_driver_sql(
                "SELECT change_id, row_id, field, mine, theirs FROM server_conflict"
            )
            if cid in journal
            for v in (mine, theirs)
        }
    applied = [c for c, status in logged if status != "rejected"]
    assert len(applied) == len(set(applied))
    assert set(applied) == set(acked), "server history and device journals disagree"

    # Every acknowledged edit survives, or a conflict records it, or a newer
    # acknowledged edit of the same field replaced it.
    recorded = server_conflicts | {
        (r[0], r[1], _stored(v))
        for d in devices
        for r in d.store.db.connection().execute("SELECT row_id, field, mine, theirs FROM conflict")
        for v in (r[2], r[3])
    }
    newest: dict[tuple[str, str], str] = {}
    for e in acked.values():
        for f in e["fields"]:
            k = (e["row_id"], f)
            newest[k] = max(newest.get(k, ""), e["hlc"])
    for e in acked.values():
        final = truth[(e["entity"], e["row_id"])]
        for f, v in e["fields"].items():
            if f == "created_at":
                continue  # write-once on the server
            if same(final.get(f), v) or (f in e["old"] and same(e["old"][f], v)):
                continue
            if (e["row_id"], f, _enc(v)) in recorded:
                continue
            if newest[(e["row_id"], f)] > e["hlc"]:
                continue
            if f != "deleted" and final["deleted"]:
                continue  # deleted afterwards; the value stays in the tombstone
            raise AssertionError(f"lost edit {e['change_id']} {f}={v!r}, final {final.get(f)!r}")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=st.lists(step_st, min_size=6, max_size=24))
def test_devices_converge_under_faults(
    server: ServerProcess,
    client_template: Path,
    workdir: Path,
    fleet: Fleet,
    steps: list[tuple[Any, ...]],
) -> None:
    township, villages, logins = fleet.next()
    ex = workdir / uuid.uuid4().hex[:8]
    ex.mkdir()
    faults = [Faults() for _ in range(N_DEVICES)]
    devices = [
        Device.reinstalled(logins[i], ex / f"d{i}.db", client_template, faults[i])
        for i in range(N_DEVICES)
    ]
    try:
        for d in devices:
            d.sync()
        baseline = {k[1] for k in server.records(township) if k[0] == "person"}
        for step in steps:
            _apply(step, devices, faults, villages)
        for f in faults:
            f.disarm()
        event(f"faults fired: {min(sum(f.fired for f in faults), 3)}+")
        for d in devices:
            d.transport.retries = 2
        for _ in range(2):
            for d in devices:
                d.sync(batch_size=2, page_size=3)
        for d in devices:
            r = d.sync()
            assert r.sent == 0 and r.outcome == "ok"
        _check(server, township, devices, baseline)
    finally:
        for d in devices:
            d.close()
        shutil.rmtree(ex, ignore_errors=True)
