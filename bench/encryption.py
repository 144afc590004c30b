"""The UI and sync benchmarks with and without encryption, side by side.

    python -m bench encryption [--ui-stores 5] [--skip-ui] [--rounds 3]

Runs `sync_incremental`, `sync_bootstrap --quick` and `ui` twice each, on plain
SQLite stores and on SQLCipher stores as the app keeps them (the data key
given, as after the login: the KDF itself is `python -m bench kdf`), and
reports every timing with the ratio encrypted/plain (goal: under 1.15) and
the load average when each ran. The machine is shared: compare CPU seconds
where wall times are noisy, and run again when the load moved between the
two halves of a pair.
"""

from __future__ import annotations

import argparse
import importlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _flat(figures: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in figures.items():
        if isinstance(v, Mapping):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


_TIMED = ("_s", "_ms", "_mb")


def _pair(name: str, args: list[str]) -> dict[str, Any]:
    mod: Any = importlib.import_module(f"bench.{name}")
    load_plain = os.getloadavg()[0]
    plain = _flat(mod.run(args))
    load_enc = os.getloadavg()[0]
    enc = _flat(mod.run([*args, "--encrypted"]))
    rows: dict[str, Any] = {
        "load_before_plain": round(load_plain, 1),
        "load_before_encrypted": round(load_enc, 1),
    }
    for k, p in plain.items():
        e = enc.get(k)
        numeric = isinstance(p, int | float) and isinstance(e, int | float)
        if numeric and not isinstance(p, bool) and any(x in k for x in _TIMED):
            ratio = (e / p) if p else float("nan")
            rows[k] = f"{p:.3f} → {e:.3f}  ×{ratio:.2f}"
    return rows


def run(argv: list[str]) -> dict[str, object]:
    p = argparse.ArgumentParser(prog="python -m bench encryption")
    p.add_argument("--ui-stores", default="5")
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "jsxclient-bench"))
    p.add_argument("--skip-ui", action="store_true")
    p.add_argument("--skip-bootstrap", action="store_true")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    out: dict[str, object] = {"cpus": os.cpu_count() or 0}
    out["sync_incremental"] = _pair(
        "sync_incremental", ["--changes", "1000", "--rounds", str(args.rounds)]
    )
    if not args.skip_bootstrap:
        out["sync_bootstrap"] = _pair("sync_bootstrap", ["--cases", "1,members", "--quick"])
    if not args.skip_ui:
        out["ui"] = _pair(
            "ui", ["--stores", args.ui_stores, "--cache", args.cache, "--start-runs", "3"]
        )
    return out
