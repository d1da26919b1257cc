"""The dashboard's lazy reading against a real store: the ordered ids and counts of the whole list in
one query (sorted and filtered in SQL), the rows of a page, and the place a rule names for its cut-off."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from datetime import date, time
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines import load_catalogue, load_rules
from lawyer_desk.core.deadlines.agenda import (
    AgendaFilter,
    AgendaItem,
    AgendaOrder,
    AgendaSort,
    Urgency,
    agenda,
    agenda_index,
    agenda_rows,
    cutoff_text,
)
from lawyer_desk.core.deadlines.rules import cutoff_places, shipped_rules_dir
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import DeadlineStatus
from tests.core.deadlines.conftest import VALID_RULE
from tests.core.deadlines.factories import TODAY, add_client, add_deadline, day

EVERYTHING = AgendaFilter(include_done=True)
STRASBOURG = ("Europe/Paris", "Strasbourg")


def test_the_index_lists_what_the_agenda_lists_with_its_counts(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        for flt in (AgendaFilter(), EVERYTHING, AgendaFilter(lawyer="A. Kowalska"), AgendaFilter(within_days=0)):
            items = agenda(s, TODAY, flt)
            index = agenda_index(s, TODAY, flt, AgendaSort(AgendaOrder.due))
            assert index.ids == [i.deadline_id for i in items]
            assert index.counts == dict.fromkeys(Urgency, 0) | Counter(i.urgency for i in items)
            assert index.settled == {i.deadline_id for i in items if i.status is not DeadlineStatus.open}
            assert index.today == TODAY and len(index) == len(items) and list(index) == index.ids
        index = agenda_index(s, TODAY, EVERYTHING)
    assert index.counts == {Urgency.overdue: 2, Urgency.today: 3, Urgency.this_week: 2, Urgency.later: 1,
                            Urgency.done: 1}
    assert index.settled == {desk["done"], desk["missed"]}
    assert index.row_of(index.ids[4]) == 4 and index.row_of(10**9) is None


def test_an_empty_list(store: Store) -> None:
    with store.session() as s:
        index = agenda_index(s, TODAY)
        assert (index.ids, index.settled) == ([], frozenset())
        assert index.counts == dict.fromkeys(Urgency, 0)
        assert agenda_rows(s, TODAY, []) == {}


# What each order compares first, as the dashboard's header shows it; None is an empty value.
PRIMARY: dict[AgendaOrder, Callable[[AgendaItem], Any]] = {
    AgendaOrder.urgency: lambda i: list(Urgency).index(i.urgency),
    AgendaOrder.case: lambda i: i.case_reference,
    AgendaOrder.client: lambda i: i.client_name.lower(),
    AgendaOrder.title: lambda i: i.title.lower(),
    AgendaOrder.forum: lambda i: i.forum.value if i.forum else None,
    AgendaOrder.country: lambda i: i.country,
    AgendaOrder.lawyer: lambda i: i.lawyer.lower() if i.lawyer else None,
    AgendaOrder.slippage: lambda i: i.slippage_days,
}


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("order", list(AgendaOrder))
def test_each_order_is_sorted_in_sql_with_ties_in_due_order(store: Store, desk: dict[str, int],
                                                            order: AgendaOrder, descending: bool) -> None:
    with store.session() as s:
        client = s.get(m.Client, desk["idris"])
        assert client is not None
        add_deadline(s, client, day(3), "CCF decision", statutory_date=date(2026, 10, 1), actual_date=day(-20))
        add_deadline(s, client, day(4), "Another decision", statutory_date=date(2026, 10, 1), actual_date=day(-2))
        due_order = [i.deadline_id for i in agenda(s, TODAY, EVERYTHING)]
        items = {i.deadline_id: i for i in agenda(s, TODAY, EVERYTHING)}
        ids = agenda_index(s, TODAY, EVERYTHING, AgendaSort(order, descending)).ids
    assert sorted(ids) == sorted(due_order)
    if order is AgendaOrder.due:
        assert ids == (due_order[::-1] if descending else due_order)
        return
    key = PRIMARY[order]
    values = [key(items[did]) for did in ids]
    present = [v for v in values if v is not None]
    assert values[:len(present)] == present, "empty values come last, either way"
    assert present == sorted(present, reverse=descending)
    for a, b in pairwise(ids):  # equal values keep the agenda's own order
        if key(items[a]) == key(items[b]) and key(items[a]) is not None:
            assert due_order.index(a) < due_order.index(b)
    assert len(set(present)) > 1  # the desk has values to sort


def test_urgency_order_puts_done_last_and_keeps_the_sections(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        items = {i.deadline_id: i for i in agenda(s, TODAY, EVERYTHING)}
        ids = agenda_index(s, TODAY, EVERYTHING).ids  # the dashboard's default order
    assert ids[-1] == desk["done"]
    assert [items[i].urgency for i in ids] == sorted((items[i].urgency for i in ids), key=list(Urgency).index)


def test_rows_of_a_page(store: Store, desk: dict[str, int]) -> None:
    wanted = [desk["later"], desk["overdue"], desk["later"], 10**9]
    with store.session() as s:
        rows = agenda_rows(s, TODAY, wanted)
        whole = {i.deadline_id: i for i in agenda(s, TODAY)}
    assert set(rows) == {desk["later"], desk["overdue"]}  # each once; an unknown id is left out
    assert rows[desk["overdue"]] == whole[desk["overdue"]]
    assert rows[desk["later"]] == whole[desk["later"]]
    with store.session() as s:
        s.delete(s.get(m.Deadline, desk["later"]))
    with store.session() as s:
        assert set(agenda_rows(s, TODAY, wanted)) == {desk["overdue"]}  # deleted meanwhile: left out


# --- the place of a cut-off ------------------------------------------------------------
def test_shipped_rules_name_their_seat(catalogue) -> None:
    places = cutoff_places()
    assert places["echr-application"] == STRASBOURG
    assert places["ccf-revision"] == ("Europe/Paris", "Lyon")
    assert places["uk-ea2003-s103-leave-to-appeal"] == ("Europe/London", "London")
    assert "ece-art16-provisional-arrest-max" not in places  # UTC: no seat
    # The quick reading agrees with the validated catalogue, rule by rule.
    assert places == {r.id: (r.time_zone, r.place) for r in catalogue if r.place}


def test_a_lawyers_rule_file_may_name_a_place(tmp_path: Path) -> None:
    own = tmp_path / "mine.toml"
    own.write_text(VALID_RULE.replace('time_zone = "Europe/London"', 'time_zone = "Europe/London"\nplace = "Belfast"'),
                   encoding="utf-8")
    assert load_catalogue(tmp_path).get("test-rule").place == "Belfast"
    assert cutoff_places(tmp_path)["test-rule"] == ("Europe/London", "Belfast")
    # Changed on disk: read again, even within the same second.
    own.write_text(own.read_text(encoding="utf-8").replace("Belfast", "Armagh, Northern Ireland"), encoding="utf-8")
    stat = own.stat()
    os.utime(own, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert cutoff_places(tmp_path)["test-rule"] == ("Europe/London", "Armagh, Northern Ireland")
    # A broken file names no place here (and is refused, with its name, where rules are used).
    own.write_text("[[rule]\nid =", encoding="utf-8")
    assert "test-rule" not in cutoff_places(tmp_path)
    assert cutoff_places(tmp_path)["echr-application"] == STRASBOURG
    assert cutoff_places(tmp_path / "absent") == cutoff_places()


def test_an_empty_place_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(VALID_RULE.replace('kind = "statutory"', 'kind = "statutory"\nplace = ""'), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.toml: rule 'test-rule': field 'place'"):
        load_rules([bad])
    assert len(load_rules([shipped_rules_dir()])) == len(load_catalogue())


def test_a_deadline_of_a_rule_shows_the_rules_place_while_it_keeps_the_rules_zone(store: Store) -> None:
    winter = date(2026, 12, 2)
    with store.session() as s:
        client = add_client(s, "Idris Mamut")
        ruled = add_deadline(s, client, winter, "Rule 39 request", due_time=time(16, 0), time_zone="Europe/Paris",
                             rule_id="echr-application").id
        moved = add_deadline(s, client, winter, "Moved to London", due_time=time(16, 0), time_zone="Europe/London",
                             rule_id="echr-application").id
        by_hand = add_deadline(s, client, winter, "By hand", due_time=time(16, 0), time_zone="Europe/Paris").id
        places = cutoff_places()
        rows = agenda_rows(s, TODAY, [ruled, moved, by_hand], places=places)
        listed = {i.deadline_id: i for i in agenda(s, TODAY, places=places)}
        bare = agenda_rows(s, TODAY, [ruled])
    assert (rows[ruled].place, rows[moved].place, rows[by_hand].place) == ("Strasbourg", None, None)
    assert listed[ruled].place == "Strasbourg" and bare[ruled].place is None
    item = rows[ruled]
    assert cutoff_text(item.due_date, item.due_time, item.time_zone, ZoneInfo("Europe/London"), place=item.place) \
        == "16:00 Strasbourg time (Europe/Paris) — 15:00 your time"


def test_the_command_line_lists_each_rules_place(tmp_path: Path) -> None:
    from tests.e2e.helpers import run_cli

    result = run_cli("rules", "--json", "--data-dir", tmp_path / "store", passphrase=None)
    assert result.returncode == 0, result.stderr
    rules = {rule["id"]: rule for rule in json.loads(result.stdout)["rules"]}
    assert (rules["echr-application"]["time_zone"], rules["echr-application"]["place"]) == STRASBOURG
    assert rules["ccf-admissibility"]["place"] == "Lyon"
    assert rules["ece-art16-provisional-arrest-request"]["place"] is None
