"""Records the read-model tests share, written through the store's write path."""

from __future__ import annotations

import sqlite3
from datetime import date

from jsxclient.store.store import Store
from jsxcore.divisions import association_id
from jsxcore.validation import make_id_number

from ...conftest import VILLAGE

SURNAMES = "张王李赵刘陈杨黄周吴"
GIVEN = "伟芳秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞"


def add_members(store: Store, n: int, village: str = VILLAGE, **member: object) -> list[str]:
    persons, members = [], []
    # Carry on after the people already stored: one ID number per person.
    base = int(conn(store).execute("SELECT count(*) FROM person").fetchone()[0])
    for i in range(base, base + n):
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
