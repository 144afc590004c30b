"""Reports upward on a real server: a township submits its monthly report,
the county reviewer sees it, returns it with a comment, the township sees
the answer on its next sync, submits again and gets it accepted; the county
sums its townships over HTTP and with `jsxserver report --xlsx`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session

from jsxclient.reports import files, submit
from jsxclient.sync.account import fetch_targets
from jsxclient.sync.errors import RejectedError
from jsxcore.divisions import association_id
from jsxcore.indicators.figures import from_snapshot
from jsxcore.indicators.periods import parse_period
from jsxcore.messages import DomainError
from jsxcore.protocol import (
    AggregateResponse,
    ReportListResponse,
    ReportSummary,
    ReviewRequest,
)
from jsxserver.services import reports as server_reports
from tests.e2e.conftest import MakeDevice
from tests.e2e.harness import PASSWORD, Device, ServerProcess, encrypt, person

PERIOD = "2026-10"


def _reports(dev: object, **params: str) -> list[ReportSummary]:
    return dev.transport.call(  # type: ignore[attr-defined]
        "GET", "/reports", ReportListResponse, params=params
    ).reports


def _review(dev: object, rid: str, state: str, comment: str = "") -> ReportSummary:
    return dev.transport.call(  # type: ignore[attr-defined]
        "POST",
        f"/reports/{rid}/review",
        ReportSummary,
        body=ReviewRequest(state=state, comment=comment),  # type: ignore[arg-type]
    )


def _cli(dev: Device, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JSXCLIENT_USER": dev.username, "JSXCLIENT_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "jsxclient.cli", "--store", str(dev.path), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_submit_return_resubmit_accept_and_sum(
    server: ServerProcess, make_device: MakeDevice, tmp_path: Path
) -> None:
    township, villages = server.fresh_township()
    county = township[:6] + "000000"
    worker = make_device(server.make_user(township), "township")
    worker.sync()  # the association tree
    with worker.store.transaction() as tx:
        for i, joined in enumerate(("2020-01-01", "2026-10-15", "2026-11-20")):
            pid = tx.insert("person", person(villages[0], f"会员{i}"))
            tx.insert(
                "member",
                {
                    "person_id": pid,
                    "association_id": association_id(villages[0]),
                    "division_code": villages[0],
                    "joined_on": joined,
                },
            )
    period = parse_period(PERIOD)
    report = files.township_report(worker.store, period)
    assert report.figures["members"].numerator == 2  # not the one who joined in November
    rid = submit.submit(worker.store, report)
    receipt = worker.sync()
    assert receipt.sent >= 1 and receipt.rejected == 0

    # A county target reaches the township with its reference data.
    assert server.db is not None
    with Session(server.db.write_engine) as session:
        server_reports.set_target(session, county, "family_doctor", 0.6)
    assert fetch_targets(worker.transport) == {county: {"family_doctor": 0.6}}
    worker.sync()  # a sync brings it too, without connecting again
    assert files.township_report(worker.store, period).figures["family_doctor"].target == 0.6

    reviewer = make_device(server.make_user(county, "county_reviewer"), "county")
    seen = _reports(reviewer, period=PERIOD)
    mine = [r for r in seen if r.id == rid]
    assert mine and mine[0].state == "submitted" and mine[0].division_code == township
    assert mine[0].submitted_by == worker.username
    # The township sees only its own; it may not review.
    assert [r.id for r in _reports(worker)] == [rid]
    with pytest.raises(RejectedError) as refused:
        _review(worker, rid, "accepted")
    assert refused.value.status == 403 and "审核员" in refused.value.zh
    # Returning needs a reason.
    with pytest.raises(RejectedError) as no_reason:
        _review(reviewer, rid, "returned")
    assert no_reason.value.status == 422 and "原因" in no_reason.value.zh

    answer = _review(reviewer, rid, "returned", "请补报10月的走访记录")
    assert (answer.state, answer.reviewed_by) == ("returned", reviewer.username)
    worker.sync()
    back = submit.submission(worker.store.db.connection(), township, PERIOD)
    assert back is not None and back.state == "returned"
    assert back.review_comment == "请补报10月的走访记录" and back.reviewed_by == reviewer.username

    # Corrected and submitted again: the same record, the answer cleared.
    assert submit.submit(worker.store, files.township_report(worker.store, period)) == rid
    worker.sync()
    assert [r.state for r in _reports(reviewer, period=PERIOD) if r.id == rid] == ["submitted"]
    # The reviewer's command line: list, accept, sum.
    encrypt(reviewer)
    listed = _cli(reviewer, "review", "list", "--period", PERIOD, "--json")
    assert listed.returncode == 0, listed.stderr
    assert [r["state"] for r in json.loads(listed.stdout) if r["id"] == rid] == ["submitted"]
    accepted = _cli(reviewer, "review", "accept", rid)
    assert accepted.returncode == 0 and "accepted" in accepted.stdout, accepted.stderr
    summed = _cli(reviewer, "review", "sum", "--period", PERIOD, "--xlsx", str(tmp_path / "r.xlsx"))
    assert summed.returncode == 0 and "未上报" in summed.stdout, summed.stderr
    assert (tmp_path / "r.xlsx").exists()
    # A township's account is refused by the server: exit 9.
    encrypt(worker)
    refused_cli = _cli(worker, "review", "accept", rid)
    assert refused_cli.returncode == 9 and "审核员" in refused_cli.stderr
    worker.sync()
    done = submit.submission(worker.store.db.connection(), township, PERIOD)
    assert done is not None and done.state == "accepted"
    with pytest.raises(DomainError):
        submit.submit(worker.store, report)

    # The county's sum: this township's figures, the others listed as missing.
    agg = reviewer.transport.call(
        "GET", "/reports/aggregate", AggregateResponse, params={"period": PERIOD}
    )
    total = from_snapshot(agg.snapshot)
    assert total.division_code == county and [c for c, _ in total.parts] == [township]
    assert total.figures["members"].numerator == 2
    assert total.figures["family_doctor"].target == 0.6
    assert township not in {m.code for m in agg.missing} and agg.missing
    # A county cannot sum another county.
    with pytest.raises(RejectedError) as outside:
        reviewer.transport.call(
            "GET",
            "/reports/aggregate",
            AggregateResponse,
            params={"period": PERIOD, "division": "430000000000"},
        )
    assert outside.value.status == 403

    out = tmp_path / "county.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "jsxserver.cli", "--database", server.database_url, "report",
         "--division", county, "--period", PERIOD, "--xlsx", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = {r[2].value: r for r in ws.iter_rows(min_row=5) if r[2].value}
    assert rows["在籍会员"][4].value == 2
    names = [c.value for c in openpyxl.load_workbook(out).worksheets[1]["A"] if c.value]
    assert names[-1] == "合计" and len(names) >= 3
    assert json.loads(json.dumps(agg.snapshot))["period"] == PERIOD
