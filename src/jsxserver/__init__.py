"""jsxserver: the provincial sync server for jsxclient devices."""

from __future__ import annotations

from importlib import metadata


def _version() -> str:
    try:
        return metadata.version("jsxclient")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0.0.0+src"


__version__ = _version()
