"""The version check both sides run (jsxcore.compat), including the protocol
bumps that have not happened yet: each side speaks a range of versions."""

from __future__ import annotations

import pytest

from jsxcore import compat
from jsxcore.compat import Peer
from jsxcore.entities import SCHEMA_VERSION, schema_fingerprint
from jsxcore.protocol import PROTOCOL_MIN, PROTOCOL_VERSION, VersionInfo
from jsxcore.version import is_older, parse_version

# The fingerprint of each record schema version (jsxcore.entities). A change
# of the entities' data fields fails this test: bump SCHEMA_VERSION, add the
# new fingerprint here, and decide which older clients the server can still
# serve (Peer.schema_min, docs/sync-protocol.md section 1.1).
SCHEMA_FINGERPRINTS = {
    1: "7b21793c7f568a1f",
    2: "e8d3b98707708bb9",  # monthlyreport
    3: "8e2d7489d23ff46b",  # persondecision
}


def test_the_record_schema_is_versioned() -> None:
    assert schema_fingerprint() == SCHEMA_FINGERPRINTS[SCHEMA_VERSION], (
        "the synced entities or fields changed: bump jsxcore.entities.SCHEMA_VERSION"
    )


def test_versions_compare_by_release_numbers() -> None:
    assert parse_version("0.2.0") == parse_version("0.2") == (0, 2)
    assert parse_version("v1.10.3rc1+win") == (1, 10, 3)
    assert is_older("0.9.9", "0.10") and not is_older("0.10.0", "0.10")
    with pytest.raises(ValueError):
        parse_version("latest")


def info(**kw: object) -> VersionInfo:
    base: dict[str, object] = {
        "protocol": PROTOCOL_VERSION,
        "server_version": "x",
        "schema_version": SCHEMA_VERSION,
    }
    return VersionInfo.model_validate({**base, **kw})


def test_today_both_sides_speak_protocols_1_to_3() -> None:
    assert (PROTOCOL_MIN, PROTOCOL_VERSION) == (1, 3)
    assert compat.check(info(), "0.2.0") == compat.Outcome("ok", 3)
    # A server of protocol 2 (before pull pages as tables) is answered in 2,
    # one of protocol 1 only (before row stamps on pull pages) in 1.
    assert compat.check(info(protocol=2), "0.2.0") == compat.Outcome("ok", 2)
    assert compat.check(info(protocol=1), "0.2.0") == compat.Outcome("ok", 1)


@pytest.mark.parametrize(
    ("client", "server", "expected"),
    [
        ((1, 1), (1, 1), 1),
        ((1, 2), (1, 1), 1),  # a newer client speaks down to an older server
        ((1, 1), (1, 2), 1),  # a newer server still speaks the older version
        ((2, 3), (1, 4), 3),
        ((1, 1), (2, 2), None),  # the client is too old
        ((3, 3), (1, 2), None),  # the server is too old
    ],
)
def test_the_newest_common_protocol_is_chosen(
    client: tuple[int, int], server: tuple[int, int], expected: int | None
) -> None:
    assert compat.choose_protocol(Peer(*client), *server) == expected


def test_the_client_side_verdicts() -> None:
    old = Peer(protocol_min=1, protocol_max=1)
    assert compat.check(info(protocol=2, min_client_protocol=2), "0.2", old).verdict == (
        "client_too_old"
    )
    new = Peer(protocol_min=2, protocol_max=2)
    assert compat.check(info(protocol=1), "0.2", new).verdict == "server_too_old"
    assert compat.check(info(protocol=3, min_client_protocol=1), "0.2", new) == compat.Outcome(
        "ok", 2
    )
    assert compat.check(info(min_client_schema=SCHEMA_VERSION + 1), "0.2").verdict == (
        "client_too_old"
    )
    assert compat.check(info(schema_version=SCHEMA_VERSION - 1), "0.2").verdict == (
        "server_too_old"
    )
    assert compat.check(info(min_client_version="0.3"), "0.2.5").verdict == "client_too_old"
    assert compat.check(info(min_client_version="0.2"), "0.2.5").verdict == "ok"
    # A newer server may add fields; this client ignores them.
    assert compat.check(info(some_future_field=1), "0.2").verdict == "ok"


def test_the_server_side_verdicts() -> None:
    def verdict(proto: str | None, schema: str | None = None, client: str | None = None) -> str:
        return compat.refusal(proto, schema, client, "0.2.0").verdict

    assert verdict(None) == "ok"  # a browser or a health check
    assert verdict("1", "1", "0.2.0") == verdict("1.4", "1", "0.3") == "ok"
    assert verdict("1", None, None) == "client_too_old"  # how 0.1.0 clients ask
    assert verdict("1", "1", "0.1.9") == verdict("1", "1", "nonsense") == "client_too_old"
    assert verdict("0", "1", "0.2.0") == verdict("1", "0", "0.2.0") == "client_too_old"
    assert verdict("2", "1", "0.2.0") == "ok"  # row stamps on pull pages
    assert verdict("3", "1", "0.2.0") == "ok"  # pull pages as tables
    assert verdict("4", "1", "0.2.0") == verdict("x") == "server_too_old"
    assert verdict("1", str(SCHEMA_VERSION + 1), "0.2.0") == "server_too_old"
    # Schema 2 only added the monthly report, which a schema-1 client skips.
    assert verdict("1", "1", "0.2.0") == verdict("1", str(SCHEMA_VERSION), "0.2.0") == "ok"
    assert compat.refusal("1", None, None, None) == compat.Outcome("ok", 1)  # no policy


def test_the_please_update_text_says_what_and_where() -> None:
    zh, en = compat.too_old_text("0.1.0", "0.2.0", "https://jsx.example/setup.exe")
    assert "请更新" in zh and "0.2.0" in zh and "https://jsx.example/setup.exe" in zh
    assert "Please update" in en and "0.2.0" in en
    zh, en = compat.too_old_text("0.1.0", None, None)
    assert "请更新" in zh and "管理员" in zh and "administrator" in en
