"""Files private to the user, and removal that overwrites first.

POSIX: the data directory is 0700 and every file we create 0600 (SQLite
creates -wal and -shm with the main file's mode, so creating the main file
0600 first covers them). Windows: the data lives under the user's profile
(%LOCALAPPDATA%), whose ACL already admits only that user, SYSTEM and
administrators; `chmod` there only toggles read-only, so nothing more is done
(docs/security.md).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

POSIX = sys.platform != "win32"


def private_dir(path: Path, tighten: bool = False) -> Path:
    """Create `path` user-only. An existing folder is tightened only when asked
    (the program's own folders): a store put in someone's home folder with
    `--store` must not change that folder's mode."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True)
        tighten = True
    if POSIX and tighten:
        with contextlib.suppress(OSError):  # not ours to change (e.g. /tmp itself)
            os.chmod(path, 0o700)
    return path


def make_private(path: Path) -> None:
    if POSIX and path.exists():
        os.chmod(path, 0o600)


def create_private(path: Path) -> None:
    """Create an empty file readable by the user only (if it does not exist)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    make_private(path)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (temp file + rename), mode 0600."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        make_private(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush, then delete it. On SSDs and
    copy-on-write file systems the old blocks may survive the overwrite;
    docs/security.md recommends full-disk encryption for that reason."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    try:
        with path.open("r+b") as f:
            chunk = b"\0" * (1 << 20)
            left = size
            while left > 0:
                n = min(left, len(chunk))
                f.write(chunk[:n])
                left -= n
            f.flush()
            os.fsync(f.fileno())
    finally:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def private_tempdir(base: Path) -> Iterator[Path]:
    """A private folder beside the store for work files (exports being
    written, restores being checked); shredded on the way out."""
    root = private_dir(base / "tmp", tighten=True)
    d = Path(tempfile.mkdtemp(dir=root))
    if POSIX:
        os.chmod(d, 0o700)
    try:
        yield d
    finally:
        for p in sorted(d.rglob("*"), reverse=True):
            if p.is_file():
                shred(p)
            else:
                with contextlib.suppress(OSError):
                    p.rmdir()
        with contextlib.suppress(OSError):
            d.rmdir()


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive OS lock on `path` (created if missing), released on exit
    or when the process dies. Serialises read-modify-write of the key file
    across processes (the app and a scheduled `jsxclient sync`)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            import msvcrt
            import time

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock on both platforms
