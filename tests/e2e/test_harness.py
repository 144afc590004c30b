"""A server start that cannot succeed leaves no process behind: it would
hold its port and database and slow down every test after it."""

from __future__ import annotations

import signal
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import ServerProcess, group_alive

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="process groups are POSIX")


def _failed_start(server: ServerProcess, **kw: Any) -> str:
    with pytest.raises(RuntimeError) as err:
        server.start(**kw)
    assert server.proc is not None and server.proc.returncode is not None  # reaped
    assert not group_alive(server.proc.pid)
    return str(err.value)


def test_a_server_not_up_in_time_is_killed(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'server.db'}", tmp_path / "server.log")
    message = _failed_start(server, timeout=0)  # still importing: never up in time
    assert "did not answer within" in message
    assert server.proc is not None and server.proc.returncode == -signal.SIGKILL


def test_a_server_that_exits_is_reported_and_gone(tmp_path: Path) -> None:
    server = ServerProcess("nosuchdb://nowhere", tmp_path / "server.log")
    message = _failed_start(server)
    assert "exited with status" in message and "nosuchdb" in message


def test_a_port_already_taken_leaves_nothing_behind(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = ServerProcess(f"sqlite:///{tmp_path / 'server.db'}", tmp_path / "server.log")
        message = _failed_start(server, port=taken.getsockname()[1])
    assert "exited with status" in message and "in use" in message
