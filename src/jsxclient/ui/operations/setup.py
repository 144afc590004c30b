"""Opening the store and the first run (demo data or a server account)."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jsxclient.security import vault
from jsxclient.store.queries import pickers
from jsxclient.store.queries.pickers import Place
from jsxclient.store.reference import init_township
from jsxclient.store.store import Store
from jsxclient.ui.tasks import Job

if TYPE_CHECKING:
    from jsxcore.protocol import UserInfo


@dataclass(frozen=True)
class StoreInfo:
    township: str
    township_name: str
    places: list[Place]
    demo: bool = False  # demo data: marked on screen, never synced


#: The GUI's reads page through indexes, not bulk writes: a 16 MB page cache
#: (the store's default is 64 MB per connection) keeps the app under 300 MB.
READ_CACHE_KB = 16 * 1024


def open_store(path: Path, key: bytes | None, user: str = "", role: str | None = None) -> Store:
    """Open (and migrate) the store; call on the database worker."""
    store = Store.open(path, key=key, user=user, role=role)
    tune_reader(store)
    return store


def create_connected(
    path: Path, url: str, username: str, password: str, ca_bundle: str | None = None
) -> tuple[vault.Session, str, UserInfo]:
    """First run with a server account: a new encrypted store under the
    password the server has just accepted, made this user's device. Nothing
    is left behind when the server says no."""
    from jsxclient.sync import account
    from jsxclient.sync.transport import check_url

    check_url(url)
    session, code = vault.create(
        path, username, password, role="read_only", source="server", check_policy=False
    )
    try:
        user = account.connect(
            session.store, url, username, password, socket.gethostname(), ca_bundle=ca_bundle
        )
    except BaseException:
        session.close()
        for p in (path, vault.keyfile_path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(OSError):
                p.unlink()
        raise
    session.role = user.role
    session.display_name = user.display_name
    return session, code, user


def create_local(
    path: Path, username: str, password: str, township: str
) -> tuple[vault.Session, str]:
    """First run without a server (trying the program): the worker becomes
    the administrator of a local store."""
    return vault.create(path, username, password, role="township_admin", township=township)


def tune_reader(store: Store) -> None:
    """Settings for this thread's connection when it serves the GUI."""
    store.db.connection().execute(f"PRAGMA cache_size=-{READ_CACHE_KB}")


def info(store: Store) -> StoreInfo | None:
    """The store's township, or None before the first run."""
    township = store.township_code
    if not township:
        return None
    conn = store.db.connection()
    places = pickers.township_places(conn, township)
    name = next((p.name for p in places if p.code == township), township)
    return StoreInfo(township, name, places, store.is_demo)


def township_choices() -> list[Place]:
    return pickers.township_choices()


def demo_data(store: Store, township: str, scale: float, job: Job, seed: int = 0) -> int:
    """Set the store up for `township` and fill it with demo records."""
    from jsxclient import demo

    job.progress(0, 0, "")
    init_township(store, township)
    data = demo.build(store, township, scale=scale, seed=seed)
    total = sum(len(rows) for rows in data.rows.values())
    written = 0
    done_by_entity: dict[str, int] = {}

    def progress(entity: str, rows_done: int) -> None:
        nonlocal written
        written += rows_done - done_by_entity.get(entity, 0)
        done_by_entity[entity] = rows_done
        job.progress(written, total)

    demo.write(store, data, progress)
    return total


def after_connect(store: Store) -> StoreInfo | None:
    """Derive the township's associations missing after the first sync."""
    township = store.township_code
    if township:
        init_township(store, township)
    return info(store)
