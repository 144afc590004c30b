"""Transport: HTTPS for every server but one on this computer, TLS checks
on, and no reply inflated past the protocol's limit (a 1 MiB gzip reply
once took the client to 3.2 GB)."""

from __future__ import annotations

import gzip
import http.server
import threading
import tracemalloc
from collections.abc import Iterator

import pytest

from jsxclient.sync.errors import InsecureServerError, SyncBugError
from jsxclient.sync.transport import ReplyTooLarge, Transport, check_url, inflate
from jsxcore.protocol import MAX_RESPONSE_BYTES


@pytest.mark.parametrize(
    "url",
    [
        "http://jsx.example.gov.cn",
        "http://10.1.2.3:8600",
        "http://192.168.1.20",
        "ftp://jsx.example.gov.cn",
        "https://",
        "jsx.example.gov.cn",
    ],
)
def test_plain_http_to_another_computer_is_refused(url: str) -> None:
    with pytest.raises(InsecureServerError) as exc:
        check_url(url)
    assert "https://" in exc.value.zh and "https://" in exc.value.en
    with pytest.raises(InsecureServerError):
        Transport(url)


@pytest.mark.parametrize(
    "url",
    ["https://jsx.example.gov.cn", "http://127.0.0.1:8600", "http://localhost:1", "http://[::1]:2"],
)
def test_https_and_this_computer_are_accepted(url: str) -> None:
    check_url(url)


def test_tls_verification_stays_on_for_a_real_server() -> None:
    with pytest.raises(InsecureServerError):
        Transport("https://jsx.example.gov.cn", verify=False)
    assert Transport("https://jsx.example.gov.cn").verify is True
    assert Transport("https://jsx.example.gov.cn", ca_bundle="/etc/ca.pem").verify == "/etc/ca.pem"


BOMB = gzip.compress(b"\0" * (MAX_RESPONSE_BYTES * 4), compresslevel=9)


def test_inflate_stops_at_the_limit() -> None:
    assert len(BOMB) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ReplyTooLarge):
            inflate(BOMB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * MAX_RESPONSE_BYTES  # was 3.2 GB for a 1 MiB reply
    assert inflate(gzip.compress(b'{"a": 1}')) == b'{"a": 1}'


class _Bomber(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(BOMB)))
        self.end_headers()
        self.wfile.write(BOMB)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def bomber() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Bomber)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_a_gzip_bomb_from_a_server_is_refused(bomber: str) -> None:
    with Transport(bomber, "token", retries=0) as t, pytest.raises(SyncBugError, match="inflates"):
        t.reference()
