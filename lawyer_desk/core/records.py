"""Creating, changing, deleting and restoring single records of a case.

Every function works inside the caller's session (one user action = one transaction).
Values are validated through the entity's ``...Base`` model first; problems come back as
``FieldErrors`` naming each field, so a form can mark them. ``delete`` returns a
``Snapshot`` that ``restore`` puts back with the same ids, which is what undo needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
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
               (m.Contact, "client_id")],
    m.Alert: [(m.ArrestWarrant, "alert_id"), (m.AlertStatusChange, "alert_id"), (m.AlertNotification, "alert_id")],
}
# Links that the database clears (ON DELETE SET NULL) and a restore must set again.
CLEARED: dict[type[SQLModel], list[tuple[type[SQLModel], str]]] = {
    m.Alert: [(m.Proceeding, "alert_id")],
    m.Proceeding: [(m.Deadline, "proceeding_id")],
}


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


def _rows(session: Session, model: type[SQLModel], column: str, parent_ids: list[int]) -> list[dict[str, Any]]:
    if not parent_ids:
        return []
    table = _table(model)
    query = select(table).where(table.c[column].in_(parent_ids)).order_by(table.c.id)
    return [dict(row._mapping) for row in session.execute(query)]


def _collect(session: Session, snapshot: Snapshot, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    snapshot.rows += [(model, row) for row in rows]
    ids = [row["id"] for row in rows]
    for child, column in CHILDREN.get(model, []):
        _collect(session, snapshot, child, _rows(session, child, column, ids))
    for referrer, column in CLEARED.get(model, []):
        for row in _rows(session, referrer, column, ids):
            snapshot.cleared.append((referrer, column, row["id"], row[column]))


def delete(session: Session, model: type[SQLModel], record_id: int) -> Snapshot:
    record = get(session, model, record_id)
    client_id = record.id if model is m.Client else getattr(record, "client_id", None)
    if client_id is None and hasattr(record, "alert_id"):
        client_id = get(session, m.Alert, record.alert_id).client_id
    snapshot = Snapshot(model, record_id, client_id)
    _collect(session, snapshot, model, _rows(session, model, "id", [record_id]))
    session.delete(record)
    session.flush()
    return snapshot


def restore(session: Session, snapshot: Snapshot) -> None:
    """Put a deleted record back with the same ids (undo of ``delete``)."""
    for model, row in snapshot.rows:
        session.execute(insert(_table(model)), [row])
    for model, column, row_id, value in snapshot.cleared:
        session.execute(sql_update(_table(model)).where(_table(model).c.id == row_id).values({column: value}))
    summary = f"restored with {len(snapshot.rows) - 1} dependent records"
    audit.append(session, [audit.Change("restore", _table(snapshot.model).name, snapshot.record_id,
                                        snapshot.client_id, summary)])
    session.expire_all()


def describe_deletion(session: Session, model: type[SQLModel], record_id: int) -> dict[str, int]:
    """What would go with the record: {table name: count}, for the confirmation dialog."""
    snapshot = Snapshot(model, record_id, None)
    _collect(session, snapshot, model, _rows(session, model, "id", [record_id]))
    counts: dict[str, int] = {}
    for child, _row in snapshot.rows[1:]:
        counts[_table(child).name] = counts.get(_table(child).name, 0) + 1
    return counts
