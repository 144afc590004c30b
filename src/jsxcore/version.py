"""The program's version, and comparing versions.

Client and server are one distribution (``jsxclient``), so both report the
same number; the server compares a client's number with the minimum it is
configured to accept.
"""

from __future__ import annotations

import re
from importlib import metadata

SOURCE_VERSION = "0.0.0+src"


def installed_version() -> str:
    try:
        return metadata.version("jsxclient")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return SOURCE_VERSION


APP_VERSION = installed_version()

_VERSION = re.compile(r"\s*v?(\d+(?:\.\d+)*)")


def parse_version(text: str) -> tuple[int, ...]:
    """``"0.2.0"`` -> ``(0, 2)``: the release numbers, trailing zeros dropped so
    that 0.2 and 0.2.0 compare equal. Pre-release and local suffixes
    (``0.2.0rc1``, ``0.2.0+win``) count as the release itself."""
    m = _VERSION.match(text)
    if not m:
        raise ValueError(f"not a version number: {text!r}")
    parts = [int(p) for p in m.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def is_older(version: str, than: str) -> bool:
    return parse_version(version) < parse_version(than)
