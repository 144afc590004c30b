"""Many devices pushing to the same rows at once: seqs stay unique, and a
puller running alongside sees every change exactly once."""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from jsxserver.models import ChangeLog, Record
from tests.server.support import Device, LiveServer, person

THREADS = 8
BATCHES = 20
SHARED = 4


def test_concurrent_pushes_and_pull(server: LiveServer) -> None:
    town = server.fresh_township()
    user = server.make_user("township_worker", town.code)
    devices = [server.login(user) for _ in range(THREADS)]
    seed = devices[0]
    shared = [seed.insert("person", town.village, **person(f"共享{i}")) for i in range(SHARED)]
    seed.push(*shared)
    for d in devices[1:]:
        for s in shared:
            d.adopt("person", s["row_id"], s["fields"])

    start = server.counter()
    inserted: list[str] = []
    change_ids: list[str] = []
    responses: list[dict[str, Any]] = []
    failures: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def pusher(dev: Device, seed_: int) -> None:
        rnd = random.Random(seed_)
        try:
            for b in range(BATCHES):
                ins = dev.insert("person", rnd.choice(town.villages), **person(f"新{seed_}-{b}"))
                ups = [
                    dev.update(
                        "person",
                        rnd.choice(shared)["row_id"],
                        address=f"{seed_}-{b}-{k}",
                        mobile=f"139{rnd.randrange(10**8):08d}",
                    )
                    for k in range(2)
                ]
                r = dev.push_raw([ins, *ups])
                if r.status_code != 200:
                    failures.append(r.text)
                    return
                body = r.json()
                for ch, res in zip([ins, *ups], body["results"], strict=True):
                    if res.get("server") is not None:  # adopt what the server holds
                        dev.adopt("person", ch["row_id"], res["server"])
                with lock:
                    inserted.append(ins["row_id"])
                    change_ids.extend(c["change_id"] for c in [ins, *ups])
                    responses.append(body)
        except Exception as exc:  # reported below; a thread must not die silently
            failures.append(repr(exc))

    stream: list[dict[str, Any]] = []

    def puller() -> None:
        cursor = start
        try:
            while True:
                finished = done.is_set()
                page = seed.pull(cursor, limit=7)
                stream.extend(page["rows"])
                cursor = page["cursor"]
                if finished and not page["more"]:
                    return
        except Exception as exc:
            failures.append(repr(exc))

    threads = [threading.Thread(target=pusher, args=(d, i)) for i, d in enumerate(devices)]
    reader = threading.Thread(target=puller)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    done.set()
    reader.join(timeout=120)
    assert not failures, failures[:3]
    assert len(responses) == THREADS * BATCHES

    end = server.counter()
    with Session(server.db.engine) as s:
        logged = s.execute(
            select(ChangeLog.seq, ChangeLog.status).where(ChangeLog.change_id.in_(change_ids))
        ).all()  # type: ignore[attr-defined]
    assert len(logged) == len(change_ids)
    seqs = [sq for sq, _ in logged if sq is not None]
    # Every write took its own seq from start+1..end (a batch takes one per
    # change up front; the ones a no-op merge did not use are gaps).
    assert len(seqs) == len(set(seqs))
    assert all(start < sq <= end for sq in seqs)
    applied = [r["seq"] for resp in responses for r in resp["results"] if r["status"] == "applied"]
    assert len(applied) == len(set(applied))
    assert all(r["status"] != "rejected" for resp in responses for r in resp["results"])

    # The puller's stream: strictly increasing seqs, every insert exactly once.
    stream_seqs = [r["seq"] for r in stream]
    assert stream_seqs == sorted(set(stream_seqs))
    counts = Counter(r["id"] for r in stream)
    assert all(counts[i] == 1 for i in inserted)
    # Its last view of each shared row is what the server holds.
    last = {r["id"]: r for r in stream}
    with Session(server.db.engine) as s:
        for sh in shared:
            row = s.get(Record, ("person", sh["row_id"]))
            assert row is not None
            if sh["row_id"] in last:
                assert last[sh["row_id"]]["data"] == row.data
                assert last[sh["row_id"]]["seq"] == row.seq
