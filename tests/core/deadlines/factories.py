"""Cases and deadlines made through the ORM in a real store, for the dashboard, reminder and calendar tests."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core.vocab import CaseStatus, DeadlineKind, DeadlineStatus, Forum

TODAY = date(2026, 12, 2)  # a Wednesday


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def add_client(session: Session, name: str, *, lawyer: str | None = None, status: CaseStatus = CaseStatus.open,
               requesting: tuple[str, ...] = ()) -> m.Client:
    client = m.Client(display_name=name, responsible_lawyer=lawyer, status=status)
    session.add(client)
    session.flush()
    for country in requesting:
        session.add(m.Alert(client_id=client.id, requesting_country=country))
    session.flush()
    return client


def add_proceeding(session: Session, client: m.Client, forum: Forum = Forum.extradition_court,
                   country: str | None = None) -> m.Proceeding:
    proceeding = m.Proceeding(client_id=client.id, forum=forum, country=country)
    session.add(proceeding)
    session.flush()
    return proceeding


def add_deadline(session: Session, client: m.Client, due: date, title: str = "Written observations", *,
                 proceeding: m.Proceeding | None = None, due_time: time | None = None, time_zone: str | None = None,
                 status: DeadlineStatus = DeadlineStatus.open, kind: DeadlineKind = DeadlineKind.statutory,
                 reminder_days: list[int] | None = None, **fields: Any) -> m.Deadline:
    deadline = m.Deadline(client_id=client.id, proceeding_id=proceeding.id if proceeding else None, title=title,
                          due_date=due, due_time=due_time, time_zone=time_zone, status=status, kind=kind,
                          reminder_days=list(reminder_days or []), **fields)
    session.add(deadline)
    session.flush()
    return deadline


def audit_summaries(session: Session, entity: str = "deadline", entity_id: int | None = None) -> list[str]:
    query = select(m.AuditEntry.summary).where(m.AuditEntry.entity == entity).order_by(m.AuditEntry.seq)
    if entity_id is not None:
        query = query.where(m.AuditEntry.entity_id == entity_id)
    return list(session.execute(query).scalars())
