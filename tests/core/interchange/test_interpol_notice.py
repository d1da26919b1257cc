"""Import of public INTERPOL notices (detail format and search result) into a real store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange.interpol_notice import (
    MAX_NOTICE_BYTES,
    SEEN_NOTE,
    NoticeResult,
    import_notices,
    parse_notices,
    read_notices,
)
from lawyer_desk.core.models import (
    Alert,
    AlertStatusChange,
    ArrestWarrant,
    AuditEntry,
    Client,
    NameVariant,
)
from lawyer_desk.core.names import detect_script
from lawyer_desk.core.search import search
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import AlertStatus, AlertType, NameKind, Publicity, Script, Sex

NOTICES = Path(__file__).parents[2] / "data" / "notices"
TODAY = date(2026, 11, 28)


def raw(name: str) -> bytes:
    return (NOTICES / name).read_bytes()


def sample(**changes: Any) -> bytes:
    """The sample detail notice with some keys changed (a value of ... removes the key)."""
    data = json.loads(raw("red-notice-detail.json"))
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def run_import(store: Store, content: bytes, source: str = "notice.json") -> list[NoticeResult]:
    with store.session() as s:
        return import_notices(s, parse_notices(content, source), today=TODAY)


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {table.__name__: s.exec(select(func.count()).select_from(table)).one()
                for table in (Client, NameVariant, Alert, ArrestWarrant, AlertStatusChange, AuditEntry)}


def only_client(s: Session) -> Client:
    clients = s.exec(select(Client)).all()
    assert len(clients) == 1
    return clients[0]


# --- the sample notice -------------------------------------------------------------------
def test_sample_file_makes_a_client_and_a_published_red_notice(store: Store) -> None:
    [result] = run_import(store, raw("red-notice-detail.json"))
    assert result.created is True
    assert result.reference == "2017/90001"
    assert result.warnings == ()

    with store.session() as s:
        client = s.get(Client, result.client_id)
        assert client is not None
        assert client.display_name == "SAMPLE EXAMPLE"
        assert client.date_of_birth == "1979-06-02"
        assert client.sex == Sex.male
        assert client.nationalities == ["TJ"]
        assert client.country_of_birth == "TJ"
        assert client.place_of_birth == "DUSHANBE"
        assert client.languages == ["tgk", "rus", "eng"]
        assert not {"height", "weight", "distinguishing_marks"} & set(client.model_dump())

        [variant] = client.names
        assert (variant.text, variant.kind, variant.script) == ("SAMPLE EXAMPLE", NameKind.as_published, Script.latin)
        assert variant.source == "INTERPOL public notice 2017/90001"

        [alert] = client.alerts
        assert alert.id == result.alert_id
        assert alert.type == AlertType.red_notice
        assert alert.reference == "2017/90001"
        assert alert.publicity == Publicity.public_extract
        assert alert.status == AlertStatus.published
        assert alert.requesting_country == "TJ"
        [warrant] = alert.warrants
        assert warrant.issuing_country == "TJ"
        assert warrant.charge == "Public calls for extremist activity\r\nParticipation in a banned organisation"
        assert warrant.charge_translation is None
        [change] = alert.history
        assert (change.status, change.date, change.note) == (AlertStatus.published, "2026-11-28", SEEN_NOTE)


def test_status_date_defaults_to_today(store: Store) -> None:
    with store.session() as s:
        import_notices(s, parse_notices(raw("red-notice-detail.json"), "notice.json"))
    with store.session() as s:
        [change] = s.exec(select(AlertStatusChange)).all()
        assert change.date == date.today().isoformat()


def test_read_notices_reads_a_file() -> None:
    [notice] = read_notices(NOTICES / "red-notice-detail.json")
    assert notice.reference == "2017/90001"
    assert notice.path == "$"


def test_imported_client_is_found_by_search(store: Store) -> None:
    [result] = run_import(store, raw("red-notice-detail.json"))
    with store.session() as s:
        hits = search(s, "example")
    assert {hit.client_id for hit in hits} == {result.client_id}


# --- names and scripts -------------------------------------------------------------------
@pytest.mark.parametrize("forename", [None, "-", "", "  "])
def test_missing_forename_gives_the_name_alone(store: Store, forename: str | None) -> None:
    run_import(store, sample(forename=forename))
    with store.session() as s:
        client = only_client(s)
        assert client.display_name == "EXAMPLE"
        assert [v.text for v in client.names] == ["EXAMPLE"]


def test_absent_forename_key_gives_the_name_alone() -> None:
    [notice] = parse_notices(sample(forename=...), "notice.json")
    assert notice.display_name == "EXAMPLE"


def test_cyrillic_name_gets_cyrillic_script(store: Store) -> None:
    run_import(store, raw("cyrillic-null-lists.json"))
    with store.session() as s:
        client = only_client(s)
        assert client.display_name == "ПРИМЕРОВА"
        [variant] = client.names
        assert variant.script == Script.cyrillic
        assert variant.source == "INTERPOL public notice 2020/55501"
        assert search(s, "примерова")[0].client_id == client.id


def test_arabic_name_gets_arabic_script(store: Store) -> None:
    run_import(store, raw("arabic-missing-keys.json"))
    with store.session() as s:
        client = only_client(s)
        assert client.display_name == "نموذج مثال"
        assert client.names[0].script == Script.arabic
        assert client.languages == ["ara"]


@pytest.mark.parametrize(("text", "script"), [
    ("SAMPLE EXAMPLE", Script.latin),
    ("Ömer Çelik-Şahin", Script.latin),
    ("Примерова Анна", Script.cyrillic),
    ("مثال نموذج", Script.arabic),
    ("ئىدرىس", Script.arabic),
    ("伊德日斯", Script.han),
    ("Ｅｘａｍｐｌｅ", Script.latin),
    ("ΠΑΡΑΔΕΙΓΜΑ", Script.other),
    ("Примерова (EXAMPLE)", Script.cyrillic),
    ("", Script.other),
    ("- 123 -", Script.other),
])
def test_detect_script(text: str, script: Script) -> None:
    assert detect_script(text) == script


# --- dates, measures, lists --------------------------------------------------------------
@pytest.mark.parametrize(("published", "stored"), [
    ("1979/06/02", "1979-06-02"),
    ("1979/06", "1979-06"),
    ("1979", "1979"),
    ("1979-06-02", "1979-06-02"),
    (None, None),
    ("", None),
])
def test_partial_dates_of_birth(store: Store, published: str | None, stored: str | None) -> None:
    run_import(store, sample(date_of_birth=published))
    with store.session() as s:
        assert only_client(s).date_of_birth == stored


@pytest.mark.parametrize("measure", [0, None, ...])
def test_height_and_weight_zero_or_null_mean_unknown(store: Store, measure: Any) -> None:
    [notice] = parse_notices(sample(height=measure, weight=measure), "notice.json")
    assert notice.height is None
    assert notice.weight is None
    [result] = run_import(store, sample(height=measure, weight=measure))
    assert result.created


def test_null_lists_and_null_fields(store: Store) -> None:
    [result] = run_import(store, raw("cyrillic-null-lists.json"))
    assert result.warnings == ()
    with store.session() as s:
        client = only_client(s)
        assert client.nationalities == []
        assert client.languages == []
        assert client.sex == Sex.unknown
        assert client.date_of_birth == "1990"
        assert client.place_of_birth is None
        [alert] = client.alerts
        assert alert.warrants == []
        assert alert.requesting_country is None
        assert alert.status == AlertStatus.published


def test_missing_optional_keys(store: Store) -> None:
    bare = {"entity_id": "2024/00077", "name": "EXAMPLEMAN"}
    [result] = run_import(store, json.dumps(bare).encode())
    with store.session() as s:
        client = only_client(s)
        assert client.display_name == "EXAMPLEMAN"
        assert client.alerts[0].reference == "2024/00077"
    assert result.created


# --- warrants ----------------------------------------------------------------------------
def test_two_warrants_from_two_countries(store: Store) -> None:
    [result] = run_import(store, raw("two-warrants.json"))
    assert result.reference == "2019/12345"  # published as 2019-12345, stored normalised
    with store.session() as s:
        alert = s.get(Alert, result.alert_id)
        assert alert is not None
        assert alert.reference == "2019/12345"
        assert alert.requesting_country == "RU"
        warrants = sorted(alert.warrants, key=lambda w: w.id or 0)
        assert [w.issuing_country for w in warrants] == ["RU", "KZ"]
        assert warrants[0].charge == "Organisation of an extremist community\r\nFinancing of extremist activity\r\n"
        assert warrants[1].charge == "Fraud on an especially large scale\r\nArt. 190 part 4"
        assert warrants[1].charge_translation == "Escroquerie\r\nà grande échelle"
        # byte-exact, as the database holds it
        stored = s.exec(select(ArrestWarrant.charge).order_by(ArrestWarrant.id)).all()
        assert stored[0].encode() == b"Organisation of an extremist community\r\nFinancing of extremist activity\r\n"
        client = alert.client
        assert client.display_name == "TESTOVA"
        assert client.sex == Sex.female
        assert client.date_of_birth == "1985-03"
        assert client.country_of_birth == "KZ"


def test_codes_that_are_not_iso_are_left_out_with_a_warning(store: Store) -> None:
    [result] = run_import(store, raw("two-warrants.json"))
    assert len(result.warnings) == 2
    assert "$.nationalities[1]" in result.warnings[0] and "'922'" in result.warnings[0]
    assert "$.languages_spoken_ids[1]" in result.warnings[1] and "'XXQ'" in result.warnings[1]
    with store.session() as s:
        client = only_client(s)
        assert client.nationalities == ["RU"]
        assert client.languages == ["rus"]


def test_warrant_with_a_country_that_is_not_iso_is_kept_without_it(store: Store) -> None:
    warrants = [{"issuing_country_id": "922", "charge": "Genocide", "charge_translation": None},
                {"issuing_country_id": "RS", "charge": "Murder", "charge_translation": None}]
    [result] = run_import(store, sample(arrest_warrants=warrants))
    assert any("$.arrest_warrants[0].issuing_country_id" in w for w in result.warnings)
    with store.session() as s:
        alert = s.get(Alert, result.alert_id)
        assert alert is not None
        assert alert.requesting_country is None  # the first warrant's country, unknown
        assert sorted((w.issuing_country or "", w.charge) for w in alert.warrants) == [("", "Genocide"),
                                                                                       ("RS", "Murder")]


# --- search result -----------------------------------------------------------------------
def test_search_result_imports_each_notice(store: Store) -> None:
    results = run_import(store, raw("search-result.json"), "search.json")
    assert [r.reference for r in results] == ["2018/30001", "2018/30002", "2022/30003"]
    assert all(r.created for r in results)
    assert len({r.client_id for r in results}) == 3
    with store.session() as s:
        names = sorted(s.exec(select(Client.display_name)).all())
        assert names == ["EXAMPLEVA", "FIRST EXAMPLEOV", "THIRD EXAMPLEZADE"]
        second = s.get(Client, results[1].client_id)
        assert second is not None
        assert second.nationalities == ["UZ", "TJ"]
        assert second.date_of_birth == "1982-07"
        assert s.exec(select(func.count()).select_from(ArrestWarrant)).one() == 0
    assert counts(store)["Alert"] == 3


def test_search_result_with_no_notices_imports_nothing(store: Store) -> None:
    empty = {"total": 0, "query": {}, "_embedded": {"notices": []}, "_links": {}}
    assert run_import(store, json.dumps(empty).encode()) == []


def test_short_entry_does_not_remove_known_warrants(store: Store) -> None:
    run_import(store, raw("red-notice-detail.json"))
    short = {"_embedded": {"notices": [{"entity_id": "2017/90001", "name": "EXAMPLE", "forename": "SAMPLE",
                                        "date_of_birth": "1979/06/02", "nationalities": ["TJ"]}]}}
    before = counts(store)
    [result] = run_import(store, json.dumps(short).encode())
    assert result.created is False
    assert counts(store) == before


# --- re-import ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["red-notice-detail.json", "two-warrants.json", "search-result.json",
                                  "cyrillic-null-lists.json", "arabic-missing-keys.json"])
def test_importing_twice_changes_nothing(store: Store, name: str) -> None:
    first = run_import(store, raw(name))
    after_first = counts(store)
    second = run_import(store, raw(name))
    assert counts(store) == after_first  # no new rows, and not one new audit entry
    assert [r.created for r in second] == [False] * len(first)
    assert [(r.client_id, r.alert_id, r.reference) for r in second] == \
           [(r.client_id, r.alert_id, r.reference) for r in first]


def test_same_notice_twice_in_one_file_is_one_alert(store: Store) -> None:
    entry = {"entity_id": "2018/30001", "name": "EXAMPLEOV", "forename": "FIRST"}
    twice = {"_embedded": {"notices": [entry, {**entry, "entity_id": "2018-30001"}]}}
    results = run_import(store, json.dumps(twice).encode())
    assert [r.created for r in results] == [True, False]
    assert counts(store)["Client"] == 1


def test_reimport_keeps_the_lawyers_edits_and_fills_gaps(store: Store) -> None:
    [first] = run_import(store, raw("red-notice-detail.json"))
    with store.session() as s:
        client = s.get(Client, first.client_id)
        assert client is not None
        client.display_name = "Sample Example"
        client.date_of_birth = "1979-06-03"
        client.place_of_birth = None
        client.nationalities = ["TJ", "RU"]
        client.languages = []
        alert = s.get(Alert, first.alert_id)
        assert alert is not None
        alert.status = AlertStatus.challenged
        alert.requesting_country = None
        alert.warrants[0].charge_translation = "Translation by the defence"
        alert.warrants[0].authority = "Dushanbe city court"
    edited = counts(store)

    [second] = run_import(store, raw("red-notice-detail.json"))
    assert second.created is False
    assert (second.client_id, second.alert_id) == (first.client_id, first.alert_id)
    with store.session() as s:
        client = s.get(Client, first.client_id)
        assert client is not None
        assert client.display_name == "Sample Example"
        assert client.date_of_birth == "1979-06-03"
        assert client.nationalities == ["TJ", "RU"]
        assert client.place_of_birth == "DUSHANBE"  # was empty: filled
        assert client.languages == ["tgk", "rus", "eng"]  # was empty: filled
        assert [v.text for v in client.names] == ["SAMPLE EXAMPLE"]  # not added twice
        [alert] = client.alerts
        assert alert.status == AlertStatus.challenged
        assert alert.requesting_country == "TJ"
        assert len(alert.history) == 1  # no second "published" entry
        [warrant] = alert.warrants
        assert warrant.charge_translation == "Translation by the defence"
        assert warrant.authority == "Dushanbe city court"
    assert counts(store)["AuditEntry"] > edited["AuditEntry"]  # the filled fields are audited


def test_reimport_adds_a_new_published_name_as_a_variant(store: Store) -> None:
    run_import(store, raw("red-notice-detail.json"))
    run_import(store, sample(forename="SAMPLEJON"))
    with store.session() as s:
        client = only_client(s)
        assert client.display_name == "SAMPLE EXAMPLE"
        assert sorted(v.text for v in client.names) == ["SAMPLE EXAMPLE", "SAMPLEJON EXAMPLE"]


def test_reimport_replaces_the_warrants_by_the_published_ones(store: Store) -> None:
    [first] = run_import(store, raw("two-warrants.json"))
    data = json.loads(raw("two-warrants.json"))
    data["arrest_warrants"] = [data["arrest_warrants"][1],
                               {"issuing_country_id": "BY", "charge": "Mass riots", "charge_translation": None}]
    [second] = run_import(store, json.dumps(data).encode())
    assert second.alert_id == first.alert_id
    with store.session() as s:
        alert = s.get(Alert, first.alert_id)
        assert alert is not None
        assert sorted((w.issuing_country, w.charge) for w in alert.warrants) == [
            ("BY", "Mass riots"), ("KZ", "Fraud on an especially large scale\r\nArt. 190 part 4")]
        assert alert.requesting_country == "RU"  # the lawyer's record (filled once) stays
        deleted = s.exec(select(AuditEntry).where(AuditEntry.action == "delete")).all()
        assert [e.entity for e in deleted] == ["arrest_warrant"]


def test_reimport_of_a_restricted_alert_makes_it_public(store: Store) -> None:
    [first] = run_import(store, raw("red-notice-detail.json"))
    with store.session() as s:
        alert = s.get(Alert, first.alert_id)
        assert alert is not None
        alert.publicity = Publicity.restricted
    run_import(store, raw("red-notice-detail.json"))
    with store.session() as s:
        alert = s.get(Alert, first.alert_id)
        assert alert is not None
        assert alert.publicity == Publicity.public_extract


def test_alert_the_lawyer_entered_by_hand_is_updated(store: Store) -> None:
    with store.session() as s:
        client = Client(display_name="Sample Example", date_of_birth="1979")
        client.alerts.append(Alert(reference="2017-90001", status=AlertStatus.deleted))
        s.add(client)
    [result] = run_import(store, raw("red-notice-detail.json"))
    assert result.created is False
    assert any("deleted" in w and "still in the public extract" in w for w in result.warnings)
    with store.session() as s:
        client = only_client(s)
        assert client.display_name == "Sample Example"
        assert client.date_of_birth == "1979"
        [alert] = client.alerts
        assert alert.reference == "2017-90001"
        assert alert.status == AlertStatus.deleted
        assert alert.publicity == Publicity.public_extract
        assert len(alert.warrants) == 1
        assert [v.text for v in client.names] == ["SAMPLE EXAMPLE"]


# --- bad input: one plain line, nothing written ------------------------------------------
def assert_refused(store: Store, content: bytes, *fragments: str) -> str:
    before = counts(store)
    with pytest.raises(InvalidInput) as caught, store.session() as s:
        import_notices(s, parse_notices(content, "bad-notice.json"))
    message = str(caught.value)
    assert message.startswith("bad-notice.json")
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    assert counts(store) == before
    return message


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"<html>Not found</html>", "not valid JSON"),
    (b'{"entity_id": "2017/90001", ', "not valid JSON"),
    ("{\"name\": \"ПРИМЕРОВА\"}".encode("cp1251"), "UTF-8"),
    (b"[]", "$ must be an object"),
    (b'"2017/90001"', "$ must be an object"),
    (b"null", "$ must be an object"),
])
def test_files_that_are_not_notices(store: Store, content: bytes, fragment: str) -> None:
    run_import(store, raw("red-notice-detail.json"))
    assert_refused(store, content, fragment)


def test_file_over_ten_megabytes(store: Store) -> None:
    content = sample(place_of_birth="X" * MAX_NOTICE_BYTES)
    assert_refused(store, content, "larger than 10 MB")


@pytest.mark.parametrize(("changes", "path", "problem"), [
    ({"nationalities": "TJ"}, "$.nationalities", "must be a list, not text"),
    ({"nationalities": ["TJ", 7]}, "$.nationalities[1]", "must be text, not a number"),
    ({"date_of_birth": "1979/13/02"}, "$.date_of_birth", "not a date"),
    ({"date_of_birth": "02/06/1979"}, "$.date_of_birth", "not a date"),
    ({"date_of_birth": 1979}, "$.date_of_birth", "must be text"),
    ({"entity_id": "90001"}, "$.entity_id", "YYYY/NNNNN"),
    ({"entity_id": ...}, "$.entity_id", "is missing"),
    ({"name": "  "}, "$.name", "must not be empty"),
    ({"name": None}, "$.name", "must be text, not null"),
    ({"sex_id": "X"}, "$.sex_id", "M, F or U"),
    ({"height": "tall"}, "$.height", "must be a number"),
    ({"arrest_warrants": {"charge": "x"}}, "$.arrest_warrants", "must be a list, not an object"),
    ({"arrest_warrants": [{"issuing_country_id": "TJ", "charge": "x"}, {"issuing_country_id": 762, "charge": "y"}]},
     "$.arrest_warrants[1].issuing_country_id", "must be text, not a number"),
    ({"arrest_warrants": ["Fraud"]}, "$.arrest_warrants[0]", "must be an object, not text"),
])
def test_structure_problems_name_the_path(store: Store, changes: dict[str, Any], path: str, problem: str) -> None:
    message = assert_refused(store, sample(**changes), f"bad-notice.json: {path} ", problem)
    assert "SAMPLE" not in message and "EXAMPLE" not in message  # no client data in messages


def test_several_problems_are_counted() -> None:
    with pytest.raises(InvalidInput, match=r"\(and 2 more problems\)\.$"):
        parse_notices(sample(nationalities="TJ", sex_id="X", date_of_birth="soon"), "bad-notice.json")


def test_a_bad_notice_in_a_search_result_imports_nothing(store: Store) -> None:
    data = json.loads(raw("search-result.json"))
    data["_embedded"]["notices"][2]["date_of_birth"] = "1991/02/30"
    assert_refused(store, json.dumps(data).encode(), "$._embedded.notices[2].date_of_birth ", "not a date")
    assert counts(store)["Client"] == 0


def test_search_result_whose_notices_are_not_a_list(store: Store) -> None:
    data = {"total": 1, "_embedded": {"notices": {"entity_id": "2018/30001"}}}
    assert_refused(store, json.dumps(data).encode(), "$._embedded.notices must be a list")


def test_an_error_during_import_rolls_back_every_notice(store: Store) -> None:
    notices = parse_notices(raw("search-result.json"), "search.json")
    with pytest.raises(RuntimeError), store.session() as s:
        import_notices(s, notices)
        raise RuntimeError("the lawyer cancelled")
    assert counts(store)["Client"] == 0
    assert counts(store)["AuditEntry"] == 0
