"""The accounts that may unlock this store, with their roles (table
`account`). Rows come from the server (the login's user and the reference
data's offline logins of the township) or, on a store never connected, from
the local administrator."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    division_code: str
    source: str  # "server" or "local"
    offline_verifier: str | None = None


def upsert(conn: sqlite3.Connection, a: Account) -> None:
    conn.execute(
        "INSERT INTO account(username, display_name, role, division_code, source, "
        "offline_verifier, updated_at) VALUES (?,?,?,?,?,?,?) "
        "ON CONFLICT(username) DO UPDATE SET display_name=excluded.display_name, "
        "role=excluded.role, division_code=excluded.division_code, source=excluded.source, "
        "offline_verifier=coalesce(excluded.offline_verifier, account.offline_verifier), "
        "updated_at=excluded.updated_at",
        (
            a.username,
            a.display_name,
            a.role,
            a.division_code,
            a.source,
            a.offline_verifier,
            datetime.now().isoformat(sep=" ", timespec="seconds"),
        ),
    )


def get(conn: sqlite3.Connection, username: str) -> Account | None:
    r = conn.execute(
        "SELECT username, display_name, role, division_code, source, offline_verifier "
        "FROM account WHERE username = ?",
        (username,),
    ).fetchone()
    return None if r is None else Account(*r)


def all_accounts(conn: sqlite3.Connection) -> list[Account]:
    return [
        Account(*r)
        for r in conn.execute(
            "SELECT username, display_name, role, division_code, source, offline_verifier "
            "FROM account ORDER BY username"
        )
    ]


def remove(conn: sqlite3.Connection, username: str) -> None:
    conn.execute("DELETE FROM account WHERE username = ?", (username,))
