"""Pull pages and push answers gzip'd by the route itself (ISA-L when installed, else zlib)."""

from __future__ import annotations

import gzip
import json
import os
import uuid

import pytest
import requests

from jsxserver.core import compression
from jsxserver.core.compression import GZIP_MINIMUM, gzip_body, isal_level
from jsxserver.core.config import Settings
from tests.server.support import LiveServer, person


@pytest.mark.parametrize("isal", [False, True])
@pytest.mark.parametrize("level", [1, 5, 9])
def test_gzip_body_is_one_gzip_member(isal: bool, level: int) -> None:
    if isal and not compression.HAVE_ISAL:
        pytest.skip("isal is not installed")
    body = b'{"tables":[' + b",".join(b'["%d",true,null,"x"]' % i for i in range(2000)) + b"]}"
    packed = gzip_body(body, level, isal=isal)
    assert packed[:2] == b"\x1f\x8b" and gzip.decompress(packed) == body
    assert len(packed) < len(body) // 4
    noise = os.urandom(5000)  # incompressible: still a valid member
    assert gzip.decompress(gzip_body(noise, level, isal=isal)) == noise


def test_isal_levels_follow_zlib_levels() -> None:
    assert [isal_level(level) for level in range(1, 10)] == [0, 0, 1, 1, 1, 2, 2, 2, 3]


def test_pull_page_is_the_routes_gzip(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    dev.push(*(dev.insert("person", town.village, **person(f"人{i}")) for i in range(40)))
    plain = dev.get("/pull", headers={"Accept-Encoding": "identity"})
    assert len(plain.content) >= GZIP_MINIMUM and "Content-Encoding" not in plain.headers
    r = dev.get("/pull", headers={"Accept-Encoding": "gzip, deflate"}, stream=True)
    raw = r.raw.read(decode_content=False)
    assert r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Vary"] == "Accept-Encoding"
    assert int(r.headers["Content-Length"]) == len(raw)
    # Exactly what gzip_body makes of the page (not the middleware's zlib).
    assert raw == gzip_body(plain.content, Settings().gzip_level)  # the suite's level: the default
    assert gzip.decompress(raw) == plain.content


def test_push_answer_is_the_routes_gzip(server: LiveServer) -> None:
    town = server.fresh_township()
    dev = server.device_for("township_worker", town.code)
    changes = [dev.insert("person", town.village, **person(f"人{i}")) for i in range(10)]
    body = json.dumps({"batch_id": uuid.uuid4().hex, "device": dev.device_id, "changes": changes})

    def post(accept: str) -> requests.Response:
        return dev.http.post(
            server.url("/push"),
            data=body,
            headers={"Content-Type": "application/json", "Accept-Encoding": accept},
            stream=True,
            timeout=60,
        )

    assert post("gzip").status_code == 200
    # Replays of the batch: one answer, compressed by the route as a pull page is.
    plain = post("identity")
    assert len(plain.content) >= GZIP_MINIMUM and "Content-Encoding" not in plain.headers
    r = post("gzip, deflate")
    raw = r.raw.read(decode_content=False)
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Vary"] == "Accept-Encoding"
    assert int(r.headers["Content-Length"]) == len(raw)
    assert raw == gzip_body(plain.content, Settings().gzip_level)
    small = dev.push_raw(changes[:1])  # asks for gzip
    assert small.status_code == 200 and "Content-Encoding" not in small.headers
