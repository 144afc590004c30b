"""Bodies the server must refuse with a 4xx ErrorResponse (never a 500),
gzip both ways, and pull paging."""

from __future__ import annotations

import gzip
import json
import socket
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from jsxcore.protocol import MAX_BATCH_CHANGES, MAX_REQUEST_BYTES, PullResponse
from tests.server.support import Device, LiveServer, person


@pytest.fixture
def dev(server: LiveServer) -> Device:
    return server.device_for("township_worker", server.fresh_township().code)


def _post(dev: Device, body: bytes, **headers: str) -> requests.Response:
    return dev.http.post(
        dev.server.url("/push"),
        data=body,
        headers={"Content-Type": "application/json", **headers},
        timeout=60,
    )


def _code(r: requests.Response) -> str:
    body = r.json()
    assert body["error"]["zh"] and body["error"]["en"]
    code: str = body["error"]["code"]
    return code


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"[]",
        b"null",
        b'{"batch_id": 5}',
        b"\xff\xfe",
        b'{"batch_id":"abcdefgh"}',
        b'{"batch_id":"abcdefgh","device":"d","changes":[{"op":"upsert"}]}',
        b'{"batch_id":"bad id!","device":"d","changes":[]}',
        b'{"batch_id":"abcdefgh","device":"d","changes":[],"extra":1}',
    ],
)
def test_malformed_push_bodies(dev: Device, body: bytes) -> None:
    before = dev.server.counter()
    r = _post(dev, body)
    assert 400 <= r.status_code < 500, r.text
    assert _code(r).startswith("request.")
    assert dev.server.counter() == before


@pytest.mark.parametrize("bad", ["nul\u0000", "\ud800"])
def test_unstorable_text_is_refused(dev: Device, bad: str) -> None:
    village = dev.server.fresh_township().village  # any: rejected before scope checks
    ins = dev.insert("person", village, **person(bad))
    body = json.dumps(
        {"batch_id": uuid.uuid4().hex, "device": dev.device_id, "changes": [ins]}
    ).encode()
    r = _post(dev, body)
    assert r.status_code == 400
    assert _code(r) == "request.bad_text"


def test_non_finite_numbers_are_refused(dev: Device) -> None:
    body = (
        b'{"batch_id":"abcdefgh1","device":"d","changes":[{"change_id":"abcdefgh2",'
        b'"entity":"person","row_id":"abcdefgh3","op":"update","fields":{"name":NaN},'
        b'"old":{},"hlc":"0000000000001-00000-x","device":"d"}]}'
    )
    r = _post(dev, body)
    assert r.status_code == 400 and _code(r) == "request.bad_text"


def test_too_many_changes(dev: Device) -> None:
    village = dev.server.fresh_township().village
    changes = [dev.insert("person", village, **person()) for _ in range(MAX_BATCH_CHANGES + 1)]
    r = dev.push_raw(changes)
    assert r.status_code == 413
    assert _code(r) == "push.too_many_changes"


def _raw_post(dev: Device, content_length: int, body: bytes) -> tuple[int, bytes]:
    """A hand-written request, so Content-Length can disagree with the body."""
    url = urlsplit(dev.server.base_url)
    with socket.create_connection((url.hostname or "", url.port or 80), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {dev.token}\r\n".encode()
            + f"Content-Length: {content_length}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, payload = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), payload


def test_declared_length_over_the_limit(dev: Device) -> None:
    status, payload = _raw_post(dev, MAX_REQUEST_BYTES + 1, b"{}")
    assert status == 413
    assert json.loads(payload)["error"]["code"] == "request.too_large"


def test_streamed_body_over_the_limit(dev: Device) -> None:
    def chunks():  # no Content-Length: chunked transfer
        for _ in range(MAX_REQUEST_BYTES // 65536 + 2):
            yield b" " * 65536

    r = dev.http.post(
        dev.server.url("/push"),
        data=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert r.status_code == 413 and _code(r) == "request.too_large"


def test_lying_content_length_is_not_trusted(dev: Device) -> None:
    """A body longer than its Content-Length is cut at the declared length."""
    body = b'{"batch_id":"abcdefgh","device":"d","changes":[]}'
    status, _ = _raw_post(dev, 10, body)
    assert 400 <= status < 500


def test_gzip_request_body(dev: Device) -> None:
    village = dev.server.fresh_township().village
    dev2 = dev.server.device_for("township_worker", village[:9] + "000")
    ins = dev2.insert("person", village, **person("压缩"))
    r = dev2.push_raw([ins], gzip_body=True)
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "applied"


def test_bad_gzip_and_gzip_bomb(dev: Device) -> None:
    r = _post(dev, b"not gzip at all", **{"Content-Encoding": "gzip"})
    assert r.status_code == 400 and _code(r) == "request.bad_encoding"
    truncated = gzip.compress(b'{"batch_id":"abcdefgh","device":"d","changes":[]}')[:-6]
    r = _post(dev, truncated, **{"Content-Encoding": "gzip"})
    assert r.status_code == 400
    bomb = gzip.compress(b" " * (MAX_REQUEST_BYTES + 10))
    assert len(bomb) < 100_000
    r = _post(dev, bomb, **{"Content-Encoding": "gzip"})
    assert r.status_code == 413 and _code(r) == "request.too_large"
    r = _post(dev, b"{}", **{"Content-Encoding": "br"})
    assert r.status_code == 415


def test_pull_is_gzipped_on_request(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    dev.push(*(dev.insert("person", town.village, **person(f"人{i}")) for i in range(40)))
    r = dev.get("/pull", headers={"Accept-Encoding": "gzip"}, stream=True)
    assert r.headers.get("Content-Encoding") == "gzip"
    raw = r.raw.read(decode_content=False)
    page = PullResponse.model_validate_json(gzip.decompress(raw))
    assert len(page.rows) >= 40
    plain = dev.get("/pull", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert PullResponse.model_validate_json(plain.content) == page


def test_pull_pages_in_seq_order(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    ins = [dev.insert("person", town.village, **person(f"人{i}")) for i in range(25)]
    dev.push(*ins)
    everything, final = dev.pull_all(limit=5000)
    paged: list[dict[str, object]] = []
    cursor = 0
    while True:
        page = PullResponse.model_validate(dev.pull(cursor, limit=7))
        assert len(page.rows) <= 7
        paged.extend(r.model_dump() for r in page.rows)
        assert page.cursor == (page.rows[-1].seq if page.rows else cursor)
        cursor = page.cursor
        if not page.more:
            break
    assert [r["seq"] for r in paged] == sorted(r["seq"] for r in paged)
    assert [r["id"] for r in paged] == [r["id"] for r in everything]
    assert cursor == final
    assert {i["row_id"] for i in ins} <= {str(r["id"]) for r in paged}
    empty = dev.pull(final)
    assert empty["rows"] == [] and empty["cursor"] == final and empty["more"] is False
    assert empty["server_seq"] >= final


@pytest.mark.parametrize(
    "query", [{"limit": 0}, {"limit": 5001}, {"cursor": "x"}, {"cursor": -5}, {"limit": "1e3"}]
)
def test_bad_pull_parameters(dev: Device, query: dict[str, object]) -> None:
    r = dev.get("/pull", params=query)
    assert r.status_code == 422 and _code(r) == "request.invalid"


def test_unknown_paths_and_methods(server: LiveServer) -> None:
    r = requests.get(server.url("/nowhere"), timeout=10)
    assert r.status_code == 404 and _code(r) == "http.404"
    r = requests.delete(server.url("/push"), timeout=10)
    assert r.status_code == 405 and _code(r) == "http.405"


def _raw(server: LiveServer, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (requests would refuse non-Latin-1 headers) and
    return the status and body of the reply."""
    url = urlsplit(server.base_url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _request(dev: Device, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [
        f"POST /api/v1{path} HTTP/1.1"
        if body or "Content-Length" in headers
        else f"GET /api/v1{path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Authorization: Bearer {dev.token}",
        "Connection: close",
        "Content-Type: application/json",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + body


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Content-Length", "１２"),  # full-width digits
        ("Content-Length", "١٢"),  # Arabic-Indic digits
        ("Content-Length", "²"),  # a digit to isdigit(), not to int()
        ("X-JSX-Protocol", "１"),
        ("X-JSX-Protocol", "²"),
        ("X-JSX-Protocol", "١"),
        ("X-JSX-Schema", "²"),
        ("X-JSX-Schema", "٣"),
        ("X-JSX-Client", "٠.٢.٠"),
        ("X-JSX-Client", "0.².0"),
    ],
)
def test_non_ascii_digits_in_headers_are_refused_plainly(
    dev: Device, header: str, value: str
) -> None:
    body = json.dumps({"batch_id": uuid.uuid4().hex, "device": dev.device_id, "changes": []})
    headers = {"Content-Length": str(len(body)), header: value}
    status, reply = _raw(dev.server, _request(dev, "/push", headers, body.encode()))
    assert status == 400, (status, reply[:300])
    if header == "Content-Length":
        # The HTTP layer (h11) refuses it before the application runs.
        assert b"Invalid HTTP request" in reply
    else:
        error = json.loads(reply)["error"]
        assert error["code"] == "request.bad_header" and header in error["zh"]


@pytest.mark.parametrize("cursor", ["１２", "١٢", "²"])
def test_non_ascii_digits_in_a_pull_cursor_are_refused(dev: Device, cursor: str) -> None:
    # Percent-encoded, as a client sends it: the query parser refuses it.
    r = dev.get("/pull", params={"cursor": cursor})
    assert r.status_code == 422 and _code(r) == "request.invalid", r.text
    # Raw bytes in the request line: the HTTP layer refuses them.
    status, reply = _raw(
        dev.server,
        (
            f"GET /api/v1/pull?cursor={cursor} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {dev.token}\r\nConnection: close\r\n\r\n"
        ).encode(),
    )
    assert 400 <= status < 500, (status, reply[:300])


@pytest.mark.parametrize("depth", [400, 5_000, 200_000])
def test_deeply_nested_json_is_refused(dev: Device, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    for wrapped, body in enumerate(
        (
            nested,
            json.dumps(
                {
                    "batch_id": uuid.uuid4().hex,
                    "device": dev.device_id,
                    "changes": [dev.insert("person", "x", **person())],
                }
            ).replace('"address": null', f'"address": {nested}'),
        )
    ):
        before = dev.server.counter()
        r = _post(dev, body.encode())
        assert r.status_code in (400, 422), (depth, r.status_code, r.text[:300])
        if not wrapped:  # a list where a batch belongs
            assert _code(r) in ("request.invalid", "request.unreadable")
        else:  # too deep to walk, or to parse at all
            assert _code(r) == ("request.too_deep" if depth < 900 else "request.unreadable")
        assert dev.server.counter() == before
    # The login and the transfer offer read JSON the same way.
    r = requests.post(dev.server.url("/auth/login"), data=nested, timeout=60)
    assert 400 <= r.status_code < 500, r.text[:300]


def test_push_body_is_decoded_as_the_model_at_once() -> None:
    """A valid push body reaches FastAPI as a PushRequest already (one
    parse); one pydantic refuses is decoded as JSON as before, so FastAPI
    reports it the way it always did (the tests above)."""
    import asyncio

    from jsxcore.protocol import PushRequest
    from jsxserver.api.routes.sync import _PushBody

    def body_of(data: bytes) -> object:
        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": data, "more_body": False}

        request = _PushBody({"type": "http", "method": "POST", "headers": []}, receive)
        return asyncio.run(request.json())

    good = {"batch_id": "abcdefgh1", "device": "d", "changes": []}
    assert isinstance(body_of(json.dumps(good).encode()), PushRequest)
    assert body_of(json.dumps({**good, "extra": 1}).encode()) == {**good, "extra": 1}
