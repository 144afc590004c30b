"""Small helpers shared by the benchmarks (not a benchmark itself)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Timing:
    seconds: float = 0.0  # wall clock
    cpu: float = 0.0  # this process's CPU time: steadier on a busy machine


@contextmanager
def timer() -> Iterator[Timing]:
    """`with timer() as t: ...` then `t.seconds` (wall clock) and `t.cpu`."""
    t = Timing()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield t
    finally:
        t.seconds = time.perf_counter() - start
        t.cpu = time.process_time() - cpu


def load_average() -> float:
    """1-minute load average (n/a off Unix): wall times mean little when it
    exceeds the number of cores."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return float("nan")


def _status_kb(field: str) -> float:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:  # not Linux
        return float("nan")
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return float("nan")


def rss_mb() -> float:
    """Resident set size now, in MB (VmRSS)."""
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (VmHWM)."""
    return _status_kb("VmHWM") / 1024


def file_mb(path: Path) -> float:
    """Size of a SQLite file with its -wal and -shm companions, in MB."""
    total = 0
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            total += p.stat().st_size
    return total / 2**20


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (for a server under test)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def fmt(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(figures: Mapping[str, object], title: str = "") -> str:
    """Figures as an aligned two-column table; nested mappings become sub-tables."""
    flat: list[tuple[str, str]] = []
    subs: list[tuple[str, Mapping[str, object]]] = []
    for key, value in figures.items():
        if isinstance(value, Mapping):
            subs.append((key, value))
        else:
            flat.append((key, fmt(value)))
    lines: list[str] = []
    if title:
        lines += [title, "=" * max(len(title), 8)]
    if flat:
        kw = max(len(k) for k, _ in flat)
        vw = max(len(v) for _, v in flat)
        lines += [f"{k:<{kw}}  {v:>{vw}}" for k, v in flat]
    for key, sub in subs:
        lines += ["", table(sub, key)]
    return "\n".join(lines)


def print_table(figures: Mapping[str, object], title: str = "") -> None:
    print(table(figures, title))
