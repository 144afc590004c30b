"""Bulk steps without Python's cyclic garbage collector.

An import's preview or a register's table builds a few hundred thousand
dicts and lists that all stay alive until the step ends. Every so many
allocations the collector walks all of them and finds nothing to free: a
quarter of a 25,000-row preview's time. Reference counting still frees
whatever is dropped; cycles left behind wait for the next collection after
the step.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
