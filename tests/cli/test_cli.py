from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jsxclient.cli import main
from jsxclient.cli.exitcodes import ExitCode

from ..conftest import TOWNSHIP, VILLAGE


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
    conn = sqlite3.connect(store_path)
    conn.execute("DELETE FROM journal WHERE entity='association'")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--store", str(store_path), "check")
    assert code == 1 and "association" in out


def test_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--store", str(tmp_path / "none.db"), "check")
    assert code == 1 and "jsxclient init" in err


def test_backup_restore_round_trip(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from jsxclient.store.store import Store

    s = Store.open(store_path)
    with s.transaction() as tx:
        pid = tx.insert("person", dict(name="赵敏", sex="2", division_code=VILLAGE))
    s.close()
    bak = tmp_path / "bak" / "b.db"
    assert run(capsys, "--store", str(store_path), "backup", str(bak))[0] == 0
    assert run(capsys, "--store", str(store_path), "backup", str(bak))[0] == 1  # exists
    s = Store.open(store_path)
    with s.transaction() as tx:
        tx.update("person", pid, {"name": "赵敏敏"})
    s.close()
    code, out, _ = run(capsys, "--store", str(store_path), "restore", str(bak))
    assert code == 0 and "before-restore" in out
    s = Store.open(store_path)
    assert s.get("person", pid)["name"] == "赵敏"  # type: ignore[index]
    s.close()
    kept = list(tmp_path.glob("store.db.before-restore-*"))
    assert len(kept) == 1
    k = Store.open(kept[0])
    assert k.get("person", pid)["name"] == "赵敏敏"  # type: ignore[index]
    k.close()


def test_restore_refuses_corrupt_and_foreign_files(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = store_path.read_bytes()
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    foreign = tmp_path / "foreign.db"
    c = sqlite3.connect(foreign)
    c.execute("CREATE TABLE t(x)")
    c.commit()
    c.close()
    other = tmp_path / "other.db"
    assert run(capsys, "--store", str(other), "init", "430105004000")[0] == 0
    truncated = tmp_path / "trunc.db"
    bak = tmp_path / "good.db"
    assert run(capsys, "--store", str(store_path), "backup", str(bak))[0] == 0
    truncated.write_bytes(bak.read_bytes()[: len(bak.read_bytes()) // 2])
    for bad in (junk, foreign, other, truncated, tmp_path / "missing.db"):
        code, _, err = run(capsys, "--store", str(store_path), "restore", str(bad))
        assert code == 1, bad
        assert "拒绝恢复" in err
    assert store_path.read_bytes() == before


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
