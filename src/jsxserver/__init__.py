"""jsxserver: the provincial sync server for jsxclient devices."""

from __future__ import annotations

from jsxcore.version import APP_VERSION

__version__ = APP_VERSION
