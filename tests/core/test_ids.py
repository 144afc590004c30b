"""Row and change ids (jsxcore.models.new_id): version 7 UUIDs, so ids made
one after another sort one after another (the server's key indexes grow at
their end on a first push)."""

from __future__ import annotations

import time
import uuid

from jsxcore.models import new_id


def test_an_id_is_a_version_7_uuid_in_hex() -> None:
    got = new_id()
    assert len(got) == 32 and got == got.lower()
    u = uuid.UUID(got)
    assert u.version == 7 and u.variant == uuid.RFC_4122
    # Its first 48 bits are the time it was made, in milliseconds.
    now_ms = time.time_ns() // 1_000_000
    assert now_ms - 5_000 <= int(got[:12], 16) <= now_ms


def test_ids_made_later_sort_later_and_never_repeat() -> None:
    first = [new_id() for _ in range(50_000)]
    time.sleep(0.002)
    later = [new_id() for _ in range(1_000)]
    assert max(first) < min(later)
    assert len(set(first + later)) == len(first) + len(later)
