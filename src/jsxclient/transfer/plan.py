"""From a mapped sheet to what an import would write: the preview.

Each data row is read into field values (`jsxcore.textvalues`), rows are
grouped into *units* (one member with their person; one special family with
its member rows; one activity with its participant rows) and every record a
unit would write is checked with the same rules the forms and the store's
write path use (`jsxcore.rules.complete`, then `validate_record`). Nothing
is written here: `commit` does that, in one transaction.

Duplicates are found by ID number (members, volunteers, family heads,
participants) or by the record's natural key (a family's visit on a day in a
mode, a subsidy for a stay, an activity on a day), against the store and
inside the file. A duplicate's writes are kept apart (`Unit.update_ops`) so
the worker can update it, skip it, or decide row by row.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from jsxclient.transfer.fields import KindDef, kind
from jsxclient.transfer.mapping import Mapping, header_key
from jsxclient.transfer.readers import Sheet
from jsxcore import rules
from jsxcore import textvalues as tv
from jsxcore.divisions import association_id
from jsxcore.entities import ENTITIES
from jsxcore.messages import DomainError, Issue
from jsxcore.models import new_id
from jsxcore.validation import parse_id_number, special_family_eligibility, validate_record

Duplicate = Literal["store", "file"] | None
Policy = Literal["update", "skip", "ask"]

# Rows that close a table or sum it, never records.
_FOOTER = re.compile(
    r"^(合\s*计|小\s*计|总\s*计|共\s*计|累\s*计|填表人|填报人|制表人|制表|审核人|负责人|"
    r"填表日期|填报日期|单位负责人|联系人[:：]|备注[:：]|说明[:：]|注[:：]|total|subtotal)",
    re.IGNORECASE,
)

PERSON_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "political",
    "marital",
    "mobile",
    "address",
)


@dataclass
class Op:
    entity: str
    action: Literal["insert", "update"]
    row_id: str
    values: dict[str, Any]


@dataclass
class Unit:
    """One record as the worker sees it, from one or more sheet rows."""

    rows: list[int]  # 0-based sheet rows
    label: str = ""
    ops: list[Op] = field(default_factory=list)  # written unless refused
    update_ops: list[Op] = field(default_factory=list)  # written when a duplicate is updated
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    duplicate: Duplicate = None
    first_row: int | None = None  # the earlier row of an in-file duplicate
    changed: bool = True  # a duplicate whose update would change something

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Plan:
    kind: KindDef
    sheet: Sheet
    mapping: Mapping
    units: list[Unit]
    skipped: list[tuple[int, str]]  # (row, "blank" | "footer" | "header")
    today: date

    @property
    def refused(self) -> list[Unit]:
        return [u for u in self.units if not u.ok]

    @property
    def duplicates(self) -> list[Unit]:
        return [u for u in self.units if u.ok and u.duplicate]

    @property
    def new(self) -> list[Unit]:
        return [u for u in self.units if u.ok and not u.duplicate]

    def chosen(self, policy: Policy, update: Iterable[int] = ()) -> list[Op]:
        """The writes for `policy`; with "ask", `update` holds the indexes
        (in `units`) of the duplicates to update, the others are skipped."""
        wanted = set(update)
        out: list[Op] = []
        for i, u in enumerate(self.units):
            if not u.ok:
                continue
            out.extend(u.ops)
            if u.duplicate and (policy == "update" or (policy == "ask" and i in wanted)):
                out.extend(u.update_ops)
        return out


@dataclass
class Options:
    village: str | None = None  # for files without a village column (one file per village)
    reason: str = ""  # why special families that miss a criterion are enrolled anyway


# -- reading rows --------------------------------------------------------------------


def _parse(parse: str, value: Any, key: str) -> Any:
    if parse == "name":
        return tv.person_name(value)
    if parse == "text" or parse == "village":
        return tv.text(value)
    if parse == "idnum":
        return tv.parse_id_cell(value, key)
    if parse == "phone":
        return tv.parse_phone(value, key)
    if parse == "date":
        d = tv.parse_date(value, key)
        return None if d is None else d.isoformat()
    if parse == "bool":
        return tv.parse_bool(value, key)
    if parse == "money":
        return tv.parse_money_fen(value, key)
    if parse == "int":
        return tv.parse_int(value, key)
    if parse.startswith("code:"):
        return tv.parse_code(parse[5:], value, key)
    raise ValueError(parse)


_UNSEEN = object()
_NOT_KEPT: dict[Any, Any] = {}  # a column whose values rarely repeat
_UNIQUE = frozenset({"name", "idnum", "phone"})
# Cell types kept by value (not numbers: 1, 1.0 and True are equal keys).
_KEYED = frozenset({str, date, datetime})


@dataclass
class Row:
    index: int
    values: dict[str, Any]
    errors: list[Issue]


def read_rows(
    plan_kind: KindDef, sheet: Sheet, mapping: Mapping
) -> tuple[list[Row], list[tuple[int, str]]]:
    fields = {i: plan_kind.field(k) for i, k in mapping.fields().items()}
    header_keys = {header_key(c.header) for c in mapping.columns if c.field}
    # Whether a cell's text is one of the headers: village names, sexes and
    # the like repeat down a sheet, so each distinct text is folded once.
    is_header: dict[str, bool] = {}
    ascii_never = not any(k.isascii() for k in header_keys)
    # Each column's cells as parsed (parsing is a function of the cell):
    # code words, villages, groups and dates repeat; names and numbers do not.
    parsed: dict[int, dict[Any, Any]] = {
        i: _NOT_KEPT if f.parse in _UNIQUE else {} for i, f in fields.items()
    }
    out: list[Row] = []
    skipped: list[tuple[int, str]] = []
    for r in range(mapping.data_start, len(sheet.rows)):
        cells = sheet.rows[r]
        n = len(cells)
        present = [
            (i, c)
            for i in fields
            if i < n
            and (c := cells[i]) is not None
            and (c.strip() != "" if type(c) is str else not tv.is_blank(c))
        ]
        if not present:
            skipped.append((r, "blank"))
            continue
        texts = [t for c in cells if isinstance(c, str) and (t := c.strip())]
        if any(_FOOTER.match(t) for t in texts[:3]):
            skipped.append((r, "footer"))
            continue
        headers = 0
        for t in texts:
            if ascii_never and t.isascii():
                continue  # ID numbers, mobiles: folding keeps ASCII ASCII
            h = is_header.get(t)
            if h is None:
                if len(is_header) > 100_000:  # a big file of distinct texts: bounded memory
                    is_header.clear()
                h = is_header[t] = header_key(t) in header_keys
            headers += h
        if headers >= 2:
            skipped.append((r, "header"))  # the header repeated on each printed page
            continue
        values: dict[str, Any] = {}
        errors: list[Issue] = []
        for i, raw in present:
            f = fields[i]
            seen = parsed[i]
            keyed = type(raw) in _KEYED
            v = seen.get(raw, _UNSEEN) if keyed else _UNSEEN
            if v is _UNSEEN:
                try:
                    v = _parse(f.parse, raw, f.key)
                except DomainError as exc:
                    errors.append(exc.issue)
                    continue
                if keyed and seen is not _NOT_KEPT:
                    if len(seen) > 20_000:
                        seen.clear()
                    seen[raw] = v
            if v is not None:
                values[f.key] = v
        out.append(Row(r, values, errors))
    return out, skipped


# -- what the store holds ----------------------------------------------------------------


class Villages:
    """Village (and township) names and codes of the store's township."""

    _SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "社区", "村", "居")

    def __init__(self, conn: sqlite3.Connection, township: str) -> None:
        self.township = township
        self.names: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        rows = conn.execute(
            "SELECT code, name FROM division WHERE parent_code = ? OR code = ?",
            (township, township),
        ).fetchall()
        bases: dict[str, list[str]] = {}
        for code, name in rows:
            self.codes[code] = name
            self.names[header_key(name)] = code
            bases.setdefault(self._base(name), []).append(code)
        for base, found in bases.items():
            if len(found) == 1:
                self.names.setdefault(base, found[0])
        self.township_name = self.codes.get(township, township)
        self._found: dict[str, str] = {}

    def _base(self, name: str) -> str:
        key = header_key(name)
        for s in self._SUFFIXES:
            if key.endswith(s) and len(key) > len(s):
                return key[: -len(s)]
        return key

    def find(self, value: str, allow_township: bool = False) -> str:
        code = self._found.get(value)  # a file names the same few villages on every row
        if code is not None and (code != self.township or allow_township):
            return code
        s = tv.fold_all(value).replace(" ", "")
        code = s if s in self.codes else self.names.get(header_key(s))
        if code is None:
            code = self.names.get(self._base(s))
        if code is None and ("镇" in s or "街道" in s):
            # "清水塘街道清水塘社区": the village after the township's name
            for name_key, c in self.names.items():
                if s.endswith(name_key) or header_key(s).endswith(name_key):
                    code = c
                    break
        if code is None or (code == self.township and not allow_township):
            raise DomainError(
                Issue(
                    "village",
                    "village.unknown",
                    f"“{tv.shown(value)}”不是{self.township_name}的村（社区）",
                    f"“{tv.shown(value)}” is not a village of {self.township_name}",
                )
            )
        self._found[value] = code
        return code


class Context:
    """Lookups in the store and the records this import creates, for one
    analysis (one read snapshot)."""

    def __init__(self, conn: sqlite3.Connection, township: str, today: date) -> None:
        self.conn = conn
        self.township = township
        self.today = today
        self.villages = Villages(conn, township)
        self.pending: dict[tuple[str, str], dict[str, Any]] = {}
        self._rows: dict[tuple[str, str], dict[str, Any] | None] = {}
        self.person_by_idn: dict[str, str] = dict(
            conn.execute(
                "SELECT id_number, id FROM person WHERE deleted = 0 AND id_number IS NOT NULL "
                "AND id_number != ''"
            ).fetchall()
        )
        self._indexes: dict[str, Any] = {}
        self._undo: list[Callable[[], None]] = []
        self._defaults = {
            name: {
                k: v
                for k, v in es.defaults().items()
                if k not in ("id", "created_at", "updated_at")
            }
            for name, es in ENTITIES.items()
        }

    def put(self, d: dict[Any, Any], key: Any, value: Any) -> None:
        """Set `d[key]`, undone if the unit being built is refused."""
        if key in d:
            old = d[key]
            self._undo.append(lambda: d.__setitem__(key, old))
        else:
            self._undo.append(lambda: d.pop(key, None))
        d[key] = value

    def settle(self, unit: Unit) -> None:
        """End of a unit: a refused one writes nothing and leaves no trace
        (a later row with the same ID number makes the person anew)."""
        if not unit.ok:
            for undo in reversed(self._undo):
                undo()
            unit.ops.clear()
            unit.update_ops.clear()
        self._undo.clear()

    # rules.Resolver
    def row(self, entity: str, row_id: str) -> dict[str, Any] | None:
        got = self.pending.get((entity, row_id))
        if got is not None:
            return got
        key = (entity, row_id)
        if key not in self._rows:
            cur = self.conn.execute(
                f"SELECT * FROM {entity} WHERE id = ? AND deleted = 0", (row_id,)
            )
            r = cur.fetchone()
            self._rows[key] = (
                None
                if r is None
                else ENTITIES[entity].to_wire(
                    dict(zip([d[0] for d in cur.description], r, strict=True))
                )
            )
        return self._rows[key]

    def subsidy_rate(self, kind_: str, year: int) -> int | None:
        r = self.conn.execute(
            "SELECT rate_fen FROM subsidyrate WHERE kind = ? AND year <= ? AND deleted = 0 "
            "ORDER BY year DESC, updated_at DESC LIMIT 1",
            (kind_, year),
        ).fetchone()
        return None if r is None else int(r[0])

    def index(self, name: str, sql: str) -> dict[Any, Any]:
        """A key -> id map of live records, read once per analysis."""
        if name not in self._indexes:
            self._indexes[name] = {
                tuple(r[:-1]) if len(r) > 2 else r[0]: r[-1] for r in self.conn.execute(sql)
            }
        idx: dict[Any, Any] = self._indexes[name]
        return idx

    def names(self) -> dict[str, list[str]]:
        """Person name -> ids (participants and recipients given without an ID number)."""
        if "names" not in self._indexes:
            out: dict[str, list[str]] = {}
            for pid, name in self.conn.execute("SELECT id, name FROM person WHERE deleted = 0"):
                out.setdefault(name, []).append(pid)
            self._indexes["names"] = out
        names: dict[str, list[str]] = self._indexes["names"]
        return names

    # -- checking records ------------------------------------------------------------

    def insert(self, unit: Unit, entity: str, values: dict[str, Any], row_id: str = "") -> str:
        """Check a new record as the write path will and add it to `unit`."""
        row_id = row_id or new_id()
        full = {**self._defaults[entity], **values, "id": row_id}
        full.update(rules.complete(entity, full, township=self.township, resolver=self))
        self._check(unit, entity, full)
        self.put(self.pending, (entity, row_id), full)
        unit.ops.append(Op(entity, "insert", row_id, values))
        return row_id

    def update(
        self, unit: Unit, entity: str, row_id: str, values: dict[str, Any], ops: list[Op]
    ) -> bool:
        """Check an update (non-empty cells only: a blank cell never erases)
        and add it to `ops`; whether it changes anything."""
        current = self.row(entity, row_id)
        if current is None:
            return False
        changes = {k: v for k, v in values.items() if v is not None and current.get(k) != v}
        if not changes:
            return False
        merged = {**current, **changes}
        merged.update(
            {
                k: v
                for k, v in rules.complete(
                    entity, merged, township=self.township, resolver=self
                ).items()
                if k not in changes
            }
        )
        self._check(unit, entity, merged)
        ops.append(Op(entity, "update", row_id, changes))
        return True

    def _check(self, unit: Unit, entity: str, full: dict[str, Any]) -> None:
        for issue in validate_record(ENTITIES[entity].rules, full, self.today):
            if issue.is_error:
                unit.errors.append(issue)


# -- building units -------------------------------------------------------------------------


def _person_values(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out = {k: values[prefix + k] for k in PERSON_FIELDS if values.get(prefix + k) is not None}
    idn = out.get("id_number")
    if idn:
        try:
            ident = parse_id_number(idn)
        except DomainError:
            return out
        out.setdefault("sex", ident.sex)
        out.setdefault("birth_date", ident.birth_date.isoformat())
    return out


def _village(ctx: Context, row: Row, opts: Options, unit: Unit) -> str:
    """The row's village (or the township itself: township-level members,
    volunteers and activities file under it)."""
    raw = row.values.get("village") or opts.village
    if not raw:
        unit.errors.append(
            Issue(
                "village",
                "required",
                "请填写村（社区），或在导入时为整个文件选择一个村（社区）",
                "Give the village, or choose one village for the whole file",
            )
        )
        return ""
    try:
        return ctx.villages.find(str(raw), allow_township=True)
    except DomainError as exc:
        unit.errors.append(exc.issue)
        return ""


class Builder:
    """Turns rows into units for one kind; one method per kind."""

    def __init__(self, ctx: Context, k: KindDef, opts: Options) -> None:
        self.ctx = ctx
        self.kind = k
        self.opts = opts
        self.seen: dict[Any, tuple[int, dict[str, str]]] = {}  # key -> (first row, ids)
        self.created: dict[str, int] = {}  # id of a record this file creates -> its row

    # a person: found by ID number in the store or earlier in the file, or new
    def person(
        self, unit: Unit, pv: dict[str, Any], division: str, *, update: bool
    ) -> tuple[str, bool]:
        """The person's id and whether they existed before this unit."""
        ctx = self.ctx
        idn = pv.get("id_number")
        pid = ctx.person_by_idn.get(idn) if idn else None
        if pid is not None:
            current = ctx.row("person", pid) or {}
            if update:
                ctx.update(unit, "person", pid, pv, unit.update_ops)
            else:
                # A new record for a known person fills what the person lacks.
                blanks = {k: v for k, v in pv.items() if current.get(k) in (None, "")}
                if blanks:
                    ctx.update(unit, "person", pid, blanks, unit.ops)
            return pid, True
        values = {**pv, "division_code": division or ctx.township}
        pid = ctx.insert(unit, "person", values)
        if idn:
            ctx.put(ctx.person_by_idn, idn, pid)
        return pid, False

    def _refuse_missing(self, unit: Unit, row: Row) -> bool:
        unreadable = {i.field for i in row.errors}  # already said why
        missing = [
            f
            for f in self.kind.fields
            if f.required and row.values.get(f.key) in (None, "") and f.key not in unreadable
        ]
        for group in self.kind.one_of:
            if all(row.values.get(k) in (None, "") for k in group):
                missing.append(self.kind.field(group[0]))
        for f in missing:
            unit.errors.append(
                Issue(f.key, "required", f"{f.zh}：此项为必填项", f"{f.en}: this field is required")
            )
        return bool(missing)

    def _dup_in_file(self, unit: Unit, key: Any) -> dict[str, str] | None:
        if key is None or key not in self.seen:
            return None
        first, ids = self.seen[key]
        unit.duplicate, unit.first_row = "file", first
        return ids

    def _seen(self, key: Any, row: int, ids: dict[str, str]) -> None:
        if key:
            self.ctx.put(self.seen, key, (row, ids))

    def _created(self, unit: Unit, rid: str) -> None:
        self.ctx.put(self.created, rid, unit.rows[0])

    def _existing(self, unit: Unit, rid: str) -> None:
        """`unit` names a record that exists: in the store, or made by an
        earlier row of this file."""
        if rid in self.created:
            unit.duplicate, unit.first_row = "file", self.created[rid]
        else:
            unit.duplicate = "store"

    # -- members and volunteers: one row, one person ------------------------------------

    def person_record(self, row: Row, entity: str, fields: tuple[str, ...]) -> Unit:
        ctx = self.ctx
        unit = Unit([row.index], row.values.get("name") or "")
        unit.errors.extend(row.errors)
        if self._refuse_missing(unit, row) or unit.errors:
            return unit
        village = _village(ctx, row, self.opts, unit)
        if not village:
            return unit
        pv = _person_values(row.values)
        rec = {k: row.values[k] for k in fields if row.values.get(k) is not None}
        group = rec.pop("group", None)
        idn = pv.get("id_number")
        earlier = self._dup_in_file(unit, idn)
        pid: str | None = None
        rid: str | None = None
        if earlier is not None:
            pid, rid = earlier["person"], earlier["row"]
        elif idn and idn in ctx.person_by_idn:
            pid = ctx.person_by_idn[idn]
            rid = ctx.index(entity, f"SELECT person_id, id FROM {entity} WHERE deleted = 0").get(
                pid
            )
            if rid:
                unit.duplicate = "store"
        if group:
            rec["group_id"] = self.group(unit, village, group)
        if pid and rid:
            self._update_person_record(unit, entity, pid, rid, pv, rec, village)
            return unit
        pid, _known = self.person(unit, pv, village, update=False)
        rid = ctx.insert(unit, entity, {**rec, "person_id": pid, "division_code": village})
        if idn:
            self._seen(idn, row.index, {"person": pid, "row": rid})
        return unit

    def _update_person_record(
        self,
        unit: Unit,
        entity: str,
        pid: str,
        rid: str,
        pv: dict[str, Any],
        rec: dict[str, Any],
        village: str,
    ) -> None:
        ctx = self.ctx
        a = ctx.update(unit, "person", pid, pv, unit.update_ops)
        current = ctx.row(entity, rid) or {}
        if current.get("division_code") != village:
            rec = {**rec, "division_code": village}
            if entity in rules.ASSOCIATION_FROM_DIVISION:
                rec["association_id"] = association_id(village)
        b = ctx.update(unit, entity, rid, rec, unit.update_ops)
        unit.changed = a or b

    def group(self, unit: Unit, village: str, name: str) -> str:
        """A member group of the village's association, created when missing."""
        assoc = association_id(village)
        groups = self.ctx.index(
            "membergroup", "SELECT association_id, name, id FROM membergroup WHERE deleted = 0"
        )
        key = (assoc, name)
        if key not in groups:
            gid = self.ctx.insert(
                unit,
                "membergroup",
                {"association_id": assoc, "name": name, "division_code": village},
            )
            self.ctx.put(groups, key, gid)
        return str(groups[key])

    # -- families with their members ------------------------------------------------------

    _FAMILY = (
        "category",
        "disability_grade",
        "event_date",
        "address",
        "doc_certificate",
        "doc_death_or_disability",
        "doc_household",
        "family_doctor_signed",
        "priority_hospital",
        "status",
        "exit_reason",
        "exit_date",
        "enrolled_on",
        "notes",
        "override_reason",
    )

    def family(self, rows: list[Row]) -> Unit:
        ctx = self.ctx
        head_row = next((r for r in rows if r.values.get("relation") in ("01", "02")), rows[0])
        unit = Unit([r.index for r in rows], head_row.values.get("name") or "")
        for r in rows:
            unit.errors.extend(r.errors)
        if self._refuse_missing(unit, head_row):
            return unit
        fam: dict[str, Any] = {}
        for k in self._FAMILY:
            for r in [head_row, *rows]:
                if r.values.get(k) is not None:
                    fam[k] = r.values[k]
                    break
        if "category" not in fam:
            unit.errors.append(
                Issue(
                    "category",
                    "required",
                    "家庭类别：请填写失独或伤残",
                    "Category: give bereaved (失独) or disabled (伤残)",
                )
            )
        for r in rows:
            if r is not head_row and not r.values.get("relation"):
                unit.errors.append(
                    Issue(
                        "relation",
                        "required",
                        f"第{r.index + 1}行：请填写与户主关系",
                        f"Row {r.index + 1}: give the relation to the head of the family",
                    )
                )
            if not r.values.get("name"):
                unit.errors.append(
                    Issue("name", "required", "姓名：此项为必填项", "Name: this field is required")
                )
        village = _village(ctx, head_row, self.opts, unit)
        if unit.errors or not village:
            return unit
        people = [(r, _person_values(r.values)) for r in rows]
        head_idn = _person_values(head_row.values).get("id_number")
        earlier = self._dup_in_file(unit, head_idn)
        existing_family: str | None = None
        if earlier is None and head_idn and head_idn in ctx.person_by_idn:
            existing_family = ctx.index(
                "family", "SELECT head_person_id, id FROM specialfamily WHERE deleted = 0"
            ).get(ctx.person_by_idn[head_idn])
            if existing_family:
                unit.duplicate = "store"
        elif earlier is not None:
            existing_family = earlier["family"]
        updating = existing_family is not None
        # The persons first (new ones are written whatever is chosen for the family).
        pids: list[tuple[Row, str]] = []
        for r, pv in people:
            pid, _known = self.person(unit, pv, village, update=updating)
            pids.append((r, pid))
        head_pid = next(pid for r, pid in pids if r is head_row)
        self._eligibility(unit, fam, pids, head_pid)
        if not unit.ok:
            return unit
        if existing_family:
            members = ctx.index(
                "familymember",
                "SELECT family_id, person_id, id FROM familymember WHERE deleted = 0",
            )
            changed = ctx.update(unit, "specialfamily", existing_family, fam, unit.update_ops)
            for r, pid in pids:
                rel = r.values.get("relation")
                fm = members.get((existing_family, pid))
                if fm:
                    if r is not head_row and rel:
                        changed |= ctx.update(
                            unit, "familymember", fm, {"relation": rel}, unit.update_ops
                        )
                elif r is not head_row:
                    ctx.put(members, (existing_family, pid), "pending")
                    ops_before = len(unit.ops)
                    ctx.insert(
                        unit,
                        "familymember",
                        {"family_id": existing_family, "person_id": pid, "relation": rel},
                    )
                    unit.update_ops.extend(unit.ops[ops_before:])
                    del unit.ops[ops_before:]
                    changed = True
            unit.changed = changed or any(o.entity == "person" for o in unit.update_ops)
            return unit
        fid = new_id()
        values = {**fam, "head_person_id": head_pid, "division_code": village}
        ctx.insert(unit, "specialfamily", values, fid)
        for entity, extra in rules.companions("specialfamily", values, fid):
            ctx.insert(unit, entity, extra)
        for r, pid in pids:
            if r is not head_row:
                ctx.insert(
                    unit,
                    "familymember",
                    {"family_id": fid, "person_id": pid, "relation": r.values["relation"]},
                )
        self._seen(head_idn, head_row.index, {"family": fid})
        return unit

    def _eligibility(
        self, unit: Unit, fam: dict[str, Any], pids: list[tuple[Row, str]], head_pid: str
    ) -> None:
        """The national criteria, as the family form checks them: a family
        that misses one is enrolled only with a reason."""
        members = []
        for r, pid in pids:
            p = self.ctx.row("person", pid) or {}
            rel = "02" if pid == head_pid else r.values.get("relation") or ""
            members.append((rel, p.get("sex"), p.get("birth_date")))
        mother, children = rules.eligibility_inputs(None, members)
        warnings = special_family_eligibility(
            fam.get("category", ""),
            mother,
            self.ctx.today,
            children,
            False,
            fam.get("disability_grade"),
        )
        if not warnings:
            return
        unit.warnings.extend(warnings)
        reason = fam.get("override_reason") or self.opts.reason
        if reason:
            fam["override_reason"] = reason
        else:
            unit.errors.append(
                Issue(
                    "override_reason",
                    "special_family.reason_required",
                    "不完全符合特殊家庭条件（"
                    + "；".join(w.zh for w in warnings)
                    + "）。如仍要登记，请填写登记理由",
                    "Does not meet every special-family criterion ("
                    + "; ".join(w.en for w in warnings)
                    + "). Give a reason to enrol it anyway",
                )
            )

    # -- records of a family: contacts, visits, subsidies -------------------------------

    def find_family(self, unit: Unit, row: Row) -> tuple[str, str] | None:
        """(family id, head person id) by the head's ID number, else by the
        head's name (unique in the township, or in the village given)."""
        ctx = self.ctx
        heads = ctx.index(
            "family", "SELECT head_person_id, id FROM specialfamily WHERE deleted = 0"
        )
        idn = row.values.get("head_id_number")
        if idn:
            pid = ctx.person_by_idn.get(idn)
            fid = heads.get(pid) if pid else None
            if fid:
                return fid, str(pid)
            unit.errors.append(
                Issue(
                    "head_id_number",
                    "family.unknown",
                    f"找不到户主身份证号为 {idn} 的特殊家庭",
                    f"No special family whose head has the ID number {idn}",
                )
            )
            return None
        name = row.values.get("head_name") or ""
        village = None
        if row.values.get("village"):
            try:
                village = ctx.villages.find(row.values["village"])
            except DomainError as exc:
                unit.errors.append(exc.issue)
                return None
        by_name = ctx.index(
            "family_names",
            "SELECT p.name, f.division_code, f.id, f.head_person_id FROM specialfamily f "
            "JOIN person p ON p.id = f.head_person_id WHERE f.deleted = 0",
        )
        found = [
            (fid_pid[0], fid_pid[1])
            for (n, div), fid_pid in _pairs(by_name)
            if n == name and (village is None or div == village)
        ]
        if len(found) == 1:
            return found[0]
        unit.errors.append(
            Issue(
                "head_name",
                "family.unknown" if not found else "family.ambiguous",
                f"找不到户主为“{name}”的特殊家庭"
                if not found
                else f"户主为“{name}”的特殊家庭有 {len(found)} 户，请填写户主身份证号",
                f"No special family headed by “{name}”"
                if not found
                else f"{len(found)} special families are headed by “{name}”: give the head's "
                "ID number",
            )
        )
        return None

    def contacts(self, row: Row) -> Unit:
        ctx = self.ctx
        unit = Unit(
            [row.index], row.values.get("head_name") or row.values.get("head_id_number") or ""
        )
        unit.errors.extend(row.errors)
        if self._refuse_missing(unit, row) or unit.errors:
            return unit
        wanted: list[dict[str, Any]] = []
        v = row.values
        if v.get("name"):
            wanted.append({"kind": v.get("kind"), "name": v["name"], "mobile": v.get("mobile")})
        for k in ("township_cadre", "village_cadre"):
            if v.get(k):
                wanted.append({"kind": k, "name": v[k], "mobile": v.get(f"{k}_mobile")})
        if not wanted:
            unit.errors.append(
                Issue(
                    "name",
                    "required",
                    "没有联系人：请填写联系人姓名，或乡镇干部、村干部姓名",
                    "No contact: give the contact's name, or the township or village cadre",
                )
            )
            return unit
        fam = self.find_family(unit, row)
        if fam is None:
            return unit
        fid, _head = fam
        existing = ctx.index(
            "familycontact",
            "SELECT family_id, kind, name, id FROM familycontact WHERE deleted = 0",
        )
        changed = False
        for c in wanted:
            values = {k: x for k, x in c.items() if x is not None}
            if v.get("since"):
                values["since"] = v["since"]
            key = (fid, values.get("kind"), values["name"])
            if key in existing:
                self._existing(unit, existing[key])
                changed |= ctx.update(unit, "familycontact", existing[key], values, unit.update_ops)
            else:
                rid = ctx.insert(unit, "familycontact", {**values, "family_id": fid})
                ctx.put(existing, key, rid)
                self._created(unit, rid)
        unit.changed = changed
        return unit

    def family_record(
        self, row: Row, entity: str, fields: tuple[str, ...], key_fields: tuple[str, ...]
    ) -> Unit:
        """A visit or a subsidy of a family: found by its natural key."""
        ctx = self.ctx
        unit = Unit(
            [row.index], row.values.get("head_name") or row.values.get("head_id_number") or ""
        )
        unit.errors.extend(row.errors)
        if self._refuse_missing(unit, row) or unit.errors:
            return unit
        fam = self.find_family(unit, row)
        if fam is None:
            return unit
        fid, head_pid = fam
        values = {k: row.values[k] for k in fields if row.values.get(k) is not None}
        if entity == "caresubsidy":
            pid = self.recipient(unit, row, fid, head_pid)
            if not unit.ok:
                return unit
            if pid:
                values["person_id"] = pid
        key = (fid, *(values.get(k) for k in key_fields))
        existing = ctx.index(
            entity,
            f"SELECT family_id, {', '.join(key_fields)}, id FROM {entity} WHERE deleted = 0",
        )
        if key in existing:
            rid = existing[key]
            self._existing(unit, rid)
            unit.changed = ctx.update(unit, entity, rid, values, unit.update_ops)
            return unit
        rid = ctx.insert(unit, entity, {**values, "family_id": fid})
        ctx.put(existing, key, rid)
        self._created(unit, rid)
        return unit

    def recipient(self, unit: Unit, row: Row, fid: str, head_pid: str) -> str | None:
        ctx = self.ctx
        idn, name = row.values.get("id_number"), row.values.get("name")
        if idn:
            pid = ctx.person_by_idn.get(idn)
            if pid:
                return pid
            unit.errors.append(
                Issue(
                    "id_number",
                    "person.unknown",
                    f"找不到身份证号为 {idn} 的人员，请先导入或登记该家庭成员",
                    f"No person with the ID number {idn}: add them to the family first",
                )
            )
            return None
        if not name:
            return None
        members = ctx.index(
            "family_member_names",
            "SELECT fm.family_id, p.name, p.id FROM familymember fm JOIN person p "
            "ON p.id = fm.person_id WHERE fm.deleted = 0",
        )
        pid = members.get((fid, name))
        if pid:
            return str(pid)
        unit.errors.append(
            Issue(
                "name",
                "person.unknown",
                f"“{name}”不是该特殊家庭的成员",
                f"“{name}” is not a member of this special family",
            )
        )
        return None

    # -- activities with participants ------------------------------------------------------

    _ACTIVITY = (
        "title",
        "type",
        "campaign",
        "held_on",
        "place",
        "partners",
        "participant_count",
        "materials_count",
        "funds_raised_fen",
        "families_visited",
        "notes",
    )

    def activity(self, rows: list[Row]) -> Unit:
        ctx = self.ctx
        first = rows[0]
        unit = Unit([r.index for r in rows], first.values.get("title") or "")
        for r in rows:
            unit.errors.extend(r.errors)
        if self._refuse_missing(unit, first) or unit.errors:
            return unit
        village = _village(ctx, first, self.opts, unit)
        if not village:
            return unit
        act: dict[str, Any] = {}
        for k in self._ACTIVITY:
            for r in rows:
                if r.values.get(k) is not None:
                    act[k] = r.values[k]
                    break
        people = [r for r in rows if r.values.get("name") or r.values.get("id_number")]
        existing = ctx.index(
            "activity",
            "SELECT division_code, title, held_on, id FROM activity WHERE deleted = 0",
        )
        key = (village, act["title"], act["held_on"])
        aid = existing.get(key)
        if aid:
            self._existing(unit, aid)
            unit.changed = ctx.update(unit, "activity", aid, act, unit.update_ops)
        else:
            if "participant_count" not in act and people:
                act["participant_count"] = len(people)
            aid = ctx.insert(unit, "activity", {**act, "division_code": village})
            ctx.put(existing, key, aid)
            self._created(unit, aid)
        joined = ctx.index(
            "activityparticipant",
            "SELECT activity_id, person_id, id FROM activityparticipant WHERE deleted = 0",
        )
        for r in people:
            pid = self.participant(unit, r, village)
            if pid is None or (aid, pid) in joined:
                continue
            ctx.put(joined, (aid, pid), "pending")
            before = len(unit.ops)
            ctx.insert(unit, "activityparticipant", {"activity_id": aid, "person_id": pid})
            if unit.duplicate:
                unit.update_ops.extend(unit.ops[before:])
                del unit.ops[before:]
                unit.changed = True
        return unit

    def participant(self, unit: Unit, row: Row, village: str) -> str | None:
        pv = _person_values(row.values)
        if pv.get("id_number"):
            pid, _known = self.person(unit, pv, village, update=False)
            return pid
        name = pv.get("name") or ""
        found = self.ctx.names().get(name, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            unit.errors.append(
                Issue(
                    "id_number",
                    "person.ambiguous",
                    f"第{row.index + 1}行：同名“{name}”有 {len(found)} 人，请填写参与人身份证号",
                    f"Row {row.index + 1}: {len(found)} people are called “{name}”: give the "
                    "participant's ID number",
                )
            )
            return None
        pid, _known = self.person(unit, pv, village, update=False)
        self.ctx.put(self.ctx.names(), name, [pid])
        return pid


def _pairs(index: dict[Any, Any]) -> Iterable[tuple[tuple[str, str], tuple[str, str]]]:
    # family_names index: (name, division, family id) -> head person id
    for (name, div, fid), pid in index.items():
        yield (name, div), (fid, pid)


_MEMBER = ("group", "member_type", "role", "card_no", "joined_on", "left_on", "status")
_VOLUNTEER = ("team_level", "registration_no", "skills", "registered_on", "active")
_VISIT = (
    "visit_date",
    "mode",
    "visitor",
    "physical_state",
    "mental_state",
    "needs",
    "actions",
    "aid_fen",
    "major_event",
    "follow_up_due",
)
_SUBSIDY = (
    "kind",
    "hospital",
    "admitted_on",
    "discharged_on",
    "days",
    "rate_fen",
    "amount_fen",
    "status",
    "reviewer",
    "paid_on",
    "documents",
)


def _group_families(rows: list[Row]) -> list[list[Row]]:
    if any(r.values.get("family_no") for r in rows):
        groups: dict[Any, list[Row]] = {}
        for r in rows:
            groups.setdefault(r.values.get("family_no") or f"row{r.index}", []).append(r)
        return list(groups.values())
    out: list[list[Row]] = []
    for r in rows:
        rel = r.values.get("relation")
        if not out or rel in (None, "01", "02"):
            out.append([r])
        else:
            out[-1].append(r)
    return out


def _group_activities(rows: list[Row]) -> list[list[Row]]:
    groups: dict[Any, list[Row]] = {}
    for r in rows:
        v = r.values
        key = (v.get("title"), v.get("held_on"), v.get("village")) if v.get("title") else r.index
        groups.setdefault(key, []).append(r)
    return list(groups.values())


def analyse(
    conn: sqlite3.Connection,
    township: str,
    sheet: Sheet,
    mapping: Mapping,
    options: Options | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    check: Callable[[], None] | None = None,
) -> Plan:
    """What importing `sheet` under `mapping` would do; nothing is written."""
    k = kind(mapping.kind)
    opts = options or Options()
    today = today or date.today()
    rows, skipped = read_rows(k, sheet, mapping)
    ctx = Context(conn, township, today)
    b = Builder(ctx, k, opts)

    def one(rows: list[Row]) -> list[list[Row]]:
        return [[r] for r in rows]

    dispatch: dict[
        str, tuple[Callable[[list[Row]], list[list[Row]]], Callable[[list[Row]], Unit]]
    ] = {
        "members": (one, lambda g: b.person_record(g[0], "member", _MEMBER)),
        "volunteers": (one, lambda g: b.person_record(g[0], "volunteer", _VOLUNTEER)),
        "families": (_group_families, b.family),
        "activities": (_group_activities, b.activity),
        "contacts": (one, lambda g: b.contacts(g[0])),
        "visits": (
            one,
            lambda g: b.family_record(g[0], "carevisit", _VISIT, ("visit_date", "mode", "visitor")),
        ),
        "subsidies": (
            one,
            lambda g: b.family_record(
                g[0], "caresubsidy", _SUBSIDY, ("kind", "admitted_on", "person_id")
            ),
        ),
    }
    group, build = dispatch[k.name]
    groups = group(rows)
    units: list[Unit] = []
    for i, g in enumerate(groups):
        if check is not None and i % 500 == 0:
            check()
            if progress is not None:
                progress(i, len(groups))
        unit = build(g)
        ctx.settle(unit)
        units.append(unit)
    return Plan(k, sheet, mapping, units, skipped, today)
