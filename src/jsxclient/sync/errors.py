"""Kinds of sync failure, each with text for the worker in Chinese and English.

Environmental failures (offline, expired login, a change the server refused)
are expected and shown plainly; `SyncBugError` and `ServerError` mean a bug
somewhere and go to the crash dialog with a log. A failure never leaves the
store half-changed: every stage commits whole batches or pages only.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

ErrorKind = Literal[
    "offline",
    "auth",
    "incompatible",
    "rejected",
    "server",
    "busy",
    "bug",
    "cancelled",
    "damaged",
    "demo",
]


class SyncError(Exception):
    kind: ClassVar[ErrorKind] = "bug"
    default_zh: ClassVar[str] = "同步出错"
    default_en: ClassVar[str] = "Sync failed"

    def __init__(self, detail: str = "", zh: str | None = None, en: str | None = None) -> None:
        self.zh = zh or self.default_zh
        self.en = en or self.default_en
        self.detail = detail
        # The receipt of the run that failed, attached by the engine.
        self.receipt: Any = None
        super().__init__(f"{self.en}: {detail}" if detail else self.en)

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


class DemoStoreError(SyncError):
    """Demo data never reaches a server: fake people must not mix with real ones."""

    kind = "demo"
    default_zh = (
        "这是演示数据，不能连接服务器或同步。要正式使用，请在“设置”中点“开始正式使用”，"
        "用空白数据重新开始。"
    )
    default_en = (
        "This is demo data: it cannot be connected to a server or synced. To start real "
        "work, click *Start for real* in Settings to begin with empty data."
    )


class OfflineError(SyncError):
    kind = "offline"
    default_zh = "无法连接服务器，请检查网络后再同步。未同步的数据已安全保存在本机。"
    default_en = (
        "The server cannot be reached. Check the network and sync again; "
        "unsynced records are kept safely on this computer."
    )


class AuthExpiredError(SyncError):
    kind = "auth"
    default_zh = "登录已过期或密码已更改，请重新连接服务器。"
    default_en = "The login has expired or the password changed; connect to the server again."


class ServerIncompatibleError(SyncError):
    kind = "incompatible"
    default_zh = "服务器版本与本程序不兼容，请更新程序。"
    default_en = "The server does not accept this version of the program; please update it."


class ClientTooOldError(ServerIncompatibleError):
    """The server no longer takes this program: the worker must update it.
    Raised before anything is sent that could change data on either side."""

    default_zh = "本程序版本过旧，服务器不再接受，请更新程序后再同步。"
    default_en = "This program is too old for the server; please update it, then sync."


class ServerTooOldError(ServerIncompatibleError):
    """The server is older than this program (an administrator must update it)."""

    default_zh = "服务器的版本较旧，还不支持本程序，请联系管理员升级服务器。"
    default_en = "The server is older than this program; ask an administrator to update it."


class RejectedError(SyncError):
    """The server refused a request (4xx) and said why."""

    kind = "rejected"
    default_zh = "服务器拒绝了请求"
    default_en = "The server refused the request"

    def __init__(
        self,
        detail: str = "",
        zh: str | None = None,
        en: str | None = None,
        code: str = "",
        status: int = 0,
    ) -> None:
        super().__init__(detail, zh, en)
        self.code = code
        self.status = status


class ServerError(SyncError):
    kind = "server"
    default_zh = "服务器暂时出现故障，请稍后再同步。"
    default_en = "The server has a problem; please sync again later."


class SyncBugError(SyncError):
    """The server's reply does not match the protocol; nothing was changed."""

    kind = "bug"
    default_zh = "服务器的回复无法识别，本机数据未作任何改动。"
    default_en = "The server's reply could not be understood; nothing was changed here."


class SyncCancelled(SyncError):
    kind = "cancelled"
    default_zh = "同步已取消，已完成的部分已保存。"
    default_en = "Sync cancelled; what was done so far is saved."


class NotConnectedError(SyncError):
    kind = "auth"
    default_zh = "本机尚未连接服务器，请先连接。"
    default_en = "This computer is not connected to a server yet; connect first."


class InsecureServerError(SyncError):
    """An http:// address of another computer: the password would travel in clear."""

    kind = "rejected"
    default_zh = (
        "服务器地址必须以 https:// 开头（本机测试服务器除外），否则密码会以明文在网络上传输。"
    )
    default_en = (
        "The server address must start with https:// (except a test server on this "
        "computer): otherwise the password would cross the network in clear."
    )


class DamagedStoreError(SyncError):
    """The store's file is damaged: syncing it could spread the damage."""

    kind = "damaged"
    default_zh = (
        "本机数据文件已损坏，已停止同步以免影响服务器上的数据。请从备份恢复"
        "（设置 → 数据备份），或联系技术支持。"
    )
    default_en = (
        "The data file on this computer is damaged; sync stopped so the damage does not "
        "reach the server. Restore a backup (Settings → Backups) or call support."
    )
