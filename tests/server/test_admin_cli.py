"""The ``jsxserver`` command line: clear messages and non-zero exits on bad
input, and a real ``serve`` in a subprocess."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from jsxserver.cli import main
from tests.server.support import START_TIMEOUT

GOOD = "Hunan-2024!"


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'admin.db'}"
    assert main(["--database", url, "admin", "import-divisions", "--no-associations"]) == 0
    return url


def _run(url: str, *args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--database", url, "admin", *args])


def test_create_user_and_manage_devices(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _run(
            db_url,
            "create-user",
            "clerk1",
            "--role",
            "township_worker",
            "--division",
            "430105003000",
            "--display-name",
            "王会计",
            "--password-stdin",
            stdin=GOOD + "\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert "created township_worker clerk1" in capsys.readouterr().out
    assert _run(db_url, "list-devices", "--user", "clerk1", monkeypatch=monkeypatch) == 0
    assert "no devices" in capsys.readouterr().out
    assert _run(db_url, "unlock-user", "clerk1", monkeypatch=monkeypatch) == 0
    assert (
        _run(
            db_url,
            "set-password",
            "clerk1",
            "--password-stdin",
            stdin="Another-pass-1\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            [
                "create-user",
                "x1",
                "--role",
                "township_worker",
                "--division",
                "439999999999",
                "--password-stdin",
            ],
            GOOD,
            "unknown division",
        ),
        (
            [
                "create-user",
                "x2",
                "--role",
                "township_worker",
                "--division",
                "430105000000",
                "--password-stdin",
            ],
            GOOD,
            "must be a township or a village",
        ),
        (
            [
                "create-user",
                "x3",
                "--role",
                "read_only",
                "--division",
                "430105003000",
                "--password-stdin",
            ],
            "short",
            "at least 8 characters",
        ),
        (
            [
                "create-user",
                "x4",
                "--role",
                "read_only",
                "--division",
                "430105003000",
                "--password-stdin",
            ],
            "alllowercase",
            "at least three",
        ),
        (
            [
                "create-user",
                "x5",
                "--role",
                "read_only",
                "--division",
                "430105003000",
                "--password-stdin",
            ],
            "",
            "no password",
        ),
        (
            [
                "create-user",
                "bad name!",
                "--role",
                "read_only",
                "--division",
                "430105003000",
                "--password-stdin",
            ],
            GOOD,
            "username",
        ),
        (["revoke-device", "nosuchdevice"], "", "no device"),
        (["unlock-user", "nosuchuser"], "", "no user"),
    ],
)
def test_bad_admin_requests(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    assert _run(db_url, *args, stdin=stdin + "\n" if stdin else "", monkeypatch=monkeypatch) == 2
    assert message in capsys.readouterr().err


def test_argument_errors_exit_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        [],
        ["admin"],
        ["admin", "create-user", "x", "--role", "boss", "--division", "430105003000"],
        ["serve", "--port", "x"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_serve_refuses_workers_on_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--database", url, "serve", "--workers", "2"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_unknown_setting_in_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JSXSERVER_TOKEN_DAYZ", "3")
    assert main(["admin", "unlock-user", "x"]) == 2
    assert "JSXSERVER_TOKEN_DAYZ" in capsys.readouterr().err


def test_serve_in_a_subprocess(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSXSERVER_")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jsxserver.cli",
            "serve",
            "--port",
            str(port),
            "--database",
            f"sqlite:///{tmp_path / 'served.db'}",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["database"] == "sqlite"
        spec = requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5).json()
        assert "/api/v1/push" in spec["paths"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave it holding the port
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
