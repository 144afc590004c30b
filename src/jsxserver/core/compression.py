"""Gzip of large response bodies that a route compresses itself (pull pages).

With ISA-L (`isal`, in the server extra) a pull page is compressed ~9x
faster than by the stdlib's zlib at level 5 and comes out no larger (a
members bootstrap: 0.3 against 2.6 us of server CPU a row); without it, the
stdlib's zlib at the configured level, as the GZip middleware would.
"""

from __future__ import annotations

import zlib
from typing import Any

_isal: Any = None
try:
    from isal import isal_zlib

    _isal = isal_zlib
except ImportError:  # not installed: the stdlib's zlib
    pass

HAVE_ISAL = _isal is not None
# Bodies smaller than this go out as they are (the GZip middleware's bound).
GZIP_MINIMUM = 1000
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer, not zlib's


def isal_level(level: int) -> int:
    """ISA-L's level (0-3) for a zlib level (1-9): 1-2 -> 0, 3-5 -> 1,
    6-8 -> 2, 9 -> 3. On pull pages ISA-L's 1 is both faster and smaller
    than zlib's 5; its 0 is larger than zlib's 1."""
    return min(3, max(0, level) // 3)


def gzip_body(body: bytes, level: int, *, isal: bool = HAVE_ISAL) -> bytes:
    """`body` as one gzip member (for Content-Encoding: gzip); `level` is
    zlib's (1-9). `isal`: through ISA-L (when installed) or the stdlib."""
    if isal and _isal is not None:
        return bytes(_isal.compress(body, isal_level(level), _GZIP_WBITS))
    return zlib.compress(body, level, _GZIP_WBITS)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether the client takes gzip (the GZip middleware's own test)."""
    return "gzip" in accept_encoding
