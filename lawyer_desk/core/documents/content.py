"""What each block of a template says about the case (see ``templates.BLOCKS``).

Every function takes the loaded client and returns snapshot blocks; none of them decides
what may be disclosed — the exhibits a block receives were already chosen for the addressee.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lawyer_desk.core import models as m
from lawyer_desk.core.documents import particulars as p
from lawyer_desk.core.documents.snapshot import (
    Block,
    ExhibitIndex,
    ExhibitRow,
    Fields,
    Paragraph,
    Subheading,
    Table,
)
from lawyer_desk.core.documents.templates import Template, fill
from lawyer_desk.core.vocab import DeadlineStatus, Ground, ProceedingStatus

_ITEM = re.compile(r"^\(([a-z]|[ivx]+)\)\s")


@dataclass(frozen=True)
class Context:
    client: m.Client
    template: Template
    about: p.Focus
    facts: dict[str, str]  # placeholder values
    exhibits: tuple[ExhibitRow, ...]


def paragraphs(texts: Sequence[str], ctx: Context) -> list[Block]:
    """Wording of the template, filled in; "(a) …" lines are list items, never numbered."""
    out: list[Block] = []
    for text in texts:
        filled = fill(text, ctx.facts)
        if _ITEM.match(filled):
            out.append(Paragraph(filled, style="item"))
        else:
            out.append(Paragraph(filled, numbered=ctx.template.numbered_paragraphs))
    return out


def note_blocks(note: m.Note, ctx: Context, *, numbered: bool | None = None) -> list[Block]:
    """A note: its title as a subheading, its body as paragraphs (blank lines separate them)."""
    numbered = ctx.template.numbered_paragraphs if numbered is None else numbered
    body = [chunk.strip() for chunk in re.split(r"\n\s*\n", note.body.replace("\r\n", "\n")) if chunk.strip()]
    out: list[Block] = [Subheading(note.title.strip())] if note.title.strip() else []
    return out + [Paragraph(chunk, numbered=numbered) for chunk in body]


def _fields(rows: Sequence[tuple[str, str | None]]) -> list[Block]:
    kept = tuple((label, value) for label, value in rows if value)
    return [Fields(kept)] if kept else []


# --- the client ---------------------------------------------------------------------------
def applicant(ctx: Context) -> list[Block]:
    c = ctx.client
    return _fields([
        ("Name", c.display_name),
        ("Date of birth", p.day(c.date_of_birth)),
        ("Place of birth", ", ".join(x for x in (c.place_of_birth, p.country(c.country_of_birth)) if x)),
        ("Nationality", p.countries(c.nationalities)),
        ("Sex", p.words(c.sex) if str(c.sex) != "unknown" else ""),
    ])


def names(ctx: Context) -> list[Block]:
    rows = tuple((n.text, str(n.script), p.words(n.kind), n.romanisation or "", n.source or "")
                 for n in p.by_id(ctx.client.names))
    if not rows:
        return []
    return [Table(("Name", "Script", "Kind", "Romanisation", "Source"), rows, (2.6, 1.0, 1.9, 1.8, 2.4))]


def representative(ctx: Context) -> list[Block]:
    counsel = [c for c in p.by_id(ctx.client.contacts) if str(c.role) == "co_counsel"]
    rows: list[tuple[str, str | None]] = [("Counsel", ctx.client.responsible_lawyer)]
    for contact in counsel:
        details = ", ".join(x for x in (contact.organisation, contact.email, contact.phone) if x)
        rows.append(("Co-counsel", f"{contact.name} ({details})" if details else contact.name))
    return _fields(rows)


def custody(ctx: Context) -> list[Block]:
    c = ctx.client
    return _fields([("Custody", p.CUSTODY.get(c.custody_status, "")), ("Facility", c.custody_facility),
                    ("Whereabouts", c.whereabouts)])


def asylum(ctx: Context) -> list[Block]:
    c = ctx.client
    if str(c.asylum_status) in ("none", "unknown"):
        return []
    return _fields([("Protection", p.words(c.asylum_status)), ("Country", p.country(c.asylum_country)),
                    ("Date", p.day(c.asylum_date)), ("Authority", c.asylum_authority)])


# --- alerts -----------------------------------------------------------------------------
def _alert(alert: m.Alert, *, history: bool) -> list[Block]:
    title = p.alert_type(alert).capitalize()
    if alert.reference:
        title += f" {alert.reference}"
    if alert.requesting_country:
        title += f", requested by {p.country(alert.requesting_country, in_sentence=True)}"
    out: list[Block] = [Subheading(title)]
    out += _fields([
        ("Type", p.alert_type(alert)), ("INTERPOL file", alert.reference), ("Control number", alert.control_number),
        ("Requesting country", p.country(alert.requesting_country)), ("Issued", p.day(alert.issue_date)),
        ("Publicity", p.words(alert.publicity) if str(alert.publicity) != "unknown" else ""),
        ("Status", p.words(alert.status) if str(alert.status) != "unknown" else ""),
        ("Summary", alert.summary),
    ])
    warrants = tuple(
        (", ".join(x for x in (w.authority, p.country(w.issuing_country)) if x), w.reference or "",
         p.day(w.issue_date), "\n".join(x.replace("\r\n", "\n").strip()
                                         for x in (w.charge, w.charge_translation or "") if x.strip()))
        for w in p.by_id(alert.warrants))
    if warrants:
        out.append(Table(("Issued by", "Reference", "Date", "Charge"), warrants, (2.2, 1.6, 1.2, 4)))
    if history and alert.history:
        rows = tuple((p.day(h.date), p.words(h.status), h.note or "")
                     for h in sorted(alert.history, key=lambda h: (h.date or "", h.id)))
        out.append(Table(("Date", "Status", "Note"), rows, (1.3, 1.3, 5)))
    if history and alert.notifications:
        rows = tuple((p.country(n.country), n.authority, p.day(n.date_sent), p.day(n.date_confirmed),
                      n.reference or "") for n in p.by_id(alert.notifications))
        out.append(Table(("Country", "Authority notified", "Sent", "Confirmed", "Reference"), rows,
                         (1.3, 3, 1.3, 1.3, 1.6)))
    return out


def alerts_active(ctx: Context) -> list[Block]:
    return [block for alert in p.active_alerts(ctx.client) for block in _alert(alert, history=False)]


def alerts_all(ctx: Context) -> list[Block]:
    return [block for alert in p.by_id(ctx.client.alerts) for block in _alert(alert, history=True)]


def notification(ctx: Context) -> list[Block]:
    alert, sent = ctx.about.alert, ctx.about.notification
    if alert is None or sent is None:
        return []
    return _fields([
        ("INTERPOL file", alert.reference), ("Type", p.alert_type(alert)),
        ("Requesting country", p.country(alert.requesting_country)), ("Deleted on", p.deletion_date(alert)),
        ("Addressed to", f"{sent.authority}, {p.country(sent.country)}"), ("Your reference", sent.reference),
    ])


def grounds(ctx: Context) -> list[Block]:
    """The template's wording for each ground recorded on the alerts concerned, in a fixed order."""
    alerts = [ctx.about.alert] if ctx.about.notification and ctx.about.alert else p.active_alerts(ctx.client)
    recorded = {g for alert in alerts for g in alert.grounds}
    out: list[Block] = []
    for ground in Ground:
        spec = ctx.template.grounds.get(ground)
        if ground.value in recorded and spec is not None:
            out.append(Subheading(fill(spec.heading, ctx.facts)))
            out += paragraphs(spec.text, ctx)
    return out


# --- chronology, proceedings, deadlines, notes, contacts ----------------------------------
def facts(ctx: Context) -> list[Block]:
    events = sorted(ctx.client.events, key=lambda e: (e.date, e.id))
    rows = tuple((("c. " if e.approximate else "") + p.day(e.date),
                  f"{e.title} — {e.description}" if e.description else e.title, e.place or "") for e in events)
    return [Table(("Date", "Event", "Place"), rows, (1.4, 5, 1.6))] if rows else []


def proceedings(ctx: Context) -> list[Block]:
    """Proceedings; outside the defence only those under way (a planned one is strategy)."""
    shown = [x for x in p.by_id(ctx.client.proceedings)
             if ctx.template.addressee == "internal" or x.status != ProceedingStatus.planned]
    rows = tuple((p.FORUMS.get(x.forum, p.words(x.forum)),
                  ", ".join(y for y in (x.authority, p.country(x.country)) if y),
                  x.reference or "", x.stage or "", p.words(x.status),
                  " – ".join(y for y in (p.day(x.opened), p.day(x.decided)) if y))
                 for x in shown)
    if not rows:
        return []
    return [Table(("Forum", "Authority", "Reference", "Stage", "Status", "Dates"), rows, (1.3, 2.6, 1.6, 1.4, 1, 1.8))]


def deadlines(ctx: Context) -> list[Block]:
    open_ones = sorted((d for d in ctx.client.deadlines if d.status == DeadlineStatus.open),
                       key=lambda d: (d.due_date, d.id))
    rows = tuple((p.day(d.due_date) + (f" {d.due_time.strftime('%H:%M')} {d.time_zone or ''}".rstrip()
                                       if d.due_time else ""),
                  d.title, p.words(d.kind)) for d in open_ones)
    return [Table(("Due", "Deadline", "Kind"), rows, (2, 5, 1.2))] if rows else []


def notes(ctx: Context) -> list[Block]:
    out: list[Block] = []
    for note in p.by_id(ctx.client.notes):
        blocks = note_blocks(note, ctx, numbered=False)
        if note.argument_section and blocks:
            marker = f"[argument section: {note.argument_section}]"
            if isinstance(blocks[0], Subheading):
                blocks[0] = Subheading(f"{blocks[0].text} {marker}")
            else:
                blocks.insert(0, Subheading(marker))
        out += blocks
    return out


def contacts(ctx: Context) -> list[Block]:
    rows = tuple((p.words(c.role), c.name, c.organisation or "", p.country(c.country),
                  "\n".join(x for x in (c.email, c.phone, c.address) if x), c.note or "")
                 for c in p.by_id(ctx.client.contacts))
    if not rows:
        return []
    return [Table(("Role", "Name", "Organisation", "Country", "Contact", "Note"), rows, (1.2, 1.8, 2, 1.2, 2.4, 2))]


def exhibits(ctx: Context) -> list[Block]:
    return [ExhibitIndex(ctx.exhibits)]


BLOCK_MAKERS: dict[str, Callable[[Context], list[Block]]] = {
    "applicant": applicant, "names": names, "representative": representative, "custody": custody,
    "asylum": asylum, "alerts_active": alerts_active, "alerts_all": alerts_all, "notification": notification,
    "facts": facts, "grounds": grounds, "proceedings": proceedings, "deadlines": deadlines, "notes": notes,
    "contacts": contacts, "exhibits": exhibits,
}
