"""Incremental sync: 1,000 changes pushed by one device and pulled by another,
each way, against a real `jsxserver serve` on 127.0.0.1.

Two devices of a township that already holds data (1,000 persons): device A
saves N changes (half edits of existing persons, half new persons), pushes
them (timed: the push stage, batches of 500), then device B pulls them
(timed: the pull stage). Then the other way round. Goal: under 0.2 s each.

    python -m bench sync_incremental                 # 1,000 changes each way
    python -m bench sync_incremental --changes 200 --rounds 5
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.common import load_average, timer
from bench.sync_bootstrap import BenchServer, device, engine
from jsxclient.store.store import Store
from jsxclient.sync.account import make_transport
from jsxclient.sync.pull import pull
from jsxclient.sync.push import push


def _changes(store: Store, villages: list[str], n: int, rng: random.Random) -> None:
    with store.transaction() as tx:
        ids = [r[0] for r in tx.conn.execute("SELECT id FROM person WHERE deleted=0")]
        rng.shuffle(ids)
        edits = ids[: n // 2]
        for pid in edits:
            tx.update("person", pid, {"address": f"第{rng.randint(1, 99)}组{rng.random():.6f}"})
        tx.insert_many(
            "person",
            [
                {
                    "name": f"新人{i}",
                    "sex": "12"[i % 2],
                    "division_code": villages[i % 2],
                    "mobile": f"139{rng.randint(0, 99_999_999):08d}",
                }
                for i in range(n - len(edits))
            ],
        )


def run(argv: list[str]) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m bench sync_incremental")
    p.add_argument("--changes", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=3, help="repeat each way; medians reported")
    p.add_argument("--postgres", action="store_true", help="server on PostgreSQL")
    p.add_argument("--encrypted", action="store_true", help="devices' stores SQLCipher-encrypted")
    args = p.parse_args(argv)
    from bench import sync_bootstrap

    sync_bootstrap.STORE_KEY = os.urandom(32) if args.encrypted else None
    rng = random.Random(7)
    workdir = Path(tempfile.mkdtemp(prefix="jsx-bench-inc-"))
    server = BenchServer(workdir, postgres=args.postgres)
    times: dict[str, list[float]] = {"push_s": [], "pull_s": [], "push_cpu_s": [], "pull_cpu_s": []}
    sizes: dict[str, list[int]] = {"pushed": [], "pulled": [], "push_kb": [], "pull_kb": []}
    try:
        _, villages, user = server.township()
        a = device(server, workdir / "a.db", user)
        engine(a).run()
        with a.transaction() as tx:
            tx.insert_many(
                "person",
                [
                    {"name": f"居民{i}", "sex": "12"[i % 2], "division_code": villages[i % 2]}
                    for i in range(1000)
                ],
            )
        engine(a).run()
        b = device(server, workdir / "b.db", user)
        engine(b).run()
        ta, tb = make_transport(a), make_transport(b)
        for r in range(args.rounds * 2):
            src, dst, ts, td = (a, b, ta, tb) if r % 2 == 0 else (b, a, tb, ta)
            _changes(src, villages, args.changes, rng)
            s0 = ts.bytes_sent
            with timer() as tp:
                ps = push(src, ts)
            r0 = td.bytes_received
            with timer() as tl:
                pl = pull(dst, td)
            pull(src, ts)  # the source catches up on its own echo, untimed
            times["push_s"].append(tp.seconds)
            times["push_cpu_s"].append(tp.cpu)
            times["pull_s"].append(tl.seconds)
            times["pull_cpu_s"].append(tl.cpu)
            sizes["pushed"].append(ps.sent)
            sizes["pulled"].append(pl.received)
            sizes["push_kb"].append((ts.bytes_sent - s0) // 1024)
            sizes["pull_kb"].append((td.bytes_received - r0) // 1024)
        a.close()
        b.close()
    finally:
        server.close()
        shutil.rmtree(workdir, ignore_errors=True)
    out: dict[str, Any] = {
        "server": "postgresql" if args.postgres else "sqlite",
        "encrypted": args.encrypted,
        "changes": args.changes,
        "rounds_each_way": args.rounds,
        "load_average": load_average(),
        "cpus": os.cpu_count() or 0,
    }
    for k, v in times.items():
        out[f"median_{k}"] = statistics.median(v)
    out["best_push_s"] = min(times["push_s"])
    out["best_pull_s"] = min(times["pull_s"])
    out["median_changes_pushed"] = statistics.median(sizes["pushed"])
    out["median_rows_pulled"] = statistics.median(sizes["pulled"])
    out["median_push_kb_on_wire"] = statistics.median(sizes["push_kb"])
    out["median_pull_kb_on_wire"] = statistics.median(sizes["pull_kb"])
    out["push_goal_met"] = out["median_push_s"] < 0.2
    out["pull_goal_met"] = out["median_pull_s"] < 0.2
    return out
