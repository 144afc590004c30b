"""Read-side queries: person search kept by triggers, keyset pages in every
plan, counts, the dashboard's due visits and follow-ups, statistics."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from jsxclient.store import queries as q
from jsxclient.store.schema import migrate
from jsxclient.store.search import pinyin_key
from jsxclient.store.store import Store
from jsxcore.divisions import association_id
from jsxcore.validation import make_id_number

from ..conftest import TOWNSHIP, VILLAGE

SURNAMES = "张王李赵刘陈杨黄周吴"
GIVEN = "伟芳秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞"


def add_members(store: Store, n: int, village: str = VILLAGE, **member: object) -> list[str]:
    persons, members = [], []
    for i in range(n):
        birth = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        persons.append(
            dict(
                name=SURNAMES[i % 10] + GIVEN[(i * 7) % 20] + GIVEN[(i * 3) % 20],
                sex="1" if i % 2 else "2",
                division_code=village,
                birth_date=birth,
                id_number=make_id_number("430105", birth, (i * 2 + (i % 2)) % 1000),
                mobile=f"139{i:08d}",
            )
        )
    with store.transaction() as tx:
        pids = tx.insert_many("person", persons)
        for pid in pids:
            members.append(
                dict(
                    person_id=pid,
                    association_id=association_id(village),
                    division_code=village,
                    joined_on="2020-01-01",
                    **member,
                )
            )
        return tx.insert_many("member", members)


def conn(store: Store) -> sqlite3.Connection:
    return store.db.connection()


def search_rows(store: Store, text: str) -> list[str]:
    return [
        r[0]
        for r in conn(store).execute(
            "SELECT p.name FROM person_search s JOIN person p ON p.id = s.person_id "
            "WHERE s.person_id IN (SELECT person_id FROM person_search WHERE text LIKE ?)",
            (f"%{text}%",),
        )
    ]


def test_person_search_follows_every_write(store: Store) -> None:
    with store.transaction() as tx:
        pid = tx.insert(
            "person",
            dict(
                name="张三丰",
                sex="2",
                division_code=VILLAGE,
                id_number="11010519491231002X",
                mobile="13912345678",
            ),
        )
    for text in ("zsf", "zhangsanfeng", "三丰", "1231002x", "13912345678"):
        assert search_rows(store, text) == ["张三丰"], text
    with store.transaction() as tx:
        tx.update("person", pid, {"name": "李四", "mobile": "13700000000"})
    assert search_rows(store, "zsf") == [] and search_rows(store, "13912345678") == []
    assert search_rows(store, "ls") == ["李四"]
    # A pull or a hard delete writes person without the journaled path.
    conn(store).execute("DELETE FROM person WHERE id = ?", (pid,))
    assert search_rows(store, "ls") == []
    conn(store).execute("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')")


def test_trigram_index_agrees_with_like(store: Store) -> None:
    add_members(store, 300)
    c = conn(store)
    name = c.execute("SELECT name FROM person LIMIT 1").fetchone()[0]
    for text in ("zha", "wei", "1390000012", name, "430105195"):
        like = {
            r[0]
            for r in c.execute("SELECT id FROM person_search WHERE text LIKE ?", (f"%{text}%",))
        }
        fts = {
            r[0]
            for r in c.execute(
                "SELECT rowid FROM person_fts WHERE person_fts MATCH ?", (q.fts_match(text),)
            )
        }
        assert like == fts and like, text


def test_a_v3_store_gets_person_search_on_migration(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    migrate(raw, target=3)
    raw.execute(
        "INSERT INTO person(id, division_code, created_at, updated_at, updated_device, "
        "updated_user, deleted, sync_state, name, sex, search_key) "
        "VALUES ('p1', ?, '2024-01-01', '2024-01-01', 'd', 'u', 0, 'synced', '王五', '1', ?)",
        (VILLAGE, pinyin_key("王五")),
    )
    migrate(raw)
    assert raw.execute("SELECT text FROM person_search").fetchone()[0] == "王五 wangwu ww  "
    assert raw.execute(
        "SELECT count(*) FROM person_fts WHERE person_fts MATCH '\"wangwu\"'"
    ).fetchone() == (1,)


def all_pages(store: Store, name: str, query: q.Query, size: int) -> tuple[list[str], set[str]]:
    ids: list[str] = []
    plans: set[str] = set()
    page = q.page(conn(store), name, query, None, size)
    while True:
        ids += page.ids
        plans.add(page.plan)
        if page.after is None:
            return ids, plans
        page = q.page(conn(store), name, query, page.after, size)


@pytest.mark.parametrize(
    ("query", "plan"),
    [
        (q.Query(), "walk"),
        (q.Query("z"), "walk"),
        (q.Query("zha"), "fts"),
        (q.Query(filters={"status": "left"}), "own"),
        (q.Query(sort="joined_on", descending=True), "own"),
        (q.Query("1", sort="mobile"), "text"),
    ],
)
def test_keyset_pages_return_every_row_once_in_order(
    store: Store, query: q.Query, plan: str
) -> None:
    add_members(store, 230)
    add_members(store, 20, status="left")
    ids, plans = all_pages(store, "member", query, 37)
    assert plans == {plan}
    assert len(ids) == len(set(ids)) == q.count(conn(store), "member", query)
    keys = [
        conn(store)
        .execute(
            "SELECT s.sort_key, s.person_id FROM member m JOIN person_search s "
            "ON s.person_id = m.person_id WHERE m.id = ?",
            (i,),
        )
        .fetchone()
        for i in ids
    ]
    if not query.sort:
        assert keys == sorted(keys)
    if query.filters.get("status") == "left":
        assert len(ids) == 20


def test_search_matches_every_field(store: Store) -> None:
    add_members(store, 50)
    c = conn(store)
    row = c.execute("SELECT name, id_number, mobile, search_key FROM person LIMIT 1").fetchone()
    name, number, mobile, key = row
    for text in (key.split()[1], key.split()[0], name, number, mobile[-5:], number.lower()):
        page = q.page(c, "member", q.Query(text))
        names = [r[0] for r in page.rows]
        assert name in names, text


def test_masking_is_the_ui_job_not_the_query(store: Store) -> None:
    add_members(store, 1)
    page = q.page(conn(store), "member", q.Query())
    col = [c.key for c in q.LISTS["member"].columns].index("id_number")
    assert len(page.rows[0][col]) == 18


def test_interrupt_stops_a_query(store: Store) -> None:
    add_members(store, 2000)
    with pytest.raises(q.Interrupted):
        q.count(conn(store), "member", q.Query("1"), interrupt=lambda: True)


def family(store: Store, enrolled: str = "2020-01-01") -> str:
    with store.transaction() as tx:
        pid = tx.insert("person", dict(name="邓淑兰", sex="2", division_code=VILLAGE))
        return tx.insert(
            "specialfamily",
            dict(
                category="bereaved", division_code=VILLAGE, head_person_id=pid, enrolled_on=enrolled
            ),
        )


def visit(store: Store, fid: str, day: date, **kw: object) -> str:
    with store.transaction() as tx:
        return tx.insert(
            "carevisit",
            dict(
                family_id=fid,
                division_code=VILLAGE,
                visit_date=day,
                mode=kw.pop("mode", "home"),
                **kw,
            ),
        )


def test_dashboard_due_visits_and_follow_ups(store: Store) -> None:
    today = date.today()
    overdue = family(store)
    visit(store, overdue, today - timedelta(days=120))
    fine = family(store)
    visit(store, fine, today - timedelta(days=10))
    phoned = family(store)
    visit(store, phoned, today - timedelta(days=120))
    visit(store, phoned, today - timedelta(days=5), mode="phone")  # a call is no home visit
    follow = family(store)
    visit(
        store,
        follow,
        today - timedelta(days=3),
        follow_up_due=today + timedelta(days=2),
        needs="想了解补贴政策",
    )
    major = family(store)
    visit(store, major, today - timedelta(days=2), major_event=True)
    d = q.dashboard(conn(store), today)
    due = {x.family_id: x for x in d.due}
    assert overdue in due and due[overdue].due < today.isoformat()
    assert phoned in due and fine not in due
    assert due[follow].reason == "follow_up"
    assert {f.family_id for f in d.follow_ups} == {follow, major}
    assert d.overdue == 2 and d.counts["families"] == 5
    assert d.pending == store.pending_count()


def test_statistics_by_village_add_up(store: Store) -> None:
    add_members(store, 12)
    other = (
        conn(store)
        .execute(
            "SELECT code FROM division WHERE parent_code = ? AND code != ? LIMIT 1",
            (TOWNSHIP, VILLAGE),
        )
        .fetchone()[0]
    )
    add_members(store, 5, village=other)
    fid = family(store)
    visit(store, fid, date(2024, 3, 1))
    s = q.statistics(conn(store), TOWNSHIP, date(2024, 1, 1), date(2024, 12, 31))
    by = {v.code: v for v in s.villages}
    assert by[VILLAGE].members == 12 and by[other].members == 5
    assert by[VILLAGE].families == 1 and by[VILLAGE].families_visited == 1
    assert by[VILLAGE].home_visits == 1
    assert s.villages[0].code == TOWNSHIP
