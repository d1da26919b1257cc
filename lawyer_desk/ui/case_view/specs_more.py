"""The fields of proceedings, deadlines, notes, chronology events and contacts, as forms show them.

Functions, not constants: labels and help are translated when a form is built, after the
translator of the interface language is installed.
"""

from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from PySide6.QtCore import QByteArray, QCoreApplication, QTimeZone

from lawyer_desk.core.vocab import (
    CcfDecision,
    CcfRequestType,
    ContactRole,
    DeadlineKind,
    DeadlineStatus,
    Forum,
    NoteFormat,
    ProceedingStatus,
)
from lawyer_desk.ui.forms import FieldSpec

# The proceeding fields that belong to a request before the CCF.
CCF_FIELDS = ("ccf_request_type", "ccf_received", "ccf_admissibility", "ccf_decision")
# Deadline fields filled by the rule engine: shown read-only, and only when set.
RULE_FIELDS = ("rule_id", "trigger_event", "trigger_date")


def tr(text: str) -> str:
    return QCoreApplication.translate("specs_more", text)


class ArgumentSection(StrEnum):
    """The part of a brief a note is written for; None means an ordinary working note."""

    facts = "facts"
    grounds = "grounds"
    relief = "relief"
    confidentiality = "confidentiality"
    other = "other"


def argument_section_label(value: str | None) -> str:
    labels = {
        None: tr("Working note"),
        "facts": tr("Facts"),
        "grounds": tr("Grounds"),
        "relief": tr("Relief sought"),
        "confidentiality": tr("Confidentiality request"),
        "other": tr("Other section"),
    }
    return labels.get(value) or str(value)


_zones: set[str] = set()


def _known_zones() -> set[str]:
    """The IANA names zoneinfo knows, read from disk once; empty without a tz database."""
    if not _zones:
        _zones.update(available_timezones())
    return _zones


def time_zone_problem(text: str) -> str | None:
    """Why ``text`` is not an IANA time zone name ('Europe/London'), or None when it is one (or empty)."""
    name = text.strip()
    if not name:
        return None
    zones = _known_zones()
    if zones:
        known = name in zones and _loads(name)
    else:  # no tz database for zoneinfo (Windows without the tzdata package): ask Qt's own
        known = QTimeZone.isTimeZoneIdAvailable(QByteArray(name.encode("utf-8")))
    if known:
        return None
    return tr("not a time zone: use a name such as Europe/London or Europe/Paris")


def _loads(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, OSError, ZoneInfoNotFoundError):
        return False
    return True


def time_zone_names() -> list[str]:
    """Every known IANA zone name, for completion."""
    zones = _known_zones()
    if zones:
        return sorted(zones)
    return sorted(bytes(zone.data()).decode() for zone in QTimeZone.availableTimeZoneIds())


def proceeding_specs() -> list[FieldSpec]:
    return [
        FieldSpec("forum", tr("Forum"), "enum", enum=Forum,
                  help=tr("Where the proceeding takes place: the CCF, an extradition court, an asylum "
                          "authority, the European Court of Human Rights, a UN committee…")),
        FieldSpec("country", tr("Country"), "country",
                  help=tr("Country of the court or authority (ISO code); empty for international bodies")),
        FieldSpec("authority", tr("Court or authority"), placeholder=tr("e.g. Westminster Magistrates' Court")),
        FieldSpec("reference", tr("Reference"), help=tr("The case number the forum gave")),
        FieldSpec("stage", tr("Stage"), placeholder=tr("e.g. admissibility, first instance, appeal")),
        FieldSpec("status", tr("Status"), "enum", enum=ProceedingStatus),
        FieldSpec("opened", tr("Opened"), "date", help=tr("Date the proceeding began or the request was filed")),
        FieldSpec("decided", tr("Decided"), "date", help=tr("Date of the decision, once there is one")),
        FieldSpec("outcome", tr("Outcome"), placeholder=tr("e.g. extradition refused")),
        FieldSpec("opposing_party", tr("Opposing party"), placeholder=tr("e.g. the requesting state")),
        FieldSpec("ccf_request_type", tr("CCF request"), "enum", enum=CcfRequestType, optional_enum=True,
                  help=tr("Access, correction or deletion of the data INTERPOL holds")),
        FieldSpec("ccf_received", tr("CCF received it"), "date",
                  help=tr("Date the CCF received the request: admissibility is due within 1 month "
                          "(CCF Statute Art. 32)")),
        FieldSpec("ccf_admissibility", tr("CCF admissible on"), "date",
                  help=tr("Date the request was found admissible: the decision is due within 4 months for access, "
                          "9 months for correction or deletion (Art. 40)")),
        FieldSpec("ccf_decision", tr("CCF decision"), "enum", enum=CcfDecision, optional_enum=True,
                  help=tr("Whether the CCF found the data compliant with INTERPOL's rules")),
        FieldSpec("notes", tr("Notes"), "multiline"),
    ]


def deadline_specs() -> list[FieldSpec]:
    return [
        FieldSpec("title", tr("Title"), placeholder=tr("e.g. Appeal to the High Court")),
        FieldSpec("due_date", tr("Due date"), "date", help=tr("The date kept in the diary")),
        FieldSpec("due_time", tr("Cut-off time"), "time",
                  help=tr("Time of day the filing must arrive by, if the forum sets one "
                          "(e.g. 16:00 Strasbourg time for Rule 39 requests)")),
        FieldSpec("time_zone", tr("Time zone"), placeholder=tr("e.g. Europe/London"),
                  help=tr("IANA time zone of the cut-off time, e.g. Europe/Paris for Strasbourg"),
                  extra={"check": time_zone_problem, "completions": time_zone_names}),
        FieldSpec("kind", tr("Kind"), "enum", enum=DeadlineKind,
                  help=tr("Statutory: set by law or the forum's rules; practice: set by the lawyer or by "
                          "court practice; possible: may arise, depending on service or another event")),
        FieldSpec("status", tr("Status"), "enum", enum=DeadlineStatus),
        FieldSpec("statutory_date", tr("Statutory date"), "date",
                  help=tr("The date the statute gives; time limits slip in practice, so it is kept apart")),
        FieldSpec("actual_date", tr("Actual date"), "date",
                  help=tr("The date the step actually happened or will happen")),
        FieldSpec("reminder_days", tr("Remind me"), "int_list",
                  help=tr("Days before the due date to remind, separated by commas")),
        FieldSpec("rule_id", tr("Rule"), extra={"read_only": True, "hide_empty": True},
                  help=tr("The deadline rule that computed this date")),
        FieldSpec("trigger_event", tr("Trigger event"), extra={"read_only": True, "hide_empty": True},
                  help=tr("The event the period counts from")),
        FieldSpec("trigger_date", tr("Trigger date"), "date", extra={"read_only": True, "hide_empty": True},
                  help=tr("The day the period counts from")),
        FieldSpec("note", tr("Note"), "multiline"),
    ]


def note_specs() -> list[FieldSpec]:
    return [
        FieldSpec("title", tr("Title")),
        FieldSpec("argument_section", tr("Argument section"), "enum", enum=ArgumentSection, optional_enum=True,
                  help=tr("Marks the note as a section of the submissions, so a brief can gather it")),
        FieldSpec("format", tr("Format"), "enum", enum=NoteFormat),
        FieldSpec("body", tr("Text"), "multiline"),
    ]


def event_specs() -> list[FieldSpec]:
    return [
        FieldSpec("date", tr("Date"), "partial_date",
                  help=tr("As precise as is known: a year (2016), a month (2016-06) or a day (2016-06-02)")),
        FieldSpec("approximate", tr("Approximate"), "bool",
                  help=tr("The date is an estimate (the client remembers only roughly)")),
        FieldSpec("title", tr("What happened"), placeholder=tr("e.g. Arrested at the airport")),
        FieldSpec("place", tr("Place")),
        FieldSpec("source", tr("Source"), placeholder=tr("e.g. court record, client's statement"),
                  help=tr("Where the fact comes from, so it can be proved")),
        FieldSpec("description", tr("Details"), "multiline"),
    ]


def contact_specs() -> list[FieldSpec]:
    return [
        FieldSpec("role", tr("Role"), "enum", enum=ContactRole),
        FieldSpec("name", tr("Name")),
        FieldSpec("organisation", tr("Organisation")),
        FieldSpec("country", tr("Country"), "country"),
        FieldSpec("email", tr("Email")),
        FieldSpec("phone", tr("Phone"), placeholder=tr("with the country code, e.g. +44 20 …")),
        FieldSpec("address", tr("Address"), "multiline"),
        FieldSpec("note", tr("Note"), "multiline"),
    ]
