"""`python -m bench` lists the benchmarks; `python -m bench NAME [ARGS]` runs one,
prints its figures and writes them to `bench/results/NAME.json`."""

from __future__ import annotations

import importlib
import json
import pkgutil
import platform
import sys
from datetime import datetime
from typing import Any

import bench
from bench.common import RESULTS_DIR, print_table

HELPERS = frozenset({"common"})


def available() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if not m.name.startswith("_") and m.name not in HELPERS and not m.ispkg
    )


def _doc_line(name: str) -> str:
    doc = importlib.import_module(f"bench.{name}").__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def main(argv: list[str]) -> int:
    names = available()
    if not argv or argv[0] in ("-h", "--help", "list"):
        print("usage: python -m bench NAME [ARGS]   (python -m bench NAME --help for ARGS)")
        print("\navailable benchmarks:")
        for n in names:
            print(f"  {n:<20} {_doc_line(n)}")
        return 0
    name, args = argv[0], argv[1:]
    if name not in names:
        print(
            f"unknown benchmark {name!r}; available: {', '.join(names) or 'none'}", file=sys.stderr
        )
        return 2
    module: Any = importlib.import_module(f"bench.{name}")
    figures: dict[str, object] = module.run(args)
    print_table(figures, f"bench {name} {' '.join(args)}".strip())
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{name}.json"
    record = {
        "meta": {
            "bench": name,
            "argv": args,
            "at": datetime.now().isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "machine": f"{platform.system()} {platform.machine()}",
        },
        "figures": figures,
    }
    out.write_text(
        json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
