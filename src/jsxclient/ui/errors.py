"""Errors have kinds: environmental ones are told plainly, cancel and
offline stay quiet, everything else is a bug and gets the crash dialog with
the log (STYLE rule 7)."""

from __future__ import annotations

import errno
import logging
import traceback
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.db import OPERATIONAL_ERRORS, StoreError
from jsxclient.ui import i18n
from jsxclient.ui.tasks import Cancelled
from jsxcore.messages import DomainError

log = logging.getLogger("jsxclient.ui")

#: Where the log file is, shown in the crash dialog (set by the app).
LOG_FILE: Path | None = None


def kind(exc: BaseException) -> str:
    """quiet (cancelled/offline/busy), env (expected, shown plainly) or bug."""
    if isinstance(exc, Cancelled):
        return "quiet"
    sync_kind = getattr(exc, "kind", None)
    if isinstance(sync_kind, str) and hasattr(exc, "text"):
        return (
            "quiet"
            if sync_kind in ("offline", "busy", "cancelled")  # busy: the other run does the work
            else ("bug" if sync_kind == "bug" else "env")
        )
    if isinstance(exc, StoreError | PermissionError | DomainError):
        return "env"  # a domain refusal says itself what to do
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EACCES, errno.EROFS):
        return "env"
    if isinstance(exc, OPERATIONAL_ERRORS) and (
        "locked" in str(exc) or "disk" in str(exc) or "full" in str(exc)
    ):
        return "env"
    if isinstance(exc, FileExistsError | FileNotFoundError):
        return "env"
    return "bug"


def message(exc: BaseException) -> str:
    """The text a township worker reads for an expected failure."""
    text = getattr(exc, "text", None)
    if callable(text):
        try:
            return str(text(i18n.lang()))
        except TypeError:
            pass
    if isinstance(exc, StoreError):
        return (
            QCoreApplication.translate(
                "Errors", "无法打开数据库：密钥错误、文件损坏或不是本程序的数据库。"
            )
            + f"\n{exc}"
        )
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return QCoreApplication.translate(
            "Errors", "磁盘已满，无法保存。请清理磁盘后重试，已输入的内容仍在窗口中。"
        )
    if isinstance(exc, PermissionError) or (
        isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EROFS)
    ):
        return (
            QCoreApplication.translate("Errors", "没有权限写入该位置，请换一个文件夹。")
            + f"\n{exc}"
        )
    if isinstance(exc, FileExistsError):
        return QCoreApplication.translate("Errors", "文件已存在，请换一个文件名。") + f"\n{exc}"
    if isinstance(exc, FileNotFoundError):
        return QCoreApplication.translate("Errors", "找不到文件。") + f"\n{exc}"
    if isinstance(exc, OPERATIONAL_ERRORS):
        return (
            QCoreApplication.translate("Errors", "数据库暂时被占用或磁盘出错，请稍后重试。")
            + f"\n{exc}"
        )
    return str(exc)


def show(exc: BaseException, parent: QWidget | None = None, action: str = "") -> None:
    """Tell the user about `exc` according to its kind."""
    k = kind(exc)
    if parent is not None and not shiboken6.isValid(parent):
        parent = None
    if k == "quiet":
        log.info("quiet failure: %s", exc)
        win = parent.window() if parent is not None else None
        bar = getattr(win, "statusBar", None)
        if callable(bar):
            bar().showMessage(message(exc), 8000)
        return
    if k == "env":
        log.warning("%s: %s", action or "action failed", exc)
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(action or QCoreApplication.translate("Errors", "操作未完成"))
        box.setText(message(exc))
        box.setObjectName("envError")
        box.open()
        return
    crash(exc, parent)


class CrashDialog(QDialog):
    def __init__(self, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("程序出错"))
        lay = QVBoxLayout(self)
        where = str(LOG_FILE) if LOG_FILE else ""
        lab = QLabel(
            self.tr(
                "程序遇到了意外错误。已保存的数据不受影响，请把下面的内容和日志文件发给技术支持。"
            )
            + (f"\n{self.tr('日志文件')}: {where}" if where else "")
        )
        lab.setWordWrap(True)
        lay.addWidget(lab)
        details = QPlainTextEdit()
        details.setReadOnly(True)
        details.setPlainText("".join(traceback.format_exception(exc)))
        lay.addWidget(details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(self.tr("复制"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details.toPlainText()))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(640, 420)


#: Every unexpected error shown this session (tests assert it stays empty).
CRASHES: list[BaseException] = []


def crash(exc: BaseException, parent: QWidget | None = None) -> None:
    log.error("unexpected error", exc_info=exc)
    CRASHES.append(exc)
    dlg = CrashDialog(exc, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
