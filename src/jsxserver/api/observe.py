"""The outermost ASGI layer: request metrics and one JSON access-log line per
request (logger ``jsxserver.access``, at INFO; main.py gives it a handler on
standard output unless ``JSXSERVER_ACCESS_LOG=0``), with the user and device
when the request was authenticated (deps.get_caller leaves them in the scope
state)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jsxcore.protocol import API_PREFIX
from jsxserver.core import metrics

access_log = logging.getLogger("jsxserver.access")


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        sent = 0

        async def send_wrapper(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = _route(scope)
            method = scope["method"]
            metrics.REQUESTS.labels(method, route, str(status)).inc()
            metrics.LATENCY.labels(method, route).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(_line(scope, route, status, elapsed, sent))


def _route(scope: Scope) -> str:
    """The route's template, never the raw path (bounded label values)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    # Routes of an included router carry their path without its prefix.
    if scope["path"].startswith(API_PREFIX) and not path.startswith(API_PREFIX):
        path = API_PREFIX + path
    return path


def _line(scope: Scope, route: str, status: int, elapsed: float, sent: int) -> str:
    state: dict[str, Any] = scope.get("state") or {}
    client = scope.get("client")
    entry = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        "method": scope["method"],
        "path": scope["path"],
        "route": route,
        "status": status,
        "ms": round(elapsed * 1000, 1),
        "bytes": sent,
        "ip": client[0] if client else "",
        "user": state.get("user", ""),
        "device": state.get("device", ""),
    }
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
