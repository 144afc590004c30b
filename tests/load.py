"""Time limits that scale with how loaded the machine is.

The suite runs on shared 2-core machines next to other work: a limit that
holds on an idle machine (a server's start, a property test's run) must
stretch when every core is busy, or the suite fails for nothing. Limits are
the idle figure times `FACTOR`: the 1-minute load average per core (at
least 1, at most 8), times `JSX_TIME_SCALE` if set (a slow CI runner).
Nothing here makes a test pass that is wrong: it only waits longer.
"""

from __future__ import annotations

import os


def load_factor() -> float:
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows: no load average
        load = 0.0
    per_core = load / (os.cpu_count() or 1)
    scale = float(os.environ.get("JSX_TIME_SCALE", "1") or 1)
    return min(8.0, max(1.0, per_core)) * max(scale, 0.1)


FACTOR = load_factor()


def scaled(seconds: float) -> float:
    """`seconds` on an idle machine, stretched for this one's load."""
    return seconds * FACTOR
