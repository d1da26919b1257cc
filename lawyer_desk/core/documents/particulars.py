"""The particulars of a case in words: the values of a template's ``$placeholders``.

Codes become words a court reads ("red notice", "Netherlands", "14 May 2019"); a fact the
store does not hold becomes the template's ``missing`` label, visible on the page, so that a
paralegal sees the gap before filing rather than a sentence that silently lacks a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pycountry

from lawyer_desk.core import models as m
from lawyer_desk.core.codes import country_name, format_partial_date
from lawyer_desk.core.documents.templates import Template
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.vocab import AlertStatus, AsylumStatus, CcfDecision, CustodyStatus, Forum

ALERT_TYPES = {
    "red_notice": "red notice", "wanted_person_diffusion": "wanted-person diffusion",
    "other_diffusion": "diffusion", "blue_notice": "blue notice", "yellow_notice": "yellow notice",
    "other_notice": "notice",
}
CUSTODY = {
    CustodyStatus.free: "at liberty", CustodyStatus.detained: "detained", CustodyStatus.bail: "on bail",
    CustodyStatus.house_arrest: "under house arrest", CustodyStatus.unknown: "",
}
FORUMS = {
    Forum.ccf: "CCF", Forum.extradition_court: "extradition court", Forum.appeal: "appeal",
    Forum.asylum: "asylum", Forum.echr: "European Court of Human Rights", Forum.un_cat: "UN Committee against Torture",
    Forum.un_hrc: "UN Human Rights Committee", Forum.ministry: "ministry", Forum.other: "other",
}
CCF_DECISIONS = {
    CcfDecision.compliant: "compliant", CcfDecision.not_compliant: "not compliant",
    CcfDecision.compliant_with_update: "compliant with update", CcfDecision.inadmissible: "inadmissible",
}
_GONE = {AlertStatus.deleted, AlertStatus.cancelled_by_source}
# Countries whose name takes "the" inside a sentence ("a refugee in the Netherlands").
_WITH_ARTICLE = {"AE", "BS", "CD", "CF", "CG", "CZ", "DO", "GB", "GM", "KM", "MH", "MV", "NL", "PH", "RU", "SB",
                 "SC", "US", "VA"}


def country(code: str | None, *, in_sentence: bool = False) -> str:
    """The name a court uses ('Iran', not 'Iran, Islamic Republic of')."""
    if not code:
        return ""
    found = pycountry.countries.get(alpha_2=code)
    common = getattr(found, "common_name", None) if found else None
    name = common or country_name(code)
    return f"the {name}" if in_sentence and code in _WITH_ARTICLE else name


def countries(codes: Iterable[str]) -> str:
    return ", ".join(country(c) for c in codes)


def day(value: date | str | None) -> str:
    """'14 May 2019', 'May 2019' or '2019'; '' when unknown."""
    if value is None:
        return ""
    return format_partial_date(value.isoformat() if isinstance(value, date) else value)


def words(value: object) -> str:
    """A vocabulary value in words: 'wanted_person_diffusion' → 'wanted person diffusion'."""
    return str(value).replace("_", " ") if value is not None else ""


def alert_type(alert: m.Alert) -> str:
    return ALERT_TYPES.get(str(alert.type), words(alert.type))


def asylum(client: m.Client) -> str:
    """The client's protection in one phrase, e.g. 'recognised as a refugee in the Netherlands on 14 May 2019'."""
    where = country(client.asylum_country, in_sentence=True)
    when = day(client.asylum_date)
    by = f" ({client.asylum_authority})" if client.asylum_authority else ""
    place = f" in {where}" if where else ""
    on = (f" on {when}" if len(client.asylum_date or "") == 10 else f" in {when}") if when else ""
    since = f" since {when}" if when else ""
    phrases = {
        AsylumStatus.refugee: f"recognised as a refugee{place}{on}{by}",
        AsylumStatus.subsidiary_protection: f"granted subsidiary protection{place}{on}{by}",
        AsylumStatus.applied: f"an applicant for asylum{place}{since}{by}",
        AsylumStatus.appeal: f"appealing against the refusal of asylum{place}{by}",
        AsylumStatus.refused: f"refused asylum{place}{on}{by}",
    }
    return phrases.get(client.asylum_status, "")


def custody(client: m.Client) -> str:
    state = CUSTODY.get(client.custody_status, "")
    if state and client.custody_facility and client.custody_status != CustodyStatus.free:
        state += f" ({client.custody_facility})"
    return state


def by_id[T](items: Iterable[T]) -> list[T]:
    return sorted(items, key=lambda item: item.id)  # type: ignore[attr-defined]


def active_alerts(client: m.Client) -> list[m.Alert]:
    return [a for a in by_id(client.alerts) if a.status not in _GONE]


def deletion_date(alert: m.Alert) -> str:
    dates = [h.date for h in alert.history if h.status == AlertStatus.deleted and h.date]
    return day(max(dates)) if dates else ""


@dataclass(frozen=True)
class Focus:
    """What one document is about: its alert, its proceeding, and for a letter its addressee."""

    alert: m.Alert | None = None
    proceeding: m.Proceeding | None = None
    ccf: m.Proceeding | None = None
    notification: m.AlertNotification | None = None


def focus(client: m.Client, template: Template, notification: m.AlertNotification | None = None) -> Focus:
    proceedings = by_id(client.proceedings)
    ccf = next((p for p in proceedings if p.forum == Forum.ccf and p.ccf_request_type == "deletion"), None)
    ccf = ccf or next((p for p in proceedings if p.forum == Forum.ccf), None)
    court = next((p for p in proceedings if p.forum == Forum.extradition_court and p.status == "pending"), None)
    court = court or next((p for p in proceedings if p.forum == Forum.extradition_court), None)
    proceeding = court if template.addressee == "court" else ccf
    alerts = {a.id: a for a in client.alerts}
    if notification is not None:
        alert = alerts.get(notification.alert_id)
    elif proceeding is not None and proceeding.alert_id in alerts:
        alert = alerts[proceeding.alert_id]
    else:
        alert = next(iter(active_alerts(client)), None) or next(iter(by_id(client.alerts)), None)
    return Focus(alert, proceeding, ccf, notification)


def placeholders(client: m.Client, template: Template, about: Focus, today: date) -> dict[str, str]:
    """The value of every placeholder for this document; unknown facts read as the missing label."""
    alert, court, ccf, notification = about.alert, about.proceeding, about.ccf, about.notification
    requesting = country(alert.requesting_country, in_sentence=True) if alert else ""
    others = [n.text for n in by_id(client.names) if n.text != client.display_name]
    ccf_decided = ccf.decided if ccf and ccf.ccf_decision else None
    values = {
        "client_name": client.display_name,
        "other_names": ", ".join(others),
        "date_of_birth": day(client.date_of_birth),
        "place_of_birth": ", ".join(p for p in (client.place_of_birth, country(client.country_of_birth)) if p),
        "nationality": countries(client.nationalities),  # "a national of China"
        "lawyer": client.responsible_lawyer or "",
        "today": day(today),
        "case_reference": case_reference(client.uid),
        "alert_type": alert_type(alert) if alert else "",
        "alert_reference": (alert.reference or "") if alert else "",
        "alert_issue_date": day(alert.issue_date) if alert else "",
        "requesting_country": requesting,
        "deletion_date": deletion_date(alert) if alert else "",
        "ccf_reference": (ccf.reference or "") if ccf else "",
        "ccf_decision_date": day(ccf_decided),
        "court": (court.authority or "") if court and template.addressee == "court" else "",
        "court_reference": (court.reference or "") if court and template.addressee == "court" else "",
        "court_country": country(court.country) if court and template.addressee == "court" else "",
        "requesting_state": ((court.opposing_party if court and template.addressee == "court" else None)
                             or requesting),
        "authority": notification.authority if notification else "",
        "authority_country": country(notification.country) if notification else "",
        "authority_reference": (notification.reference or "") if notification else "",
        "asylum": asylum(client),
        "custody": custody(client),
    }
    missing = template.labels.missing
    return {key: value or missing for key, value in values.items()}
