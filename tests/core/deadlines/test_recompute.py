"""Deadlines from rules, and recomputing the ones that hang on a trigger when its date changes."""

from __future__ import annotations

from datetime import date, time

import pytest

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines import (
    Catalogue,
    apply,
    compute,
    deadline_from_rule,
    dependants,
    plan_trigger_change,
)
from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import DeadlineKind, DeadlineStatus, Forum
from tests.core.deadlines.factories import add_client, add_deadline, add_proceeding, audit_summaries

ARREST = date(2026, 11, 2)  # provisional arrest: ECE art. 16, 18 days for the request, 40 at most, from the next day


def test_deadline_from_rule(catalogue: Catalogue) -> None:
    made = deadline_from_rule(catalogue, "uk-ea2003-s103-leave-to-appeal", date(2026, 12, 14), client_id=3,
                              proceeding_id=7)
    rule = catalogue.get("uk-ea2003-s103-leave-to-appeal")
    result = compute(rule, date(2026, 12, 14))
    assert made.id is None  # not saved
    assert (made.title, made.rule_id, made.trigger_event, made.trigger_date) == (
        rule.title, rule.id, rule.trigger_event, date(2026, 12, 14))
    assert (made.due_date, made.due_time, made.time_zone, made.kind) == (
        result.due, time(16, 30), "Europe/London", DeadlineKind.statutory)
    assert made.statutory_date == made.due_date
    assert made.status is DeadlineStatus.open
    assert made.note == "\n".join(result.explanation)
    assert (made.client_id, made.proceeding_id) == (3, 7)
    with pytest.raises(InvalidInput, match="'no-such-rule'"):
        deadline_from_rule(catalogue, "no-such-rule", date(2026, 12, 14), client_id=3, proceeding_id=None)


@pytest.fixture
def arrest(store: Store, catalogue: Catalogue) -> dict[str, int]:
    """Two deadlines from the same arrest, and others that must not move with them."""
    with store.session() as s:
        client = add_client(s, "Rustam Nazarov")
        court = add_proceeding(s, client, Forum.extradition_court, "DE")
        other_court = add_proceeding(s, client, Forum.appeal, "DE")

        def made(rule_id: str, trigger: date, proceeding: m.Proceeding | None, **changes: object) -> int:
            deadline = deadline_from_rule(catalogue, rule_id, trigger, client_id=client.id,
                                          proceeding_id=proceeding.id if proceeding else None)
            for name, value in changes.items():
                setattr(deadline, name, value)
            s.add(deadline)
            s.flush()
            return deadline.id  # type: ignore[return-value]

        ids = {
            "request": made("ece-art16-provisional-arrest-request", ARREST, court),
            "maximum": made("ece-art16-provisional-arrest-max", ARREST, court, note="Ask the court for the file."),
            "done": made("ece-art16-provisional-arrest-max", ARREST, court, status=DeadlineStatus.done),
            "other_date": made("ece-art16-provisional-arrest-max", date(2026, 11, 3), court),
            "other_proceeding": made("ece-art16-provisional-arrest-max", ARREST, other_court),
            "no_proceeding": made("ece-art16-provisional-arrest-request", ARREST, None),
            "no_proceeding_too": made("ece-art16-provisional-arrest-max", ARREST, None),
            "by_hand": add_deadline(s, client, date(2026, 11, 20), proceeding=court, trigger_event="provisional arrest",
                                    trigger_date=ARREST).id,
        }
        other = add_client(s, "Someone Else")
        d = deadline_from_rule(catalogue, "ece-art16-provisional-arrest-max", ARREST, client_id=other.id,
                               proceeding_id=None)
        s.add(d)
        s.flush()
        ids["other_client"] = d.id
    return ids


def test_dependants_share_proceeding_event_and_date_and_are_open(store: Store, arrest: dict[str, int]) -> None:
    with store.session() as s:
        assert dependants(s, arrest["request"]) == [arrest["request"], arrest["maximum"]]
        assert dependants(s, arrest["maximum"]) == [arrest["maximum"], arrest["request"]]
        assert dependants(s, arrest["no_proceeding"]) == [arrest["no_proceeding"], arrest["no_proceeding_too"]]
        assert dependants(s, arrest["other_date"]) == [arrest["other_date"]]
        assert dependants(s, arrest["other_proceeding"]) == [arrest["other_proceeding"]]
        assert dependants(s, arrest["other_client"]) == [arrest["other_client"]]
        with pytest.raises(NotFound):
            dependants(s, 9999)


def test_plan_recomputes_without_changing_anything(store: Store, catalogue: Catalogue,
                                                   arrest: dict[str, int]) -> None:
    new = date(2026, 11, 5)
    with store.session() as s:
        before = len(audit_summaries(s))
        plan = plan_trigger_change(s, catalogue, arrest["request"], new)
    assert [p.deadline_id for p in plan] == [arrest["request"], arrest["maximum"]]
    request, maximum = plan
    assert (request.old_trigger, request.new_trigger) == (ARREST, new)
    assert (request.old_due, request.new_due) == (date(2026, 11, 20), date(2026, 11, 23))
    assert (maximum.old_due, maximum.new_due) == (date(2026, 12, 12), date(2026, 12, 15))
    assert request.changed and maximum.changed
    assert request.explanation == compute(catalogue.get(request.rule_id), new).explanation
    with store.session() as s:
        assert s.get(m.Deadline, arrest["request"]).trigger_date == ARREST
        assert len(audit_summaries(s)) == before
        same = plan_trigger_change(s, catalogue, arrest["request"], ARREST)
    assert not any(p.changed for p in same)


def test_apply_moves_each_dependant_and_is_audited(store: Store, catalogue: Catalogue,
                                                   arrest: dict[str, int]) -> None:
    new = date(2026, 11, 5)
    with store.session() as s:
        s.get(m.Deadline, arrest["request"]).reminders_seen = [7]
    with store.session() as s:
        apply(s, plan_trigger_change(s, catalogue, arrest["request"], new))
    with store.session() as s:
        request = s.get(m.Deadline, arrest["request"])
        maximum = s.get(m.Deadline, arrest["maximum"])
        assert (request.trigger_date, request.due_date, request.statutory_date) == (new, date(2026, 11, 23),
                                                                                   date(2026, 11, 23))
        assert request.note.startswith("Trigger: provisional arrest on Thu 5 Nov 2026.")  # the new explanation
        assert request.reminders_seen == []  # a new date: its reminders come again
        assert (maximum.trigger_date, maximum.due_date) == (new, date(2026, 12, 15))
        assert maximum.note == "Ask the court for the file."  # the lawyer's own note is kept
        for key in ("done", "other_date", "other_proceeding", "no_proceeding", "by_hand", "other_client"):
            assert s.get(m.Deadline, arrest[key]).trigger_date in (ARREST, date(2026, 11, 3)), key
        log = audit_summaries(s, entity_id=arrest["request"])[-1]
        assert "trigger_date: 2026-11-02 → 2026-11-05" in log and "due_date: 2026-11-20 → 2026-11-23" in log
        assert "due_date: 2026-12-12 → 2026-12-15" in audit_summaries(s, entity_id=arrest["maximum"])[-1]
    assert store.audit_report().intact


def test_a_rule_missing_from_the_catalogue_stops_the_plan(store: Store, catalogue: Catalogue,
                                                          arrest: dict[str, int]) -> None:
    with store.session() as s:
        s.get(m.Deadline, arrest["maximum"]).rule_id = "withdrawn-rule"
    with store.session() as s, pytest.raises(InvalidInput, match="'withdrawn-rule'"):
        plan_trigger_change(s, catalogue, arrest["request"], date(2026, 11, 5))
    with store.session() as s:
        assert s.get(m.Deadline, arrest["request"]).trigger_date == ARREST


def test_a_deadline_entered_by_hand_has_nothing_to_recompute(store: Store, catalogue: Catalogue,
                                                             arrest: dict[str, int]) -> None:
    with store.session() as s, pytest.raises(InvalidInput, match="entered by hand"):
        plan_trigger_change(s, catalogue, arrest["by_hand"], date(2026, 11, 5))
