"""The tables of the case file (SQLModel).

Each entity has a ``...Base`` with its validated fields, shared by the table class and by the
interchange format, and the ``table=True`` class that adds keys and links. Dates a person may
know only partly are ``PartialDate`` text ('1979', '1979-06', '1979-06-02'), which sorts
correctly as text.
"""

import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from lawyer_desk.core.codes import Country, Language, PartialDate
from lawyer_desk.core.vocab import (
    AlertStatus,
    AlertType,
    AsylumStatus,
    CaseStatus,
    CcfDecision,
    CcfRequestType,
    ContactRole,
    CustodyStatus,
    DeadlineKind,
    DeadlineStatus,
    ExhibitKind,
    Forum,
    NameKind,
    NoteFormat,
    ProceedingStatus,
    Publicity,
    Script,
    Sex,
    TextStatus,
    VerifiedState,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_uid() -> str:
    return uuid.uuid4().hex


def _parent(table: str) -> Any:
    """A required link to a parent row that goes when the parent goes."""
    return Field(sa_column=Column(Integer, ForeignKey(f"{table}.id", ondelete="CASCADE"),
                                  nullable=False, index=True))


def _optional_link(table: str) -> Any:
    """An optional link that is cleared (not cascaded) when the target goes."""
    return Field(default=None, sa_column=Column(Integer, ForeignKey(f"{table}.id", ondelete="SET NULL"),
                                                nullable=True, index=True))


_CHILD = {"cascade": "all, delete-orphan", "passive_deletes": True}


# --- Client ------------------------------------------------------------------------------
class ClientBase(SQLModel):
    display_name: str = Field(min_length=1, max_length=300)
    date_of_birth: PartialDate | None = None
    place_of_birth: str | None = None
    country_of_birth: Country | None = None
    sex: Sex = Sex.unknown
    nationalities: list[Country] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ethnicity: str | None = None
    residence_country: Country | None = None
    whereabouts: str | None = None
    custody_status: CustodyStatus = CustodyStatus.unknown
    custody_facility: str | None = None
    asylum_status: AsylumStatus = AsylumStatus.unknown
    asylum_country: Country | None = None
    asylum_date: PartialDate | None = None
    asylum_authority: str | None = None
    languages: list[Language] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    interpreter_needed: bool = False
    intake_date: date | None = None
    responsible_lawyer: str | None = None
    status: CaseStatus = CaseStatus.open


class Client(ClientBase, table=True):
    # The client list sorts in SQL through indexes the migrations create by hand (ix_client_list_*,
    # with COLLATE NOCASE or an expression: Alembic cannot compare them; see migrate.py).
    # AUTOINCREMENT (migration 0005): a deleted client's id, and with it its audit history, never
    # passes to a new one.
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    # What the client list sorts by and shows, worked out by triggers from the names, alerts
    # and deadlines (migration 0003, ``list_columns``). Never set by the program; kept out of
    # the interchange format, like ``uid``.
    list_names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    list_alerts: list[list[str | None]] = Field(default_factory=list,
                                                sa_column=Column(JSON, nullable=False, server_default="[]"))
    list_nationality: str | None = None
    list_requesting: str | None = None
    list_next_due: date | None = None
    list_next_title: str | None = None

    names: list["NameVariant"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)
    alerts: list["Alert"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)
    proceedings: list["Proceeding"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)
    deadlines: list["Deadline"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)
    notes: list["Note"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)
    events: list["Event"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)
    contacts: list["Contact"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)
    exhibits: list["Exhibit"] = Relationship(back_populates="client", sa_relationship_kwargs=_CHILD)


class NameVariantBase(SQLModel):
    text: str = Field(min_length=1, max_length=300)
    script: Script = Script.latin
    language: Language | None = None
    romanisation: str | None = None
    kind: NameKind = NameKind.legal
    source: str | None = None


class NameVariant(NameVariantBase, table=True):
    __tablename__ = "name_variant"
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    client: Client = Relationship(back_populates="names")


# --- Alert -------------------------------------------------------------------------------
class AlertBase(SQLModel):
    type: AlertType = AlertType.red_notice
    reference: str | None = Field(default=None, max_length=40, description="INTERPOL file number, YYYY/NNNNN")
    control_number: str | None = None
    requesting_country: Country | None = None
    publicity: Publicity = Publicity.unknown
    issue_date: PartialDate | None = None
    status: AlertStatus = AlertStatus.unknown
    grounds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    summary: str | None = None


class Alert(AlertBase, table=True):
    __table_args__ = (Index("ix_alert_list", "client_id", "requesting_country", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    client: Client = Relationship(back_populates="alerts")
    warrants: list["ArrestWarrant"] = Relationship(back_populates="alert", sa_relationship_kwargs=_CHILD)
    history: list["AlertStatusChange"] = Relationship(back_populates="alert", sa_relationship_kwargs=_CHILD)
    notifications: list["AlertNotification"] = Relationship(back_populates="alert", sa_relationship_kwargs=_CHILD)


class ArrestWarrantBase(SQLModel):
    issuing_country: Country | None = None
    charge: str = ""
    charge_translation: str | None = None
    authority: str | None = None
    reference: str | None = None
    issue_date: PartialDate | None = None


class ArrestWarrant(ArrestWarrantBase, table=True):
    __tablename__ = "arrest_warrant"
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = _parent("alert")
    alert: Alert = Relationship(back_populates="warrants")


class AlertStatusChangeBase(SQLModel):
    status: AlertStatus
    date: PartialDate | None = None
    note: str | None = None


class AlertStatusChange(AlertStatusChangeBase, table=True):
    __tablename__ = "alert_status_change"
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = _parent("alert")
    alert: Alert = Relationship(back_populates="history")


class AlertNotificationBase(SQLModel):
    """A national authority that must be told an alert was deleted, and whether it confirmed."""

    country: Country
    authority: str = Field(min_length=1)
    date_sent: date | None = None
    date_confirmed: date | None = None
    reference: str | None = None
    note: str | None = None


class AlertNotification(AlertNotificationBase, table=True):
    __tablename__ = "alert_notification"
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = _parent("alert")
    alert: Alert = Relationship(back_populates="notifications")

    @property
    def state(self) -> str:
        if self.date_confirmed:
            return "confirmed"
        return "sent" if self.date_sent else "outstanding"


# --- Proceeding --------------------------------------------------------------------------
class ProceedingBase(SQLModel):
    forum: Forum
    country: Country | None = None
    authority: str | None = None
    reference: str | None = None
    stage: str | None = None
    status: ProceedingStatus = ProceedingStatus.pending
    outcome: str | None = None
    opened: date | None = None
    decided: date | None = None
    opposing_party: str | None = None
    ccf_request_type: CcfRequestType | None = None
    ccf_received: date | None = None
    ccf_admissibility: date | None = None
    ccf_decision: CcfDecision | None = None
    notes: str | None = None


class Proceeding(ProceedingBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    alert_id: int | None = _optional_link("alert")
    client: Client = Relationship(back_populates="proceedings")
    deadlines: list["Deadline"] = Relationship(back_populates="proceeding")


# --- Deadline ----------------------------------------------------------------------------
class DeadlineBase(SQLModel):
    title: str = Field(min_length=1)
    due_date: date
    due_time: time | None = None
    time_zone: str | None = Field(default=None, description="IANA zone of the cut-off, e.g. Europe/London")
    kind: DeadlineKind = DeadlineKind.statutory
    status: DeadlineStatus = DeadlineStatus.open
    rule_id: str | None = None
    trigger_event: str | None = None
    trigger_date: date | None = None
    statutory_date: date | None = None
    actual_date: date | None = None
    reminder_days: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = None


class Deadline(DeadlineBase, table=True):
    __table_args__ = (Index("ix_deadline_next", "client_id", "status", "due_date"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    proceeding_id: int | None = _optional_link("proceeding")
    # Offsets (days before the due date) whose reminder the lawyer has seen; kept out of the
    # interchange format, like ``done_at``: they describe this desk, not the case.
    reminders_seen: list[int] = Field(default_factory=list,
                                      sa_column=Column(JSON, nullable=False, server_default="[]"))
    done_at: datetime | None = None
    client: Client = Relationship(back_populates="deadlines")
    proceeding: Optional["Proceeding"] = Relationship(back_populates="deadlines")


# --- Notes, chronology, contacts ---------------------------------------------------------
class NoteBase(SQLModel):
    title: str = ""
    body: str = ""
    format: NoteFormat = NoteFormat.markdown
    argument_section: str | None = Field(
        default=None, description="Set when the note is an argument section for briefs, e.g. 'grounds'")


class Note(NoteBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    client: Client = Relationship(back_populates="notes")


class EventBase(SQLModel):
    date: PartialDate
    approximate: bool = False
    title: str = Field(min_length=1)
    description: str | None = None
    place: str | None = None
    source: str | None = None


class Event(EventBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    client: Client = Relationship(back_populates="events")


class ContactBase(SQLModel):
    role: ContactRole = ContactRole.other
    name: str = Field(min_length=1)
    organisation: str | None = None
    country: Country | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    note: str | None = None


class Contact(ContactBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    client: Client = Relationship(back_populates="contacts")


# --- Exhibits (evidence; the files are in the vault, see vault.py) --------------------------
def _check_file_name(value: str) -> str:
    # The name is used again when a copy is written out: it must not reach another folder.
    if value in (".", "..") or any(c in value for c in "/\\\x00"):
        raise ValueError("a file name without any folder part")
    return value


FileName = Annotated[str, AfterValidator(_check_file_name)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class ExhibitBase(SQLModel):
    """What the lawyer records about a piece of evidence, and the facts of its file."""

    number: str = Field(min_length=1, max_length=40,
                        description="Exhibit number, unique in the case, e.g. '12' or 'A-3'")
    title: str = Field(min_length=1, max_length=500)
    kind: ExhibitKind = ExhibitKind.other
    date: PartialDate | None = None
    source: str | None = None
    language: Language | None = None
    confidential: bool = Field(default=False, description="Never disclose to the requesting state")
    notes: str | None = None
    filename: FileName = Field(min_length=1, max_length=255, description="The file's name when it was added")
    media_type: str = "application/octet-stream"
    size: int = Field(ge=0)
    sha256: Sha256 = Field(description="SHA-256 of the original file, hex")


class Exhibit(ExhibitBase, table=True):
    __table_args__ = (UniqueConstraint("client_id", "number", name="uq_exhibit_number"),
                      {"sqlite_autoincrement": True})  # ids never reused: custody entries name them
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _parent("client")
    translation_of_id: int | None = _optional_link("exhibit")
    # Facts of this desk, not of the case: kept out of the interchange format.
    object_name: str = Field(unique=True, index=True, description="The vault object holding the file")
    added_at: datetime = Field(default_factory=utc_now)
    text_status: TextStatus = TextStatus.not_extracted
    verified_at: datetime | None = None
    verified_state: VerifiedState | None = None
    client: Client = Relationship(back_populates="exhibits")


class ExhibitText(SQLModel, table=True):
    """The text taken out of an exhibit's file for search (kept apart: it can be megabytes)."""

    __tablename__ = "exhibit_text"
    exhibit_id: int = Field(sa_column=Column(Integer, ForeignKey("exhibit.id", ondelete="CASCADE"),
                                             primary_key=True))
    text: str


# --- Audit -------------------------------------------------------------------------------
class AuditEntry(SQLModel, table=True):
    """One link of the HMAC chain; see ``audit.py``. Never updated or deleted."""

    __tablename__ = "audit_entry"
    seq: int = Field(primary_key=True)
    at: datetime
    action: str
    entity: str
    entity_id: int | None = None
    client_id: int | None = Field(default=None, index=True)
    summary: str = ""
    prev_hash: str
    hash: str


CASE_TABLES: tuple[type[SQLModel], ...] = (
    Client, NameVariant, Alert, ArrestWarrant, AlertStatusChange, AlertNotification,
    Proceeding, Deadline, Note, Event, Contact, Exhibit,
)
