"""Encrypted stores for the security tests: one made through the vault per
session (divisions loaded, the township set up), copied with its key file
for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from jsxclient.security import vault
from jsxclient.security.keyfile import keyfile_path
from jsxclient.store.reference import init_township

from ..conftest import TOWNSHIP, VILLAGE

USER = "wang"
PASSWORD = "Passw0rd!x"
# What must never show in a raw file: names, ID numbers, mobiles, a health note.
NAMES = ("欧阳明珠", "赵敏")
ID_NUMBERS = ("11010519491231002X", "440524188001010014")
MOBILES = ("13812345678", "15900001111")
HEALTH = "胃癌晚期住院化疗"
SECRETS = tuple(s.encode("utf-8") for s in (*NAMES, *ID_NUMBERS, *MOBILES, HEALTH))


@pytest.fixture(scope="session")
def secure_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secure") / "jsxclient.db"
    session, _code = vault.create(path, USER, PASSWORD, role="township_worker")
    init_township(session.store, TOWNSHIP)
    session.store.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    return path


@pytest.fixture
def secure_path(tmp_path: Path, secure_template: Path) -> Path:
    dest = tmp_path / "data" / "jsxclient.db"
    dest.parent.mkdir()
    shutil.copyfile(secure_template, dest)
    shutil.copyfile(keyfile_path(secure_template), keyfile_path(dest))
    return dest


@pytest.fixture
def session(secure_path: Path) -> Iterator[vault.Session]:
    s = vault.unlock(secure_path, USER, PASSWORD)
    yield s
    s.close()


def add_people(s: vault.Session) -> dict[str, str]:
    """Known sensitive values through the write path; returns their ids."""
    with s.store.transaction() as tx:
        a = tx.insert(
            "person",
            dict(
                name=NAMES[0],
                sex="2",
                division_code=VILLAGE,
                id_number=ID_NUMBERS[0],
                mobile=MOBILES[0],
            ),
        )
        b = tx.insert(
            "person",
            dict(
                name=NAMES[1],
                sex="1",
                division_code=VILLAGE,
                id_number=ID_NUMBERS[1],
                mobile=MOBILES[1],
            ),
        )
        f = tx.insert(
            "specialfamily",
            dict(category="bereaved", head_person_id=a, division_code=VILLAGE, notes=HEALTH),
        )
    return {"a": a, "b": b, "family": f}


def leaks(data: bytes) -> list[bytes]:
    return [s for s in SECRETS if s in data]
