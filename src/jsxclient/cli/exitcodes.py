"""The one table of `jsxclient` exit codes.

A scheduled job (the day's-end `sync`, a nightly `backup`) reads the status
instead of the output, so each condition has a code of its own and a code
never changes its meaning. README.md ("Command line") and `--help` show this
table; a test keeps them in step.
"""

from __future__ import annotations

import textwrap
from enum import IntEnum


class ExitCode(IntEnum):
    zh: str
    en: str

    def __new__(cls, value: int, zh: str, en: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        member.en = en
        return member

    OK = 0, "完成", "done"
    ERROR = (
        1,
        "失败，原因见提示（输入有误、没有数据库或密钥错误、检查发现问题、文件不能导入等）",
        "failed; the message says why (bad input, no store or a wrong key, check found "
        "problems, backup or restore refused, a file that cannot be imported)",
    )
    USAGE = 2, "命令行用法错误", "bad command line (unknown command or option, missing argument)"
    OFFLINE = (
        3,
        "无法连接服务器；数据已保存在本机，稍后再同步",
        "the server cannot be reached; nothing is lost, sync again later",
    )
    AUTH = (
        4,
        "密码错误、登录已过期或本机尚未连接：请（重新）运行 connect",
        "wrong password, login expired or not connected yet: run `jsxclient connect`",
    )
    REJECTED = (
        5,
        "部分修改被服务器拒绝：请在程序中修改后再同步",
        "some changes were refused by the server: fix them in the app and sync again",
    )
    INCOMPATIBLE = (
        6,
        "服务器要求更新本程序",
        "the server needs a newer version of this program",
    )
    BUSY = (
        7,
        "本数据库的另一个同步正在进行",
        "another sync of this store is running",
    )
    SERVER = (
        8,
        "服务器故障，请稍后再试",
        "the server failed (HTTP 5xx); try again later",
    )
    REFUSED = (
        9,
        "服务器拒绝了请求（如账号已停用或被锁定、只读账号），请联系管理员",
        "the server refused the request (e.g. account disabled or locked, read-only "
        "account): ask an administrator",
    )
    NO_DISPLAY = (
        10,
        "没有图形显示，无法打开桌面程序",
        "no graphical display, so the desktop app cannot open",
    )
    ROWS_REFUSED = (
        11,
        "导入：有些行有错误，因此未写入任何数据（报告说明原因；--skip-bad-rows 导入其余的行）",
        "import: some rows were refused, so nothing was written (the report says why; "
        "--skip-bad-rows imports the others)",
    )
    PARTIAL = (
        12,
        "导入（--skip-bad-rows）：正确的行已导入，有些行被拒绝",
        "import with --skip-bad-rows: the good rows were imported, some were refused",
    )
    DEMO = (
        13,
        "这是演示数据，不能连接服务器或同步（在程序“设置”中开始正式使用）",
        "this is demo data: it is never connected to a server nor synced (start for real "
        "in the app's Settings)",
    )
    BUG = (
        70,
        "程序内部错误（请把提示发给技术支持）",
        "internal error, a bug (send the message to support)",
    )
    CANCELLED = 130, "已取消（Ctrl-C）", "cancelled (Ctrl-C)"


def epilog() -> str:
    """The table for `jsxclient --help`."""
    lines = ["退出码 / exit codes:"]
    for c in ExitCode:
        lines.append(f"  {c.value:>3}  {c.zh}")
        lines += textwrap.wrap(c.en, 72, initial_indent=" " * 7, subsequent_indent=" " * 7)
    return "\n".join(lines)
