"""A tiny scripted HTTP server on 127.0.0.1 for replies the real server never
gives (garbage, 5xx, wrong encodings). It is a real socket and a real HTTP
exchange, only the replies are made up."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    gzip: bool = False


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Script = Callable[[Seen], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeout tests) is expected here


def _version_reply() -> Reply:
    from jsxcore.compat import Peer
    from jsxcore.protocol import VersionInfo

    me = Peer()
    info = VersionInfo(
        protocol=me.protocol_max,
        min_client_protocol=me.protocol_min,
        server_version="fake",
        schema_version=me.schema,
        min_client_schema=me.schema_min,
    )
    return Reply(200, info.model_dump_json().encode())


@contextmanager
def fake_server(script: Script, handshake: bool = True) -> Iterator[tuple[str, list[Seen]]]:
    """With `handshake`, GET /api/v1/version is answered like a real server of
    this version (and not recorded in `seen`), so a sync gets as far as the
    replies the script makes up."""
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _handle(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            req = Seen(self.command, self.path, dict(self.headers), body)
            if handshake and self.command == "GET" and self.path == "/api/v1/version":
                reply = _version_reply()
            else:
                seen.append(req)
                reply = script(req)
            data = gzip.compress(reply.body) if reply.gzip else reply.body
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if reply.gzip:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _handle
        do_POST = _handle

    httpd = _Server(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
