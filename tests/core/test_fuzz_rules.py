"""Fuzzing the rule files: a file loads whole (and every rule in it computes) or fails with one ``InvalidInput``."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawyer_desk.core.deadlines import compute, load_rules
from lawyer_desk.core.deadlines.rules import shipped_rules_dir
from lawyer_desk.core.errors import InvalidInput, LawyerDeskError
from tests.core.deadlines.conftest import VALID_RULE
from tests.core.fuzz_helpers import bent

SHIPPED_TEXT = sorted(shipped_rules_dir().glob("*.toml"))[0].read_text(encoding="utf-8")
VALID = tomllib.loads(VALID_RULE)
TRIGGERS = [date(1950, 1, 1), date(2024, 2, 29), date(2026, 12, 24), date(2099, 12, 31)]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string is a JSON string for these characters
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()
                                if v is not None) + " }"
    return '""'


def _toml(document: Any) -> str:
    """A TOML file for ``document``: ``[[rule]]`` tables when it has a list of rules, else key = value lines."""
    if not isinstance(document, dict):
        return f"value = {_toml_value(document)}\n"
    lines: list[str] = []
    for key, value in document.items():
        if key == "rule" and isinstance(value, list) and all(isinstance(r, dict) for r in value):
            for rule in value:
                lines.append("[[rule]]")
                lines += [f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in rule.items() if v is not None]
        elif value is not None:
            lines.insert(0, f"{json.dumps(str(key))} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


@st.composite
def edited_text(draw: st.DrawFn) -> str:
    """A shipped rule file edited by hand, badly: lines dropped, doubled, or given other values."""
    lines = SHIPPED_TEXT.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "value", "cut"]))
        if action == "drop":
            del lines[index]
        elif action == "double":
            lines.insert(index, lines[index])
        elif action == "value" and "=" in lines[index]:
            key = lines[index].split("=", 1)[0]
            lines[index] = key + "= " + draw(st.sampled_from(
                ["0", "-1", "99999999999", "1e308", '""', '"forward"', '"months"', "[]", "{}", "true",
                 '"25:99"', '"Mars/Olympus"', '"ZZ"', "1979-05-27T07:32:00Z", '"x" ', "inf"]))
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(min_value=0, max_value=len(lines[index])))]
    return "\n".join(lines) + "\n"


texts = (st.builds(_toml, bent(VALID)) | edited_text() | st.text(max_size=300)
         | st.sampled_from(["", "[[rule]]", "rule = 1", "[meta]\n", "\ufeff[[rule]]\nid = 'x'", "a = [" * 500]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_rule_file_loads_whole_or_is_refused(tmp_path: Path, text: str) -> None:
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text(text, encoding="utf-8")
    try:
        catalogue = load_rules([rule_file])
    except InvalidInput as exc:
        assert str(exc).startswith(str(rule_file)), exc
        return
    for rule in catalogue:
        for trigger in TRIGGERS:
            try:
                result = compute(rule, trigger)
            except LawyerDeskError:
                continue
            assert result.explanation


def test_unreadable_rule_files(tmp_path: Path) -> None:
    (tmp_path / "latin1.toml").write_bytes("id = 'caf\xe9'".encode("latin-1"))
    for path in (tmp_path / "latin1.toml", tmp_path / "missing.toml"):
        try:
            load_rules([path])
        except InvalidInput:
            continue
        raise AssertionError(f"{path.name} was accepted")
