"""One exit code per condition, documented where people look, and reached
by the commands (the sync ones against a scripted HTTP server here; the
real server's conditions are in tests/e2e/test_cli_sync.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from jsxclient.cli import main
from jsxclient.cli.exitcodes import ExitCode
from jsxclient.cli.sync import EXIT_BY_KIND
from jsxclient.sync.errors import ErrorKind
from tests.sync.fake_server import Reply, fake_server

README = Path(__file__).resolve().parents[2] / "README.md"
USER, PASSWORD = "clerk", "Passw0rd!x"


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI signs in like the app: here through the environment."""
    monkeypatch.setenv("JSXCLIENT_USER", USER)
    monkeypatch.setenv("JSXCLIENT_PASSWORD", PASSWORD)


def test_every_code_is_its_own() -> None:
    values = [c.value for c in ExitCode]
    assert len(values) == len(set(values)) == len(ExitCode.__members__)  # no aliases
    assert (ExitCode.OK, ExitCode.USAGE, ExitCode.CANCELLED) == (0, 2, 130)  # as argparse, ^C
    for c in ExitCode:
        assert c.zh and c.en and re.search(r"[\u4e00-\u9fff]", c.zh), c


def test_every_sync_failure_kind_has_a_code() -> None:
    assert set(EXIT_BY_KIND) == set(get_args(ErrorKind))
    # Two conditions never share a code.
    assert len(set(EXIT_BY_KIND.values())) == len(EXIT_BY_KIND)
    assert ExitCode.REJECTED not in EXIT_BY_KIND.values()  # refused changes: the receipt


def test_the_table_is_in_help_and_readme(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    rows = {
        int(m[1]): m[0]
        for m in re.findall(r"^(\| (\d+) \|.*)$", README.read_text(encoding="utf-8"), re.M)
    }
    assert sorted(rows) == sorted(c.value for c in ExitCode)
    for c in ExitCode:
        assert f"{c.value} {c.zh}" in out and " ".join(c.en.split()) in out, c
        assert rows[c.value] == f"| {c.value} | `{c.name}` | {c.zh} | {c.en} |"


def test_a_store_that_cannot_be_opened_is_not_a_bug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--store", str(tmp_path), "check"]) == ExitCode.ERROR  # a folder
    err = capsys.readouterr().err
    assert "无法打开数据库" in err and "Traceback" not in err


def _connected(store_path: Path, url: str) -> None:
    from jsxclient.security import vault

    s, _code = vault.migrate_plain(store_path, USER, PASSWORD)  # as the CLI finds it
    s.store.set_meta("server_url", url)
    s.store.set_meta("sync_token", "t" * 32)
    s.close()


def test_sync_before_connect_asks_to_connect(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--store", str(store_path), "sync"]) == ExitCode.AUTH
    assert "请先连接" in capsys.readouterr().err


def test_a_failing_server_is_not_a_bug_here(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_server(lambda _: Reply(500, b"{}")) as (url, seen):
        _connected(store_path, url)
        code = main(["--store", str(store_path), "sync"])
    err = capsys.readouterr().err
    assert code == ExitCode.SERVER, err
    assert len(seen) == 4  # the first try and three retries
    assert "服务器暂时出现故障" in err and "Traceback" not in err


def test_a_reply_that_breaks_the_protocol_is_a_bug(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_server(lambda _: Reply(200, b'{"rows": "not a list"}')) as (url, _):
        _connected(store_path, url)
        code = main(["--store", str(store_path), "sync"])
    err = capsys.readouterr().err
    assert code == ExitCode.BUG, err
    assert "无法识别" in err and "Traceback" not in err


def test_a_demo_store_is_never_connected_nor_synced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from tests.conftest import TOWNSHIP

    store = str(tmp_path / "demo.db")
    assert main(["--store", store, "init", TOWNSHIP]) == ExitCode.OK
    assert main(["--store", store, "demo-data", "--township", TOWNSHIP, "--scale", "0.02"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with fake_server(lambda _: Reply(200, b"{}")) as (url, seen):
        code = main(
            ["--store", store, "connect", url, "--user", USER, "--password-stdin"],
        )
        assert code == ExitCode.DEMO
        assert "演示数据" in capsys.readouterr().err
        assert main(["--store", store, "sync"]) == ExitCode.DEMO
        assert seen == []  # nothing reached the server
