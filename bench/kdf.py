"""The password KDF at login: time and memory of Argon2id as the app uses
it (bench/results/kdf.json), beside scrypt at the costs considered.

    python -m bench kdf [--rounds 5]

Each candidate runs in a fresh child process so its peak memory (VmHWM) is
its own. Goal: about 0.3 s at login on an office PC; 64 MiB or more of
memory per guess, so a GPU farm pays for every try.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from typing import Any

CHILD = r"""
import hashlib, json, os, sys, time
from pathlib import Path

def hwm():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024
    return float("nan")

kind, rounds = sys.argv[1], int(sys.argv[2])
base = hwm()
times = []
for _ in range(rounds):
    t0 = time.perf_counter()
    if kind == "app":
        from jsxclient.security import kdf
        kdf.derive("Passw0rd!x", os.urandom(16), kdf.PRODUCTION)
    else:
        n = int(kind.split("-")[1])
        hashlib.scrypt(b"Passw0rd!x", salt=os.urandom(16), n=2**n, r=8, p=1, dklen=64,
                       maxmem=2**30)
    times.append(time.perf_counter() - t0)
print(json.dumps({"times": times, "peak_mb": hwm() - base}))
"""


def _one(kind: str, rounds: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(rounds)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k != "JSXCLIENT_KDF_PROFILE"},
    ).stdout
    fig = json.loads(out.strip().splitlines()[-1])
    return {
        "median_s": round(statistics.median(fig["times"]), 3),
        "best_s": round(min(fig["times"]), 3),
        "extra_peak_mb": round(fig["peak_mb"], 1),
    }


def run(argv: list[str]) -> dict[str, object]:
    from jsxclient.security import kdf

    p = argparse.ArgumentParser(prog="python -m bench kdf")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)
    load = os.getloadavg()[0]
    app = _one("app", args.rounds)
    out: dict[str, object] = {
        "load_average_before": round(load, 2),
        "cpus": os.cpu_count() or 0,
        "app_kdf": f"argon2id t={kdf.PRODUCTION.time_cost} "
        f"m={kdf.PRODUCTION.memory_kib // 1024} MiB p={kdf.PRODUCTION.parallelism}",
        "login": app,
        "scrypt N=2^15 r=8 (32 MiB)": _one("scrypt-15", args.rounds),
        "scrypt N=2^17 r=8 (128 MiB)": _one("scrypt-17", args.rounds),
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    return out
