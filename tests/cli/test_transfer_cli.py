"""`jsxclient import` and `jsxclient export`: output and exit status."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from jsxclient.cli import main
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.store.store import Store
from tests.transfer.conftest import ZHANG, snapshot, write_traps

USER, PASSWORD = "clerk", "Passw0rd!x"


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI signs in like the app (its first sign-in encrypts the old
    plain test store)."""
    monkeypatch.setenv("JSXCLIENT_USER", USER)
    monkeypatch.setenv("JSXCLIENT_PASSWORD", PASSWORD)


def _run(store_path: Path, *args: str) -> int:
    return main(["--store", str(store_path), *args])


def _open(store_path: Path) -> Store:
    from jsxclient.security import vault

    if vault.is_plain(store_path):
        return Store.open(store_path)
    return vault.unlock(store_path, USER, PASSWORD).store


def test_import_refuses_all_or_imports_the_good_rows(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    traps = write_traps(tmp_path / "t.xlsx")
    s = _open(store_path)
    before = snapshot(s)
    s.close()
    report = tmp_path / "errors.xlsx"
    assert _run(store_path, "import", str(traps), "--kind", "members", "--report", str(report)) == (
        ExitCode.ROWS_REFUSED
    )
    out = capsys.readouterr()
    assert "错误 5" in out.out and "火星村" in out.err and "nothing was written" in out.err
    assert openpyxl.load_workbook(report).active.max_row == 6
    s = _open(store_path)
    assert snapshot(s) == before
    s.close()
    code = _run(store_path, "import", str(traps), "--kind", "members", "--dry-run")
    assert code == ExitCode.ROWS_REFUSED
    code = _run(store_path, "import", str(traps), "--kind", "members", "--skip-bad-rows")
    assert code == ExitCode.PARTIAL
    assert "person +3" in capsys.readouterr().out


def test_import_clean_file_and_mapping_file(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["名字", "身份证", "片区", "入会"])
    wb.active.append(["张三", ZHANG, "清水塘社区", "2019-05-01"])
    wb.save(tmp_path / "a.xlsx")
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {
                "kind": "members",
                "columns": {
                    "名字": "name",
                    "身份证": "id_number",
                    "片区": "village",
                    "入会": "joined_on",
                },
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    args = ["import", str(tmp_path / "a.xlsx"), "--kind", "members"]
    assert _run(store_path, *args) == ExitCode.ERROR  # 入会 is not recognised: not mapped
    assert "入会时间" in capsys.readouterr().err
    assert _run(store_path, *args, "--mapping", str(mapping)) == ExitCode.OK
    assert (
        _run(store_path, *args, "--mapping", str(mapping), "--on-duplicate", "update")
        == ExitCode.OK
    )
    assert "重复 1" in capsys.readouterr().out


def test_bad_files_exit_1(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"%PDF-1.4\n\x00\x01")
    assert (
        _run(store_path, "import", str(tmp_path / "x.xlsx"), "--kind", "members") == ExitCode.ERROR
    )
    err = capsys.readouterr().err
    assert "不是电子表格" in err and "not a spreadsheet" in err


def test_export_list_and_register(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    traps = write_traps(tmp_path / "t.xlsx")
    _run(store_path, "import", str(traps), "--kind", "members", "--skip-bad-rows")
    out = tmp_path / "m.csv"
    assert _run(store_path, "export", "--kind", "members", "-o", str(out)) == ExitCode.OK
    text = out.read_text("utf-8-sig")
    assert "张三" in text and ZHANG not in text  # masked
    assert (
        _run(store_path, "export", "--kind", "members", "-o", str(out), "--full") == ExitCode.ERROR
    )
    code = _run(
        store_path, "export", "--kind", "members", "--register", "-o", str(tmp_path / "r.xlsx"),
        "--full", "--reason", "备份", "--village", "清水塘社区",
    )  # fmt: skip
    assert code == ExitCode.OK
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert ws["A1"].value.endswith("会员花名册")
    assert (
        _run(store_path, "export", "--kind", "visits", "-o", str(tmp_path / "v.xlsx"))
        == ExitCode.OK
    )
    assert (
        _run(store_path, "export", "--kind", "members", "-o", str(tmp_path / "a.pdf"))
        == ExitCode.ERROR
    )
    capsys.readouterr()
