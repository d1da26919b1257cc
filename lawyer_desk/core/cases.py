"""Whole cases: import from and export to the interchange format, and the case list.

Import is all-or-nothing inside the caller's session and uses bulk inserts (one statement
per table for any number of cases), which is what makes importing thousands of cases fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, selectinload
from sqlmodel import SQLModel

from lawyer_desk.core import audit, records, search
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.vocab import TextStatus


def _rows(items: Sequence[SQLModel], exclude: set[str], **extra: Any) -> list[dict[str, Any]]:
    return [{**item.model_dump(exclude=exclude), **extra} for item in items]


def _insert_returning_ids(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
    """Insert with ids chosen here, so that the rows go in one executemany.

    SQLite cannot batch ``INSERT … RETURNING`` in parameter order, which made this one
    statement per row. The writer lock and the transaction make the ids after the highest
    ever given safe, and they are the ids SQLite would have picked: for an AUTOINCREMENT
    table (clients, exhibits) never the id of a row deleted before.
    """
    if not rows:
        return []
    start = records.highest_id_given(session, table.__table__)  # type: ignore[attr-defined]
    ids = list(range(start + 1, start + 1 + len(rows)))
    _insert(session, table, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    return ids


def _insert(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    # A Core insert on the table: the ORM's bulk insert splits the batch wherever optional
    # fields differ between rows (one statement per distinct set of non-null keys).
    if rows:
        session.execute(insert(table.__table__), rows)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class EvidenceFile:
    """An exhibit's file, already in the vault, for ``import_cases`` (see ``case_evidence``)."""

    object_name: str
    text_status: TextStatus = TextStatus.not_extracted
    text: str = ""


def import_cases(session: Session, cases: Sequence[cj.CaseFileV1],
                 evidence: Sequence[Sequence[EvidenceFile]] | None = None) -> list[int]:
    """Insert the cases; returns the new client ids in order. Commit is the caller's.

    A case listing exhibits needs their files: ``evidence[i]`` holds, for case ``i``, one
    ``EvidenceFile`` per exhibit in order (``case_evidence.import_case`` puts them in the vault).
    """
    for i, case in enumerate(cases):
        given = len(evidence[i]) if evidence is not None and i < len(evidence) else 0
        if case.exhibits and given != len(case.exhibits):
            raise InvalidInput(f"The case file lists {len(case.exhibits)} exhibits but their files were not "
                               "brought in; import it with its evidence folder.")
    with search.bulk_indexing(session):
        client_ids, alert_ids = _insert_cases(session, cases)
        exhibit_ids = _insert_exhibits(session, cases, client_ids, evidence or [])
    # Ids were chosen as consecutive runs, so the new rows are found by range.
    search.index_clients(session, range(client_ids[0], client_ids[-1] + 1) if client_ids else range(0),
                         range(alert_ids[0], alert_ids[-1] + 1) if alert_ids else range(0))
    audit.append(session, [
        audit.Change("import", "client", cid, cid,
                     f"case file imported: {len(c.names)} names, {len(c.alerts)} alerts, "
                     f"{len(c.proceedings)} proceedings, {len(c.deadlines)} deadlines, {len(c.notes)} notes, "
                     f"{len(c.events)} events, {len(c.contacts)} contacts"
                     + (f", {len(c.exhibits)} exhibits" if c.exhibits else ""))
        for c, cid in zip(cases, client_ids, strict=True)
    ] + [
        audit.Change("import", "exhibit", eid, cid, f"imported with the case file: number={e.number}; "
                     f"filename={e.filename}; size={e.size}; sha256={e.sha256}")
        for (cid, e), eid in exhibit_ids
    ])
    return client_ids


def _insert_exhibits(session: Session, cases: Sequence[cj.CaseFileV1], client_ids: list[int],
                     evidence: Sequence[Sequence[EvidenceFile]]) -> list[tuple[tuple[int, cj.ExhibitV1], int]]:
    owners, rows, texts = [], [], []
    now = datetime.now(UTC)
    for i, (case, cid) in enumerate(zip(cases, client_ids, strict=True)):
        for exhibit, stored in zip(case.exhibits, evidence[i] if case.exhibits else (), strict=True):
            owners.append((cid, exhibit))
            rows.append({**exhibit.model_dump(exclude={"translation_of", "file"}), "client_id": cid,
                         "object_name": stored.object_name, "added_at": now, "text_status": stored.text_status})
            texts.append(stored.text)
    ids = _insert_returning_ids(session, m.Exhibit, rows)
    by_number = {(cid, e.number): eid for (cid, e), eid in zip(owners, ids, strict=True)}
    links = [{"eid": eid, "target": by_number[(cid, e.translation_of)]}
             for (cid, e), eid in zip(owners, ids, strict=True) if e.translation_of]
    if links:
        table = m.Exhibit.__table__  # type: ignore[attr-defined]
        session.execute(update(table).where(table.c.id == bindparam("eid")).values(
            translation_of_id=bindparam("target")), links)
    _insert(session, m.ExhibitText, [{"exhibit_id": eid, "text": text}
                                     for eid, text in zip(ids, texts, strict=True) if text])
    return list(zip(owners, ids, strict=True))


def _insert_cases(session: Session, cases: Sequence[cj.CaseFileV1]) -> tuple[list[int], list[int]]:
    uids = [case.uid for case in cases if case.uid]
    if len(set(uids)) != len(uids):
        raise InvalidInput("The same case (uid) appears twice in this import.")
    if uids:
        clash = session.execute(select(m.Client.id, m.Client.uid).where(m.Client.uid.in_(uids))).first()
        if clash:
            raise InvalidInput(f"This case is already in the store (case {clash[0]}); nothing was imported.")
    now = datetime.now(UTC)
    client_rows = [{**case.client.model_dump(), "uid": case.uid or m.new_uid(), "created_at": now, "updated_at": now}
                   for case in cases]
    client_ids = _insert_returning_ids(session, m.Client, client_rows)

    names, alerts, alert_owner, proceedings, proceeding_owner = [], [], [], [], []
    notes, events, contacts = [], [], []
    for case, cid in zip(cases, client_ids, strict=True):
        names += _rows(case.names, set(), client_id=cid)
        notes += _rows(case.notes, set(), client_id=cid, created_at=now, updated_at=now)
        events += _rows(case.events, set(), client_id=cid)
        contacts += _rows(case.contacts, set(), client_id=cid)
        for alert in case.alerts:
            alerts.append({**alert.model_dump(exclude={"key", "warrants", "history", "notifications"}),
                           "client_id": cid})
            alert_owner.append((case, alert))
    _insert(session, m.NameVariant, names)
    _insert(session, m.Note, notes)
    _insert(session, m.Event, events)
    _insert(session, m.Contact, contacts)
    alert_ids = _insert_returning_ids(session, m.Alert, alerts)

    warrants, history, notifications = [], [], []
    alert_id_by_key: dict[tuple[int, str], int] = {}
    for (case, alert), aid in zip(alert_owner, alert_ids, strict=True):
        alert_id_by_key[(id(case), alert.key)] = aid
        warrants += _rows(alert.warrants, set(), alert_id=aid)
        history += _rows(alert.history, set(), alert_id=aid)
        notifications += _rows(alert.notifications, set(), alert_id=aid)
    _insert(session, m.ArrestWarrant, warrants)
    _insert(session, m.AlertStatusChange, history)
    _insert(session, m.AlertNotification, notifications)

    for case, cid in zip(cases, client_ids, strict=True):
        for proceeding in case.proceedings:
            alert_id = alert_id_by_key[(id(case), proceeding.alert)] if proceeding.alert else None
            proceedings.append({**proceeding.model_dump(exclude={"key", "alert"}), "client_id": cid,
                                "alert_id": alert_id})
            proceeding_owner.append((case, proceeding))
    proceeding_ids = _insert_returning_ids(session, m.Proceeding, proceedings)
    proceeding_id_by_key = {(id(case), p.key): pid
                            for (case, p), pid in zip(proceeding_owner, proceeding_ids, strict=True)}
    deadlines = []
    for case, cid in zip(cases, client_ids, strict=True):
        for deadline in case.deadlines:
            pid = proceeding_id_by_key[(id(case), deadline.proceeding)] if deadline.proceeding else None
            deadlines.append({**deadline.model_dump(exclude={"proceeding"}), "client_id": cid, "proceeding_id": pid})
    _insert(session, m.Deadline, deadlines)
    return client_ids, alert_ids


def _load_client(session: Session, client_id: int) -> m.Client:
    query = (
        select(m.Client).where(m.Client.id == client_id).options(
            selectinload(m.Client.names), selectinload(m.Client.notes), selectinload(m.Client.events),
            selectinload(m.Client.contacts), selectinload(m.Client.deadlines), selectinload(m.Client.proceedings),
            selectinload(m.Client.exhibits),
            selectinload(m.Client.alerts).selectinload(m.Alert.warrants),
            selectinload(m.Client.alerts).selectinload(m.Alert.history),
            selectinload(m.Client.alerts).selectinload(m.Alert.notifications),
        )
    )
    client = session.execute(query).scalar_one_or_none()
    if client is None:
        raise NotFound(f"There is no case {client_id} in this store.")
    return client


def _by_id(items: Sequence[Any]) -> list[Any]:
    return sorted(items, key=lambda item: item.id)


def export_case(session: Session, client_id: int) -> cj.CaseFileV1:
    """The case as an interchange document (records the export in the audit trail)."""
    client = _load_client(session, client_id)
    alert_key = {a.id: f"alert-{i}" for i, a in enumerate(_by_id(client.alerts), 1)}
    proceeding_key = {p.id: f"proceeding-{i}" for i, p in enumerate(_by_id(client.proceedings), 1)}

    def plain(model: type[SQLModel], item: Any) -> dict[str, Any]:
        return {name: getattr(item, name) for name in model.model_fields}

    alerts = [
        cj.AlertV1(**plain(m.AlertBase, a), key=alert_key[a.id],
                   warrants=[cj.WarrantV1(**plain(m.ArrestWarrantBase, w)) for w in _by_id(a.warrants)],
                   history=[cj.StatusChangeV1(**plain(m.AlertStatusChangeBase, h)) for h in _by_id(a.history)],
                   notifications=[cj.NotificationV1(**plain(m.AlertNotificationBase, n))
                                  for n in _by_id(a.notifications)])
        for a in _by_id(client.alerts)
    ]
    case = cj.CaseFileV1(
        format=cj.FORMAT, version=cj.VERSION, generator=cj.generator(), exported_at=datetime.now(UTC).replace(
            microsecond=0), uid=client.uid,
        client=cj.ClientV1(**plain(m.ClientBase, client)),
        names=[cj.NameV1(**plain(m.NameVariantBase, n)) for n in _by_id(client.names)],
        alerts=alerts,
        proceedings=[cj.ProceedingV1(**plain(m.ProceedingBase, p), key=proceeding_key[p.id],
                                     alert=alert_key.get(p.alert_id) if p.alert_id else None)
                     for p in _by_id(client.proceedings)],
        deadlines=[cj.DeadlineV1(**plain(m.DeadlineBase, d),
                                 proceeding=proceeding_key.get(d.proceeding_id) if d.proceeding_id else None)
                   for d in _by_id(client.deadlines)],
        notes=[cj.NoteV1(**plain(m.NoteBase, n)) for n in _by_id(client.notes)],
        events=[cj.EventV1(**plain(m.EventBase, e)) for e in _by_id(client.events)],
        contacts=[cj.ContactV1(**plain(m.ContactBase, c)) for c in _by_id(client.contacts)],
        exhibits=_exhibits_of(client, plain),
    )
    audit.append(session, [audit.Change("export", "client", client.id, client.id, "case file exported")])
    return case


def _exhibits_of(client: m.Client, plain: Any) -> list[cj.ExhibitV1]:
    """The exhibits in number order, each with the name its file gets in an evidence folder."""
    from lawyer_desk.core.exhibits import number_key

    ordered = sorted(client.exhibits, key=lambda e: (number_key(e.number), e.id))
    numbers = {e.id: e.number for e in ordered}
    taken: set[str] = set()
    return [cj.ExhibitV1(**plain(m.ExhibitBase, e), translation_of=numbers.get(e.translation_of_id),
                         file=cj.evidence_file_name(e.number, e.filename, taken)) for e in ordered]


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    id: int
    display_name: str
    nationalities: list[str]
    custody_status: str
    status: str
    requesting_countries: list[str]
    alerts: int
    next_deadline: str | None


def list_cases(session: Session, status: str | None = None) -> list[CaseRow]:
    alerts = (select(m.Alert.client_id, func.count(m.Alert.id).label("n"),
                     func.group_concat(func.distinct(m.Alert.requesting_country)).label("countries"))
              .group_by(m.Alert.client_id).subquery())
    deadlines = (select(m.Deadline.client_id, func.min(m.Deadline.due_date).label("due"))
                 .where(m.Deadline.status == "open").group_by(m.Deadline.client_id).subquery())
    query = (select(m.Client, alerts.c.n, alerts.c.countries, deadlines.c.due)
             .outerjoin(alerts, alerts.c.client_id == m.Client.id)
             .outerjoin(deadlines, deadlines.c.client_id == m.Client.id)
             .order_by(m.Client.display_name, m.Client.id))
    if status:
        query = query.where(m.Client.status == status)
    rows = []
    for client, n, countries, due in session.execute(query):
        rows.append(CaseRow(client.id, client.display_name, list(client.nationalities), str(client.custody_status),
                            str(client.status), sorted(countries.split(",")) if countries else [], n or 0,
                            due.isoformat() if due else None))
    return rows
