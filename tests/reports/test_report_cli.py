"""`jsxclient indicators` and `jsxclient report`: the figures as JSON, the
workbook re-read with openpyxl, the PDF's text read back with pdftotext."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from jsxclient.cli import main
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.store.store import Store

from .fixture import PERIOD, Fixture, build

USER, PASSWORD = "clerk", "Passw0rd!x"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def built(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fixture:
    monkeypatch.setenv("JSXCLIENT_USER", USER)
    monkeypatch.setenv("JSXCLIENT_PASSWORD", PASSWORD)
    from jsxclient.security import vault

    s = Store.open(store_path, user="tester")
    try:
        fx = build(s)
    finally:
        s.close()
    # The first sign-in encrypts the plain test store (and says so).
    session, _ = vault.migrate_plain(store_path, USER, PASSWORD)
    session.store.close()
    return fx


def _run(store_path: Path, *args: str) -> int:
    return main(["--store", str(store_path), *args])


def test_indicators_as_json(
    store_path: Path, built: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(store_path, "indicators", "--period", PERIOD, "--json") == ExitCode.OK
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2026-10" and data["end"] == "2026-10-31"
    by = {i["id"]: i for i in data["indicators"]}
    assert by["members"]["numerator"] == 5
    assert by["family_doctor"]["value"] == 0.25 and by["family_doctor"]["met"] is False
    assert sum(v["numerator"] for v in by["members"]["villages"].values()) == 5
    assert _run(store_path, "indicators", "--period", PERIOD, "--json", "--village", built.v2) == 0
    one = {i["id"]: i for i in json.loads(capsys.readouterr().out)["indicators"]}
    assert one["members"]["numerator"] == 1


def test_a_bad_period_is_refused_in_both_languages(
    store_path: Path, built: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(store_path, "indicators", "--period", "2026-13") == ExitCode.ERROR
    err = capsys.readouterr().err
    assert "无法识别的统计期间" in err and "Unrecognised period" in err
    assert _run(store_path, "report", "--period", PERIOD, "-o", "x.doc") == ExitCode.ERROR


def test_the_workbook(store_path: Path, built: Fixture, tmp_path: Path) -> None:
    out = tmp_path / "月报.xlsx"
    assert _run(store_path, "report", "--period", PERIOD, "--format", "xlsx", "-o", str(out)) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert "清水塘街道" in ws["A1"].value and "2026年10月" in ws["A1"].value
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    assert "E3:G3" in {str(r) for r in ws.merged_cells.ranges}  # 本期 over three columns
    assert ws.freeze_panes == "D5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    rows = {r[2].value: r for r in ws.iter_rows(min_row=5) if r[2].value}
    members = rows["在籍会员"]
    assert members[4].value == 5 and members[4].number_format == "#,##0"
    doctor = rows["家庭医生签约率"]
    assert (doctor[4].value, doctor[5].value, doctor[6].value) == (1, 4, 0.25)
    assert doctor[6].number_format == "0.0%" and doctor[7].value == 1
    assert doctor[8].value == "未达标"
    assert rows["补贴发放金额"][6].value == 400
    by_village = wb.worksheets[1]
    names = [c.value for c in by_village["A"] if c.value]
    assert names[-1] == "合计" and any("社区" in n or "村" in n for n in names[2:])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_holds_the_township_and_its_figures(
    store_path: Path, built: Fixture, tmp_path: Path
) -> None:
    out = tmp_path / "月报.pdf"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "QT_QPA_PLATFORM": "offscreen",
        "JSXCLIENT_USER": USER,
        "JSXCLIENT_PASSWORD": PASSWORD,
    }
    env.pop("DISPLAY", None)
    cmd = [sys.executable, "-m", "jsxclient.cli", "--store", str(store_path), "report"]
    r = subprocess.run(
        [*cmd, "--period", PERIOD, "-o", str(out)], env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    raw = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Noto CJK maps some ideographs and their Kangxi radicals (水 and ⽔) to
    # one glyph, and Qt's text map names the radical: NFKC folds it back.
    text = unicodedata.normalize("NFKC", raw)
    assert "清水塘街道" in text and "2026年10月" in text
    assert "在籍会员" in text and "家庭医生签约率" in text and "25.0%" in text
    assert "400.00" in text  # the subsidy amount paid
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "CJK" in fonts and " yes " in fonts  # the Chinese font is embedded


def test_submit_then_list(
    store_path: Path, built: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(store_path, "submit", "--period", PERIOD) == ExitCode.OK
    assert "已上报" in capsys.readouterr().out
    assert _run(store_path, "submissions", "--json") == ExitCode.OK
    rows = json.loads(capsys.readouterr().out)
    assert [(r["period"], r["state"], r["sync_state"]) for r in rows] == [
        ("2026-10", "submitted", "pending")
    ]
    assert rows[0]["submitted_by"] == USER


def test_indicators_as_a_table(
    store_path: Path, built: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(store_path, "indicators", "--period", PERIOD) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.startswith("清水塘街道  2026年10月")
    doctor = next(line for line in out.splitlines() if line.startswith("家庭医生签约率"))
    assert "25.0%" in doctor and "未达标" in doctor
