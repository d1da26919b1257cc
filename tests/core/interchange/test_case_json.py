"""The case interchange format: validation with JSON paths, schema, round trip."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange import case_json as cj


def case(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"format": cj.FORMAT, "version": 1, "client": {"display_name": "Test Person"}}
    data.update(overrides)
    return data


def parse(data: Any) -> cj.CaseFileV1:
    return cj.parse(json.dumps(data, ensure_ascii=False).encode(), "case.json")


def test_minimal_case_parses_with_defaults() -> None:
    parsed = parse(case())
    assert parsed.client.display_name == "Test Person"
    assert parsed.client.custody_status == "unknown"
    assert parsed.alerts == []


def test_codes_are_normalised() -> None:
    parsed = parse(case(client={"display_name": "X", "nationalities": ["cn", "Tr"], "languages": ["ug", "rus"]}))
    assert parsed.client.nationalities == ["CN", "TR"]
    assert parsed.client.languages == ["uig", "rus"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (case(client={"display_name": "X", "date_of_birth": "1980-13"}), "$.client.date_of_birth: not a date"),
        (case(client={"display_name": "X", "nationalities": ["XX"]}), "$.client.nationalities[0]: not an ISO 3166"),
        (case(client={"display_name": ""}), "$.client.display_name:"),
        (case(client={}), "$.client.display_name: required field is missing"),
        (case(alerts=[{"key": "a", "bogus": 1}]), "$.alerts[0].bogus: unknown field"),
        (case(alerts=[{"key": "a", "status": "vanished"}]), "$.alerts[0].status:"),
        (case(events=[{"date": "2020-02-30", "title": "t"}]), "$.events[0].date: not a date"),
        (case(deadlines=[{"title": "t", "due_date": "tomorrow"}]), "$.deadlines[0].due_date:"),
        (case(proceedings=[{"key": "p", "forum": "ccf", "alert": "nope"}]),
         "$.proceedings[0].alert: no alert has the key 'nope'"),
        (case(deadlines=[{"title": "t", "due_date": "2026-01-01", "proceeding": "p9"}]),
         "$.deadlines[0].proceeding: no proceeding has the key 'p9'"),
        (case(alerts=[{"key": "a"}, {"key": "a"}]), "$.alerts[1].key: the key 'a' is used twice"),
        (case(uid="not-a-uid"), "$.uid:"),
    ],
)
def test_schema_violations_name_the_json_path(data: dict[str, Any], expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(data)
    message = str(caught.value)
    assert message.startswith("case.json: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "the file is empty"),
        (b"{", "not valid JSON (line 1"),
        (b"\xff\xfe\x00garbage", "not a text file in UTF-8"),
        (b"[1, 2]", "$: expected a JSON object"),
        (b'{"format": "something-else", "version": 1}', "$.format: not a lawyer_desk case file"),
        (b'{"format": "lawyer-desk/case", "version": 7, "client": {}}', "newer version"),
        (b"%PDF-1.7\n", "not valid JSON"),
    ],
)
def test_malformed_files_get_one_clear_line(raw: bytes, expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        cj.parse(raw, "case.json")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_several_problems_are_counted() -> None:
    with pytest.raises(InvalidInput, match=r"and 1 more problem\)"):
        parse(case(client={"display_name": "X", "date_of_birth": "x", "sex": "robot"}))


def test_committed_schema_matches_the_models() -> None:
    assert cj.schema_path().read_text(encoding="utf-8") == cj.schema_text(), (
        "resources/schema/case-v1.schema.json is stale: run python -m lawyer_desk.core.interchange.case_json")


def test_schema_describes_partial_dates_and_forbids_unknown_fields() -> None:
    schema = cj.json_schema()
    assert schema["additionalProperties"] is False
    dob = schema["$defs"]["ClientV1"]["properties"]["date_of_birth"]
    assert any("pattern" in option for option in dob["anyOf"])
