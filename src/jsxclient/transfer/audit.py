"""The hook for audited actions of exports.

Showing full ID numbers and mobiles is a deliberate act that must be
audited (DOMAIN.md, "Privacy and security"). Until the audit log arrives
with the security work, every full export is reported here: logged, and
passed to whatever `on_reveal` hooks are registered. The audit log will
register one (time, user, action, object, result) and nothing else changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("jsxclient.audit")

#: Called as hook(what, rows, reason, user) after each export with full numbers.
on_reveal: list[Callable[[str, int, str, str], None]] = []


def revealed(what: str, rows: int, reason: str, user: str = "") -> None:
    log.info(
        "full ID numbers and mobiles exported: %s, %d rows, reason %r, user %r",
        what,
        rows,
        reason,
        user,
    )
    for hook in on_reveal:
        hook(what, rows, reason, user)
