"""Briefs: a case and a template make snapshots of what each document says (one per addressee).

Confidential exhibits — never to be disclosed to the requesting state — are left out of
every document addressed outside the defence (the CCF, a court, a national authority). The
lawyer may override; the override is recorded in the audit trail, with the exhibits it let
through, and is printed nowhere in the document (the rule is ``disclosure``'s, which hearing
bundles follow too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lawyer_desk.core import audit, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.documents import content, disclosure
from lawyer_desk.core.documents import particulars as p
from lawyer_desk.core.documents.disclosure import ADDRESSEES
from lawyer_desk.core.documents.snapshot import Block, Brief, ExhibitRow, Paragraph, Section
from lawyer_desk.core.documents.templates import Template, fill
from lawyer_desk.core.errors import NotFound
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.vocab import AlertStatus

__all__ = ["ADDRESSEES", "BriefOptions", "addressee_choices", "build", "load_client", "notifications"]
_NOTIFIED_STATUSES = {AlertStatus.deleted, AlertStatus.cancelled_by_source}


@dataclass(frozen=True)
class BriefOptions:
    addressee: str | None = None  # lines of the address (';' or newline between lines); for a
    #                               letter to an authority: which one (country code or part of its name)
    include_confidential: bool = False  # the lawyer's override (audited)
    today: date | None = None
    arguments: frozenset[int] | None = None  # ids of the argument notes to include (None: every one)


def load_client(session: Session, client_id: int) -> m.Client:
    query = select(m.Client).where(m.Client.id == client_id).options(
        selectinload(m.Client.names), selectinload(m.Client.notes), selectinload(m.Client.events),
        selectinload(m.Client.contacts), selectinload(m.Client.deadlines), selectinload(m.Client.proceedings),
        selectinload(m.Client.alerts).selectinload(m.Alert.warrants),
        selectinload(m.Client.alerts).selectinload(m.Alert.history),
        selectinload(m.Client.alerts).selectinload(m.Alert.notifications),
    )
    client = session.execute(query).scalar_one_or_none()
    if client is None:
        raise NotFound(f"There is no case {client_id} in this store.")
    return client


def notifications(client: m.Client) -> list[m.AlertNotification]:
    """The authorities to tell of a deletion: the notification table of each deleted alert."""
    return [n for alert in p.by_id(client.alerts) if alert.status in _NOTIFIED_STATUSES
            for n in p.by_id(alert.notifications)]


def addressee_choices(session: Session, client_id: int, template: Template) -> list[str]:
    """What the GUI offers as addressees: one per authority for a letter, else the usual address."""
    client = load_client(session, client_id)
    if template.one_per == "notification":
        return [f"{n.country}: {n.authority}" for n in notifications(client)]
    about = p.focus(client, template)
    facts = p.placeholders(client, template, about, date.today())
    return ["; ".join(fill(line, facts) for line in _default_address(client, template, about))]


def build(session: Session, client_id: int, template: Template, options: BriefOptions | None = None) -> list[Brief]:
    """The snapshots of the documents ``template`` makes for the case (one, or one per authority).

    Records the confidentiality override in the audit trail when it lets a confidential
    exhibit through; the caller's transaction commits it with the rest of the user's action.
    """
    options = options or BriefOptions()
    today = options.today or date.today()
    client = load_client(session, client_id)
    targets: list[m.AlertNotification | None] = [None]
    if template.one_per == "notification":
        targets = list(_chosen_notifications(client, options.addressee))
    rows = _exhibits(session, client, template, options.include_confidential)
    head = audit.head(session)[1]
    briefs = []
    for target in targets:
        about = p.focus(client, template, target)
        facts = p.placeholders(client, template, about, today)
        ctx = content.Context(client, template, about, facts, rows)
        address = _address(client, template, about, options.addressee if target is None else None)
        briefs.append(Brief(
            template=template.id, title=fill(template.title, facts), case_reference=case_reference(client.uid),
            marking=template.marking, date=today, audit_head=head,
            author=client.responsible_lawyer or "lawyer_desk", addressee=tuple(fill(a, facts) for a in address),
            cover=tuple(fill(line, facts) for line in template.cover),
            sections=tuple(_sections(ctx, options.arguments)),
            labels=template.labels, internal=template.addressee == "internal",
        ))
    return briefs


def _chosen_notifications(client: m.Client, wanted: str | None) -> list[m.AlertNotification]:
    found = notifications(client)
    if not found:
        raise NotFound(f"Case {client.id} has no authority to inform: no deleted alert has a notification table.")
    if not wanted:
        return found
    key = wanted.strip().casefold()
    chosen = [n for n in found if n.country.casefold() == key or key in n.authority.casefold()]
    if not chosen:
        names = "; ".join(f"{n.country}: {n.authority}" for n in found)
        raise NotFound(f"No authority of case {client.id} matches {wanted!r}; the authorities are: {names}.")
    return chosen


def _address(client: m.Client, template: Template, about: p.Focus, given: str | None) -> list[str]:
    if given and given.strip():
        return [line.strip() for line in re.split(r"[;\n]", given) if line.strip()]
    lines = _default_address(client, template, about)
    if not lines:
        raise NotFound(f"Case {client.id} has no extradition-court proceeding to address; "
                       "name the court with an addressee.")
    return lines


def _default_address(client: m.Client, template: Template, about: p.Focus) -> list[str]:
    if template.addressee == "authority" and about.notification is not None:
        return [about.notification.authority, p.country(about.notification.country)]
    if template.addressee == "court":
        court = about.proceeding
        if court is None or not court.authority:
            return []
        return [x for x in (court.authority, court.reference, p.country(court.country)) if x]
    return list(template.default_addressee)


def _exhibits(session: Session, client: m.Client, template: Template, override: bool) -> tuple[ExhibitRow, ...]:
    """The exhibits this document may show; audits the override when it lets confidential ones through."""
    assert client.id is not None
    found = exhibits.rows(session, client.id)
    if template.exhibit_kinds:
        found = [e for e in found if e.kind in template.exhibit_kinds]
    found = disclosure.disclosable(found, template.addressee, override=override)
    disclosure.record_override(session, client.id, found, template.addressee, f"'{template.id}'")
    numbers = {e.id: e.number for e in found}
    return tuple(
        ExhibitRow(number=e.number, title=e.title + (f" (translation of exhibit {numbers[e.translation_of_id]})"
                                                     if e.translation_of_id in numbers else ""),
                   date=p.day(e.date), sha256=e.sha256, kind=p.words(e.kind), confidential=e.confidential)
        for e in found)


def _sections(ctx: content.Context, chosen: frozenset[int] | None = None) -> list[Section]:
    template = ctx.template
    placed: dict[str, list[m.Note]] = {}
    for note in p.by_id(ctx.client.notes):
        if note.argument_section and note.body.strip() and (chosen is None or note.id in chosen):
            where = template.argument_section(note.argument_section)
            if where is not None:
                placed.setdefault(where, []).append(note)
    sections = []
    for spec in template.sections:
        made: list[Block] = [b for name in spec.blocks for b in content.BLOCK_MAKERS[name](ctx)]
        if "notes" not in spec.blocks:  # the notes block already holds every note
            made += [b for note in placed.get(spec.key, []) for b in content.note_blocks(note, ctx)]
        if not made and spec.blocks:
            if spec.empty is None:
                continue
            made = [Paragraph(fill(spec.empty, ctx.facts), numbered=template.numbered_paragraphs)]
        blocks = content.paragraphs(spec.before, ctx) + made + content.paragraphs(spec.after, ctx)
        if blocks:
            sections.append(Section(spec.key, fill(spec.heading, ctx.facts), tuple(blocks)))
    return sections
