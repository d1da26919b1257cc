"""Creating, changing, deleting and restoring single records of a case.

Every function works inside the caller's session (one user action = one transaction).
Values are validated through the entity's ``...Base`` model first; problems come back as
``FieldErrors`` naming each field, so a form can mark them. ``delete`` returns a
``Snapshot`` that ``restore`` puts back with the same ids, which is what undo needs.

Deleting a client takes its exhibits (and their extracted text) with it, but not the exhibits'
encrypted files: those stay in the vault so that ``restore`` can point the rows at them again.
``Snapshot.vault_objects`` names them; whoever holds the snapshot removes them once the deletion
can no longer be undone (``exhibit_checks.remove_unreferenced``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import column as sql_column
from sqlalchemy import func, insert, select
from sqlalchemy import table as sql_table
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from lawyer_desk.core import audit
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput, NotFound

BASES: dict[type[SQLModel], type[SQLModel]] = {
    m.Client: m.ClientBase, m.NameVariant: m.NameVariantBase, m.Alert: m.AlertBase,
    m.ArrestWarrant: m.ArrestWarrantBase, m.AlertStatusChange: m.AlertStatusChangeBase,
    m.AlertNotification: m.AlertNotificationBase, m.Proceeding: m.ProceedingBase,
    m.Deadline: m.DeadlineBase, m.Note: m.NoteBase, m.Event: m.EventBase, m.Contact: m.ContactBase,
}
# Links a record may carry besides its own fields (set on create, never edited in forms).
LINKS = ("client_id", "alert_id", "proceeding_id")
# Optional links a form may change later: (model, link) → the table linked to, which must be
# of the same case (a proceeding concerns one of its client's alerts, a deadline one of its
# client's proceedings).
EDITABLE_LINKS: dict[tuple[type[SQLModel], str], type[SQLModel]] = {
    (m.Proceeding, "alert_id"): m.Alert,
    (m.Deadline, "proceeding_id"): m.Proceeding,
}
# What goes with a record when it is deleted: (child table, foreign key) in insert order.
CHILDREN: dict[type[SQLModel], list[tuple[type[SQLModel], str]]] = {
    m.Client: [(m.NameVariant, "client_id"), (m.Alert, "client_id"), (m.Proceeding, "client_id"),
               (m.Deadline, "client_id"), (m.Note, "client_id"), (m.Event, "client_id"),
               (m.Contact, "client_id"), (m.Exhibit, "client_id")],
    m.Alert: [(m.ArrestWarrant, "alert_id"), (m.AlertStatusChange, "alert_id"), (m.AlertNotification, "alert_id")],
    m.Exhibit: [(m.ExhibitText, "exhibit_id")],
}
# Links that the database clears (ON DELETE SET NULL) and a restore must set again.
CLEARED: dict[type[SQLModel], list[tuple[type[SQLModel], str]]] = {
    m.Alert: [(m.Proceeding, "alert_id")],
    m.Proceeding: [(m.Deadline, "proceeding_id")],
    m.Exhibit: [(m.Exhibit, "translation_of_id")],  # a translation outlives its original
}
# Records with a history of their own (an exhibit's chain of custody): when one goes or comes
# back with its parent, it gets its own audit entry besides the parent's.
OWN_HISTORY: tuple[type[SQLModel], ...] = (m.Exhibit,)
# Part of another record rather than one of its own: not counted in ``describe_deletion``.
NOT_COUNTED: tuple[type[SQLModel], ...] = (m.ExhibitText,)


class FieldErrors(InvalidInput):
    """One message per field that is wrong; ``str()`` lists them all on one line."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))


def _table(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def validate(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """The values as the entity's rules make them (codes upper-cased, dates parsed…)."""
    base = BASES[model]
    try:
        checked = base.model_validate(values)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for problem in exc.errors(include_url=False):
            name = str(problem["loc"][0]) if problem["loc"] else "record"
            message = problem["msg"].removeprefix("Value error, ")
            # A form sends None for a field left empty: for a required field that means "required",
            # not pydantic's "Input should be a valid string".
            required = problem["type"] == "missing" or (problem.get("input") is None and name in values)
            errors.setdefault(name, "required" if required else message)
        raise FieldErrors(errors) from None
    return {name: getattr(checked, name) for name in base.model_fields}


def fields_of(record: SQLModel) -> dict[str, Any]:
    """The editable fields of a record, as a form shows them."""
    base = BASES[type(record)]
    return {name: getattr(record, name) for name in base.model_fields}


def get(session: Session, model: type[SQLModel], record_id: int) -> Any:
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"This {_table(model).name.replace('_', ' ')} no longer exists.")
    return record


def _check_link(session: Session, model: type[SQLModel], name: str, target_id: int | None,
                client_id: int | None) -> None:
    target_model = EDITABLE_LINKS.get((model, name))
    if target_model is None or target_id is None:
        return
    target = session.get(target_model, target_id)
    if target is None or getattr(target, "client_id", None) != client_id:
        raise FieldErrors({name: f"no such {_table(target_model).name} in this case"})


def create(session: Session, model: type[SQLModel], values: dict[str, Any], **links: int | None) -> int:
    for name, target_id in links.items():
        _check_link(session, model, name, target_id, links.get("client_id"))
    record = model(**validate(model, values), **{k: v for k, v in links.items() if k in LINKS})
    session.add(record)
    session.flush()
    return record.id  # type: ignore[attr-defined,no-any-return]


def update(session: Session, model: type[SQLModel], record_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply ``changes``; returns the previous values of the fields that changed.

    ``changes`` may also set an optional link named in ``EDITABLE_LINKS`` (``alert_id`` of a
    proceeding, ``proceeding_id`` of a deadline), to a record of the same case or None.
    """
    record = get(session, model, record_id)
    current = fields_of(record)
    links = {name: value for name, value in changes.items() if (model, name) in EDITABLE_LINKS}
    fields = {name: value for name, value in changes.items() if name not in links}
    checked = validate(model, {**current, **fields})
    previous = {}
    for name in fields:
        if checked[name] != current[name]:
            previous[name] = current[name]
            setattr(record, name, checked[name])
    for name, value in links.items():
        _check_link(session, model, name, value, getattr(record, "client_id", None))
        if getattr(record, name) != value:
            previous[name] = getattr(record, name)
            setattr(record, name, value)
    session.flush()
    return previous


@dataclass
class Snapshot:
    """Rows of a deleted record and what went with it, enough to put them back as they were."""

    model: type[SQLModel]
    record_id: int
    client_id: int | None
    rows: list[tuple[type[SQLModel], dict[str, Any]]] = field(default_factory=list)
    cleared: list[tuple[type[SQLModel], str, int, int]] = field(default_factory=list)  # model, column, id, value

    @property
    def vault_objects(self) -> list[str]:
        """The vault objects of the exhibits in the snapshot: left in the vault for ``restore``."""
        return [row["object_name"] for model, row in self.rows if model is m.Exhibit]


def _rows(session: Session, model: type[SQLModel], column: str, parent_ids: list[int]) -> list[dict[str, Any]]:
    if not parent_ids:
        return []
    table = _table(model)
    query = select(table).where(table.c[column].in_(parent_ids)).order_by(*table.primary_key.columns)
    return [dict(row._mapping) for row in session.execute(query)]


def _collect(session: Session, snapshot: Snapshot, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    snapshot.rows += [(model, row) for row in rows]
    if model not in CHILDREN and model not in CLEARED:
        return
    ids = [row["id"] for row in rows]
    for child, column in CHILDREN.get(model, []):
        _collect(session, snapshot, child, _rows(session, child, column, ids))
    for referrer, column in CLEARED.get(model, []):
        for row in _rows(session, referrer, column, ids):
            snapshot.cleared.append((referrer, column, row["id"], row[column]))


def _own_history(snapshot: Snapshot, action: str, summary: str) -> list[audit.Change]:
    """Entries for the records with a history of their own that went (or came back) with the parent."""
    return [audit.Change(action, _table(model).name, row["id"], snapshot.client_id, summary)
            for model, row in snapshot.rows[1:] if model in OWN_HISTORY]


def delete(session: Session, model: type[SQLModel], record_id: int) -> Snapshot:
    record = get(session, model, record_id)
    client_id = record.id if model is m.Client else getattr(record, "client_id", None)
    if client_id is None and hasattr(record, "alert_id"):
        client_id = get(session, m.Alert, record.alert_id).client_id
    snapshot = Snapshot(model, record_id, client_id)
    _collect(session, snapshot, model, _rows(session, model, "id", [record_id]))
    session.delete(record)
    session.flush()
    audit.append(session, _own_history(snapshot, "delete", f"removed with the {_table(model).name}"))
    return snapshot


_ID_COUNTERS = sql_table("sqlite_sequence", sql_column("name"), sql_column("seq"))


def highest_id_given(session: Session, table: Any) -> int:
    """The highest id ``table`` has given, which no new row may take again.

    Its largest id; for an AUTOINCREMENT table (clients, exhibits: the audit trail names them
    by id) the counter SQLite keeps in ``sqlite_sequence`` when higher, which remembers the ids
    of rows deleted since. Code that picks ids itself starts above this; SQLite moves the
    counter on when a row goes in with a higher id.
    """
    highest = session.execute(select(func.max(table.c.id))).scalar_one() or 0
    if table.dialect_options["sqlite"]["autoincrement"]:
        counter = session.execute(select(_ID_COUNTERS.c.seq).where(_ID_COUNTERS.c.name == table.name)).scalar()
        highest = max(highest, counter or 0)
    return int(highest)


def _new_ids(session: Session, snapshot: Snapshot) -> dict[str, dict[int, int]]:
    """New ids for the rows whose ids were taken meanwhile, by table: {old id: new id}.

    Most tables are not AUTOINCREMENT: a record added outside the undo history (an imported
    case, a name added to another case) may have taken the id of a deleted one. Clients and
    exhibits (AUTOINCREMENT) never give a deleted row's id to a new one, so theirs stay free;
    a row that must move all the same gets an id above every id its table has given.
    """
    ids: dict[Any, list[int]] = {}
    for model, row in snapshot.rows:
        if "id" in row:
            ids.setdefault(_table(model), []).append(row["id"])
    moved: dict[str, dict[int, int]] = {}
    for table, wanted in ids.items():
        taken = sorted(session.execute(select(table.c.id).where(table.c.id.in_(wanted))).scalars())
        if taken:
            top = max(highest_id_given(session, table), *wanted)
            moved[table.name] = {old: top + i for i, old in enumerate(taken, 1)}
    return moved


def _follow(moved: dict[str, dict[int, int]], table_name: str, row_id: Any) -> Any:
    return moved.get(table_name, {}).get(row_id, row_id)


def _moved(table: Any, row: dict[str, Any], moved: dict[str, dict[int, int]]) -> dict[str, Any]:
    """The row with its own id and its links following the rows that got new ids."""
    row = dict(row)
    if "id" in row:
        row["id"] = _follow(moved, table.name, row["id"])
    for key in table.foreign_keys:
        if row.get(key.parent.name) is not None:
            row[key.parent.name] = _follow(moved, key.column.table.name, row[key.parent.name])
    return row


def _as_restored(session: Session, snapshot: Snapshot, model: type[SQLModel], row: dict[str, Any],
                 coming: set[tuple[type[SQLModel], int]], notes: list[str]) -> dict[str, Any]:
    """The row as it can go back: links into the snapshot wait for their target (``cleared``
    sets them once every row is in), links to a record gone meanwhile are left empty, and an
    exhibit whose number was given to another exhibit meanwhile gets the next free one."""
    for referrer, column in CLEARED.get(model, []):
        target = row.get(column) if referrer is model else None
        if target is not None and ((model, target) in coming or session.get(model, target) is None):
            row[column] = None
    if model is m.Exhibit and model is snapshot.model:
        from lawyer_desk.core.exhibits import next_number  # exhibits builds on this module

        taken = session.execute(select(m.Exhibit.id).where(
            m.Exhibit.client_id == row["client_id"], m.Exhibit.number == row["number"])).first()
        if taken is not None:
            new = next_number(session, row["client_id"])
            notes.append(f"number {row['number']} is now another exhibit's; restored as {new}")
            row["number"] = new
    return row


def restore(session: Session, snapshot: Snapshot, *, new_id_allowed: bool = False) -> int:
    """Put a deleted record back (undo of ``delete``); returns its id.

    Every row keeps its id unless a record added meanwhile took it; then it gets a new one and
    the links follow. The deleted record itself gets a new id only with ``new_id_allowed``
    (the caller then holds on to the id returned); otherwise that is ``InvalidInput``, and
    nothing is restored.
    """
    moved = _new_ids(session, snapshot)
    record_table = _table(snapshot.model).name
    record_id = _follow(moved, record_table, snapshot.record_id)
    notes: list[str] = []
    if record_id != snapshot.record_id:
        if not new_id_allowed:
            raise InvalidInput(f"This {record_table.replace('_', ' ')} cannot be brought back: a record added since "
                               "has taken its place.")
        notes.append(f"id {snapshot.record_id} was taken meanwhile; restored as {record_id}")
    client_id = _follow(moved, "client", snapshot.client_id)
    rows = [(model, _moved(_table(model), row, moved)) for model, row in snapshot.rows]
    coming = {(model, row["id"]) for model, row in rows if "id" in row}
    for model, row in rows:
        session.execute(insert(_table(model)), [_as_restored(session, snapshot, model, row, coming, notes)])
    for model, column, row_id, value in snapshot.cleared:
        table = _table(model)
        target = next(key.column.table.name for key in table.c[column].foreign_keys)
        session.execute(sql_update(table).where(table.c.id == _follow(moved, table.name, row_id)).values(
            {column: _follow(moved, target, value)}))
    summary = "; ".join([f"restored with {len(rows) - 1} dependent records", *notes])
    restored = Snapshot(snapshot.model, record_id, client_id, rows)
    audit.append(session, [audit.Change("restore", record_table, record_id, client_id, summary),
                           *_own_history(restored, "restore", f"restored with the {record_table}")])
    session.expire_all()
    return record_id


def describe_deletion(session: Session, model: type[SQLModel], record_id: int) -> dict[str, int]:
    """What would go with the record: {table name: count}, for the confirmation dialog."""
    snapshot = Snapshot(model, record_id, None)
    _collect(session, snapshot, model, _rows(session, model, "id", [record_id]))
    counts: dict[str, int] = {}
    for child, _row in snapshot.rows[1:]:
        if child not in NOT_COUNTED:
            counts[_table(child).name] = counts.get(_table(child).name, 0) + 1
    return counts
