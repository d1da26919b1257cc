"""What each template says for the demo cases: snapshots read as data, not pixels."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lawyer_desk.core import audit, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.documents import briefs, disclosure
from lawyer_desk.core.documents.briefs import BriefOptions
from lawyer_desk.core.documents.snapshot import Brief, ExhibitIndex, Fields, Paragraph, Subheading, Table
from lawyer_desk.core.documents.templates import TemplateSet
from lawyer_desk.core.errors import NotFound
from lawyer_desk.core.references import case_reference
from tests.core.documents.conftest import IDRIS, NAZAROV, TODAY, VETROV, YILDIRIM, DemoStore

OPTIONS = BriefOptions(today=TODAY)


def build(demo: DemoStore, templates: TemplateSet, case: int, template: str,
          options: BriefOptions = OPTIONS) -> list[Brief]:
    with demo.store.session() as session:
        return briefs.build(session, case, templates.get(template), options)


def one(demo: DemoStore, templates: TemplateSet, case: int, template: str, options: BriefOptions = OPTIONS) -> Brief:
    (brief,) = build(demo, templates, case, template, options)
    return brief


def keys(brief: Brief) -> list[str]:
    return [s.key for s in brief.sections]


def subheadings(brief: Brief, key: str) -> list[str]:
    return [b.text for b in brief.section(key).blocks if isinstance(b, Subheading)]


# --- the CCF request ---------------------------------------------------------------------------
def test_ccf_request_for_the_uyghur_client_says_what_the_ccf_needs(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, IDRIS, "ccf-deletion-request")
    assert brief.title == "Request for the deletion of data"
    assert brief.addressee[0] == "Commission for the Control of INTERPOL's Files"
    assert brief.cover == ("Applicant: Idris Mamut", "Represented by: A. Kowalska",
                           "Data concerned: red notice 2017/71234, requested by China",
                           "CCF reference: CCF/R/2026/0981")
    assert keys(brief) == ["applicant", "request", "data", "facts", "grounds", "confidentiality", "relief", "exhibits"]
    assert brief.case_reference.startswith("LD-") and "Idris" not in brief.case_reference
    assert brief.marking.startswith("CONFIDENTIAL")
    assert brief.date == TODAY and brief.author == "A. Kowalska"

    applicant = brief.section("applicant")
    fields = next(b for b in applicant.blocks if isinstance(b, Fields))
    assert fields.get("Name") == "Idris Mamut" and fields.get("Date of birth") == "March 1984"
    assert fields.get("Place of birth") == "Ghulja, China" and fields.get("Nationality") == "China"
    names = next(b for b in applicant.blocks if isinstance(b, Table))
    assert names.column("Name") == ["Idris Mamut", "ئىدرىس مامۇت", "Yidiresi Maimaiti", "伊德日斯·买买提"]
    assert names.column("Script") == ["Latin", "Arabic", "Latin", "Han"]
    assert "Detained" not in applicant.text(), "the client's whereabouts stay out of a CCF request"

    data = brief.section("data")
    assert subheadings(brief, "data") == ["Red notice 2017/71234, requested by China"]
    warrant = next(b for b in data.blocks if isinstance(b, Table))
    assert warrant.column("Reference") == ["伊公刑拘字[2017]0412号"]
    assert warrant.column("Date") == ["30 August 2017"]
    assert warrant.column("Charge") == ["Organising, leading and participating in a terrorist organisation\n"
                                        "(Art. 120 Criminal Law of the PRC)"]

    facts = next(b for b in brief.section("facts").blocks if isinstance(b, Table))
    assert facts.column("Date") == ["c. 2016", "30 August 2017", "14 May 2019", "November 2025", "13 May 2026"]
    assert facts.rows[-1] == ("13 May 2026", "Arrested at Warsaw Chopin Airport on the red notice", "Warsaw")


def test_ccf_grounds_follow_the_alert_and_then_the_lawyers_arguments(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, IDRIS, "ccf-deletion-request")
    # The alert's grounds (art3_political, refugee_policy, due_process) in the template's wording,
    # then the notes marked "grounds", in the order they were written.
    assert subheadings(brief, "grounds") == [
        "Article 3 of INTERPOL's Constitution: a predominantly political case", "INTERPOL's refugee policy",
        "Due process", "Art. 3: predominance of the political element", "Refugee policy"]
    text = brief.section("grounds").text()
    assert "predominates" in text
    assert "The applicant was recognised as a refugee in the Netherlands on 14 May 2019 " \
           "(Immigratie- en Naturalisatiedienst (IND))." in text
    assert "spoke at a public event about the detention camps" in text
    assert "Hearing logistics" not in brief.text(), "a working note is no argument"
    assert "Article 83" not in text, "no ground the alert does not raise"


def test_only_the_ticked_arguments_go_in(demo: DemoStore, templates: TemplateSet) -> None:
    with demo.store.session() as session:
        ids = {title: note_id for title, note_id in session.execute(
            select(m.Note.title, m.Note.id).where(m.Note.client_id == IDRIS))}
    political, refugee = "Art. 3: predominance of the political element", "Refugee policy"
    assert refugee in subheadings(one(demo, templates, IDRIS, "ccf-deletion-request"), "grounds"), "default: all"

    ticked = BriefOptions(today=TODAY, arguments=frozenset({ids[political]}))
    brief = one(demo, templates, IDRIS, "ccf-deletion-request", ticked)
    assert political in subheadings(brief, "grounds") and refugee not in subheadings(brief, "grounds")
    assert "spoke at a public event" in brief.text()
    assert "INTERPOL's refugee policy bars the notice" not in brief.text(), "the unticked note's text"

    none = one(demo, templates, IDRIS, "ccf-deletion-request", BriefOptions(today=TODAY, arguments=frozenset()))
    assert "spoke at a public event" not in none.text()
    assert "INTERPOL's refugee policy bars the notice" not in none.text()
    assert subheadings(none, "grounds") == [
        "Article 3 of INTERPOL's Constitution: a predominantly political case", "INTERPOL's refugee policy",
        "Due process"], "the alert's own grounds stay"


def test_ccf_request_asks_for_confidentiality_and_relief(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, IDRIS, "ccf-deletion-request")
    confidentiality = brief.section("confidentiality").text()
    assert "none of it be transmitted to the National Central Bureau or to any other authority of China" \
        in confidentiality
    assert "Immigratie- en Naturalisatiedienst (IND)" in confidentiality
    relief = brief.section("relief").blocks
    items = [b.text for b in relief if isinstance(b, Paragraph) and b.style == "item"]
    assert [i[:3] for i in items] == ["(a)", "(b)", "(c)", "(d)"]
    assert all(b.numbered for b in relief if isinstance(b, Paragraph) and b.style != "item")
    assert "Submitted on 30 May 2026 by A. Kowalska" in relief[-1].text  # type: ignore[union-attr]


def test_a_fact_the_store_lacks_is_marked_not_left_out(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, YILDIRIM, "ccf-deletion-request")
    assert "Data concerned: red notice [not recorded], requested by Türkiye" in brief.cover
    assert "CCF reference: [not recorded]" in brief.cover
    assert subheadings(brief, "data") == ["Red notice, requested by Türkiye"]
    # No alert left to challenge: the template's words for an empty section.
    deleted = one(demo, templates, NAZAROV, "ccf-deletion-request")
    assert "The request covers any data concerning the applicant recorded at the request of Tajikistan" in \
        deleted.section("data").text()


def test_the_russian_diffusion_is_named_with_its_article(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, VETROV, "ccf-deletion-request")
    assert "at the request of the Russian Federation" in brief.section("request").text()
    assert subheadings(brief, "data") == ["Wanted-person diffusion, requested by the Russian Federation"]
    assert "Article 83 of INTERPOL's Rules on the Processing of Data" in brief.section("grounds").text()


# --- exhibits and confidentiality -------------------------------------------------------------------
def test_exhibit_index_lists_numbers_titles_dates_and_hashes(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, IDRIS, "case-summary")
    rows = {r.title: r for r in brief.exhibits}
    warrant = rows["Arrest warrant of the Ghulja PSB"]
    assert warrant.number == demo.numbers[warrant.title] and warrant.date == "30 August 2017"
    assert warrant.sha256 == demo.sha256[warrant.title] and len(warrant.sha256) == 64
    assert rows["Country report on Xinjiang"].date == "November 2025"
    assert [r.number for r in brief.exhibits] == sorted((r.number for r in brief.exhibits), key=int)


def test_confidential_exhibits_stay_out_of_documents_for_outsiders(demo: DemoStore, templates: TemplateSet) -> None:
    confidential = {"IND decision granting refugee status", "Psychiatric report on the applicant"}
    for template in ("ccf-deletion-request", "extradition-court-submission"):
        titles = {r.title for r in one(demo, templates, IDRIS, template).exhibits}
        assert titles == {"Arrest warrant of the Ghulja PSB", "Country report on Xinjiang"}, template
    summary = one(demo, templates, IDRIS, "case-summary")
    assert confidential <= {r.title for r in summary.exhibits}, "counsel see everything"
    assert {r.title for r in summary.exhibits if r.confidential} == confidential


def test_the_override_lets_them_through_and_is_audited_only_then(demo: DemoStore, templates: TemplateSet) -> None:
    def overrides() -> list[m.AuditEntry]:
        with demo.store.session() as session:
            return list(session.execute(select(m.AuditEntry).where(
                m.AuditEntry.action == "disclose_confidential")).scalars())

    one(demo, templates, IDRIS, "ccf-deletion-request")
    assert overrides() == []
    brief = one(demo, templates, IDRIS, "ccf-deletion-request", BriefOptions(include_confidential=True, today=TODAY))
    assert "IND decision granting refugee status" in {r.title for r in brief.exhibits}
    (entry,) = overrides()
    assert entry.client_id == IDRIS
    assert "ccf-deletion-request" in entry.summary and "the CCF" in entry.summary
    for title in ("IND decision granting refugee status", "Psychiatric report on the applicant"):
        assert demo.numbers[title] in entry.summary
    assert brief.audit_head == entry.hash, "the footer's hash covers the override"
    assert "override" not in brief.text().lower() and "confidential" not in brief.section("exhibits").text().lower()
    # An override that lets nothing through (Vetrov has no exhibits) records nothing.
    one(demo, templates, VETROV, "ccf-deletion-request", BriefOptions(include_confidential=True, today=TODAY))
    assert len(overrides()) == 1


def test_one_rule_of_disclosure_for_every_document(demo: DemoStore) -> None:
    with demo.store.session() as session:
        rows = exhibits.rows(session, IDRIS)
        secret = [r.number for r in rows if r.confidential]
        assert secret and len(secret) < len(rows)
        for addressee in ("ccf", "court", "authority"):
            kept = disclosure.disclosable(rows, addressee, override=False)
            assert [r.number for r in kept] == [r.number for r in rows if not r.confidential], addressee
            assert disclosure.disclosable(rows, addressee, override=True) == rows
        assert disclosure.disclosable(rows, "internal", override=False) == rows
        # Audited only when a confidential exhibit leaves the defence.
        assert disclosure.record_override(session, IDRIS, rows, "internal", "'case-summary'") == []
        assert disclosure.record_override(session, IDRIS, kept, "court", "'x'") == []
        assert disclosure.record_override(session, IDRIS, rows, "authority", "a hearing bundle") == secret
    with demo.store.session() as session:
        (summary,) = session.execute(select(m.AuditEntry.summary).where(
            m.AuditEntry.action == "disclose_confidential")).scalars()
    assert summary == (f"confidential exhibit(s) {', '.join(secret)} included by override in a hearing bundle, "
                       "addressed to a national authority")


def test_the_footer_hash_is_the_audit_chain_head(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, IDRIS, "case-summary")
    with demo.store.session() as session:
        assert brief.audit_head == audit.head(session)[1]
        assert audit.contains(session, brief.audit_head)


def test_a_case_without_exhibits_says_so(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, VETROV, "extradition-court-submission")
    (index,) = [b for b in brief.section("exhibits").blocks if isinstance(b, ExhibitIndex)]
    assert index.rows == () and index.empty


# --- the other templates --------------------------------------------------------------------------
def test_extradition_submission_is_addressed_to_the_court_of_the_case(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, IDRIS, "extradition-court-submission")
    assert brief.addressee == ("Sąd Okręgowy w Warszawie", "VIII Kop 212/26", "Poland")
    assert "Requesting state: People's Republic of China" in brief.cover
    assert keys(brief) == ["person", "custody", "request", "facts", "protection", "bars", "relief", "exhibits"]
    assert "Areszt Śledczy Warszawa-Białołęka" in brief.section("custody").text()
    proceedings = next(b for b in brief.section("request").blocks if isinstance(b, Table) and "Forum" in b.columns)
    assert proceedings.column("Forum") == ["CCF", "extradition court"], "a planned application is strategy"
    # Notes marked "grounds" go under the bars to extradition.
    assert "Art. 3: predominance of the political element" in subheadings(brief, "bars")


def test_a_court_submission_needs_a_court(demo: DemoStore, templates: TemplateSet) -> None:
    with pytest.raises(NotFound, match="no extradition-court proceeding"):
        build(demo, templates, NAZAROV, "extradition-court-submission")
    brief = one(demo, templates, NAZAROV, "extradition-court-submission",
                BriefOptions(addressee="Oberlandesgericht Frankfurt am Main; 2 Ausl A 1/26", today=TODAY))
    assert brief.addressee == ("Oberlandesgericht Frankfurt am Main", "2 Ausl A 1/26")


def test_case_summary_holds_everything(demo: DemoStore, templates: TemplateSet) -> None:
    brief = one(demo, templates, IDRIS, "case-summary")
    assert keys(brief) == ["client", "names", "alerts", "proceedings", "deadlines", "chronology", "notes",
                           "contacts", "exhibits"]
    assert brief.internal and brief.marking.startswith("PRIVILEGED")
    text = brief.text()
    for fact in ("Detained in Warsaw pending extradition hearing", "Rule 39 request prepared",
                 "Written observations to the Regional Court", "Uyghur interpreter confirmed",
                 "Mehmet Tursun", "Deletion request filed through the CCF Portal"):
        assert fact in text, fact
    deadlines = next(b for b in brief.section("deadlines").blocks if isinstance(b, Table))
    assert deadlines.column("Due")[:2] == ["28 May 2026", "2 June 2026 15:00 Europe/Warsaw"]
    notes = subheadings(brief, "notes")
    assert notes[0] == "Art. 3: predominance of the political element [argument section: grounds]"
    assert "Hearing logistics" in notes


def test_one_letter_per_authority_told_of_the_deletion(demo: DemoStore, templates: TemplateSet) -> None:
    letters = build(demo, templates, NAZAROV, "authority-letter")
    assert [b.addressee for b in letters] == [
        ("Bundeskriminalamt (NCB Wiesbaden)", "Germany"), ("Bundeskriminalamt (NCB Vienna)", "Austria"),
        ("Komenda Główna Policji (NCB Warsaw)", "Poland"), ("Emniyet Genel Müdürlüğü (NCB Ankara)", "Türkiye")]
    german = letters[0]
    assert "Your reference: BKA ZD 25-1187" in german.cover
    text = german.section("deletion").text()
    assert "By its decision of 20 June 2025" in text and "deleted from INTERPOL's files on 20 June 2025" in text
    assert "a national of Tajikistan" in text
    assert f"our reference {case_reference(_uid(demo, NAZAROV))}" in german.section("request").text()
    # Only the CCF's decision goes with a letter to a police force; never the asylum file.
    assert [r.title for r in german.exhibits] == ["CCF decision: data not compliant"]
    assert "refugee" not in german.text().lower()


def test_a_letter_to_one_chosen_authority(demo: DemoStore, templates: TemplateSet) -> None:
    assert [b.addressee[0] for b in build(demo, templates, NAZAROV, "authority-letter",
                                          BriefOptions(addressee="at", today=TODAY))] == \
        ["Bundeskriminalamt (NCB Vienna)"]
    assert [b.addressee[0] for b in build(demo, templates, NAZAROV, "authority-letter",
                                          BriefOptions(addressee="ankara", today=TODAY))] == \
        ["Emniyet Genel Müdürlüğü (NCB Ankara)"]
    with pytest.raises(NotFound, match="the authorities are: DE: Bundeskriminalamt"):
        build(demo, templates, NAZAROV, "authority-letter", BriefOptions(addressee="Interpol Lyon"))
    with pytest.raises(NotFound, match="no authority to inform"):
        build(demo, templates, IDRIS, "authority-letter")


def test_addressee_choices_for_the_dialog(demo: DemoStore, templates: TemplateSet) -> None:
    with demo.store.session() as session:
        assert briefs.addressee_choices(session, NAZAROV, templates.get("authority-letter"))[0] == \
            "DE: Bundeskriminalamt (NCB Wiesbaden)"
        (court,) = briefs.addressee_choices(session, IDRIS, templates.get("extradition-court-submission"))
        assert court == "Sąd Okręgowy w Warszawie; VIII Kop 212/26; Poland"


# --- hard input ------------------------------------------------------------------------------------
def test_an_empty_argument_section_leaves_no_empty_heading(demo: DemoStore, templates: TemplateSet) -> None:
    with demo.store.session() as session:
        session.add(m.Note(client_id=IDRIS, title="Due process: to be written", body="  \n ",
                           argument_section="grounds"))
        session.add(m.Note(client_id=IDRIS, title="", body="", argument_section="facts"))
    brief = one(demo, templates, IDRIS, "ccf-deletion-request")
    assert "to be written" not in brief.text()
    assert subheadings(brief, "facts") == []


def test_an_argument_the_template_does_not_place_goes_to_its_catch_all(demo: DemoStore,
                                                                       templates: TemplateSet) -> None:
    with demo.store.session() as session:
        session.add(m.Note(client_id=IDRIS, title="Extradition is not sought by the PRC in Turkey",
                           body="Turkey never received a request.", argument_section="no_extradition"))
    brief = one(demo, templates, IDRIS, "ccf-deletion-request")
    assert subheadings(brief, "grounds")[-1] == "Extradition is not sought by the PRC in Turkey"


def test_a_500_character_name_goes_through(demo: DemoStore, templates: TemplateSet) -> None:
    long_name = ("Abdurehim " * 50)[:500]
    with demo.store.session() as session:
        client = session.get(m.Client, IDRIS)
        assert client is not None
        client.display_name = long_name
    brief = one(demo, templates, IDRIS, "ccf-deletion-request")
    assert brief.cover[0] == f"Applicant: {long_name}"


def test_an_unknown_case(demo: DemoStore, templates: TemplateSet) -> None:
    with pytest.raises(NotFound, match="There is no case 99"):
        build(demo, templates, 99, "case-summary")


def _uid(demo: DemoStore, case: int) -> str:
    with demo.store.session() as session:
        client = session.get(m.Client, case)
        assert client is not None
        return client.uid
