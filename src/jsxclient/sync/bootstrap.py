"""Bootstrap stage: the first sync of a device, from cursor 0.

The same page application as the pull (each page and its cursor commit
together, so an interrupted bootstrap resumes where it stopped), with the
largest pages the server allows and the next page fetched while the current
one is written. Rows are written with one executemany per entity and page,
straight from the parsed reply: no ORM objects, no per-row queries.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from jsxclient.store.store import Store
from jsxclient.sync.pull import Progress, PullStats, cursor, pull
from jsxclient.sync.transport import Transport
from jsxcore.protocol import MAX_PULL_LIMIT


@dataclass
class BootstrapStats(PullStats):
    seconds: float = 0.0


def needs_bootstrap(store: Store) -> bool:
    return cursor(store) == 0


def bootstrap(
    store: Store,
    transport: Transport,
    *,
    page_size: int = MAX_PULL_LIMIT,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    stats: BootstrapStats | None = None,
) -> BootstrapStats:
    stats = stats if stats is not None else BootstrapStats()
    t0 = time.perf_counter()
    try:
        pull(
            store,
            transport,
            page_size=page_size,
            cancel=cancel,
            progress=progress,
            prefetch=True,
            stats=stats,
            bulk=True,
        )
    finally:
        stats.seconds = time.perf_counter() - t0
    return stats
