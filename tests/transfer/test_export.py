"""Exports: lists with their filters and sort, registers in paper layout,
masking, CSV injection, and export -> import round trips."""

from __future__ import annotations

import csv
import sqlite3
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from jsxclient import demo
from jsxclient.store.queries.paging import Query
from jsxclient.store.reference import init_township
from jsxclient.store.store import Store
from jsxclient.transfer import audit, exporter, importer, writers
from jsxclient.transfer.errors import TransferError
from jsxclient.transfer.registers import REGISTERS, Filters
from jsxclient.transfer.tables import OutCol, Reveal, Table, list_table
from jsxcore.validation import make_id_number
from tests.conftest import TOWNSHIP

VILLAGES = ("清水塘社区居委会", "芙蓉路社区")


def members_file(path: Path, n: int) -> Path:
    """A plain members list of `n` fake people (as a township's own)."""
    cols = [OutCol(k, t) for k, t in (("name", "姓名"), ("id", "身份证号"), ("v", "村（社区）"),
                                        ("j", "入会时间", ), ("m", "手机号码"))]  # fmt: skip
    rows = []
    for i in range(n):
        birth = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        idn = make_id_number(f"4301{5 + i // 1000:02d}", birth, i % 1000)
        rows.append([f"会员{i:05d}", idn, VILLAGES[i % 2], date(2015, 1, 1), f"139{i:08d}"])
    writers.write_xlsx(Table("t", cols, rows), path)
    return path


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = Store.open(path, user="tester")
    demo.generate(s, TOWNSHIP, scale=0.06, seed=3, today=date(2024, 5, 1))
    s.close()
    return path


@pytest.fixture
def source(demo_store: Path, tmp_path: Path) -> Store:
    dest = tmp_path / "source.db"
    dest.write_bytes(demo_store.read_bytes())
    s = Store.open(dest, user="tester")
    yield s  # type: ignore[misc]
    s.close()


def test_list_export_keeps_filters_and_sort(source: Store, tmp_path: Path) -> None:
    conn = source.db.connection()
    village = conn.execute("SELECT division_code FROM member LIMIT 1").fetchone()[0]
    q = Query(filters={"village": village, "status": "active"}, sort="joined_on", descending=True)
    out = tmp_path / "m.xlsx"
    n = exporter.export_list(source, "member", out, q, title="会员")
    expected = conn.execute(
        "SELECT count(*) FROM member WHERE deleted = 0 AND division_code = ? AND status = 'active'",
        (village,),
    ).fetchone()[0]
    assert n == expected > 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    head = rows[0]
    assert head[:5] == ("姓名", "性别", "出生日期", "身份证号", "手机号码")
    joined = [r[head.index("入会日期")] for r in rows[1:]]
    assert joined == sorted(joined, reverse=True)
    assert all(isinstance(d, type(joined[0])) for d in joined)  # real dates
    # Masked unless asked for: the issuing area and the last four.
    idn = rows[1][3]
    assert idn[3:-4] == "*" * 11 and len(idn) == 18
    mobiles = [r[4] for r in rows[1:] if r[4]]
    assert mobiles and all("****" in m for m in mobiles)


def test_full_numbers_need_a_reason_and_are_audited(source: Store, tmp_path: Path) -> None:
    with pytest.raises(TransferError):
        exporter.export_list(source, "member", tmp_path / "a.csv", reveal=Reveal("  "))
    calls: list[tuple[str, int, str, str]] = []
    audit.on_reveal.append(lambda *a: calls.append(a))
    try:
        n = exporter.export_list(
            source, "member", tmp_path / "a.csv", reveal=Reveal("县计生协核对", "wang")
        )
    finally:
        audit.on_reveal.clear()
    assert calls == [("list:member", n, "县计生协核对", "wang")]
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert "*" not in rows[1][3] and len(rows[1][3]) == 18


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    t = Table("t", [OutCol("a", "=HYPERLINK(1)"), OutCol("b", "b"), OutCol("n", "n", "int")])
    t.rows = [["=1+2", "@SUM(A1)", -5], ["+86 138", "-x", 3], ["\tx", "正常", None]]
    writers.write_csv(t, tmp_path / "x.csv")
    raw = (tmp_path / "x.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "x.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["'=HYPERLINK(1)", "b", "n"],
        ["'=1+2", "'@SUM(A1)", "-5"],
        ["'+86 138", "'-x", "3"],
        ["'\tx", "正常", ""],
    ]


def test_register_paper_layout(source: Store, tmp_path: Path) -> None:
    out = tmp_path / "families.xlsx"
    exporter.export_register(source, "families", out)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.title == "计划生育特殊家庭台账"
    assert ws["A1"].value == "清水塘街道计划生育特殊家庭台账"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:X1" in merged  # the title across the page
    assert "G3:L3" in merged and ws["G3"].value == "家庭成员"  # a group header
    assert "A3:A4" in merged  # a header without a group spans both rows
    # A family's own cells are merged down its member rows.
    conn = source.db.connection()
    sizes = [
        n
        for (n,) in conn.execute(
            "SELECT count(*) FROM familymember WHERE deleted = 0 GROUP BY family_id"
        )
    ]
    family_merges = [r for r in merged if r.startswith("D") and r != "D3:D4"]
    assert len(family_merges) == sum(1 for n in sizes if n > 1)
    # Print setup: A4 landscape, one page wide, header rows repeated, page numbers.
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$4"
    assert "&P" in ws.oddFooter.center.text
    assert ws.freeze_panes == "A5"
    # ID numbers are text cells, never numbers.
    idn = ws.cell(row=5, column=11)
    assert idn.data_type == "s"


def test_subsidy_register_has_a_total(source: Store, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    n = exporter.export_register(source, "subsidies", out)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    total = rows[3 + n]
    assert total[0] == "合计"
    amount = sum(r[12] or 0 for r in rows[3 : 3 + n])
    assert total[12] == pytest.approx(amount)
    assert rows[-1][0].startswith("填表人")


def _same_files(a: Path, b: Path) -> None:
    """Two .xlsx files alike in every part but the creation time."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            if name != "docProps/core.xml":
                assert za.read(name) == zb.read(name), name


@pytest.mark.parametrize("name", list(REGISTERS))
def test_register_rows_are_written_as_xlsxwriter_would(
    source: Store, tmp_path: Path, name: str
) -> None:
    """The rendered data rows (`xlsxrows`) give the very file XlsxWriter's
    own cell writes give: cells, merges, shared strings, styles."""
    for reveal in (None, Reveal("核对")):
        t = exporter.register_table(source, name, reveal=reveal, today=date(2024, 5, 2))
        assert t.rows
        writers.write_xlsx(t, tmp_path / "fast.xlsx", paper=True)
        writers.write_xlsx(t, tmp_path / "plain.xlsx", paper=True, plain=True)
        _same_files(tmp_path / "fast.xlsx", tmp_path / "plain.xlsx")


def test_list_rows_are_written_as_xlsxwriter_would(source: Store, tmp_path: Path) -> None:
    with source.reading() as conn:
        for name in ("member", "specialfamily", "caresubsidy", "activity"):
            t = list_table(conn, name, Query(sort="name" if name == "member" else None))
            assert t.rows
            writers.write_xlsx(t, tmp_path / "fast.xlsx")
            writers.write_xlsx(t, tmp_path / "plain.xlsx", plain=True)
            _same_files(tmp_path / "fast.xlsx", tmp_path / "plain.xlsx")


@pytest.mark.parametrize("paper", [False, True])
def test_odd_cells_are_written_as_xlsxwriter_would(tmp_path: Path, paper: bool) -> None:
    """Blanks, numbers, booleans, dates and times, a value of another type,
    text past XlsxWriter's length limit (that row goes through XlsxWriter
    itself, in a merged block too, after a new string and with a format no
    row above used), a format first met late."""
    cols = [
        OutCol("seq", "序号", "seq", merge=True),
        OutCol("a", "户", "text", 20, merge=True),
        OutCol("b", "姓名", group="成员"),
        OutCol("c", "备注", group="成员"),
        OutCol("d", "日期", "date", group="成员"),
        OutCol("m", "金额", "money"),
        OutCol("n", "人数", "int"),
    ]
    long_text = "长" * 20_000
    rows: list[list[Any]] = [
        [1, "甲", None, None, None, None, None],
        [1, "甲", "新", long_text, None, 12.5, None],
        [1, "甲", "乙", "", date(2024, 1, 2), None, 3],
        [2, long_text, "丙", "x", date(1900, 3, 1), -7, False],
        [2, "丁", "乙", None, datetime(2024, 1, 2, 8, 30), 10**20, Path("x")],
        [3, "&<>\"'", " 前后空格 ", "\n", date(2024, 2, 29), 0.1 + 0.2, True],
        [None, None, None, None, None, None, None],
    ]
    t = Table("标题", cols, rows, subtitle="副标题", blocks=[(0, 2), (3, 4)])
    writers.write_xlsx(t, tmp_path / "fast.xlsx", paper=paper)
    writers.write_xlsx(t, tmp_path / "plain.xlsx", paper=paper, plain=True)
    _same_files(tmp_path / "fast.xlsx", tmp_path / "plain.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx").active
    first = 5 if paper else 2
    assert ws.cell(first + 1, 4).value == long_text
    assert ws.cell(first + 5, 2).value == "&<>\"'"


def _records(conn: sqlite3.Connection, kind: str) -> list[tuple[Any, ...]]:
    """The content of a kind's records, without ids and stamps."""
    person = "p.name, p.id_number, p.sex, p.birth_date, p.mobile"
    sql = {
        "members": f"SELECT {person}, p.ethnicity, p.education, p.political, p.address, "
        "r.division_code, (SELECT g.name FROM membergroup g WHERE g.id = r.group_id), "
        "r.member_type, r.role, r.card_no, r.joined_on, r.left_on, r.status "
        "FROM member r JOIN person p ON p.id = r.person_id WHERE r.deleted = 0",
        "volunteers": f"SELECT {person}, r.division_code, r.team_level, r.registration_no, "
        "r.skills, r.registered_on, r.active FROM volunteer r JOIN person p ON p.id = r.person_id "
        "WHERE r.deleted = 0",
        "families": f"SELECT {person}, fm.relation, f.division_code, f.category, "
        "f.disability_grade, f.event_date, f.address, f.enrolled_on, f.doc_certificate, "
        "f.doc_death_or_disability, f.doc_household, f.family_doctor_signed, "
        "f.priority_hospital, f.status, f.notes, hp.id_number FROM familymember fm "
        "JOIN specialfamily f ON f.id = fm.family_id JOIN person p ON p.id = fm.person_id "
        "JOIN person hp ON hp.id = f.head_person_id WHERE fm.deleted = 0",
        "visits": "SELECT hp.id_number, v.division_code, v.visit_date, v.mode, v.visitor, "
        "v.physical_state, v.mental_state, v.needs, v.actions, v.aid_fen, v.major_event, "
        "v.follow_up_due FROM carevisit v JOIN specialfamily f ON f.id = v.family_id "
        "JOIN person hp ON hp.id = f.head_person_id WHERE v.deleted = 0",
        "subsidies": "SELECT hp.id_number, sp.id_number, s.division_code, s.kind, s.hospital, "
        "s.admitted_on, s.discharged_on, s.days, s.rate_fen, s.amount_fen, s.status, "
        "s.reviewer, s.paid_on FROM caresubsidy s JOIN specialfamily f ON f.id = s.family_id "
        "JOIN person hp ON hp.id = f.head_person_id LEFT JOIN person sp ON sp.id = s.person_id "
        "WHERE s.deleted = 0",
        "activities": "SELECT a.division_code, a.title, a.type, a.campaign, a.held_on, a.place, "
        "a.partners, a.participant_count, a.materials_count, a.funds_raised_fen, "
        "a.families_visited, a.notes, p.name, p.id_number FROM activity a "
        "LEFT JOIN activityparticipant ap ON ap.activity_id = a.id AND ap.deleted = 0 "
        "LEFT JOIN person p ON p.id = ap.person_id WHERE a.deleted = 0",
    }[kind]
    return sorted(conn.execute(sql).fetchall(), key=repr)


def test_export_then_import_gives_the_same_records(
    source: Store, store: Store, tmp_path: Path
) -> None:
    """Every register, exported in full and imported into an empty store of
    the same township, in the order a township would (people first)."""
    for name in ("members", "volunteers", "families", "visits", "subsidies", "activities"):
        out = tmp_path / f"{name}.xlsx"
        exporter.export_register(source, name, out, reveal=Reveal("迁移到新电脑"))
        sheet, m = importer.open_file(store, out, REGISTERS[name].kind)
        plan = importer.preview(store, sheet, m)
        assert not plan.refused, (name, [(u.rows, u.errors) for u in plan.refused[:3]])
        importer.commit(store, plan, "update")
        got = _records(store.db.connection(), name)
        want = _records(source.db.connection(), name)
        assert got == want, name
    # Importing the same files again changes nothing.
    pending = store.pending_count()
    for name in ("members", "families", "visits"):
        sheet, m = importer.open_file(store, tmp_path / f"{name}.xlsx", REGISTERS[name].kind)
        plan = importer.preview(store, sheet, m)
        assert not plan.new and all(not u.changed for u in plan.duplicates), name
        importer.commit(store, plan, "update")
    assert store.pending_count() == pending


def test_csv_round_trip_and_village_filter(source: Store, store: Store, tmp_path: Path) -> None:
    conn = source.db.connection()
    village = conn.execute("SELECT division_code FROM member LIMIT 1").fetchone()[0]
    out = tmp_path / "m.csv"
    n = exporter.export_register(
        source, "members", out, Filters(village=village), reveal=Reveal("核对")
    )
    sheet, m = importer.open_file(store, out, "members")
    plan = importer.preview(store, sheet, m)
    assert not plan.refused and len(plan.new) == n
    importer.commit(store, plan)
    assert {r[0] for r in store.db.connection().execute("SELECT division_code FROM member")} == {
        village
    }


def test_export_of_an_unknown_format_is_refused(source: Store, tmp_path: Path) -> None:
    with pytest.raises(TransferError):
        exporter.export_list(source, "member", tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def test_list_with_twenty_five_hundred_rows_pages_through(tmp_path: Path, store: Store) -> None:
    sheet, m = importer.open_file(store, members_file(tmp_path / "m.xlsx", 2500), "members")
    importer.commit(store, importer.preview(store, sheet, m))
    n = exporter.export_list(store, "member", tmp_path / "o.csv", Query(), fmt="csv")
    assert n == 2500
    with (tmp_path / "o.csv").open(encoding="utf-8-sig") as f:
        names = [r[0] for r in csv.reader(f)][1:]
    assert len(set(names)) == 2500


def test_init_township_is_needed_before_import(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "empty.db")
    try:
        sheet_path = members_file(tmp_path / "m.xlsx", 3)
        with pytest.raises(TransferError):
            importer.preview(s, *importer.open_file(s, sheet_path, "members"))
        init_township(s, TOWNSHIP)
        assert not importer.preview(s, *importer.open_file(s, sheet_path, "members")).refused
    finally:
        s.close()
