"""Errors the API answers with: a stable code plus Chinese and English text,
always in the protocol's ErrorResponse shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsxcore.compat import server_too_old_text, too_old_text
from jsxcore.protocol import ErrorBody, ErrorResponse


@dataclass(frozen=True)
class Reason:
    """A stable machine code and its text in both languages."""

    code: str
    zh: str
    en: str

    def body(self) -> dict[str, Any]:
        return ErrorResponse(error=ErrorBody(code=self.code, zh=self.zh, en=self.en)).model_dump()


class ApiError(Exception):
    def __init__(self, status: int, reason: Reason, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {reason.code}: {reason.en}")
        self.status = status
        self.reason = reason
        self.headers = headers


AUTH_REQUIRED = Reason("auth.required", "请先登录", "Please log in first")
AUTH_INVALID = Reason("auth.invalid", "用户名或密码错误", "Wrong username or password")
TOKEN_INVALID = Reason(
    "auth.token_invalid", "登录已失效，请重新登录", "Your session is no longer valid; log in again"
)
TOKEN_EXPIRED = Reason(
    "auth.token_expired", "登录已过期，请重新登录", "Your session has expired; log in again"
)
DEVICE_REVOKED = Reason(
    "auth.device_revoked",
    "此设备已被管理员停用，请联系县级或省级管理员",
    "This device has been revoked by an administrator; contact your county or province admin",
)
DEVICE_FOREIGN = Reason(
    "auth.device_foreign",
    "此设备编号已属于其他乡镇的账号，不能用本账号登录；请在本乡镇的电脑上登录",
    "This device id belongs to an account of another township; log in on a computer "
    "of your own township",
)
PASSWORD_REUSED = Reason(
    "auth.password_same",
    "新密码不能与旧密码相同",
    "The new password must differ from the old one",
)
USER_DISABLED = Reason(
    "auth.user_disabled", "此账号已停用，请联系管理员", "This account is disabled; contact an admin"
)
READ_ONLY = Reason(
    "scope.read_only",
    "您的账号只能查看数据，不能上传修改",
    "Your account can only read data; it cannot upload changes",
)
BATCH_FOREIGN = Reason(
    "push.batch_foreign",
    "批次编号已被其他设备使用",
    "This batch id was already used by another device",
)
BATCH_FAILED = Reason(
    "push.batch_failed",
    "这批修改无法保存（包含重复的修改编号），全部未保存，请重试",
    "This batch could not be saved (it repeats a change id); nothing was saved, try again",
)
CURSOR_EXPIRED = Reason(
    "sync.cursor_expired",
    "本机上次同步太久以前，服务器已不保留这段修改记录，将重新下载本辖区数据（未上传的修改会保留）",
    "This device last synced longer ago than the server keeps history: it downloads its "
    "area again (edits not yet sent are kept)",
)
BAD_TEXT = Reason(
    "request.bad_text",
    "数据中含有无效字符（空字符或不成对的代理项）或非有限数字",
    "The data contains invalid characters (NUL or lone surrogates) or non-finite numbers",
)
TOO_DEEP = Reason(
    "request.too_deep",
    "上传的数据嵌套层数过多，不是本程序发出的格式",
    "The request nests too deeply; it is not what the program sends",
)
UNREADABLE_BODY = Reason(
    "request.unreadable",
    "无法读取上传的数据（不是有效的 JSON，或嵌套层数过多）",
    "The request body cannot be read (not valid JSON, or nested too deeply)",
)
TOO_LARGE = Reason("request.too_large", "上传的数据太大", "The request body is too large")
TOO_MANY = Reason("push.too_many_changes", "一次上传的修改太多", "Too many changes in one batch")
BAD_GZIP = Reason(
    "request.bad_encoding", "上传的数据无法解压", "The request body could not be decompressed"
)
BAD_ENCODING = Reason("request.bad_encoding", "不支持的内容编码", "Unsupported Content-Encoding")
PROTOCOL = Reason("protocol.incompatible", *server_too_old_text())
NOT_FOUND = Reason("http.not_found", "请求的地址不存在", "No such endpoint")
SERVER_ERROR = Reason(
    "server.error",
    "服务器内部错误，已记录，请稍后重试",
    "Internal server error; it has been logged, please try again later",
)
DB_UNAVAILABLE = Reason(
    "server.db_unavailable", "服务器数据库暂不可用", "The server database is not reachable"
)


def client_too_old(have: str, need: str | None, download_url: str | None) -> Reason:
    return Reason("client.too_old", *too_old_text(have, need, download_url))


def bad_header(name: str) -> Reason:
    return Reason(
        "request.bad_header",
        f"请求头 {name} 的值无效（只能是 ASCII 数字和版本号）",
        f"The {name} header is invalid (ASCII digits and version numbers only)",
    )


def invalid_request(detail: str) -> Reason:
    return Reason(
        "request.invalid", f"请求格式不正确：{detail}", f"The request is malformed: {detail}"
    )


def weak_password(zh: str, en: str) -> Reason:
    return Reason("auth.password_weak", zh, en)


def locked(minutes: int) -> Reason:
    return Reason(
        "auth.locked",
        f"密码错误次数过多，账号已锁定，请{minutes}分钟后再试或联系管理员解锁",
        f"Too many failed logins: the account is locked; try again in {minutes} minutes "
        "or ask an admin to unlock it",
    )


def http_status(status: int) -> Reason:
    texts = {
        400: ("请求无效", "Bad request"),
        401: ("请先登录", "Please log in first"),
        403: ("没有权限", "Forbidden"),
        404: ("请求的地址不存在", "No such endpoint"),
        405: ("不支持此请求方法", "Method not allowed"),
        413: ("上传的数据太大", "The request body is too large"),
        415: ("不支持的数据类型", "Unsupported media type"),
    }
    zh, en = texts.get(status, ("请求失败", f"HTTP error {status}"))
    return Reason(f"http.{status}", zh, en)
