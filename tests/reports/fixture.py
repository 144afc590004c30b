"""A hand-built township for the indicator tests: every record placed on a
boundary of October 2026 (joined on the last day, left mid-month, exited
after the month, a visit on the last day, a visit recorded weeks later)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsxclient.store.store import Store, Tx
from jsxcore.divisions import association_id
from jsxcore.validation import make_id_number

from ..conftest import TOWNSHIP, VILLAGE

PERIOD = "2026-10"


@dataclass
class Fixture:
    v2: str
    villages: int
    ids: dict[str, str] = field(default_factory=dict)


def _person(tx: Tx, village: str, n: int, name: str) -> str:
    from datetime import date

    birth = date(1960, 1 + n % 12, 1 + n % 28)
    return tx.insert(
        "person",
        dict(
            name=name,
            sex="2",
            division_code=village,
            birth_date=birth,
            id_number=make_id_number("430105", birth, (n * 2) % 1000),
        ),
    )


def build(store: Store) -> Fixture:
    conn = store.db.connection()
    villages = [
        r[0]
        for r in conn.execute(
            "SELECT code FROM division WHERE parent_code = ? ORDER BY code", (TOWNSHIP,)
        )
    ]
    fx = Fixture(v2=villages[1], villages=len(villages))
    v1, v2 = VILLAGE, fx.v2
    ids = fx.ids
    n = 0

    def person(village: str, name: str) -> str:
        nonlocal n
        n += 1
        return _person(tx, village, n, name)

    with store.transaction() as tx:

        def member(key: str, village: str, joined: str, **kw: Any) -> None:
            ids[key] = tx.insert(
                "member",
                dict(
                    person_id=person(village, "会员" + key),
                    association_id=association_id(village),
                    division_code=village,
                    joined_on=joined,
                    **kw,
                ),
            )

        member("m1", v1, "2020-01-01")
        member("m2", v1, "2026-10-15")
        member("m3", v1, "2026-11-02")  # joined after the month
        member("m4", v1, "2020-01-01", left_on="2026-10-20", status="left")  # left mid-month
        member("m5", v1, "2020-01-01", left_on="2026-11-05", status="left")  # left after it
        member("m6", v1, "2020-01-01", status="deceased")  # gone, date unknown
        member("m7", v1, "2026-10-31")  # joined on the last day
        member("m8", v2, "2019-05-01")

        def family(key: str, village: str, category: str, **kw: Any) -> None:
            ids[key] = tx.insert(
                "specialfamily",
                dict(
                    head_person_id=person(village, "户主" + key),
                    category=category,
                    division_code=village,
                    enrolled_on=kw.pop("enrolled_on", "2020-01-01"),
                    **kw,
                ),
            )

        family("f1", v1, "bereaved", family_doctor_signed=True)
        family(
            "f2",
            v1,
            "disabled",
            disability_grade="2",
            status="exited",
            exit_reason="death",
            exit_date="2026-10-10",
        )
        family(
            "f3", v1, "bereaved", status="exited", exit_reason="moved_out", exit_date="2026-11-10"
        )
        family("f4", v2, "disabled", disability_grade="2", enrolled_on="2026-11-03")
        family("f5", v2, "bereaved")
        family("f6", v1, "bereaved")

        def visit(key: str, fam: str, day: str, mode: str, **kw: Any) -> None:
            ids[key] = tx.insert(
                "carevisit",
                dict(family_id=ids[fam], visit_date=day, mode=mode, visitor="李干部", **kw),
            )

        visit("v1", "f1", "2026-10-31", "home")  # on the last day
        # Backdated: a major event on 5 October recorded three days later.
        visit(
            "v2",
            "f5",
            "2026-10-05",
            "phone",
            major_event=True,
            created_at="2026-10-08 09:30:00.000000",
        )
        visit("v3", "f5", "2026-09-20", "home")
        for i, day in enumerate(("2026-10-01", "2026-10-08", "2026-10-15", "2026-10-22")):
            visit(f"w{i}", "f6", day, "phone")
        visit("v4", "f2", "2026-10-05", "home")  # family exited later that month

        def subsidy(key: str, out: str, status: str, **kw: Any) -> None:
            ids[key] = tx.insert(
                "caresubsidy",
                dict(
                    family_id=ids["f1"],
                    kind="hospital_care",
                    admitted_on="2026-08-01",
                    discharged_on=out,
                    status=status,
                    **kw,
                ),
            )

        subsidy("s1", "2026-10-03", "paid", paid_on="2026-10-20", amount_fen=30000, days=10)
        subsidy("s2", "2026-09-10", "paid", paid_on="2026-10-02", amount_fen=10000, days=5)
        subsidy("s3", "2026-10-12", "refused")
        subsidy("s4", "2026-10-25", "applied")
        subsidy("s5", "2026-11-05", "applied")

        def activity(key: str, village: str, day: str, people: int, **kw: Any) -> None:
            ids[key] = tx.insert(
                "activity",
                dict(
                    association_id=association_id(village),
                    division_code=village,
                    title="活动" + key,
                    type="publicity",
                    held_on=day,
                    participant_count=people,
                    **kw,
                ),
            )

        activity("a1", v1, "2026-10-01", 20, campaign="member_day_529")
        activity("a2", v1, "2026-10-31", 10)
        activity("a3", TOWNSHIP, "2026-10-15", 100)
        activity("a4", v2, "2026-11-01", 7)

        def volunteer(key: str, village: str, registered: str, active: bool = True) -> None:
            ids[key] = tx.insert(
                "volunteer",
                dict(
                    person_id=person(village, "志愿者" + key),
                    division_code=village,
                    registered_on=registered,
                    active=active,
                ),
            )

        volunteer("o1", v1, "2025-03-01")
        volunteer("o2", v2, "2026-11-10")
        volunteer("o3", v1, "2024-01-01", active=False)
        tx.insert(
            "volunteerpairing",
            dict(volunteer_id=ids["o1"], family_id=ids["f1"], since="2026-01-01"),
        )

        six = dict.fromkeys(
            ("has_place", "has_sign", "has_rules", "has_plan", "has_activities", "has_management"),
            True,
        )
        ids["w1"] = tx.insert(
            "site",
            dict(
                kind="warm_home",
                name="一号暖心家园",
                division_code=v1,
                opened_on="2024-01-01",
                **six,
            ),
        )
        ids["w2"] = tx.insert(
            "site",
            dict(
                kind="warm_home",
                name="二号暖心家园",
                division_code=v2,
                opened_on="2024-01-01",
                **{**six, "has_plan": False},
            ),
        )
        tx.insert(
            "site",
            dict(
                kind="warm_home", name="新暖心家园", division_code=v1, opened_on="2026-11-15", **six
            ),
        )
        tx.insert("site", dict(kind="member_home", name="会员之家", division_code=v1, **six))

        ids["p1"] = tx.insert(
            "project", dict(name="暖心项目", level="provincial", year=2026, status="running")
        )
        tx.insert("project", dict(name="取消的项目", level="county", year=2026, status="cancelled"))
        tx.insert("project", dict(name="去年的项目", level="county", year=2025, status="finished"))

        def president(village: str, start: str, end: str | None = None) -> None:
            tx.insert(
                "officer",
                dict(
                    association_id=association_id(village),
                    name="会长" + village[-3:],
                    post="president",
                    term_start=start,
                    term_end=end,
                ),
            )

        president(v1, "2023-01-01")
        president(v2, "2019-01-01")  # more than five years: due for 换届
        president(TOWNSHIP, "2022-01-01", "2026-10-15")  # term ended before the month's end
    return fx
