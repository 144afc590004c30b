"""The audit log: exactly one entry per audited action, append-only, kept
six months, tamper-evident, no full numbers in it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from jsxclient.security import vault
from jsxclient.store import audit, maintenance
from jsxclient.ui.operations import records

from ..conftest import VILLAGE
from .conftest import ID_NUMBERS, MOBILES, PASSWORD, USER, add_people


def _count(s: vault.Session, action: str) -> int:
    return len(audit.entries(s.store.db.connection(), action=action, limit=100_000))


def test_every_audited_action_leaves_exactly_one_entry(
    session: vault.Session, tmp_path: Path
) -> None:
    ids = add_people(session)
    store = session.store

    def insert() -> None:
        with store.transaction() as tx:
            tx.insert("person", dict(name="一次", sex="1", division_code=VILLAGE))

    def update() -> None:
        with store.transaction() as tx:
            tx.update("person", ids["b"], {"address": "长沙"})

    def delete() -> None:
        with store.transaction() as tx:
            tx.delete("person", ids["b"])

    def bulk() -> None:  # an import writes many rows in one call: one entry
        with store.transaction() as tx:
            tx.insert_many(
                "person", [dict(name=f"导入{i}", sex="1", division_code=VILLAGE) for i in range(30)]
            )

    cases: list[tuple[str, Callable[[], object]]] = [
        ("create", insert),
        ("update", update),
        ("delete", delete),
        ("create", bulk),
        ("reveal", lambda: records.reveal(store, f"person:{ids['a']}.id_number", "核对补贴")),
        ("unlock", lambda: vault.check_password(session, PASSWORD)),
        ("password", lambda: vault.change_password(session, PASSWORD, "N3w-Passw0rd!")),
        ("backup", lambda: maintenance.auto_backup(store)),
    ]
    for action, fn in cases:
        before = _count(session, action)
        fn()
        assert _count(session, action) == before + 1, action


def test_imports_exports_and_prints_one_entry_each(session: vault.Session, tmp_path: Path) -> None:
    from jsxclient.transfer import exporter, importer
    from jsxclient.transfer.plan import Options
    from jsxclient.transfer.tables import Reveal
    from jsxclient.ui.operations.transfer import register_html
    from tests.transfer.conftest import write_traps

    store = session.store
    add_people(session)
    sheet, mapping = importer.open_file(store, write_traps(tmp_path / "t.xlsx"), "members")
    plan = importer.preview(store, sheet, mapping, Options())
    before = _count(session, "import")
    importer.commit(store, plan, "skip")
    assert _count(session, "import") == before + 1

    before = _count(session, "export")
    exporter.export_list(store, "member", tmp_path / "m.csv")
    exporter.export_list(
        store, "member", tmp_path / "full.csv", reveal=Reveal("报县核对", session.username)
    )
    assert _count(session, "export") == before + 2
    full = audit.entries(store.db.connection(), action="export")[-1]
    assert "full numbers" in full.detail and "报县核对" in full.detail

    before = _count(session, "print")
    register_html(store, "members", None, "zh", None, "SimSun")  # type: ignore[arg-type]
    assert _count(session, "print") == before + 1
    # An export without a reason holds no full ID number or mobile (names it
    # must hold: it is the list); restores are audited in tests/cli/test_cli.py.
    raw = (tmp_path / "m.csv").read_text("utf-8-sig")
    assert not any(n in raw for n in (*ID_NUMBERS, *MOBILES))


def test_login_failure_and_success_one_entry_each(secure_path: Path) -> None:
    with pytest.raises(vault.LoginError):
        vault.unlock(secure_path, USER, "Wrong-passw0rd")
    s = vault.unlock(secure_path, USER, PASSWORD)
    logins = audit.entries(s.store.db.connection(), action="login")
    assert [(e.result, e.object) for e in logins[-2:]] == [("failure", USER), ("ok", USER)]
    s.close()


def test_the_log_is_append_only_and_tamper_evident(session: vault.Session) -> None:
    add_people(session)
    conn = session.store.db.connection()
    with pytest.raises(Exception, match="append-only"):
        conn.execute("UPDATE audit SET user='someone' WHERE id=1")
    with pytest.raises(Exception, match="six months"):
        conn.execute("DELETE FROM audit WHERE id=1")
    assert audit.verify(conn) == []
    # Someone with the key edits an entry behind the triggers' back.
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET user='someone' WHERE id=2")
    assert any("altered" in p for p in audit.verify(conn))
    assert any("altered" in p for p in maintenance.check(session.store).problems)


def test_old_entries_go_after_a_year_never_before_six_months(session: vault.Session) -> None:
    conn = session.store.db.connection()
    for at in ("2020-01-01 08:00:00", "2020-06-01 08:00:00"):
        audit.record(conn, user="u", device="d", action="login", at=at)
    n = len(audit.entries(conn, limit=10_000))
    assert audit.prune(conn, keep_days=30) == 2  # asked for 30 days, kept >= 184
    assert len(audit.entries(conn, limit=10_000)) == n - 2


def test_no_full_number_in_the_log(session: vault.Session) -> None:
    session.store.audit("export", "list", detail=f"{ID_NUMBERS[0]} {MOBILES[0]} 导出")
    raw = "\n".join(f"{e.object} {e.detail}" for e in audit.entries(session.store.db.connection()))
    assert ID_NUMBERS[0] not in raw and MOBILES[0] not in raw
    assert "110***********002X" in raw and "138****5678" in raw


def test_a_plain_reader_cannot_see_the_log(session: vault.Session) -> None:
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(session.path).execute("SELECT * FROM audit").fetchall()
