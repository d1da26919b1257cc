"""What the forms of the case view ask for: one list of ``FieldSpec`` per kind of record.

Functions, not constants, so that labels and help texts are translated when a form is
built — after the translator for the interface language is installed, not at import.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from lawyer_desk.core.vocab import (
    AlertStatus,
    AlertType,
    AsylumStatus,
    CaseStatus,
    CustodyStatus,
    Ground,
    NameKind,
    Publicity,
    Script,
    Sex,
)
from lawyer_desk.ui.forms import FieldSpec


def tr(text: str) -> str:
    return QCoreApplication.translate("specs", text)


def client_specs() -> list[FieldSpec]:
    return [
        FieldSpec("display_name", tr("Name"), help=tr(
            "The name the case is filed under. Other spellings and scripts go on the Names tab.")),
        FieldSpec("date_of_birth", tr("Date of birth"), "partial_date", help=tr(
            "As much as is known: a year (1984), a month (1984-03) or a day (1984-03-02).")),
        FieldSpec("place_of_birth", tr("Place of birth")),
        FieldSpec("country_of_birth", tr("Country of birth"), "country"),
        FieldSpec("sex", tr("Sex"), "enum", enum=Sex),
        FieldSpec("nationalities", tr("Nationalities"), "countries", help=tr(
            "Every nationality held or claimed by the requesting state, as ISO country codes.")),
        FieldSpec("ethnicity", tr("Ethnicity"), help=tr(
            "Relevant to the Art. 3 predominance test; never disclosed to the requesting state.")),
        FieldSpec("residence_country", tr("Country of residence"), "country"),
        FieldSpec("whereabouts", tr("Whereabouts"), placeholder=tr("e.g. detained in Warsaw pending hearing"),
                  help=tr("Where the client is now, as far as the defence may record it.")),
        FieldSpec("custody_status", tr("Custody"), "enum", enum=CustodyStatus),
        FieldSpec("custody_facility", tr("Place of detention"), help=tr(
            "Prison or facility, when the client is detained or under house arrest.")),
        FieldSpec("asylum_status", tr("Asylum status"), "enum", enum=AsylumStatus, help=tr(
            "INTERPOL's refugee policy bars a notice requested by the country of feared persecution.")),
        FieldSpec("asylum_country", tr("Asylum country"), "country"),
        FieldSpec("asylum_date", tr("Asylum decision"), "partial_date", help=tr(
            "Date of the application or decision: YYYY, YYYY-MM or YYYY-MM-DD.")),
        FieldSpec("asylum_authority", tr("Asylum authority"), placeholder=tr("e.g. IND, BAMF, OFPRA")),
        FieldSpec("languages", tr("Languages"), "languages", help=tr(
            "Languages the client speaks, as ISO 639 codes (uig, eng, rus…).")),
        FieldSpec("interpreter_needed", tr("Interpreter needed"), "bool"),
        FieldSpec("intake_date", tr("Intake date"), "date", help=tr("The day the firm took the case.")),
        FieldSpec("responsible_lawyer", tr("Responsible lawyer")),
        FieldSpec("status", tr("Case status"), "enum", enum=CaseStatus),
    ]


def name_variant_specs() -> list[FieldSpec]:
    return [
        FieldSpec("text", tr("Name"), help=tr(
            "Exactly as written in the source, in its own script (ئىدرىس, 伊德日斯, Идрис…).")),
        FieldSpec("script", tr("Script"), "enum", enum=Script, help=tr(
            "Left at Latin for a new name, it is taken from the letters of the name itself.")),
        FieldSpec("language", tr("Language"), "language", help=tr(
            "Language of this form of the name, as an ISO 639 code (uig, zho, rus…).")),
        FieldSpec("romanisation", tr("Romanisation"), placeholder=tr("e.g. Hanyu Pinyin, ICAO Doc 9303"),
                  help=tr("The transliteration system, when the name was romanised from another script.")),
        FieldSpec("kind", tr("Kind"), "enum", enum=NameKind),
        FieldSpec("source", tr("Source"), placeholder=tr("e.g. PRC passport, arrest warrant"),
                  help=tr("The document in which this spelling appears.")),
    ]


def alert_specs() -> list[FieldSpec]:
    return [
        FieldSpec("type", tr("Type"), "enum", enum=AlertType, help=tr(
            "A Red Notice is reviewed before publication; a diffusion goes from one NCB to others unreviewed.")),
        FieldSpec("reference", tr("INTERPOL reference"), placeholder=tr("YYYY/NNNNN, e.g. 2017/71234"),
                  help=tr("The INTERPOL file number, if known. Most notices are not public.")),
        FieldSpec("control_number", tr("Control number"), placeholder=tr("e.g. A-1234/5-2017")),
        FieldSpec("requesting_country", tr("Requesting country"), "country"),
        FieldSpec("publicity", tr("Publicity"), "enum", enum=Publicity, help=tr(
            "Whether an extract is on INTERPOL's public website or the notice is restricted.")),
        FieldSpec("issue_date", tr("Issued"), "partial_date", help=tr("YYYY, YYYY-MM or YYYY-MM-DD.")),
        FieldSpec("status", tr("Status"), "enum", enum=AlertStatus, help=tr(
            "The current status; record each change with its date on the status history.")),
        FieldSpec("grounds", tr("Grounds of challenge"), "enum_set", enum=Ground, help=tr(
            "The grounds argued before the CCF against this alert.")),
        FieldSpec("summary", tr("Summary"), "multiline"),
    ]


def warrant_specs() -> list[FieldSpec]:
    return [
        FieldSpec("issuing_country", tr("Issuing country"), "country"),
        FieldSpec("authority", tr("Issuing authority"), placeholder=tr("e.g. Public Security Bureau, Ghulja")),
        FieldSpec("reference", tr("Warrant reference")),
        FieldSpec("issue_date", tr("Issued"), "partial_date", help=tr("YYYY, YYYY-MM or YYYY-MM-DD.")),
        FieldSpec("charge", tr("Charges"), "multiline", help=tr(
            "The charges as the warrant states them, in the original language; one per line.")),
        FieldSpec("charge_translation", tr("Translation of the charges"), "multiline"),
    ]


def status_change_specs() -> list[FieldSpec]:
    return [
        FieldSpec("status", tr("Status"), "enum", enum=AlertStatus),
        FieldSpec("date", tr("Date"), "partial_date", help=tr(
            "As precise as known: YYYY, YYYY-MM or YYYY-MM-DD. The history is shown in date order.")),
        FieldSpec("note", tr("Note"), "multiline", help=tr("How the change became known, e.g. an NCB's letter.")),
    ]


def notification_specs() -> list[FieldSpec]:
    return [
        FieldSpec("country", tr("Country"), "country", help=tr(
            "A country whose police or border databases may still hold the deleted alert.")),
        FieldSpec("authority", tr("Authority"), placeholder=tr("e.g. Bundeskriminalamt (NCB Wiesbaden)")),
        FieldSpec("date_sent", tr("Sent"), "date", help=tr("The day the deletion was notified to this authority.")),
        FieldSpec("date_confirmed", tr("Confirmed"), "date", help=tr(
            "The day the authority confirmed that it removed the data. Until then the client is still at risk.")),
        FieldSpec("reference", tr("Their reference")),
        FieldSpec("note", tr("Note"), "multiline"),
    ]
