"""Transport: retries, typed errors, encodings and byte counts, against a
scripted HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import time

import pytest
import requests

from jsxclient.sync.errors import (
    AuthExpiredError,
    OfflineError,
    RejectedError,
    ServerError,
    ServerIncompatibleError,
    SyncBugError,
)
from jsxclient.sync.transport import FaultPoint, Transport
from jsxcore.protocol import PROTOCOL_VERSION, PushRequest
from tests.e2e.harness import free_port
from tests.sync.fake_server import Reply, Seen, fake_server

PULL_OK = json.dumps({"rows": [], "cursor": 0, "more": False, "server_seq": 0}).encode()
ERR = json.dumps({"error": {"code": "x.y", "zh": "中文原因", "en": "the reason"}}).encode()


def _t(url: str, **kw: object) -> Transport:
    opts: dict[str, object] = {"retries": 3, "backoff": 0.001, "backoff_max": 0.002, **kw}
    return Transport(url, "tok", **opts)  # type: ignore[arg-type]


def test_retries_5xx_then_succeeds() -> None:
    replies = iter([Reply(503, b"busy"), Reply(502, b""), Reply(200, PULL_OK)])
    with fake_server(lambda _: next(replies)) as (url, seen):
        page = _t(url).pull(0, 10)
    assert page.rows == [] and len(seen) == 3


def test_gives_up_on_5xx_as_server_error() -> None:
    with fake_server(lambda _: Reply(500, ERR)) as (url, seen), pytest.raises(ServerError) as err:
        _t(url, retries=2).pull(0, 10)
    assert len(seen) == 3 and err.value.zh and err.value.en


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, RejectedError),
        (403, RejectedError),
        (422, RejectedError),
        (401, AuthExpiredError),
        (426, ServerIncompatibleError),
    ],
)
def test_never_retries_4xx(status: int, kind: type[Exception]) -> None:
    with fake_server(lambda _: Reply(status, ERR)) as (url, seen), pytest.raises(kind) as err:
        _t(url).pull(0, 10)
    assert len(seen) == 1
    if isinstance(err.value, RejectedError):
        assert (err.value.code, err.value.zh, err.value.en) == ("x.y", "中文原因", "the reason")
        assert err.value.status == status


@pytest.mark.parametrize(
    "body",
    [
        b"<html>oops</html>",
        b'{"rows": [',
        b'{"rows": []}',
        b'{"rows": [{"entity": 1}], "cursor": 0, "more": false, "server_seq": 0}',
    ],
)
def test_malformed_reply_is_a_bug_and_not_retried(body: bytes) -> None:
    with fake_server(lambda _: Reply(200, body)) as (url, seen), pytest.raises(SyncBugError) as err:
        _t(url).pull(0, 10)
    assert len(seen) == 1 and err.value.kind == "bug"


def test_bad_gzip_is_a_bug() -> None:
    reply = Reply(200, b"not gzip", headers={"Content-Encoding": "gzip"})
    with fake_server(lambda _: reply) as (url, _seen), pytest.raises(SyncBugError):
        _t(url).pull(0, 10)


def test_gzip_both_ways_headers_and_byte_counts() -> None:
    def script(req: Seen) -> Reply:
        if req.method == "POST":
            body = json.loads(gzip.decompress(req.body))
            return Reply(
                200,
                json.dumps({"batch_id": body["batch_id"], "results": [], "server_seq": 7}).encode(),
                gzip=True,
            )
        return Reply(200, PULL_OK, gzip=True)

    with fake_server(script) as (url, seen):
        t = _t(url)
        resp = t.push(PushRequest(batch_id="b" * 16, device="dev1", changes=[]))
        t.pull(0, 10)
    assert resp.server_seq == 7
    post = seen[0]
    assert post.headers["Content-Encoding"] == "gzip"
    assert post.headers["Authorization"] == "Bearer tok"
    assert post.headers["X-JSX-Protocol"] == str(PROTOCOL_VERSION)
    assert "gzip" in seen[1].headers["Accept-Encoding"]
    assert seen[1].path.startswith("/api/v1/pull?cursor=0&limit=10")
    assert t.bytes_sent == len(post.body)
    assert t.bytes_received == (
        len(
            gzip.compress(
                json.dumps({"batch_id": "b" * 16, "results": [], "server_seq": 7}).encode()
            )
        )
        + len(gzip.compress(PULL_OK))
    )


def test_unreachable_server_is_offline() -> None:
    t = _t(f"http://127.0.0.1:{free_port()}", retries=1)
    with pytest.raises(OfflineError) as err:
        t.pull(0, 10)
    assert err.value.kind == "offline" and "服务器" in err.value.zh
    assert not t.health()


def test_read_timeout_is_offline() -> None:
    def slow(_: Seen) -> Reply:
        time.sleep(0.5)
        return Reply(200, PULL_OK)

    with fake_server(slow) as (url, seen), pytest.raises(OfflineError):
        _t(url, retries=1, read_timeout=0.1).pull(0, 10)
    assert len(seen) == 2


@pytest.mark.parametrize("phase", ["before_send", "after_response"])
def test_fault_hook_drops_the_connection(phase: str) -> None:
    fired: list[FaultPoint] = []

    def fault(p: FaultPoint) -> None:
        if p.phase == phase and not fired:
            fired.append(p)
            raise requests.ConnectionError("injected")

    with fake_server(lambda _: Reply(200, PULL_OK)) as (url, seen):
        t = _t(url, fault=fault)
        t.pull(0, 10)
    # Before the send the server saw nothing; after the reply it saw the
    # request twice: a lost reply means a resend.
    assert len(seen) == (1 if phase == "before_send" else 2)
    assert fired[0].path == "/pull" and fired[0].attempt == 0


def test_health_probe() -> None:
    with fake_server(lambda _: Reply(200, b'{"status":"ok"}')) as (url, _):
        assert _t(url).health()
    with fake_server(lambda _: Reply(503, b"")) as (url, _):
        assert not _t(url).health()
