"""Server login timing: a wrong password for a real name against an unknown
name (the lockout must not tell them apart, issue 11), and a right one, with
the production Argon2id cost, interleaved so load swings hit all alike.

    python -m bench server_login [--rounds 20] [--postgres]

The lock is set out of reach for the run (JSXSERVER_LOCK_AFTER_FAILURES):
this measures the checks, each of which now counts the attempt in one
statement before the hash.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench.common import load_average
from bench.sync_bootstrap import PASSWORD, BenchServer


def run(argv: list[str]) -> dict[str, object]:
    p = argparse.ArgumentParser(prog="python -m bench server_login")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--postgres", action="store_true", help="server on PostgreSQL")
    args = p.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="jsx-bench-login-"))
    saved = os.environ.get("JSXSERVER_LOCK_AFTER_FAILURES")
    os.environ["JSXSERVER_LOCK_AFTER_FAILURES"] = "1000000000"
    load = load_average()
    server = BenchServer(workdir, postgres=args.postgres)
    times: dict[str, list[float]] = {"wrong password": [], "unknown name": [], "right password": []}
    try:
        _, _, user = server.township()
        cases = {
            "wrong password": (user, "Wrong-passw0rd!", 401),
            "unknown name": (f"nobody{uuid.uuid4().hex[:6]}", "Wrong-passw0rd!", 401),
            "right password": (user, PASSWORD, 200),
        }
        http = requests.Session()
        for i in range(args.rounds + 1):
            for kind, (name, password, want) in cases.items():
                t0 = time.perf_counter()
                r = http.post(
                    f"{server.base}/api/v1/auth/login",
                    json={"username": name, "password": password, "device_id": f"bench-{i:04d}"},
                    timeout=60,
                )
                elapsed = time.perf_counter() - t0
                if r.status_code != want:
                    raise RuntimeError(f"{kind}: HTTP {r.status_code} {r.text[:200]}")
                if i:  # the first round warms up
                    times[kind].append(elapsed)
    finally:
        server.close()
        if saved is None:
            os.environ.pop("JSXSERVER_LOCK_AFTER_FAILURES", None)
        else:
            os.environ["JSXSERVER_LOCK_AFTER_FAILURES"] = saved
        shutil.rmtree(workdir, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    out: dict[str, object] = {
        "server": "postgresql" if args.postgres else "sqlite",
        "load_average_before": round(load, 2),
        "load_average_after": round(load_average(), 2),
        "rounds": args.rounds,
    }
    for kind, values in times.items():
        out[f"{kind}: median / p90 s"] = (
            f"{med[kind]:.3f} / {sorted(values)[int(len(values) * 0.9) - 1]:.3f}"
        )
    out["unknown / wrong (median)"] = round(med["unknown name"] / med["wrong password"], 2)
    return out
