"""A pure ASGI guard in front of the app: client versions, body size and
gzip'd request bodies, all decided before any route code runs (so a refused
request writes nothing)."""

from __future__ import annotations

import re
import zlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jsxcore.compat import UNSTATED_CLIENT_VERSION, refusal
from jsxcore.protocol import API_PREFIX, CLIENT_HEADER, PROTOCOL_HEADER, SCHEMA_HEADER
from jsxserver.core import errors as E
from jsxserver.core.config import Settings
from jsxserver.core.errors import Reason

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Answered whatever the client's versions: /version is how a client finds out
# which protocol to speak; /health, /ready and /metrics are for load
# balancers and monitoring.
_UNCHECKED = frozenset(f"{API_PREFIX}/{p}" for p in ("version", "health", "ready", "metrics"))


_PRINTABLE = re.compile(r"[\x20-\x7e]{0,64}", re.ASCII)
_NUMERIC_HEADERS = (
    ("Content-Length", re.compile(r"[0-9]{1,18}", re.ASCII)),
    (SCHEMA_HEADER, re.compile(r"[0-9]{1,6}", re.ASCII)),
    # Unreadable but ASCII: the version check answers (426) as before.
    (PROTOCOL_HEADER, _PRINTABLE),
    (CLIENT_HEADER, _PRINTABLE),
)


class _Reject(Exception):
    def __init__(self, status: int, reason: Reason) -> None:
        self.status = status
        self.reason = reason


class RequestGuard:
    def __init__(self, app: ASGIApp, max_bytes: int, settings: Settings | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.settings = settings or Settings()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            receive = await self._check(scope, receive)
        except _Reject as rej:
            response = JSONResponse(rej.reason.body(), status_code=rej.status)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, receive: Receive) -> Receive:
        headers = Headers(scope=scope)
        # The headers read as numbers: ASCII only. Python's isdigit() and
        # int() take full-width, Arabic-Indic and superscript digits, which
        # made 500s (or a silent default) of them.
        for name, pattern in _NUMERIC_HEADERS:
            value = headers.get(name)
            if value is not None and not pattern.fullmatch(value.strip()):
                raise _Reject(400, E.bad_header(name))
        if scope["path"] not in _UNCHECKED:
            self._check_versions(scope, headers)
        if scope["method"] not in _BODY_METHODS:
            return receive
        length = headers.get("content-length")
        if length is not None and int(length) > self.max_bytes:
            raise _Reject(413, E.TOO_LARGE)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", ""):
            raise _Reject(415, E.BAD_ENCODING)

        # Buffer the body (bounded) so an oversized chunked upload is cut off
        # and a gzip'd one can be inflated (bounded too: no zip bombs).
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise _Reject(413, E.TOO_LARGE)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if encoding == "gzip":
            body = self._gunzip(body)
            mutable = MutableHeaders(scope=scope)
            del mutable["content-encoding"]
            mutable["content-length"] = str(len(body))

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    def _check_versions(self, scope: Scope, headers: Headers) -> None:
        s = self.settings
        outcome = refusal(
            headers.get(PROTOCOL_HEADER),
            headers.get(SCHEMA_HEADER),
            headers.get(CLIENT_HEADER),
            s.min_client_version or None,
        )
        if outcome.verdict == "client_too_old":
            have = (headers.get(CLIENT_HEADER) or "").strip() or UNSTATED_CLIENT_VERSION
            need = s.min_client_version or s.latest_client_version or None
            raise _Reject(426, E.client_too_old(have[:40], need, s.client_download_url or None))
        if outcome.verdict == "server_too_old":
            raise _Reject(426, E.PROTOCOL)
        if outcome.protocol is not None:
            # The version this request is written in, for routes that will
            # answer older clients in their own format.
            scope.setdefault("state", {})["protocol"] = outcome.protocol

    def _gunzip(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out = inflater.decompress(data, self.max_bytes + 1)
        except zlib.error:
            raise _Reject(400, E.BAD_GZIP) from None
        if len(out) > self.max_bytes or inflater.unconsumed_tail:
            raise _Reject(413, E.TOO_LARGE)
        if not inflater.eof:
            raise _Reject(400, E.BAD_GZIP)
        return out
