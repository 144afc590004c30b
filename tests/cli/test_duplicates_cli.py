"""`jsxclient duplicates`: list, merge (each step a journaled change) and
dismiss, with the exit codes of the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsxclient.cli import main
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.store.store import Store

from ..conftest import VILLAGE


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JSXCLIENT_USER", "clerk")
    monkeypatch.setenv("JSXCLIENT_PASSWORD", "Passw0rd!x")


def _open(store_path: Path) -> Store:
    from jsxclient.security import vault

    if vault.is_plain(store_path):
        return Store.open(store_path, user="tester")
    return vault.unlock(store_path, "clerk", "Passw0rd!x").store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _pair(store_path: Path) -> tuple[str, str]:
    s = Store.open(store_path, user="tester")
    same = {"name": "龙桂香", "birth_date": "1948-11-02", "division_code": VILLAGE}
    with s.transaction() as tx:
        a = tx.insert("person", {**same, "sex": "2", "mobile": "13807318888"})
        b = tx.insert("person", {**same, "sex": "1", "address": "老屋组1号"})
    s.close()
    return a, b


def test_list_then_merge_taking_a_field(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _pair(store_path)
    db = str(store_path)
    code, out, _ = run(capsys, "--store", db, "duplicates", "list")
    assert code == ExitCode.OK
    assert f"可能重复 / possible duplicate: 龙桂香  {a}  {b}" in out
    assert "sex: 2 | 1" in out and "13807318888" not in out  # mobiles masked
    code, _, err = run(capsys, "--store", db, "duplicates", "merge", a, b, "--take", "name")
    assert code == ExitCode.USAGE and "name" in err
    code, out, _ = run(capsys, "--store", db, "duplicates", "merge", b, a, "--take", "sex")
    assert code == ExitCode.OK and "已合并" in out
    s = _open(store_path)
    try:
        kept, gone = s.get("person", b), s.get("person", a)
        assert kept is not None and gone is not None and gone["deleted"]
        assert (kept["sex"], kept["mobile"], kept["address"]) == ("2", "13807318888", "老屋组1号")
        ops = [
            (r[0], r[1])
            for r in s.db.connection().execute(
                "SELECT row_id, op FROM journal WHERE entity='person' ORDER BY seq DESC LIMIT 2"
            )
        ]
        assert ops == [(b, "update"), (a, "delete")]
    finally:
        s.close()
    code, out, _ = run(capsys, "--store", db, "duplicates", "list")
    assert code == ExitCode.OK and "没有待处理的重复人员" in out
    code, _, err = run(capsys, "--store", db, "duplicates", "merge", b, a)
    assert code == ExitCode.ERROR and "list" in err


def test_dismissed_pair_is_not_listed_again(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _pair(store_path)
    db = str(store_path)
    code, out, _ = run(capsys, "--store", db, "duplicates", "dismiss", b, a)
    assert code == ExitCode.OK and "不是同一个人" in out
    code, out, _ = run(capsys, "--store", db, "duplicates", "list")
    assert "龙桂香" not in out


def test_a_read_only_account_is_refused_not_crashed(
    store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jsxclient.security import vault

    a, b = _pair(store_path)
    session, _code = vault.migrate_plain(store_path, "clerk", "Passw0rd!x")
    vault.add_local_user(session, "viewer", "Passw0rd!y", role="read_only")
    session.store.close()
    monkeypatch.setenv("JSXCLIENT_USER", "viewer")
    monkeypatch.setenv("JSXCLIENT_PASSWORD", "Passw0rd!y")
    code, _, err = run(capsys, "--store", str(store_path), "duplicates", "merge", a, b)
    assert code == ExitCode.REFUSED, err
    assert "Traceback" not in err
    s = _open(store_path)
    try:
        live = s.db.connection().execute(
            "SELECT count(*) FROM person WHERE id IN (?, ?) AND deleted=0", (a, b)
        )
        assert live.fetchone()[0] == 2
    finally:
        s.close()
