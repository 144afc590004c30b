from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jsxclient.cli import main
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.security import vault
from jsxclient.security.vault import Session
from jsxclient.store import audit, maintenance
from jsxclient.store.store import Store

from ..conftest import TOWNSHIP, VILLAGE

USER, PASSWORD = "clerk", "Passw0rd!x"


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI signs in like the app: here through the environment."""
    monkeypatch.setenv("JSXCLIENT_USER", USER)
    monkeypatch.setenv("JSXCLIENT_PASSWORD", PASSWORD)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_and_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "demo-data" in capsys.readouterr().out
    assert run(capsys, "--store", "x.db")[0] == 2


def test_init_rejects_bad_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    with pytest.raises(SystemExit) as exc:
        main(["--store", db, "init", "4301"])
    assert exc.value.code == 2
    assert "12 位数字" in capsys.readouterr().err
    code, _, err = run(capsys, "--store", db, "init", VILLAGE)  # a village, not a township
    assert code == 1 and "无效的乡镇代码" in err


def test_init_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    code, out, _ = run(capsys, "--store", db, "init", TOWNSHIP)
    assert code == 0 and "已初始化" in out
    code, out, _ = run(capsys, "--store", db, "check")
    assert code == 0 and "检查通过" in out
    # Initialising again for another township is refused.
    code, _, err = run(capsys, "--store", db, "init", "430105004000")
    assert code == 1 and "430105003000" in err


def test_check_reports_a_tampered_journal(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Store.open(store_path, user="tester")
    with s.transaction() as tx:
        tx.insert("person", {"name": "张三", "sex": "1", "division_code": VILLAGE})
    s.close()
    # (The association rows derived at init are not journaled, by design.)
    conn = sqlite3.connect(store_path)
    conn.execute("DELETE FROM journal WHERE entity='person'")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--store", str(store_path), "check")
    assert code == 1 and "person" in out


def test_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--store", str(tmp_path / "none.db"), "check")
    assert code == 1 and "jsxclient init" in err


def _session(path: Path) -> Session:
    return vault.unlock(path, USER, PASSWORD)


def test_backup_restore_round_trip(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # First use of an old plain store: encrypted, recovery code printed once.
    code, out, _ = run(capsys, "--store", str(store_path), "check")
    assert code == 0 and "恢复码" in out and "Recovery code" in out
    s = _session(store_path)
    with s.store.transaction() as tx:
        pid = tx.insert("person", dict(name="赵敏", sex="2", division_code=VILLAGE))
    s.close()
    bak = tmp_path / "bak" / "b.jsxbak"
    assert run(capsys, "--store", str(store_path), "backup", str(bak))[0] == 0
    assert run(capsys, "--store", str(store_path), "backup", str(bak))[0] == 1  # exists
    s = _session(store_path)
    with s.store.transaction() as tx:
        tx.update("person", pid, {"name": "赵敏敏"})
    s.close()
    code, out, _ = run(capsys, "--store", str(store_path), "restore", str(bak))
    assert code == 0 and "before-restore" in out
    # The edit made after the backup, not synced yet, is carried over.
    assert "1 changes not yet synced were carried over" in out
    s = _session(store_path)
    assert s.store.get("person", pid)["name"] == "赵敏敏"  # type: ignore[index]
    assert s.store.pending_count() == 2
    s.close()
    # Told to, a restore leaves it in the kept copy only, and says so.
    time.sleep(1.1)  # the kept copy's name has the time to the second
    code, out, _ = run(capsys, "--store", str(store_path), "restore", "--drop-unsynced", str(bak))
    assert code == 0 and "not carried: person 1" in out
    s = _session(store_path)
    assert s.store.get("person", pid)["name"] == "赵敏"  # type: ignore[index]
    key = s.key
    s.close()
    kept = sorted(tmp_path.glob("store.db.before-restore-*"))
    assert len(kept) == 2
    # The kept copy is itself a verified backup of what was replaced.
    meta = maintenance.verify_backup(kept[0], key)
    assert meta["township_code"] == TOWNSHIP


def test_restore_refuses_corrupt_and_foreign_files(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bak = tmp_path / "good.jsxbak"
    assert run(capsys, "--store", str(store_path), "backup", str(bak))[0] == 0
    s = _session(store_path)
    with s.store.transaction() as tx:
        pid = tx.insert("person", dict(name="赵敏", sex="2", division_code=VILLAGE))
    s.close()
    s = _session(store_path)
    before = s.store.get("person", pid)
    s.close()
    junk = tmp_path / "junk.jsxbak"
    junk.write_bytes(os.urandom(8192))
    foreign = tmp_path / "foreign.db"
    c = sqlite3.connect(foreign)
    c.execute("CREATE TABLE t(x)")
    c.commit()
    c.close()
    other = tmp_path / "other.db"
    other_bak = tmp_path / "other.jsxbak"
    assert run(capsys, "--store", str(other), "init", "430105004000")[0] == 0
    assert run(capsys, "--store", str(other), "backup", str(other_bak))[0] == 0
    truncated = tmp_path / "trunc.jsxbak"
    truncated.write_bytes(bak.read_bytes()[: len(bak.read_bytes()) // 2])
    for bad in (junk, foreign, other_bak, truncated, tmp_path / "missing.db"):
        code, _, err = run(capsys, "--store", str(store_path), "restore", str(bad))
        assert code == 1, bad
        assert "拒绝恢复" in err
    s = _session(store_path)
    assert s.store.get("person", pid) == before  # nothing replaced
    refused = [e for e in audit.entries(s.store.db.connection(), action="restore")]
    s.close()
    assert [e.result for e in refused] == ["refused"] * 5
    assert not list(tmp_path.glob("store.db.before-restore-*"))


def test_app_without_display_says_so(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    r = subprocess.run(
        [sys.executable, "-m", "jsxclient.cli", "--store", str(tmp_path / "s.db"), "app"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Was 3, which also meant "offline" for `sync`; now a code of its own.
    assert r.returncode == ExitCode.NO_DISPLAY == 10
    assert "DISPLAY" in r.stderr and "Traceback" not in r.stderr


def test_sign_in_is_required_and_refusals_are_plain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "s.db")
    assert run(capsys, "--store", db, "init", TOWNSHIP)[0] == 0
    monkeypatch.setenv("JSXCLIENT_PASSWORD", "Wrong-passw0rd")
    code, _, err = run(capsys, "--store", db, "check")
    assert code == 4 and "用户名或密码错误" in err and "Traceback" not in err
    code, _, err = run(capsys, "--store", db, "--user", "nobody", "check")
    assert code == 4 and "用户名或密码错误" in err  # the same answer for an unknown name
    monkeypatch.delenv("JSXCLIENT_USER")
    other = str(tmp_path / "none.db")
    code, _, err = run(capsys, "--store", other, "init", TOWNSHIP)
    assert code == 4 and "JSXCLIENT_USER" in err


def test_recover_with_the_code_printed_at_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "s.db")
    code, out, _ = run(capsys, "--store", db, "init", TOWNSHIP)
    recovery = out.split("Recovery code")[1].split("\n")[1].strip()
    monkeypatch.delenv("JSXCLIENT_PASSWORD")
    monkeypatch.setenv("JSXCLIENT_RECOVERY_CODE", recovery)
    monkeypatch.setenv("JSXCLIENT_NEW_PASSWORD", "N3w-Passw0rd!")
    code, out, _ = run(capsys, "--store", db, "recover")
    assert code == 0 and "未同步" in out
    monkeypatch.setenv("JSXCLIENT_PASSWORD", "N3w-Passw0rd!")
    assert run(capsys, "--store", db, "check")[0] == 0
    code, out, _ = run(capsys, "--store", db, "audit")
    assert code == 0 and "recover" in out and "login" in out
