"""Fictional demo cases for trying the program and for screenshots.

Every person, reference number and organisation here is invented. Dates are placed around
today so that the deadline list always has something overdue, due soon and later.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from lawyer_desk.core.interchange import case_json as cj


def _cases(today: date) -> list[dict[str, Any]]:
    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    idris = {
        "client": {
            "display_name": "Idris Mamut", "date_of_birth": "1984-03", "place_of_birth": "Ghulja",
            "country_of_birth": "CN", "sex": "male", "nationalities": ["CN"], "ethnicity": "Uyghur",
            "residence_country": "NL", "whereabouts": "Detained in Warsaw pending extradition hearing",
            "custody_status": "detained", "custody_facility": "Areszt Śledczy Warszawa-Białołęka",
            "asylum_status": "refugee", "asylum_country": "NL", "asylum_date": "2019-05-14",
            "asylum_authority": "Immigratie- en Naturalisatiedienst (IND)", "languages": ["uig", "eng", "tur"],
            "interpreter_needed": True, "intake_date": day(-17), "responsible_lawyer": "A. Kowalska",
        },
        "names": [
            {"text": "Idris Mamut", "script": "Latin", "language": "uig", "romanisation": "Uyghur Latin (ULY)",
             "kind": "legal", "source": "Dutch refugee travel document"},
            {"text": "ئىدرىس مامۇت", "script": "Arabic", "language": "uig", "kind": "legal",
             "source": "Client's own spelling"},
            {"text": "Yidiresi Maimaiti", "script": "Latin", "language": "zho", "romanisation": "Hanyu Pinyin",
             "kind": "transliteration", "source": "PRC passport (expired)"},
            {"text": "伊德日斯·买买提", "script": "Han", "language": "zho", "kind": "transliteration",
             "source": "PRC arrest warrant"},
        ],
        "alerts": [{
            "key": "alert-1", "type": "red_notice", "reference": "2017/71234", "requesting_country": "CN",
            "publicity": "restricted", "issue_date": "2017-09", "status": "challenged",
            "grounds": ["art3_political", "refugee_policy", "due_process"],
            "summary": "Restricted notice; existence confirmed by the Polish NCB after the arrest.",
            "warrants": [{"issuing_country": "CN", "authority": "Public Security Bureau, Ghulja",
                          "charge": "Organising, leading and participating in a terrorist organisation\r\n"
                                    "(Art. 120 Criminal Law of the PRC)",
                          "reference": "伊公刑拘字[2017]0412号", "issue_date": "2017-08-30"}],
            "history": [
                {"status": "published", "date": "2017-09", "note": "Date from the Polish NCB's letter"},
                {"status": "challenged", "date": day(-9), "note": "Deletion request filed through the CCF Portal"},
            ],
        }],
        "proceedings": [
            {"key": "proceeding-1", "alert": "alert-1", "forum": "ccf", "authority": "CCF Requests Chamber",
             "reference": "CCF/R/2026/0981", "stage": "admissibility", "status": "pending",
             "opened": day(-9), "ccf_request_type": "deletion", "ccf_received": day(-8)},
            {"key": "proceeding-2", "alert": "alert-1", "forum": "extradition_court", "country": "PL",
             "authority": "Sąd Okręgowy w Warszawie", "reference": "VIII Kop 212/26", "stage": "first instance",
             "status": "pending", "opened": day(-16), "opposing_party": "People's Republic of China"},
            {"key": "proceeding-3", "forum": "echr", "authority": "European Court of Human Rights",
             "stage": "Rule 39 request prepared", "status": "planned"},
        ],
        "deadlines": [
            {"title": "CCF admissibility decision due (Art. 32)", "due_date": day(22), "kind": "statutory",
             "proceeding": "proceeding-1", "trigger_event": "receipt of request", "trigger_date": day(-8),
             "statutory_date": day(22), "reminder_days": [7, 1]},
            {"title": "Written observations to the Regional Court", "due_date": day(3), "due_time": "15:00:00",
             "time_zone": "Europe/Warsaw", "kind": "practice", "proceeding": "proceeding-2",
             "reminder_days": [2, 1]},
            {"title": "Extradition hearing", "due_date": day(12), "due_time": "10:30:00",
             "time_zone": "Europe/Warsaw", "kind": "statutory", "proceeding": "proceeding-2"},
            {"title": "Translation of the IND refugee decision into Polish", "due_date": day(-2),
             "kind": "practice", "proceeding": "proceeding-2", "note": "Sworn translator booked"},
        ],
        "notes": [
            {"title": "Art. 3: predominance of the political element", "argument_section": "grounds",
             "body": "The warrant was issued weeks after the client spoke at a public event about the detention "
                     "camps. The charge describes no act, place or date: it repeats the statutory wording of "
                     "Art. 120. The predominance test weighs the political context, the status of the person "
                     "and the general situation of Uyghurs in the requesting country."},
            {"title": "Refugee policy", "argument_section": "grounds",
             "body": "Recognised refugee in the Netherlands since 14 May 2019 on the basis of persecution by "
                     "the requesting country. INTERPOL's refugee policy bars the notice."},
            {"title": "Hearing logistics", "body": "Uyghur interpreter confirmed; family will attend."},
        ],
        "events": [
            {"date": "2016", "approximate": True, "title": "Leaves Xinjiang for Turkey", "place": "Ghulja"},
            {"date": "2017-08-30", "title": "Arrest warrant issued by the Ghulja PSB"},
            {"date": "2019-05-14", "title": "Refugee status granted in the Netherlands", "place": "The Hague"},
            {"date": "2025-11", "title": "Speaks at a public hearing on the camps", "place": "Brussels"},
            {"date": day(-17), "title": "Arrested at Warsaw Chopin Airport on the red notice", "place": "Warsaw"},
        ],
        "contacts": [
            {"role": "co_counsel", "name": "Anna Kowalska", "organisation": "Kowalska i Wspólnicy", "country": "PL",
             "email": "a.kowalska@example.invalid", "phone": "+48 22 000 00 00"},
            {"role": "interpreter", "name": "Mehmet Tursun", "note": "Uyghur–Polish, sworn"},
            {"role": "ngo", "name": "Uyghur rights desk", "organisation": "Example Human Rights Watchers"},
        ],
    }

    vetrov = {
        "client": {
            "display_name": "Aleksei Vetrov", "date_of_birth": "1979-11-02", "place_of_birth": "Yekaterinburg",
            "country_of_birth": "RU", "sex": "male", "nationalities": ["RU"], "residence_country": "LT",
            "whereabouts": "Belgrade, on conditional release", "custody_status": "bail",
            "asylum_status": "applied", "asylum_country": "LT", "asylum_date": "2024-02",
            "languages": ["rus", "eng"], "interpreter_needed": True, "intake_date": day(-60),
            "responsible_lawyer": "M. Petrović",
        },
        "names": [
            {"text": "Алексей Ветров", "script": "Cyrillic", "language": "rus", "kind": "legal",
             "source": "Russian internal passport"},
            {"text": "Aleksei Vetrov", "script": "Latin", "romanisation": "ICAO Doc 9303", "kind": "transliteration",
             "source": "Russian international passport"},
            {"text": "Alexey Vetrov", "script": "Latin", "kind": "alias", "source": "Press articles"},
            {"text": "Алексеј Ветров", "script": "Cyrillic", "language": "srp", "kind": "transliteration",
             "source": "Serbian court documents"},
        ],
        "alerts": [{
            "key": "alert-1", "type": "wanted_person_diffusion", "requesting_country": "RU", "publicity": "restricted",
            "issue_date": "2023-06", "status": "published", "grounds": ["art3_political", "rpd_minimum_criteria"],
            "warrants": [{"issuing_country": "RU", "authority": "Leninsky District Court, Yekaterinburg",
                          "charge": "Public dissemination of knowingly false information about the use of the "
                                    "armed forces (Art. 207.3 Criminal Code of the Russian Federation)",
                          "issue_date": "2023-05-19"}],
            "history": [{"status": "published", "date": "2023-06"}],
        }],
        "proceedings": [
            {"key": "proceeding-1", "alert": "alert-1", "forum": "extradition_court", "country": "RS",
             "authority": "Higher Court in Belgrade", "reference": "Kre 88/26", "status": "pending",
             "opened": day(-58), "opposing_party": "Russian Federation"},
            {"key": "proceeding-2", "alert": "alert-1", "forum": "ccf", "ccf_request_type": "deletion",
             "status": "pending", "opened": day(-40), "ccf_received": day(-38), "ccf_admissibility": day(-20)},
        ],
        "deadlines": [
            {"title": "Appeal against the extradition ruling", "due_date": day(5), "kind": "statutory",
             "proceeding": "proceeding-1", "reminder_days": [3, 1]},
            {"title": "CCF decision due (Art. 40, 9 months from admissibility)", "due_date": day(254),
             "kind": "statutory", "proceeding": "proceeding-2", "trigger_event": "admissibility decision",
             "trigger_date": day(-20), "statutory_date": day(254)},
        ],
        "notes": [{"title": "Grounds: Art. 207.3 is a speech offence", "argument_section": "grounds",
                   "body": "The only act alleged is a post on a social network criticising the war."}],
        "events": [
            {"date": "2022-03", "title": "Publishes a post criticising the invasion of Ukraine"},
            {"date": "2023-05-19", "title": "Arrest in absentia ordered in Yekaterinburg"},
            {"date": day(-60), "title": "Stopped at the Serbian border on the diffusion", "place": "Batrovci"},
        ],
        "contacts": [{"role": "co_counsel", "name": "Milan Petrović", "country": "RS"}],
    }

    nazarov = {
        "client": {
            "display_name": "Rustam Nazarov", "date_of_birth": "1971", "country_of_birth": "TJ", "sex": "male",
            "nationalities": ["TJ"], "residence_country": "DE", "custody_status": "free",
            "asylum_status": "refugee", "asylum_country": "DE", "asylum_date": "2016-08",
            "languages": ["tgk", "rus", "deu"], "intake_date": "2024-01-15", "responsible_lawyer": "J. Becker",
        },
        "names": [
            {"text": "Rustam Nazarov", "script": "Latin", "kind": "legal", "source": "German travel document"},
            {"text": "Рустам Назаров", "script": "Cyrillic", "language": "tgk", "kind": "legal",
             "source": "Tajik passport"},
        ],
        "alerts": [{
            "key": "alert-1", "type": "red_notice", "reference": "2015/40987", "requesting_country": "TJ",
            "publicity": "public_extract", "issue_date": "2015-10", "status": "deleted",
            "grounds": ["art3_political", "refugee_policy"],
            "summary": "Deleted after the CCF found the data not compliant with Art. 3.",
            "warrants": [{"issuing_country": "TJ",
                          "charge": "Public calls for extremist activity\r\nParticipation in a banned organisation"}],
            "history": [
                {"status": "published", "date": "2015-10"},
                {"status": "challenged", "date": "2024-02-01"},
                {"status": "deleted", "date": "2025-06-20", "note": "CCF decision: not compliant"},
            ],
            "notifications": [
                {"country": "DE", "authority": "Bundeskriminalamt (NCB Wiesbaden)", "date_sent": "2025-07-01",
                 "date_confirmed": "2025-07-28", "reference": "BKA ZD 25-1187"},
                {"country": "AT", "authority": "Bundeskriminalamt (NCB Vienna)", "date_sent": "2025-07-01"},
                {"country": "PL", "authority": "Komenda Główna Policji (NCB Warsaw)", "date_sent": "2025-07-02"},
                {"country": "TR", "authority": "Emniyet Genel Müdürlüğü (NCB Ankara)"},
            ],
        }],
        "proceedings": [
            {"key": "proceeding-1", "alert": "alert-1", "forum": "ccf", "ccf_request_type": "deletion",
             "status": "decided", "opened": "2024-02-01", "ccf_received": "2024-02-03",
             "ccf_admissibility": "2024-03-01", "decided": "2025-06-20", "ccf_decision": "not_compliant",
             "outcome": "Data deleted from INTERPOL's files"},
        ],
        "deadlines": [
            {"title": "Chase NCB Vienna for confirmation of deletion", "due_date": day(-5), "kind": "practice"},
            {"title": "Chase NCB Warsaw for confirmation of deletion", "due_date": day(9), "kind": "practice"},
        ],
        "notes": [{"title": "Domestic warrant survives", "body": "Deletion at INTERPOL does not cancel the Tajik "
                   "warrant nor copies in national border databases: travel only after every NCB confirms."}],
        "events": [{"date": "2015-10", "title": "Red notice published"},
                   {"date": "2025-06-20", "title": "CCF decides the data are not compliant; notice deleted"}],
    }

    yildirim = {
        "client": {
            "display_name": "Ayşe Yıldırım", "date_of_birth": "1990-07-21", "place_of_birth": "İzmir",
            "country_of_birth": "TR", "sex": "female", "nationalities": ["TR"], "residence_country": "FR",
            "custody_status": "free", "asylum_status": "refugee", "asylum_country": "FR", "asylum_date": "2021",
            "languages": ["tur", "fra"], "intake_date": day(-3), "responsible_lawyer": "C. Martin",
        },
        "names": [{"text": "Ayşe Yıldırım", "script": "Latin", "language": "tur", "kind": "legal",
                   "source": "Turkish identity card"},
                  {"text": "AYSE YILDIRIM", "script": "Latin", "kind": "as_published", "source": "Airline manifest"}],
        "alerts": [{"key": "alert-1", "type": "red_notice", "requesting_country": "TR", "status": "unknown",
                    "publicity": "unknown", "summary": "Suspected; client refused boarding in Nice."}],
        "proceedings": [{"key": "proceeding-1", "alert": "alert-1", "forum": "ccf", "ccf_request_type": "access",
                         "status": "planned"}],
        "deadlines": [{"title": "File CCF access request", "due_date": day(1), "kind": "practice",
                       "proceeding": "proceeding-1"}],
        "events": [{"date": day(-4), "title": "Refused boarding at Nice airport", "place": "Nice"}],
    }
    return [idris, vetrov, nazarov, yildirim]


def demo_cases(today: date | None = None) -> list[cj.CaseFileV1]:
    today = today or date.today()
    return [cj.CaseFileV1.model_validate({"format": cj.FORMAT, "version": cj.VERSION, **case})
            for case in _cases(today)]
