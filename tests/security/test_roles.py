"""Roles in the core's write path: each role's forbidden actions are refused
by `Tx` before anything enters the journal, with a reason in zh and en."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsxclient.store.store import Forbidden, Store
from jsxcore import roles

from ..conftest import VILLAGE


def _open(path: Path, role: str | None) -> Store:
    return Store.open(path, user="tester", role=role)


def _seed(path: Path) -> dict[str, str]:
    s = _open(path, None)
    with s.transaction() as tx:
        pid = tx.insert("person", dict(name="张三", sex="1", division_code=VILLAGE))
        fid = tx.insert(
            "specialfamily",
            dict(category="bereaved", head_person_id=pid, division_code=VILLAGE),
        )
        sid = tx.insert(
            "caresubsidy",
            dict(family_id=fid, kind="hospital_care", division_code=VILLAGE),
        )
    s.close()
    return {"person": pid, "family": fid, "subsidy": sid}


def _journal(s: Store) -> int:
    return int(s.db.connection().execute("SELECT count(*) FROM journal").fetchone()[0])


def test_read_only_may_not_write_anything(store_path: Path) -> None:
    ids = _seed(store_path)
    s = _open(store_path, "read_only")
    n = _journal(s)
    for attempt in (
        lambda tx: tx.insert("person", dict(name="李四", sex="1", division_code=VILLAGE)),
        lambda tx: tx.update("person", ids["person"], {"name": "张三丰"}),
        lambda tx: tx.delete("person", ids["person"]),
        lambda tx: tx.insert_many("person", [dict(name="王五", sex="1", division_code=VILLAGE)]),
    ):
        with pytest.raises(Forbidden) as exc, s.transaction() as tx:
            attempt(tx)
        assert "只读用户" in exc.value.zh and "Read-only viewer" in exc.value.en
    assert _journal(s) == n
    assert s.get("person", ids["person"])["name"] == "张三"  # type: ignore[index]
    s.close()


def test_a_worker_may_not_set_subsidy_rates(store_path: Path) -> None:
    s = _open(store_path, "township_worker")
    with pytest.raises(Forbidden), s.transaction() as tx:
        tx.insert("subsidyrate", {"kind": "hospital_care", "year": 2024, "rate_fen": 3000})
    with s.transaction() as tx:  # but records, yes
        tx.insert("person", dict(name="李四", sex="1", division_code=VILLAGE))
    s.close()
    admin = _open(store_path, "township_admin")
    with admin.transaction() as tx:
        tx.insert("subsidyrate", {"kind": "hospital_care", "year": 2024, "rate_fen": 3000})
    admin.close()


def test_a_county_reviewer_changes_only_the_review(store_path: Path) -> None:
    ids = _seed(store_path)
    s = _open(store_path, "county_reviewer")
    with s.transaction() as tx:
        tx.update("caresubsidy", ids["subsidy"], {"status": "reviewed", "reviewer": "县审核"})
    for attempt in (
        lambda tx: tx.update("caresubsidy", ids["subsidy"], {"hospital": "某医院"}),
        lambda tx: tx.update("person", ids["person"], {"name": "改名"}),
        lambda tx: tx.insert("person", dict(name="李四", sex="1", division_code=VILLAGE)),
        lambda tx: tx.delete("caresubsidy", ids["subsidy"]),
    ):
        with pytest.raises(Forbidden), s.transaction() as tx:
            attempt(tx)
    s.close()


def test_the_role_table() -> None:
    assert set(roles.ROLES) == {
        "province_admin",
        "county_reviewer",
        "township_admin",
        "township_worker",
        "read_only",
    }
    assert roles.allowed("province_admin", "delete", "subsidyrate")
    assert roles.allowed("township_admin", "audit_view")
    assert not roles.allowed("township_worker", "audit_view")
    assert not roles.allowed("township_worker", "restore")
    assert not roles.allowed("read_only", "reveal")
    assert roles.allowed("read_only", "export")
    assert not roles.allowed("nobody", "export")
    assert not roles.allowed("township_admin", "fly")
    assert roles.can_write("township_admin") and not roles.can_write("county_reviewer")


def test_the_server_creates_a_township_administrator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    from jsxserver.cli import main

    db = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["--database", db, "admin", "import-divisions", "--no-associations"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("Passw0rd!x\n"))
    args = ["create-user", "boss", "--role", "township_admin", "--division", "430105003000"]
    assert main(["--database", db, "admin", *args, "--password-stdin"]) == 0
    assert "created township_admin boss" in capsys.readouterr().out


def test_the_escrow_key_action_is_the_servers_administrators() -> None:
    """The desktop disables, and the client refuses, what the server refuses."""
    from jsxserver.services.escrow import ADMINS

    assert {r for r in roles.ROLES if roles.allowed(r, "escrow_key")} == set(ADMINS)
