"""Importing real files into real stores: every trap, duplicates, cancel."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from jsxclient.store.store import Store
from jsxclient.transfer import importer, report
from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.plan import Options, Plan
from tests.transfer.conftest import (
    LI,
    QIAN,
    TRAP_REFUSED,
    WANG,
    ZHANG,
    ZHAO,
    snapshot,
)

TODAY = date(2024, 6, 1)


class Stop(Exception):
    pass


def _preview(store: Store, path: Path, kind: str = "members", **opts: str) -> Plan:
    sheet, mapping = importer.open_file(store, path, kind)
    return importer.preview(store, sheet, mapping, Options(**opts), today=TODAY)


def _codes(plan: Plan) -> dict[int, set[str]]:
    return {u.rows[0] + 1: {i.code for i in u.errors} for u in plan.refused}


def test_the_traps_file_maps_itself(store: Store, traps: Path) -> None:
    _sheet, m = importer.open_file(store, traps, "members")
    # The header is the second of the two rows; the title and unit lines are not.
    assert m.header_rows == (3,)
    assert m.data_start == 4
    assert {c.field for c in m.columns} >= {
        "name",
        "sex",
        "id_number",
        "ethnicity",
        "mobile",
        "village",
        "joined_on",
    }
    assert next(c for c in m.columns if c.header == "序号").field is None


def test_every_trap_is_read_or_refused_with_its_reason(store: Store, traps: Path) -> None:
    plan = _preview(store, traps)
    refused = _codes(plan)
    assert set(refused) == set(TRAP_REFUSED)
    for row, code in TRAP_REFUSED.items():
        assert code in refused[row], (row, refused[row])
    # The blank row, the subtotal and the footer are skipped, not refused.
    assert sorted(r + 1 for r, _why in plan.skipped) == [9, 15, 16]
    # The ID stored as a number says what happened in both languages.
    text = report.unit_reason(plan.kind, next(u for u in plan.refused if u.rows == [5]))
    assert "4.30105E+17" in text and "文本" in text
    en = report.unit_reason(plan.kind, next(u for u in plan.refused if u.rows == [5]), "en")
    assert "lost its last digits" in en
    # Row 14 repeats row 5's ID number.
    dup = next(u for u in plan.units if u.rows == [13])
    assert dup.duplicate == "file" and dup.first_row == 4


def test_values_arrive_clean(store: Store, traps: Path) -> None:
    plan = _preview(store, traps)
    importer.commit(store, plan, "skip")
    conn = store.db.connection()
    people = {
        r[0]: r[1:]
        for r in conn.execute(
            "SELECT id_number, name, sex, birth_date, ethnicity, mobile, division_code FROM person"
        )
    }
    assert people[ZHANG] == ("张三", "1", "1980-03-04", "01", "13812345678", "430105003001")
    assert people[WANG] == ("王五", "1", "1990-01-01", "06", "13812345670", "430105003001")
    # Sex and birth date from the ID number; the village given by its code.
    assert people[ZHAO][:4] == ("赵六", "2", "1968-12-31", "15")
    assert LI not in people and QIAN not in people
    joined = {r[0] for r in conn.execute("SELECT joined_on FROM member")}
    assert joined == {"2019-05-01"}  # text with dots, 年月日 and the serial 43586 alike


def test_the_commit_is_journaled_like_any_write(store: Store, traps: Path) -> None:
    before = store.pending_count()
    result = importer.commit(store, _preview(store, traps), "skip")
    conn = store.db.connection()
    assert result.inserted == {"person": 3, "member": 3}
    assert store.pending_count() - before == 6
    ops = conn.execute(
        "SELECT entity, op, count(*) FROM journal WHERE entity IN ('person', 'member') "
        "GROUP BY 1, 2"
    ).fetchall()
    assert sorted(ops) == [("member", "insert", 3), ("person", "insert", 3)]
    states = {r[0] for r in conn.execute("SELECT sync_state FROM member")}
    assert states == {"pending"}


def test_duplicates_in_the_store_update_or_skip(store: Store, traps: Path) -> None:
    importer.commit(store, _preview(store, traps), "skip")
    conn = store.db.connection()
    # The next month's file: Zhang San has a new mobile.
    wb = openpyxl.load_workbook(traps)
    ws = wb.active
    ws["F5"] = "13711112222"
    wb.save(traps)
    plan = _preview(store, traps)
    dup = next(u for u in plan.units if u.rows == [4])
    assert dup.duplicate == "store" and dup.changed
    assert len(plan.new) == 0
    importer.commit(store, plan, "skip")
    mobile = "SELECT mobile FROM person WHERE id_number = ?"
    assert conn.execute(mobile, (ZHANG,)).fetchone()[0] == "13812345678"
    plan = _preview(store, traps)
    importer.commit(store, plan, "update")
    # Row 14 (the same person again, later in the file) updates after row 5.
    assert conn.execute(mobile, (ZHANG,)).fetchone()[0] == "13900000000"
    assert conn.execute("SELECT count(*) FROM member").fetchone()[0] == 3
    updates = conn.execute(
        "SELECT fields FROM journal WHERE entity = 'person' AND op = 'update'"
    ).fetchall()
    assert [json.loads(f) for (f,) in updates] == [
        {"mobile": "13711112222"},
        {"mobile": "13900000000"},
    ]


def test_ask_updates_only_the_rows_chosen(store: Store, traps: Path) -> None:
    importer.commit(store, _preview(store, traps), "skip")
    wb = openpyxl.load_workbook(traps)
    wb.active["F7"] = "13655556666"  # 王五
    wb.active["F5"] = "13711112222"  # 张三
    wb.save(traps)
    plan = _preview(store, traps)
    wang = next(i for i, u in enumerate(plan.units) if u.rows == [6])
    importer.commit(store, plan, "ask", {wang})
    conn = store.db.connection()
    got = dict(conn.execute("SELECT id_number, mobile FROM person"))
    assert got[WANG] == "13655556666"
    assert got[ZHANG] == "13812345678"


def test_cancel_leaves_the_store_as_it_was(store: Store, traps: Path) -> None:
    before = snapshot(store)
    plan = _preview(store, traps)
    calls = 0

    def cancel_second() -> None:  # the persons are written, the members not yet
        nonlocal calls
        calls += 1
        if calls >= 2:
            raise Stop()

    with pytest.raises(Stop):
        importer.commit(store, plan, "update", check=cancel_second)
    assert snapshot(store) == before
    # Cancelled while updating (after the inserts, before the commit).
    importer.commit(store, plan)
    wb = openpyxl.load_workbook(traps)
    wb.active["F5"] = "13711112222"
    wb.save(traps)
    before = snapshot(store)
    plan = _preview(store, traps)
    calls = 0

    def cancel_last() -> None:
        nonlocal calls
        calls += 1
        if calls >= 2:
            raise Stop()

    with pytest.raises(Stop):
        importer.commit(store, plan, "update", check=cancel_last)
    assert snapshot(store) == before
    # Cancelled while previewing: nothing to undo, nothing written.
    sheet, m = importer.open_file(store, traps, "members")

    def cancel_now() -> None:
        raise Stop()

    with pytest.raises(Stop):
        importer.preview(store, sheet, m, check=cancel_now)
    assert snapshot(store) == before


def test_a_large_cancel_rolls_back_every_batch(store: Store, tmp_path: Path) -> None:
    from tests.transfer.test_export import members_file

    path = members_file(tmp_path / "big.xlsx", 5000)
    before = snapshot(store)
    sheet, m = importer.open_file(store, path, "members")
    plan = importer.preview(store, sheet, m, today=TODAY)
    assert not plan.refused and len(plan.new) == 5000
    seen: list[tuple[int, int]] = []

    def check() -> None:
        if len(seen) >= 3:
            raise Stop()

    with pytest.raises(Stop):
        importer.commit(store, plan, check=check, progress=lambda d, t: seen.append((d, t)))
    assert seen[0][0] < seen[-1][0] < seen[-1][1]  # progress went up before the cancel
    assert snapshot(store) == before


def test_a_refused_row_leaves_no_trace_for_a_later_row(store: Store, tmp_path: Path) -> None:
    """Row 2 would create the person that row 3 (same ID number) then
    updates; row 2 is refused, so row 3 creates them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "村（社区）", "入会时间"])
    ws.append(["张三", ZHANG, "火星村", "2019-05-01"])
    ws.append(["张三", ZHANG, "清水塘社区", "2019-05-01"])
    wb.save(tmp_path / "f.xlsx")
    plan = _preview(store, tmp_path / "f.xlsx")
    assert [u.ok for u in plan.units] == [False, True]
    assert plan.units[1].duplicate is None
    result = importer.commit(store, plan, "update")
    assert result.inserted == {"person": 1, "member": 1}


def test_report_lists_refused_rows_with_an_error_column(store: Store, traps: Path) -> None:
    plan = _preview(store, traps)
    out = traps.with_name("errors.xlsx")
    assert report.write(plan, out) == len(TRAP_REFUSED)
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("错误原因", "原表行号", "序号")
    by_row = {r[1]: r for r in rows[1:]}
    assert set(by_row) == set(TRAP_REFUSED)
    assert "火星村" in by_row[10][0]
    # The ID number is written back as it was read, never as a number in text.
    assert by_row[11][5] == by_row[11][5].strip() and isinstance(by_row[11][5], str)
    # The corrected report imports as it is (its extra columns are ignored).
    ws.cell(row=[r[1] for r in rows].index(10) + 1, column=9).value = "清水塘社区"
    ws.parent.save(out)
    again = _preview(store, out)
    fixed = next(u for u in again.units if u.label == "钱七")
    assert fixed.ok


def test_mapping_is_remembered_for_files_of_the_same_shape(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "证件", "所在片区", "入会时间"])
    ws.append(["张三", ZHANG, "清水塘社区", "2019-05-01"])
    wb.save(tmp_path / "a.xlsx")
    sheet, m = importer.open_file(store, tmp_path / "a.xlsx", "members")
    assert m.fields() == {0: "name", 3: "joined_on"}  # 证件 and 所在片区 are not known words
    m.set(1, "id_number")
    m.set(2, "village")
    importer.remember(store, m)
    sheet, again = importer.open_file(store, tmp_path / "a.xlsx", "members")
    assert again.fields() == {0: "name", 1: "id_number", 2: "village", 3: "joined_on"}
    assert not importer.preview(store, sheet, again).refused
    # A mapping file given on the command line wins.
    f = tmp_path / "map.json"
    f.write_text(json.dumps({"kind": "members", "columns": {"所在片区": None}}), "utf-8")
    _s, third = importer.open_file(store, tmp_path / "a.xlsx", "members", mapping_file=f)
    assert 2 not in third.fields()
    # Mapping a column to a field another column held moves it.
    third.set(0, "id_number")
    assert third.fields()[0] == "id_number" and 1 not in third.fields()


def test_required_columns_must_be_mapped(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["张三", ZHANG])
    wb.save(tmp_path / "a.xlsx")
    sheet, m = importer.open_file(store, tmp_path / "a.xlsx", "members")
    assert importer.missing_fields(m) == ["joined_on"]
    with pytest.raises(TransferError) as err:
        importer.preview(store, sheet, m)
    assert "入会时间" in err.value.zh and "Joined on" in err.value.en


def test_one_village_for_a_file_without_the_column(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "入会时间"])
    wb.active.append(["张三", ZHANG, "2019-05-01"])
    wb.save(tmp_path / "a.xlsx")
    refused = _preview(store, tmp_path / "a.xlsx")
    assert refused.refused and refused.refused[0].errors[0].field == "village"
    plan = _preview(store, tmp_path / "a.xlsx", village="清水塘社区")
    assert not plan.refused


def test_a_person_deleted_after_the_preview_stops_the_whole_commit(
    store: Store, traps: Path
) -> None:
    """The commit does not validate each record a second time (the preview
    did), but it checks links again: a person the file names, deleted
    between the preview and the commit (by a sync, say), stops it whole."""
    with store.transaction() as tx:
        pid = tx.insert(
            "person",
            {"name": "张三", "id_number": ZHANG, "sex": "1", "division_code": "430105003001"},
        )
    plan = _preview(store, traps)
    assert any(op.values.get("person_id") == pid for op in plan.chosen("skip"))
    with store.transaction() as tx:
        tx.delete("person", pid)
    before = snapshot(store)
    with pytest.raises(TransferError) as exc:
        importer.commit(store, plan, "skip")
    assert exc.value.code == "commit.refused"
    assert "关联的记录不存在或已删除" in exc.value.zh
    assert snapshot(store) == before


def test_the_header_repeated_on_each_printed_page_is_skipped(store: Store, tmp_path: Path) -> None:
    """A register printed page by page repeats its header (with spaces or
    other brackets as typed on that page); those rows are skipped, the
    others read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "村（社区）", "入会时间"])
    ws.append(["张三", ZHANG, "清水塘社区", "2019-05-01"])
    ws.append(["姓  名", "身份证号：", "村(社区)", "入会时间"])  # page 2
    ws.append(["李四", LI, "清水塘社区", "2019-05-01"])
    ws.append(["王五", WANG, "清水塘社区", "2019-05-01"])
    ws.append(["姓名", "身份证号", "村（社区）", "入会时间"])  # page 3
    ws.append(["赵六", ZHAO, "清水塘社区", "2019-05-01"])
    wb.save(tmp_path / "pages.xlsx")
    plan = _preview(store, tmp_path / "pages.xlsx")
    assert [r for r, why in plan.skipped if why == "header"] == [2, 5]
    assert [u.rows for u in plan.units] == [[1], [3], [4], [6]]
    assert not plan.refused
