"""Hybrid logical clock: wall-clock milliseconds, a counter and the node id.

Stamps compare as plain strings (fixed-width fields), so the newest write of
a field can be picked the same way on every device and on the server, even
when a laptop's clock is off: `observe` pulls the clock forward past every
stamp seen from elsewhere.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

# 13 digits of milliseconds, 5 of counter, the node (device id or "server").
HLC_RE = re.compile(r"\d{13}-\d{5}-[0-9A-Za-z_.:-]{1,64}", re.ASCII)


def is_hlc(stamp: str) -> bool:
    return HLC_RE.fullmatch(stamp) is not None


def format_hlc(ms: int, counter: int, node: str) -> str:
    return f"{ms:013d}-{counter:05d}-{node}"


def parse_hlc(stamp: str) -> tuple[int, int, str]:
    ms, counter, node = stamp.split("-", 2)
    return int(ms), int(counter), node


class HybridClock:
    def __init__(
        self, node: str, last: str | None = None, wall: Callable[[], float] = time.time
    ) -> None:
        self.node = node
        self._wall = wall
        self._lock = threading.Lock()
        self._ms, self._counter = 0, 0
        if last:
            self._ms, self._counter, _ = parse_hlc(last)

    def now(self) -> str:
        with self._lock:
            wall_ms = int(self._wall() * 1000)
            if wall_ms > self._ms:
                self._ms, self._counter = wall_ms, 0
            else:
                self._counter += 1
            return format_hlc(self._ms, self._counter, self.node)

    def observe(self, stamp: str) -> None:
        ms, counter, _ = parse_hlc(stamp)
        with self._lock:
            if (ms, counter) > (self._ms, self._counter):
                self._ms, self._counter = ms, counter

    @property
    def last(self) -> str:
        return format_hlc(self._ms, self._counter, self.node)
