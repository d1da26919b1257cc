"""Shared fixtures: the shipped catalogue, loaded once, a template for hand-made rule files, and a desk of
cases with deadlines in every section of the dashboard."""

from __future__ import annotations

from datetime import time

import pytest

from lawyer_desk.core.deadlines import Catalogue, load_catalogue
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import CaseStatus, DeadlineStatus, Forum
from tests.core.deadlines.factories import add_client, add_deadline, add_proceeding, day

VALID_RULE = """
[[rule]]
id = "test-rule"
title = "A rule for tests"
forum = "Test Court"
jurisdiction = "England and Wales"
trigger_event = "decision"
period = 14
unit = "calendar_days"
counting = "starting_with"
roll = "none"
holidays = { country = "GB", subdivision = "ENG", name = "England and Wales" }
cutoff_time = "16:30"
time_zone = "Europe/London"
kind = "statutory"
source = { instrument = "Test Act", article = "s.1", url = "https://example.org/s1" }
counting_source = { instrument = "Test Act", article = "s.1(2)" }
roll_source = { note = "No extension rule." }
"""


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def desk(store: Store) -> dict[str, int]:
    """Three open cases and a closed one, with deadlines in every section."""
    with store.session() as s:
        idris = add_client(s, "Idris Mamut", lawyer="A. Kowalska", requesting=("CN",))
        aleksei = add_client(s, "Алексей Ветров", lawyer="M. Petrović", requesting=("RU",))
        ayse = add_client(s, "ayşe Yıldırım", lawyer="A. Kowalska")
        closed = add_client(s, "Closed Case", status=CaseStatus.closed)
        ccf = add_proceeding(s, idris, Forum.ccf, country="FR")
        court = add_proceeding(s, aleksei, Forum.extradition_court, country="PL")
        asylum = add_proceeding(s, ayse, Forum.asylum, country="NL")
        ids = {
            "overdue": add_deadline(s, idris, day(-3), "Reply to the CCF", proceeding=ccf).id,
            "today_late": add_deadline(s, aleksei, day(0), "Hearing bundle", proceeding=court).id,
            "today_early": add_deadline(s, ayse, day(0), "Grounds of appeal", proceeding=asylum,
                                        due_time=time(10, 0), time_zone="Europe/Amsterdam").id,
            "today_idris": add_deadline(s, idris, day(0), "Translation", proceeding=ccf).id,
            "week": add_deadline(s, aleksei, day(7), "Expert report", proceeding=court).id,
            "later": add_deadline(s, ayse, day(40), "Asylum interview", proceeding=asylum).id,
            "no_proceeding": add_deadline(s, ayse, day(2), "Call the client").id,
            "done": add_deadline(s, idris, day(1), "Filed already", proceeding=ccf, status=DeadlineStatus.done).id,
            "missed": add_deadline(s, aleksei, day(-10), "Missed one", status=DeadlineStatus.missed).id,
            "closed_case": add_deadline(s, closed, day(1), "Of a closed case").id,
        }
        ids |= {"idris": idris.id, "aleksei": aleksei.id, "ayse": ayse.id}
    return ids
