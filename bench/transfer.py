"""Excel import and export: 25,000 member rows in, 25,000 rows out.

Import: a members register (.xlsx, written by XlsxWriter like a township's
own) is read, mapped, previewed (every row parsed and validated) and
committed through the journaled write path into a fresh store. The floor is
the same file read with python-calamine and its rows inserted with plain
`executemany` as person and member rows (no parsing of values, validation or
journal). Export: the member list (default sort) and the 会员花名册 register
to .xlsx, the list to .csv, and the special-family register's layout (merged
family cells) of as many rows to .xlsx.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sqlite3
import tempfile
import uuid
from datetime import date
from pathlib import Path

from bench.common import Timing, load_average, peak_rss_mb, timer
from jsxclient.store.db import Database
from jsxclient.store.queries.paging import Query
from jsxclient.store.reference import init_township, villages_of
from jsxclient.store.schema import migrate
from jsxclient.store.store import Store
from jsxclient.transfer import exporter, importer
from jsxclient.transfer.registers import REGISTERS
from jsxclient.transfer.tables import OutCol, Table
from jsxclient.transfer.writers import write_xlsx
from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES
from jsxcore.validation import make_id_number

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅玉兰志强德"
ETHNIC = ("汉族", "汉族", "汉族", "苗族", "土家族")
EDU = ("初中", "高中", "小学", "大专", "本科")


def _file(path: Path, rows: int, villages: list[str]) -> None:
    cols = [
        OutCol("seq", "序号", "seq"),
        OutCol("name", "姓名"),
        OutCol("sex", "性别"),
        OutCol("ethnicity", "民族"),
        OutCol("birth_date", "出生日期", "date"),
        OutCol("id_number", "身份证号", "idnum"),
        OutCol("education", "文化程度"),
        OutCol("mobile", "联系电话", "mobile"),
        OutCol("village", "村（社区）"),
        OutCol("group", "会员小组"),
        OutCol("joined_on", "入会时间", "date"),
        OutCol("card_no", "会员证号"),
    ]
    data = []
    for i in range(rows):
        birth = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        seq = i % 1000
        sex = "男" if seq % 2 else "女"
        area = f"4301{(5 + i // 1000) % 100:02d}"
        data.append(
            [
                i + 1,
                SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3) % 17],
                sex,
                ETHNIC[i % len(ETHNIC)],
                birth,
                make_id_number(area, birth, seq),
                EDU[i % len(EDU)],
                f"13{i % 10}{i:08d}",
                villages[i % len(villages)],
                f"第{1 + i % 9}村民小组",
                date(2010 + i % 14, 1 + i % 12, 1 + i % 28),
                f"HN{i:06d}",
            ]
        )
    write_xlsx(Table("会员花名册", cols, data), path, paper=False)


def _family_layout(rows: int) -> Table:
    """The special-family register's paper layout with `rows` member rows,
    three to a family, each family's own cells merged down its rows (the
    writer alone: a township's store holds far fewer families)."""
    d = REGISTERS["families"]
    data: list[list[object]] = []
    blocks = []
    for f in range(rows // 3):
        start = len(data)
        for m in range(3):
            data.append(
                [f + 1, str(f + 1), "清水塘社区", "独生子女伤残家庭", "三级", date(2001, 1, 1),
                 SURNAMES[f % len(SURNAMES)] + GIVEN[(f + m) % len(GIVEN)], "本人", "男",
                 date(1960 + m, 1, 1), "430***********123X", "138****5678", "某某路1号",
                 date(2020, 1, 1), "是", "是", "否", "是", "否", "张三", "李四", "在册", None, None]
            )  # fmt: skip
        blocks.append((start, len(data) - 1))
    return Table("特殊家庭台账", list(d.columns), data, blocks=blocks)


def _floor(path: Path, db_path: Path, township: str, villages: dict[str, str]) -> Timing:
    """calamine read + executemany of person and member rows."""
    import python_calamine as pc

    db = Database(db_path)
    conn = db.open_connection()
    migrate(conn)
    pdef = {k: v for k, v in ENTITIES["person"].defaults().items() if k != "search_key"}
    mdef = ENTITIES["member"].defaults()
    with timer() as t:
        rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        persons, members = [], []
        for r in rows[1:]:
            pid, code = uuid.uuid4().hex, villages[r[8]]
            persons.append(
                {
                    **pdef,
                    "id": pid,
                    "division_code": code,
                    "name": r[1],
                    "id_number": r[5],
                    "birth_date": str(r[4]),
                    "mobile": r[7],
                }
            )
            members.append(
                {
                    **mdef,
                    "id": uuid.uuid4().hex,
                    "division_code": code,
                    "person_id": pid,
                    "association_id": association_id(code),
                    "joined_on": str(r[10]),
                }
            )
        conn.execute("BEGIN IMMEDIATE")
        for table, data in (("person", persons), ("member", members)):
            cols = list(data[0])
            conn.executemany(
                f"INSERT INTO {table}({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
                [tuple(d[c] for c in cols) for d in data],
            )
        conn.execute("COMMIT")
    conn.close()
    return t


def run(argv: list[str]) -> dict[str, object]:
    p = argparse.ArgumentParser(prog="python -m bench transfer", description=__doc__)
    p.add_argument("--rows", type=int, default=25_000)
    p.add_argument("--township", default="430105003000")
    p.add_argument("--profile", type=int, default=0, metavar="N")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        root = Path(tmp)
        store = Store.open(root / "store.db", user="bench")
        init_township(store, args.township)
        names = {v.name: v.code for v in villages_of(store.db.connection(), args.township)}
        src = root / "members.xlsx"
        _file(src, args.rows, list(names))
        # The floor's store has the divisions too (same file size class).
        floor = _floor(src, root / "floor.db", args.township, names)
        prof = cProfile.Profile() if args.profile else None
        if prof:
            prof.enable()
        with timer() as t_read:
            sheet, mapping = importer.open_file(store, src, "members")
        with timer() as t_preview:
            plan = importer.preview(store, sheet, mapping)
        with timer() as t_commit:
            result = importer.commit(store, plan, "skip")
        if prof:
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.profile)
            print(out.getvalue())
        refused = len(plan.refused)
        import_s = t_read.seconds + t_preview.seconds + t_commit.seconds
        import_cpu = t_read.cpu + t_preview.cpu + t_commit.cpu
        journal = store.db.connection().execute("SELECT count(*) FROM journal").fetchone()[0]
        with timer() as t_list:
            n_list = exporter.export_list(store, "member", root / "list.xlsx", Query(sort="name"))
        with timer() as t_csv:
            exporter.export_list(store, "member", root / "list.csv", Query(sort="name"))
        with timer() as t_reg:
            n_reg = exporter.export_register(store, "members", root / "roster.xlsx")
        blocks = _family_layout(args.rows)
        with timer() as t_blocks:
            write_xlsx(blocks, root / "families.xlsx", paper=True)
        store.close()
        conn = sqlite3.connect(root / "store.db")
        members = conn.execute("SELECT count(*) FROM member").fetchone()[0]
        conn.close()
    return {
        "rows": args.rows,
        "load_average": load_average(),
        "import": {
            "read_and_map_s": t_read.seconds,
            "preview_s": t_preview.seconds,
            "commit_s": t_commit.seconds,
            "total_s": import_s,
            "rows_per_s": args.rows / import_s,
            "refused": refused,
            "members_written": members,
            "records_written": result.written,
            "journal_entries": journal,
            "floor_s": floor.seconds,
            "ratio_vs_floor": import_s / floor.seconds,
            "cpu_total_s": import_cpu,
            "cpu_floor_s": floor.cpu,
            "cpu_ratio_vs_floor": import_cpu / floor.cpu,
            "goal_total_s": 10,
            "goal_ratio": 3,
        },
        "export": {
            "list_rows": n_list,
            "list_xlsx_s": t_list.seconds,
            "list_xlsx_cpu_s": t_list.cpu,
            "list_csv_s": t_csv.seconds,
            "list_csv_cpu_s": t_csv.cpu,
            "register_rows": n_reg,
            "register_xlsx_s": t_reg.seconds,
            "register_xlsx_cpu_s": t_reg.cpu,
            "family_layout_rows": len(blocks.rows),
            "family_layout_xlsx_s": t_blocks.seconds,
            "family_layout_xlsx_cpu_s": t_blocks.cpu,
            "goal_s": 3,
        },
        "peak_rss_mb": peak_rss_mb(),
    }
