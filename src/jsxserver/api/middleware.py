"""A pure ASGI guard in front of the app: protocol version, body size and
gzip'd request bodies, all decided before any route code runs."""

from __future__ import annotations

import zlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jsxcore.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from jsxserver.core import errors as E
from jsxserver.core.errors import Reason

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class _Reject(Exception):
    def __init__(self, status: int, reason: Reason) -> None:
        self.status = status
        self.reason = reason


def protocol_compatible(value: str) -> bool:
    major = value.strip().split(".", 1)[0]
    return major.isdigit() and int(major) == PROTOCOL_VERSION


class RequestGuard:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

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
        proto = headers.get(PROTOCOL_HEADER)
        if proto is not None and not protocol_compatible(proto):
            raise _Reject(426, E.PROTOCOL)
        if scope["method"] not in _BODY_METHODS:
            return receive
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise _Reject(400, E.invalid_request("Content-Length"))
            if int(length) > self.max_bytes:
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
