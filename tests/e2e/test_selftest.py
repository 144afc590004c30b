"""The installation self-test (what the release build runs on the frozen
program), here from the source tree against a real server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.harness import PASSWORD, ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def test_the_self_test_passes_and_syncs(server: ServerProcess, tmp_path: Path) -> None:
    user = server.make_user("430105003000", role="township_admin")  # the self-test's demo township
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSXCLIENT_")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "installer" / "launch.py"),
            "--self-test",
            "--test-server",
            server.url,
            "--user",
            user,
            "--password-stdin",
            "--keep",
            str(tmp_path / "work"),
        ],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    for name in ("reference data", "encrypted store", "spreadsheets", "printing", "main window"):
        assert f"ok    {name}" in res.stdout, name
    assert "ok    sync with the server" in res.stdout
    assert "self-test passed" in res.stdout
