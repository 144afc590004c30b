"""The Windows installer script (installer/jsxclient.nsi): its promises read from the
script, and a real compile with makensis (a stub payload here; CI compiles the real
bundle in its release step).

What CI cannot prove: that the compiled installer behaves on Windows (closing a running
client, the per-user registry entries, the uninstaller's data page). Those are read from
the script below and must be tried on a Windows PC before a release (docs/operations.md).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from jsxclient.store.db import APP_AUTHOR, APP_NAME

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "installer" / "jsxclient.nsi"
SPEC = ROOT / "installer" / "jsxclient.spec"
MAKENSIS = shutil.which("makensis")
needs_makensis = pytest.mark.skipif(
    MAKENSIS is None, reason="makensis not installed (./dev test installs nsis as root)"
)


def script() -> str:
    return NSI.read_text("utf-8-sig")


def lines() -> list[str]:
    """The script's statements: comments and blank lines dropped, whitespace trimmed."""
    out = []
    for raw in script().splitlines():
        line = raw.strip()
        if line and not line.startswith(";"):
            out.append(line)
    return out


def define(name: str) -> str:
    m = re.search(rf'^\s*!define\s+{name}\s+"([^"]*)"', script(), re.M)
    assert m, f"no !define {name}"
    return m.group(1)


def block(start: str, end: str) -> list[str]:
    """The statements from the line starting with `start` to the next starting with `end`."""
    ls = lines()
    i = next(n for n, line in enumerate(ls) if line.startswith(start))
    j = next(n for n in range(i + 1, len(ls)) if ls[n].startswith(end))
    return ls[i : j + 1]


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def spec_setting(name: str) -> object:
    for node in ast.parse(SPEC.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return ast.literal_eval(node.value)
    raise AssertionError(name)


def test_utf8_with_bom_and_unicode() -> None:
    # Without the BOM makensis reads the script in the ANSI code page: garbled Chinese.
    assert NSI.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Unicode true" in lines()


def test_per_user_without_administrator_rights() -> None:
    ls = lines()
    assert "RequestExecutionLevel user" in ls
    assert not any("RequestExecutionLevel admin" in line for line in ls)
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\jsxclient"' in ls
    assert "SetShellVarContext all" not in script()  # shortcuts in the user's own menus
    registry = [line for line in ls if re.match(r"(Write|Delete)Reg", line)]
    assert registry and all(" HKCU " in f" {line} " for line in registry), registry
    assert "HKLM" not in script()


def test_defaults_match_the_project() -> None:
    assert define("VERSION") == version()
    nums = [int(n) for n in re.findall(r"\d+", version())][:4]
    assert define("VERSION_QUAD") == ".".join(map(str, nums + [0] * (4 - len(nums))))
    assert define("APP_EXE") == f"{spec_setting('GUI_NAME')}.exe"
    assert define("CLI_EXE") == f"{spec_setting('CLI_NAME')}.exe"
    assert define("APP_NAME") == spec_setting("APP_TITLE") == "计生协数据采集"
    # The data folder the uninstaller talks about is the one the program uses.
    assert define("DATA_SUBDIR") == f"{APP_AUTHOR}\\{APP_NAME}"
    assert define("DATA_PARENT") == APP_AUTHOR
    icon = (NSI.parent / define("ICON").replace("\\", "/")).resolve()
    assert icon.is_file() and icon.read_bytes()[:4] == b"\0\0\1\0"


def test_chinese_first_and_english() -> None:
    langs = re.findall(r'^!insertmacro MUI_LANGUAGE "(\w+)"', "\n".join(lines()), re.M)
    assert langs == ["SimpChinese", "English"]  # the first is used when Windows speaks neither
    strings: dict[str, set[str]] = {}
    for name, lang in re.findall(r"^LangString (\w+) \$\{LANG_(\w+)\}", script(), re.M):
        strings.setdefault(name, set()).add(lang)
    assert strings and all(v == {"SIMPCHINESE", "ENGLISH"} for v in strings.values()), strings
    used = set(re.findall(r"\$\((\w+)\)", script()))
    assert used <= set(strings), used - set(strings)


def test_start_menu_and_desktop_shortcuts() -> None:
    program = block('Section "$(SecProgram)"', "SectionEnd")
    assert any(
        line.startswith('CreateShortcut "$SMPROGRAMS\\${APP_NAME}.lnk" "$INSTDIR\\${APP_EXE}"')
        for line in program
    )
    desktop = block('Section "$(SecDesktop)" SecDesktop', "SectionEnd")
    assert any(line.startswith('CreateShortcut "$DESKTOP\\${APP_NAME}.lnk"') for line in desktop)
    init = block("Function .onInit", "FunctionEnd")
    assert '${GetOptions} $R0 "/NODESKTOP" $R1' in init
    assert "!insertmacro UnselectSection ${SecDesktop}" in init


def test_an_update_closes_the_client_and_replaces_the_program_only() -> None:
    assert 'InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"' in lines()
    program = block('Section "$(SecProgram)"', "SectionEnd")
    order = [
        program.index("Call CloseRunning"),
        program.index('RMDir /r "$INSTDIR\\_internal"'),
        program.index('File /r "${DIST_DIR}\\*.*"'),
    ]
    assert order == sorted(order)
    # Running executables are detected by their lock, asked about, closed politely first.
    closing = block("!macro CloseRunning UN", "!macroend")
    assert '!insertmacro IsRunning "$INSTDIR\\${APP_EXE}"' in closing
    assert '!insertmacro IsRunning "$INSTDIR\\${CLI_EXE}"' in closing
    kills = [line for line in closing if "taskkill.exe" in line]
    assert " /F " not in kills[0] and all("USERNAME eq" in k for k in kills)


def test_the_data_is_kept_unless_the_worker_ticks_remove_and_confirms() -> None:
    data = ("${DATA_SUBDIR}", "${DATA_PARENT}")
    uninstall = block('Section "Uninstall"', "SectionEnd")
    removals = [n for n, line in enumerate(uninstall) if any(d in line for d in data)]
    assert removals, "the uninstaller never removes the data, even when asked"
    guard = uninstall.index("${If} $RemoveData == ${BST_CHECKED}")
    end = uninstall.index("${EndIf}", guard)
    assert all(guard < n < end for n in removals)
    # Nowhere else does the script touch the data folder.
    outside = [
        line
        for line in lines()
        if any(d in line for d in data)
        and re.match(r"(RMDir|Delete|Rename|File)\b", line)
        and line not in uninstall
    ]
    assert not outside, outside
    # Unticked by default, and always so in a silent uninstall (no pages are shown).
    assert "StrCpy $RemoveData ${BST_UNCHECKED}" in block("Function un.onInit", "FunctionEnd")
    page = block("Function un.DataPage", "FunctionEnd")
    assert "${NSD_SetState} $RemoveDataBox $RemoveData" in page
    leave = "\n".join(block("Function un.DataPageLeave", "FunctionEnd"))
    assert "MB_DEFBUTTON2" in leave and "$(RemoveDataConfirm)" in leave and "IDNO" in leave
    # Only the installer's own files go; a /D= folder may hold other files.
    assert not any(re.match(r'RMDir /r "\$INSTDIR"', line) for line in lines())
    assert 'RMDir "$INSTDIR"' in uninstall


def test_silent_installs_never_wait_for_a_click() -> None:
    # Page callbacks (the data page) are not run in silent mode; everything else must
    # answer by itself (/SD) when the installer runs with /S.
    page_leave = block("Function un.DataPageLeave", "FunctionEnd")
    boxes = [line for line in lines() if "MessageBox" in line and line not in page_leave]
    assert boxes and all("/SD " in line for line in boxes), boxes


def stub_payload(folder: Path, with_exe: bool = True) -> Path:
    (folder / "_internal").mkdir(parents=True)
    names = ["jsxclient-cli.exe", "_internal/python311.dll"]
    for name in [*names, "jsxclient.exe"] if with_exe else names:
        (folder / name).write_bytes(b"MZ stub")
    return folder


def makensis(payload: Path, out: Path) -> subprocess.CompletedProcess[str]:
    assert MAKENSIS is not None
    return subprocess.run(
        [MAKENSIS, "-V2", "-WX", f"-DDIST_DIR={payload}", f"-DOUT_FILE={out}", str(NSI)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@needs_makensis
def test_makensis_compiles_the_script(tmp_path: Path) -> None:
    out = tmp_path / "jsxclient-setup-test.exe"
    res = makensis(stub_payload(tmp_path / "payload"), out)
    assert res.returncode == 0, res.stdout + res.stderr  # -WX: no warnings either
    assert out.read_bytes()[:2] == b"MZ"


@needs_makensis
def test_makensis_refuses_a_payload_without_the_program(tmp_path: Path) -> None:
    out = tmp_path / "jsxclient-setup-test.exe"
    res = makensis(stub_payload(tmp_path / "payload", with_exe=False), out)
    assert res.returncode != 0 and "no jsxclient.exe in" in res.stdout + res.stderr
    assert not out.exists()
