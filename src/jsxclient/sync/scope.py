"""Moving records between townships.

A special family that moves (户籍迁移) goes with its child records and the
persons who belong only to it. Within the township that is an ordinary
journaled edit of their division_code (`transfer_family`). To another
township the server takes it only as a transfer (issue 11): `offer_family`
offers the rows, a worker of the receiving township sees them
(`transfers`) and accepts (`accept`); the server then moves them, the
sending township's pulls drop them and the receiving one's pull them in. A
push that rewrites the division_code across townships is refused
(``scope.transfer_required``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jsxclient.store.store import Forbidden, RecordNotFound, Store, Tx
from jsxclient.sync.errors import SyncError
from jsxclient.sync.transport import Transport
from jsxcore.protocol import TransferInfo, TransferList, TransferRequest, TransferRow
from jsxcore.roles import Refusal, role_label

FAMILY_CHILDREN = ("familymember", "familycontact", "carevisit", "caresubsidy", "volunteerpairing")

# What a family's transfer moves; the server lets an account offer, accept,
# refuse or cancel one only when its role may change every one of them.
TRANSFER_ENTITIES = ("person", "specialfamily", *FAMILY_CHILDREN)

# Where else a person can be referenced; a person referenced by a record that
# stays behind stays too (the worker decides about them separately).
_PERSON_REFERENCES: tuple[tuple[str, str], ...] = (
    ("member", "person_id"),
    ("volunteer", "person_id"),
    ("officer", "person_id"),
    ("activityparticipant", "person_id"),
    ("membergroup", "leader_person_id"),
    ("familymember", "person_id"),
    ("familycontact", "person_id"),
    ("caresubsidy", "person_id"),
    ("specialfamily", "head_person_id"),
)


@dataclass
class Transfer:
    rows: list[tuple[str, str]] = field(default_factory=list)  # (entity, id) that go
    moved: list[tuple[str, str]] = field(default_factory=list)  # (entity, id) edited
    persons_kept: list[str] = field(default_factory=list)  # still referenced here


def transfer_family(tx: Tx, family_id: str, division_code: str) -> Transfer:
    """Move a special family to `division_code` by editing its rows (another
    village of the township; the server refuses another township's, see
    `offer_family`). Raises RecordNotFound / ValidationFailed."""
    out = family_rows(tx, family_id)
    for ent, row_id in out.rows:
        row = tx.get(ent, row_id)
        if row is None or row["division_code"] == division_code:
            continue
        tx.update(ent, row_id, {"division_code": division_code})
        out.moved.append((ent, row_id))
    return out


def family_rows(tx: Tx, family_id: str) -> Transfer:
    """The rows that move with a family (in `rows`, parents first) and the
    persons that stay because something else here refers to them."""
    fam = tx.get("specialfamily", family_id)
    if fam is None or fam["deleted"]:
        raise RecordNotFound(f"specialfamily {family_id}")
    out = Transfer()
    moving: set[tuple[str, str]] = {("specialfamily", family_id)}
    for entity in FAMILY_CHILDREN:
        for (row_id,) in tx.conn.execute(
            f"SELECT id FROM {entity} WHERE family_id=? AND deleted=0", (family_id,)
        ).fetchall():
            moving.add((entity, row_id))
    persons = {fam["head_person_id"]} if fam.get("head_person_id") else set()
    persons.update(
        pid
        for (pid,) in tx.conn.execute(
            "SELECT person_id FROM familymember WHERE family_id=? AND deleted=0", (family_id,)
        )
    )
    for pid in sorted(persons):
        if _referenced_elsewhere(tx, pid, moving):
            out.persons_kept.append(pid)
        else:
            moving.add(("person", pid))
    # Parents first, as the push sends them; each row moves itself, so every
    # change is still inside the sender's scope when the server applies it.
    order = ["person", "specialfamily", *FAMILY_CHILDREN]
    for entity in order:
        for ent, row_id in sorted(moving):
            if ent != entity:
                continue
            row = tx.get(ent, row_id)
            if row is not None and not row["deleted"]:
                out.rows.append((ent, row_id))
    return out


def may_transfer(store: Store) -> bool:
    """Whether the signed-in role may offer, accept, refuse or cancel a
    transfer (the server's rule: it may change every record that moves)."""
    return all(store.allowed("update", e) for e in TRANSFER_ENTITIES)


def require_transfer(store: Store) -> None:
    """Raise `Forbidden` unless `may_transfer`: checked here before any
    request, so a refused role learns why without asking the server."""
    if not may_transfer(store):
        zh, en = role_label(store.role, "zh"), role_label(store.role, "en")
        raise Forbidden(
            Refusal(
                "transfer.forbidden",
                f"当前账号（{zh}）无权迁移记录：只有乡镇录入员和管理员可以申请、接收或拒绝迁移",
                f"This account ({en}) may not move records: only data-entry workers and "
                "administrators offer, accept or refuse transfers",
            )
        )


def person_names(info: TransferInfo) -> list[str]:
    """The names of the persons a (pending) transfer moves, for a listing."""
    return [
        str(r.data["name"])
        for r in info.records
        if r.entity == "person" and r.data and r.data.get("name")
    ]


class PendingEditsError(SyncError):
    kind = "rejected"
    default_zh = "这户还有未同步的修改：请先同步，再申请迁往其他乡镇。"
    default_en = "This family has unsynced changes: sync first, then offer the transfer."


def offer_family(
    store: Store, transport: Transport, family_id: str, division_code: str, note: str = ""
) -> TransferInfo:
    """Offer a family to another township (`division_code`: a village or
    township there). The rows stay here until the receiving side accepts;
    they must be synced first, so the offer moves what the server holds."""
    require_transfer(store)
    with store.transaction() as tx:
        out = family_rows(tx, family_id)
        pending = [
            key
            for key in out.rows
            if tx.conn.execute(
                "SELECT 1 FROM journal WHERE entity=? AND row_id=? AND state='pending' LIMIT 1",
                key,
            ).fetchone()
        ]
    if pending:
        raise PendingEditsError(f"{len(pending)} rows with pending changes")
    req = TransferRequest(
        rows=[TransferRow(entity=e, row_id=i) for e, i in out.rows],
        to_division=division_code,
        note=note,
    )
    info = transport.call("POST", "/transfers", TransferInfo, body=req)
    store.audit(
        "update",
        f"specialfamily {family_id}",
        detail=f"transfer {info.id} offered to {division_code}: {len(out.rows)} rows",
    )
    return info


def transfers(transport: Transport, pending: bool = True) -> TransferList:
    """Offers to this device's township (incoming) and from it (outgoing)."""
    return transport.call(
        "GET", "/transfers", TransferList, params={"pending": "true" if pending else "false"}
    )


def accept(store: Store, transport: Transport, transfer_id: int) -> TransferInfo:
    """Take an incoming offer: the server moves the rows; the next sync
    brings them here."""
    require_transfer(store)
    info = transport.call("POST", f"/transfers/{int(transfer_id)}/accept", TransferInfo)
    store.audit("update", f"transfer {info.id}", detail=f"accepted {len(info.rows)} rows")
    return info


def refuse(store: Store, transport: Transport, transfer_id: int) -> TransferInfo:
    """Turn down an incoming offer, or cancel one of this township's own
    (the server tells which: status ``refused`` or ``cancelled``)."""
    require_transfer(store)
    info = transport.call("POST", f"/transfers/{int(transfer_id)}/refuse", TransferInfo)
    store.audit("update", f"transfer {info.id}", detail=info.status)
    return info


def _referenced_elsewhere(tx: Tx, person_id: str, moving: set[tuple[str, str]]) -> bool:
    for entity, column in _PERSON_REFERENCES:
        for (row_id,) in tx.conn.execute(
            f"SELECT id FROM {entity} WHERE {column}=? AND deleted=0", (person_id,)
        ):
            if (entity, row_id) not in moving:
                return True
    return False
