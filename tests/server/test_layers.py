"""The server runs without the desktop client: it imports the shared core
(jsxcore) and nothing of jsxclient, Qt or the client's pinyin and data-dir
libraries (import-linter checks the source; this checks what really loads)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_server_app_loads_no_client_module() -> None:
    code = (
        "import json, sys; import jsxserver.main, jsxserver.cli; "
        "print(json.dumps(sorted(m for m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(out.stdout)
    roots = {m.split(".")[0] for m in loaded}
    assert "jsxcore" in roots and "jsxserver" in roots
    assert not roots & {"jsxclient", "PySide6", "shiboken6", "pypinyin", "sqlcipher3"}
