"""Signing in to the store (no Qt): create, unlock, lock out, change a
password, recover with the recovery code, add a colleague, migrate an old
plain store. The desktop's login screen and the CLI both call these.

The data key is 32 random bytes, made once per store; the key file beside
the store holds it wrapped per user and by the recovery code
(`jsxclient.security.keyfile`). A session keeps the unwrapped key in memory
while it is signed in: re-wrapping for a password change or a new colleague
needs it; signing out or the idle lock drop the session.

Device lockout: after `MAX_FAILURES` wrong passwords for a user name (known
or not: the answer is the same) the name is locked on this device for
`LOCK_MINUTES`. The attempt is counted in the key file *before* the slow
KDF, under the file's OS lock, so parallel guesses (two processes, many
threads) get `MAX_FAILURES` tries in all, not more. Failures are written to
the audit log at the next successful sign-in (the log is inside the
encrypted store, which a failed sign-in cannot open).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jsxclient.security import files, kdf, keyfile
from jsxclient.security.keyfile import Failures, KeyFile, KeyFileError, keyfile_path
from jsxclient.store import accounts
from jsxclient.store.accounts import Account
from jsxclient.store.db import DAMAGE_ERRORS, DB_ERRORS, StoreError, is_damage, legacy_key
from jsxclient.store.store import Store
from jsxcore.passwords import check_offline_verifier, password_problem
from jsxcore.roles import ROLES

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCK_MINUTES = 15
RECOVERY_NAME = "*recovery*"  # the lockout counter of the recovery code
SQLITE_MAGIC = b"SQLite format 3\0"


class LoginError(Exception):
    """Sign-in refused; `text(lang)` is what the worker reads."""

    kind = "auth"

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.code, self.zh, self.en = code, zh, en

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


def invalid() -> LoginError:
    return LoginError("login.invalid", "用户名或密码错误。", "Wrong user name or password.")


def locked(minutes: int) -> LoginError:
    return LoginError(
        "login.locked",
        f"密码连续输错次数过多，此账号在本机已锁定，请 {minutes} 分钟后再试，或请乡镇管理员解锁。",
        f"Too many wrong passwords: this account is locked on this computer. Try again in "
        f"{minutes} minutes or ask the township administrator to unlock it.",
    )


def not_registered() -> LoginError:
    return LoginError(
        "login.not_here",
        "此账号尚未在本机登记。请联网后用服务器账号登录，或请本机已登记的同事登录后在"
        "“设置 → 本机账号”中添加您。",
        "This account is not registered on this computer. Sign in online with your server "
        "account, or ask a colleague registered here to add you (Settings → Accounts on this "
        "computer).",
    )


def weak_password(zh: str, en: str) -> LoginError:
    return LoginError("password.weak", zh, en)


@dataclass
class Session:
    """A signed-in worker and the unlocked store."""

    store: Store
    username: str
    role: str
    display_name: str
    key: bytes

    @property
    def path(self) -> Path:
        return self.store.db.path

    def close(self) -> None:
        self.store.close()


# -- inspecting a store path ------------------------------------------------------


def is_plain(path: Path) -> bool:
    """An old, unencrypted store (SQLite's magic at the start)."""
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def needs_setup(path: Path) -> bool:
    """No store here yet: the first run."""
    return not path.exists() and not keyfile_path(path).exists()


def registered_users(path: Path) -> list[str]:
    try:
        return sorted(KeyFile.load(keyfile_path(path)).slots)
    except KeyFileError:
        return []


def keyfile_info(path: Path) -> KeyFile | None:
    try:
        return KeyFile.load(keyfile_path(path))
    except KeyFileError:
        return None


def _now() -> datetime:
    return datetime.now()


def _pending(user: str, action: str, result: str, detail: str = "") -> dict[str, Any]:
    return {
        "id": secrets.token_hex(8),
        "at": _now().isoformat(sep=" ", timespec="seconds"),
        "user": user,
        "action": action,
        "result": result,
        "detail": detail,
    }


# -- creating ------------------------------------------------------------------------


def create(
    path: Path,
    username: str,
    password: str,
    *,
    role: str,
    display_name: str = "",
    division_code: str = "",
    source: str = "local",
    township: str | None = None,
    check_policy: bool = True,
) -> tuple[Session, str]:
    """A new encrypted store with its first account; returns the session and
    the recovery code to show once."""
    path = Path(path)
    if path.exists() or keyfile_path(path).exists():
        raise StoreError(f"{path} exists")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if check_policy:
        problem = password_problem(password)
        if problem is not None:
            raise weak_password(problem.zh, problem.en)
    files.private_dir(path.parent)
    key = secrets.token_bytes(32)
    kf = KeyFile(keyfile_path(path), secrets.token_hex(16), township)
    kf.set_password(key, username, password)
    code = kf.set_recovery(key)
    kf.save()
    store = Store.open(path, key, user=username, role=role)
    with store.transaction() as tx:
        accounts.upsert(
            tx.conn, Account(username, display_name or username, role, division_code, source)
        )
        if township:
            store.set_meta("township_code", township, tx.conn)
        store.audit("account", username, detail=f"created, role {role}", conn=tx.conn)
        store.audit("login", username, conn=tx.conn)
    return Session(store, username, role, display_name or username, key), code


# -- unlocking -----------------------------------------------------------------------


def _reserve(path: Path, name: str) -> KeyFile:
    """Count an attempt before trying it (see the module's docstring)."""

    def go(kf: KeyFile) -> tuple[KeyFile, int | None]:
        f = kf.failures.setdefault(name, Failures())
        if f.locked_until:
            until = datetime.fromisoformat(f.locked_until)
            if until > _now():
                kf.pending_audit.append(_pending(name, "login", "refused", "locked"))
                return kf, math.ceil((until - _now()).total_seconds() / 60)
            f.locked_until, f.count = None, 0
        if f.count >= MAX_FAILURES:  # other attempts in flight used the tries
            kf.pending_audit.append(_pending(name, "login", "refused", "locked"))
            return kf, LOCK_MINUTES
        f.count += 1
        return kf, None

    kf, wait = keyfile.update(keyfile_path(path), go)
    if wait is not None:
        raise locked(wait)
    return kf


def _failed(path: Path, name: str, action: str = "login") -> LoginError:
    def go(kf: KeyFile) -> LoginError:
        f = kf.failures.setdefault(name, Failures())
        kf.pending_audit.append(_pending(name, action, "failure", f"attempt {f.count}"))
        if f.count >= MAX_FAILURES:
            f.locked_until = (_now() + timedelta(minutes=LOCK_MINUTES)).isoformat(
                sep=" ", timespec="seconds"
            )
            kf.pending_audit.append(_pending(name, action, "refused", "locked"))
            return locked(LOCK_MINUTES)
        return invalid()

    return keyfile.update(keyfile_path(path), go)


def _succeeded(path: Path, name: str, key: bytes, password: str | None) -> list[dict[str, Any]]:
    """Clear the counter, re-wrap a slot below today's KDF cost, and hand
    over the failures waiting for the audit log."""

    def go(kf: KeyFile) -> list[dict[str, Any]]:
        kf.failures.pop(name, None)
        slot = kf.slots.get(name)
        if password is not None and slot is not None and slot.kdf.weaker_than(kdf.current()):
            kf.set_password(key, name, password)
        return list(kf.pending_audit)

    return keyfile.update(keyfile_path(path), go)


def _flushed(path: Path, ids: set[str]) -> None:
    def go(kf: KeyFile) -> None:
        kf.pending_audit = [e for e in kf.pending_audit if e.get("id") not in ids]

    keyfile.update(keyfile_path(path), go)


def open_store(path: Path, key: bytes, username: str) -> tuple[Store, Account | None]:
    """Open the encrypted store as `username`, with the role recorded for
    them (read-only when there is none)."""
    store = Store.open(path, key, user=username, role="read_only")
    acct = accounts.get(store.db.connection(), username)
    store.role = acct.role if acct is not None and acct.role in ROLES else "read_only"
    return store, acct


def _tighten(path: Path) -> None:
    """The program's own data folder, which older versions made 0755."""
    from jsxclient.store.db import default_data_dir

    if path.parent == default_data_dir():
        files.private_dir(path.parent, tighten=True)


def _start(path: Path, key: bytes, username: str, password: str | None, how: str) -> Session:
    _tighten(path)
    pending = _succeeded(path, username, key, password)
    try:
        store, acct = open_store(path, key, username)
    except DB_ERRORS as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    try:
        with store.transaction() as tx:
            for e in pending:
                store_user, store.user = store.user, str(e.get("user", ""))
                try:
                    store.audit(
                        e.get("action", "login"),
                        str(e.get("user", "")),
                        e.get("result", "failure"),
                        str(e.get("detail", "")),
                        conn=tx.conn,
                    )
                finally:
                    store.user = store_user
            store.audit("login", username, detail=how, conn=tx.conn)
    except DAMAGE_ERRORS as exc:
        if not is_damage(exc):
            raise
        # A damaged store still opens, so that check and restore can run;
        # the entries wait in the key file.
        log.warning("audit log not writable (damaged store): %s", exc)
    else:
        if pending:
            _flushed(path, {str(e.get("id")) for e in pending})
    role = store.role or "read_only"
    return Session(store, username, role, acct.display_name if acct else username, key)


def unlock(path: Path, username: str, password: str) -> Session:
    """Sign in offline with the password wrapped on this device."""
    path = Path(path)
    if not keyfile_path(path).exists():
        raise StoreError(f"{path}: no key file")
    kf = _reserve(path, username)
    key = kf.open_with_password(username, password)
    if key is None:
        raise _failed(path, username)
    return _start(path, key, username, password, "password")


def check_password(session: Session, password: str) -> bool:
    """Unlock again after the idle lock (counts towards the lockout)."""
    kf = _reserve(session.path, session.username)
    key = kf.open_with_password(session.username, password)
    if key is None or key != session.key:
        raise _failed(session.path, session.username, "unlock")
    _succeeded(session.path, session.username, key, None)
    session.store.audit("unlock", session.username)
    return True


# -- passwords and recovery ------------------------------------------------------------


def change_password(
    session: Session, old: str, new: str, server: Callable[[], bool] | None = None
) -> bool:
    """Re-wrap the signed-in user's slot (the data is not re-encrypted).

    `server`, run once the old password is proved here and before anything
    changes, changes the server password too (True when it did; raising
    leaves both passwords as they were). Returns what it returned."""
    problem = password_problem(new)
    if problem is not None:
        raise weak_password(problem.zh, problem.en)
    kf = _reserve(session.path, session.username)
    if kf.open_with_password(session.username, old) != session.key:
        raise _failed(session.path, session.username, "password")
    sent = server() if server is not None else False

    def go(kf: KeyFile) -> None:
        kf.failures.pop(session.username, None)
        kf.set_password(session.key, session.username, new)

    keyfile.update(keyfile_path(session.path), go)
    session.store.audit(
        "password", session.username, detail="changed here and on the server" if sent else "changed"
    )
    return sent


def recover(path: Path, code: str, username: str, new_password: str) -> tuple[Session, str]:
    """Forgotten password: the recovery code unwraps the key, the user sets
    a new password; a new recovery code replaces the used one (returned to
    show once). Nothing in the store changes, unsynced changes included."""
    path = Path(path)
    problem = password_problem(new_password)
    if problem is not None:
        raise weak_password(problem.zh, problem.en)
    kf = _reserve(path, RECOVERY_NAME)
    key = kf.open_with_recovery(code)
    if key is None:
        raise _failed(path, RECOVERY_NAME, "recover")
    return _new_password(path, key, username, new_password, "new password set", "recovery code")


def recover_with_key(
    path: Path, key: bytes, username: str, new_password: str, detail: str
) -> tuple[Session, str]:
    """Forgotten password and lost recovery code: the data key itself, as
    the township administrator recovered it from the server's escrow
    (`jsxclient.sync.account.fetch_escrowed_key`), sets a new password and
    a new recovery code. Nothing in the store changes."""
    path = Path(path)
    problem = password_problem(new_password)
    if problem is not None:
        raise weak_password(problem.zh, problem.en)
    return _new_password(path, key, username, new_password, detail, "key escrow")


def _new_password(
    path: Path, key: bytes, username: str, new_password: str, detail: str, how: str
) -> tuple[Session, str]:
    store, acct = open_store(path, key, username)
    store.close()
    if acct is None:
        raise LoginError(
            "login.unknown_user",
            f"本机没有账号 {username}。",
            f"There is no account {username} on this computer.",
        )

    def go(kf: KeyFile) -> str:
        kf.failures.pop(RECOVERY_NAME, None)
        kf.failures.pop(username, None)
        kf.set_password(key, username, new_password)
        kf.pending_audit.append(_pending(username, "recover", "ok", detail))
        return kf.set_recovery(key)

    new_code = keyfile.update(keyfile_path(path), go)
    return _start(path, key, username, None, how), new_code


def new_recovery_code(session: Session) -> str:
    session.store.require("manage_accounts")
    code = keyfile.update(keyfile_path(session.path), lambda kf: kf.set_recovery(session.key))
    session.store.audit("account", "recovery code", detail="new recovery code")
    return code


# -- accounts on this computer --------------------------------------------------------------


def register_server_user(session: Session, username: str, password: str) -> Account:
    """Add a colleague the server knows (their offline verifier came with the
    reference data) to this computer, offline. Anyone signed in may do it:
    the colleague proves their own password, and their role is the server's."""
    acct = accounts.get(session.store.db.connection(), username)
    if acct is None or not acct.offline_verifier:
        raise not_registered()
    _reserve(session.path, username)
    if not check_offline_verifier(acct.offline_verifier, password):
        raise _failed(session.path, username)
    add_slot(session, username, password)
    return acct


def add_slot(session: Session, username: str, password: str) -> None:
    def go(kf: KeyFile) -> None:
        kf.failures.pop(username, None)
        kf.set_password(session.key, username, password)

    keyfile.update(keyfile_path(session.path), go)
    session.store.audit("account", username, detail="added to this computer")


def add_local_user(
    session: Session, username: str, password: str, role: str, display_name: str = ""
) -> None:
    """An account on a store never connected to a server (administrator only)."""
    session.store.require("manage_accounts")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    problem = password_problem(password)
    if problem is not None:
        raise weak_password(problem.zh, problem.en)
    with session.store.transaction() as tx:
        accounts.upsert(tx.conn, Account(username, display_name or username, role, "", "local"))
    add_slot(session, username, password)


def remove_user(session: Session, username: str) -> None:
    session.store.require("manage_accounts")
    if username == session.username:
        raise ValueError("cannot remove the signed-in account")

    def go(kf: KeyFile) -> None:
        kf.slots.pop(username, None)
        kf.failures.pop(username, None)

    keyfile.update(keyfile_path(session.path), go)
    session.store.audit("account", username, detail="removed from this computer")


def unlock_user(session: Session, username: str) -> None:
    """Clear a lockout (administrator)."""
    session.store.require("manage_accounts")
    keyfile.update(keyfile_path(session.path), lambda kf: kf.failures.pop(username, None))
    session.store.audit("account", username, detail="lockout cleared")


def lockouts(path: Path) -> dict[str, Failures]:
    kf = keyfile_info(path)
    return dict(kf.failures) if kf else {}


# -- migrating an old store ------------------------------------------------------------------


def migrate_plain(
    path: Path,
    username: str,
    password: str,
    *,
    legacy_passphrase: str | None = None,
    check_policy: bool = True,
) -> tuple[Session, str]:
    """Encrypt an old store in place: a plain SQLite file (or one encrypted
    by an old build with `JSXCLIENT_KEY`) becomes a store under a new random
    key wrapped by `password`. The old file is overwritten then removed,
    plain `*.before-restore-*` copies beside it become encrypted backups,
    and an encrypted backup of the migrated store is made. The signing-in
    user becomes the account of the store's connected worker when it names
    them (role from the server), else its township administrator."""
    from jsxclient.store import maintenance

    path = Path(path)
    if keyfile_path(path).exists():
        raise StoreError(f"{path} is already encrypted")
    if check_policy:
        problem = password_problem(password)
        if problem is not None:
            raise weak_password(problem.zh, problem.en)
    old_key = legacy_key(legacy_passphrase) if legacy_passphrase else None
    if old_key is None and not is_plain(path):
        raise StoreError(f"{path}: neither a plain store nor a key was given")
    old = Store.open(path, old_key)  # migrates the schema, checkpoints below
    conn = old.db.connection()
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    connected_user = meta.get("sync_user")
    role, division, display = "township_admin", "", username
    source = "local"
    if connected_user:
        if connected_user != username:
            old.close()
            raise LoginError(
                "login.wrong_user",
                f"此数据属于账号 {connected_user}，请用该账号登录以完成加密。",
                f"This data belongs to the account {connected_user}: sign in as that account "
                "to encrypt it.",
            )
        info = _json(meta.get("sync_user_info"))
        role = str(info.get("role") or "township_worker")
        division = str(info.get("division_code") or "")
        display = str(info.get("display_name") or username)
        source = "server"
        for o in _json_list(meta.get("offline_logins")):
            if (
                o.get("username") == username
                and o.get("verifier")
                and not check_offline_verifier(str(o["verifier"]), password)
            ):
                old.close()
                raise invalid()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    key = secrets.token_bytes(32)
    tmp = path.with_name(path.name + ".encrypting")
    tmp.unlink(missing_ok=True)
    files.create_private(tmp)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if old_key is None:
        old.close()
        from sqlcipher3 import dbapi2

        c = dbapi2.connect(str(path), isolation_level=None)
        try:
            c.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(tmp),))
            c.execute("SELECT sqlcipher_export('enc')")
            c.execute(f"PRAGMA enc.user_version = {int(version)}")
            c.execute(f"PRAGMA enc.application_id = {int(app_id)}")
            c.execute("DETACH DATABASE enc")
        finally:
            c.close()
    else:
        conn.execute(f"VACUUM INTO '{tmp}'")  # same old key; rekeyed below
        old.close()
        from sqlcipher3 import dbapi2

        c = dbapi2.connect(str(tmp), isolation_level=None)
        try:
            c.execute(f"PRAGMA key = \"x'{old_key.hex()}'\"")
            c.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")
        finally:
            c.close()
    kf = KeyFile(keyfile_path(path), secrets.token_hex(16), meta.get("township_code"))
    kf.server_url = meta.get("server_url")
    kf.ca_bundle = meta.get("ca_bundle")
    kf.set_password(key, username, password)
    code = kf.set_recovery(key)
    # The new file first, then the key file, then away with the old one: a
    # crash in between leaves the old store and nothing half-made in use.
    check = Store.open(tmp, key)
    ok = check.db.connection().execute("PRAGMA quick_check").fetchone()[0] == "ok"
    check.close()
    if not ok:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{path}: the encrypted copy did not check out")
    kf.save()
    for suffix in ("-wal", "-shm", "-journal"):
        files.shred(Path(str(path) + suffix))
    files.shred(path)
    os.replace(tmp, path)
    store = Store.open(path, key, user=username, role=role)
    with store.transaction() as tx:
        accounts.upsert(tx.conn, Account(username, display, role, division, source))
        for o in _json_list(meta.get("offline_logins")):
            if o.get("username") and o.get("role") in ROLES and o["username"] != username:
                accounts.upsert(
                    tx.conn,
                    Account(
                        str(o["username"]),
                        str(o.get("display_name") or o["username"]),
                        str(o["role"]),
                        str(o.get("division_code") or ""),
                        "server",
                        str(o.get("verifier") or "") or None,
                    ),
                )
        # The token sat in a plain file that may have been copied: drop it,
        # the next sync asks for the password once. The verifiers now live
        # in the account table.
        tx.conn.execute(
            "DELETE FROM meta WHERE key IN ('sync_token', 'sync_token_expires', 'offline_logins')"
        )
        store.audit("migrate", str(path.name), detail="plain store encrypted", conn=tx.conn)
        store.audit("login", username, detail="migration", conn=tx.conn)
    session = Session(store, username, role, display, key)
    backups = maintenance.backup_dir(path)
    maintenance.backup(store, backups / maintenance.backup_name(path, "migrated"))
    # Plain copies an older version (or the schema upgrade just now) left beside it.
    leftovers = [
        *path.parent.glob(path.name + ".before-restore-*"),
        *path.parent.glob(path.name + ".before-upgrade-*"),
    ]
    for old_copy in sorted(leftovers):
        if is_plain(old_copy):
            with contextlib.suppress(*DB_ERRORS, StoreError, OSError):
                maintenance.encrypt_copy(old_copy, key, kf, backups)
            files.shred(old_copy)
    return session, code


def _json(text: str | None) -> dict[str, Any]:
    import json

    try:
        v = json.loads(text or "{}")
    except ValueError:
        return {}
    return v if isinstance(v, dict) else {}


def _json_list(text: str | None) -> list[dict[str, Any]]:
    import json

    try:
        v = json.loads(text or "[]")
    except ValueError:
        return []
    return [o for o in v if isinstance(o, dict)] if isinstance(v, list) else []
