"""Full-text search: every script and spelling finds the client; the index follows every change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import select

from lawyer_desk.core import models as m
from lawyer_desk.core.search import Hit, match_expression, search
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.vocab import Script
from tests.conftest import PASSPHRASE

VARIANTS = [
    ("Idris Mamut", Script.latin),
    ("ئىدرىس مامۇت", Script.arabic),
    ("伊德日斯·马木提", Script.han),
    ("Yidiresi Maimaiti", Script.latin),
    ("Идрис Мамут", Script.cyrillic),
]


def _add_idris(store: Store) -> int:
    with store.session() as session:
        client = m.Client(display_name="Idris Mamut")
        client.names = [m.NameVariant(text=t, script=s) for t, s in VARIANTS]
        client.notes = [m.Note(title="Intake", body="Detained at the border; the passport was confiscated.")]
        client.events = [m.Event(date="2017-04", title="Fled through Kazakhstan", place="Almaty")]
        alert = m.Alert(reference="2019/54321", summary="Red notice at the request of China")
        alert.warrants = [m.ArrestWarrant(charge="分裂国家罪", charge_translation="Splitting the state")]
        client.alerts = [alert]
        session.add(client)
        session.flush()
        assert client.id is not None
        return client.id


def _add_other(store: Store, name: str, note: str = "") -> int:
    with store.session() as session:
        client = m.Client(display_name=name)
        client.names = [m.NameVariant(text=name)]
        if note:
            client.notes = [m.Note(title="", body=note)]
        session.add(client)
        session.flush()
        assert client.id is not None
        return client.id


def _search(store: Store, query: str) -> list[Hit]:
    with store.session() as session:
        return search(session, query)


def _index_rows(store: Store, client_id: int | None = None) -> int:
    assert store.engine is not None
    with store.engine.connect() as conn:
        if client_id is None:
            return int(conn.exec_driver_sql("SELECT count(*) FROM search_index").scalar() or 0)
        return int(conn.exec_driver_sql("SELECT count(*) FROM search_index WHERE client_id = ?",
                                        (client_id,)).scalar() or 0)


@pytest.fixture(scope="module")
def idris_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int, int]]:
    """One store for the read-only search tests: Idris, and a client who must not match."""
    store = Store.create(Path(tmp_path_factory.mktemp("search")) / "store", PASSPHRASE, KdfParams.cheap())
    idris = _add_idris(store)
    other = _add_other(store, "Çağlar Öztürk", "Met Idris's cousin once in Istanbul.")
    yield store, idris, other
    store.close()


@pytest.mark.parametrize("query", ["idris", "IDRİS", "Idris", "yidi", "伊德", "ئىدرىس", "Идрис", "идрис",
                                   "mamut", "МАМУТ", "idris mamut", "Maimaiti", "马木提"])
def test_every_spelling_finds_the_client(idris_store: tuple[Store, int, int], query: str) -> None:
    store, idris, _ = idris_store
    hits = _search(store, query)
    assert idris in {h.client_id for h in hits}, (query, match_expression(query), hits)
    assert all(h.client_name for h in hits)


def test_a_name_matches_across_scripts(idris_store: tuple[Store, int, int]) -> None:
    """A query in one script finds the variants written in the others (through the folded form)."""
    store, idris, _ = idris_store
    for query in ("Идрис", "ئىدرىس", "idris"):
        found = {h.snippet.replace("[", "").replace("]", "") for h in _search(store, query)
                 if h.client_id == idris and h.kind == "name"}
        assert {"Idris Mamut", "ئىدرىس مامۇت", "Идрис Мамут"} <= found, (query, found)


@pytest.mark.parametrize("query", ["caglar", "ÇAĞLAR", "Çağlar", "ozturk", "Öztürk"])
def test_accents_are_folded(idris_store: tuple[Store, int, int], query: str) -> None:
    store, _, other = idris_store
    clients = {h.client_id for h in _search(store, query)}
    assert clients == {other}


@pytest.mark.parametrize(
    ("query", "kind"),
    [("confiscated", "note"), ("passport", "note"), ("Kazakhstan", "event"), ("almaty", "event"),
     ("splitting state", "charge"), ("分裂国家罪", "charge"), ("2019/54321", "alert"), ("54321", "alert"),
     ("request china", "alert")],
)
def test_notes_events_charges_and_alerts_are_searchable(idris_store: tuple[Store, int, int], query: str,
                                                        kind: str) -> None:
    store, idris, _ = idris_store
    hits = [h for h in _search(store, query) if h.client_id == idris]
    assert kind in {h.kind for h in hits}, (query, hits)


def test_every_word_must_match(idris_store: tuple[Store, int, int]) -> None:
    store, _, _ = idris_store
    assert _search(store, "idris kazakhstan") == []  # no single row holds both
    assert _search(store, "zzzzqqq") == []


def test_hits_carry_bracketed_snippets(idris_store: tuple[Store, int, int]) -> None:
    store, idris, other = idris_store
    hits = _search(store, "idris")
    assert {idris, other} <= {h.client_id for h in hits}  # the other client's note mentions Idris
    for hit in hits:  # where the word is written in Latin letters, the snippet brackets it
        plain = hit.snippet.replace("[", "").replace("]", "")
        if "idris" in plain.casefold():
            assert "[Idris" in hit.snippet, hit
    by_kind = {(h.client_id, h.kind): h for h in hits}
    assert "[Idris] Mamut" in by_kind[(idris, "client")].snippet
    assert "[Idris" in by_kind[(other, "note")].snippet
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert _search(store, "confiscated")[0].snippet.count("[confiscated]") == 1


@pytest.mark.parametrize(
    "query",
    ['"', '""', '"idris', "idris\"", "*", "idris*", "**", "(", ")", "(idris", "idris)", "NEAR", "NEAR(idris mamut)",
     "NEAR/2", "-", "-idris", "idris -mamut", "AND", "OR", "NOT", "idris AND", "AND idris", "idris OR NOT",
     "^idris", "text:idris", "folded:", "client_id:1", "{text folded}: idris", "+", ":", "'", "'; DROP TABLE client;--",
     "_", "__init__", "\\", "\x00", "\u200b", "\u0640", "ـــ", "·", "…", "", "   ", "a" * 5000,
     " ".join(["idris"] * 50), "🙂", "ﷺ", "\u0301", "i\u0307dris"],
)
def test_query_syntax_never_raises(idris_store: tuple[Store, int, int], query: str) -> None:
    store, _, _ = idris_store
    hits = _search(store, query)
    assert isinstance(hits, list)


def test_query_syntax_still_finds_words(idris_store: tuple[Store, int, int]) -> None:
    store, idris, _ = idris_store
    for query in ('"idris"', "idris*", "(idris)", "-idris", "idris:", "'idris'", "(idris mamut)", "idris.mamut"):
        assert idris in {h.client_id for h in _search(store, query)}, query


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=40))
def test_any_text_never_raises(idris_store: tuple[Store, int, int], query: str) -> None:
    store, _, _ = idris_store
    with store.session() as session:
        search(session, query)


# --- the index follows every change ----------------------------------------------------------
def test_updating_a_name_replaces_its_text(store: Store) -> None:
    idris = _add_idris(store)
    with store.session() as session:
        variant = session.exec(select(m.NameVariant).where(m.NameVariant.text == "Yidiresi Maimaiti")).one()
        variant.text = "Yidilisi Maimaitiming"
    assert not [h for h in _search(store, "yidiresi") if h.client_id == idris]
    assert [h.kind for h in _search(store, "yidilisi")] == ["name"]
    assert store.integrity_problems() == []


def test_updating_a_note_and_a_charge_replaces_their_text(store: Store) -> None:
    _add_idris(store)
    with store.session() as session:
        session.exec(select(m.Note)).one().body = "Released on bail."
        session.exec(select(m.ArrestWarrant)).one().charge_translation = "Separatism"
    assert _search(store, "confiscated") == []
    assert _search(store, "splitting") == []
    assert [h.kind for h in _search(store, "bail")] == ["note"]
    assert [h.kind for h in _search(store, "separatism")] == ["charge"]


def test_a_client_renamed_is_found_by_the_new_name_only(store: Store) -> None:
    client_id = _add_other(store, "Ayşe Yılmaz")
    with store.session() as session:
        client = session.get(m.Client, client_id)
        assert client is not None
        client.display_name = "Ayşe Demir"
    assert {h.kind for h in _search(store, "demir")} == {"client"}
    assert {h.kind for h in _search(store, "yilmaz")} == {"name"}  # the name variant still holds it


def test_deleting_a_child_removes_its_rows(store: Store) -> None:
    idris = _add_idris(store)
    before = _index_rows(store, idris)
    with store.session() as session:
        session.delete(session.exec(select(m.Event)).one())
    assert _index_rows(store, idris) == before - 1
    assert _search(store, "kazakhstan") == []


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_deleting_a_client_removes_all_its_rows(store: Store, how: str) -> None:
    """The children go by ON DELETE CASCADE, and SQLite fires their delete triggers."""
    idris = _add_idris(store)
    other = _add_other(store, "Çağlar Öztürk", "Unrelated note.")
    assert _index_rows(store, idris) == 1 + len(VARIANTS) + 1 + 1 + 1 + 1  # client, names, alert, charge, note, event
    others = _index_rows(store, other)
    assert others == 3
    if how == "orm":
        with store.session() as session:
            session.delete(session.get(m.Client, idris))
    else:
        assert store.engine is not None
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM client WHERE id = :id"), {"id": idris})
    assert _index_rows(store, idris) == 0
    assert _index_rows(store) == others
    for query in ("idris", "伊德", "confiscated", "kazakhstan", "splitting", "54321"):
        assert _search(store, query) == [], query
    assert {h.client_id for h in _search(store, "caglar")} == {other}
    with store.session() as session:
        assert session.exec(select(m.Alert)).all() == []
        assert session.exec(select(m.ArrestWarrant)).all() == []
        assert session.exec(select(m.Event)).all() == []
        assert [n.text for n in session.exec(select(m.NameVariant))] == ["Çağlar Öztürk"]
        assert [n.body for n in session.exec(select(m.Note))] == ["Unrelated note."]
    assert store.integrity_problems() == []


def test_deleting_an_alert_removes_its_charges(store: Store) -> None:
    idris = _add_idris(store)
    with store.session() as session:
        session.delete(session.exec(select(m.Alert)).one())
    assert _search(store, "splitting") == []
    assert _search(store, "54321") == []
    assert idris in {h.client_id for h in _search(store, "idris")}


def test_index_survives_reopen(store: Store) -> None:
    idris = _add_idris(store)
    store.close()
    with Store.open(store.paths.root, PASSPHRASE, write=False) as reader:
        assert idris in {h.client_id for h in _search(reader, "Идрис")}


def test_a_single_han_character_does_not_match_latin_syllables(store: Store) -> None:
    with store.session() as session:
        session.add(m.Client(display_name="Mark Manning"))
        session.add(m.Client(display_name="马木提"))
    with store.session() as session:
        assert [h.client_name for h in search(session, "马")] == ["马木提"]


def test_broad_queries_put_names_first_and_say_they_are_capped(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from lawyer_desk.core import search as search_module

    monkeypatch.setattr(search_module, "RANK_CAP", 5)
    with store.session() as session:
        client = m.Client(display_name="Marat Beknazarov")
        client.notes = [m.Note(title=f"Memo {i}", body="market meeting in Almaty") for i in range(8)]
        session.add(client)
    with store.session() as session:
        broad = search_module.search_results(session, "ma", limit=4)
        narrow = search_module.search_results(session, "marat", limit=4)
    assert broad.capped
    assert broad.hits[0].kind in {"client", "name"}
    assert len(broad.hits) == 4
    assert not narrow.capped
    assert [h.kind for h in narrow.hits] == ["client"]


def test_folded_column_holds_only_what_the_text_lacks(store: Store) -> None:
    with store.session() as session:
        session.add(m.Client(display_name="Idris Ветров"))
    with store.session() as session:
        (folded,) = session.execute(text("SELECT folded FROM search_index")).one()
    assert folded == "vetrov"


def test_bulk_import_indexes_exactly_as_the_triggers_do(store: Store, tmp_path: Path) -> None:
    """The bulk path (cases.import_cases) and row-by-row triggers give the same index."""
    from lawyer_desk.core import cases
    from lawyer_desk.core.demo import demo_cases

    with store.session() as session:
        cases.import_cases(session, demo_cases())
    other = Store.create(tmp_path / "other", PASSPHRASE, KdfParams.cheap())
    try:
        with other.session() as session:
            cases.import_cases(session, demo_cases())
            rows = {t: session.execute(text(f"SELECT * FROM {t}")).mappings().all()
                    for t in ("client", "name_variant", "alert", "arrest_warrant", "note", "event")}
        with other.session() as session:  # re-insert every indexed row through the triggers
            session.execute(text("DELETE FROM search_index"))
            for table in ("client", "name_variant", "alert", "arrest_warrant", "note", "event"):
                for row in rows[table]:
                    session.execute(text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": row["id"]})
        query = "SELECT rowid, text, folded, kind, client_id FROM search_index ORDER BY rowid"
        with store.session() as session, other.session() as other_session:
            assert session.execute(text(query)).all() == other_session.execute(text(query)).all()
    finally:
        other.close()


def test_indexing_is_back_on_after_a_failed_bulk_import(store: Store) -> None:
    from sqlalchemy.exc import IntegrityError

    from lawyer_desk.core import cases
    from lawyer_desk.core.demo import demo_cases
    from lawyer_desk.core.interchange import case_json as cj

    broken = demo_cases()[0]
    broken = broken.model_copy(update={"names": [cj.NameV1.model_construct(
        text=None, script=Script.latin, language=None, romanisation=None, kind=m.NameKind.legal, source=None)]})
    with pytest.raises(IntegrityError), store.session() as session:
        cases.import_cases(session, [broken])
    with store.session() as session:
        session.add(m.Client(display_name="Indexed Afterwards"))
    with store.session() as session:
        assert search(session, "afterwards")
