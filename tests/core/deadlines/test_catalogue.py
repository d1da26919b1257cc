"""The shipped catalogue loads, and bad rule files are refused with file, rule and field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawyer_desk.core.deadlines import Catalogue, load_catalogue, load_rules
from lawyer_desk.core.deadlines.rules import Counting, Roll, Unit, shipped_rules_dir
from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.vocab import DeadlineKind

from .conftest import VALID_RULE

REQUIRED = {
    "ccf-admissibility", "ccf-access-decision", "ccf-deletion-decision", "ccf-revision", "echr-application",
    "uk-ea2003-s74-request", "uk-ea2003-s93-representations", "uk-ea2003-s103-leave-to-appeal",
    "uk-ea2003-s114-supreme-court-leave", "uk-ea2003-s117-removal", "uk-crimpr-50.20-amend-appeal",
    "ece-art16-provisional-arrest-request", "ece-art16-provisional-arrest-max",
}


def test_every_shipped_file_and_rule_loads(catalogue: Catalogue) -> None:
    files = sorted(shipped_rules_dir().glob("*.toml"))
    assert len(files) >= 4
    assert set(catalogue.ids()) >= REQUIRED
    for rule in catalogue:
        assert catalogue.origin(rule.id) in files
        assert rule.source.instrument and rule.source.article
        assert rule.counting_source.cite() and rule.roll_source.cite()


def test_each_shipped_file_loads_on_its_own() -> None:
    total = sum(len(load_rules([f])) for f in shipped_rules_dir().glob("*.toml"))
    assert total == len(load_catalogue())


@pytest.mark.parametrize(("rule_id", "period", "unit", "counting", "roll"), [
    ("ccf-admissibility", 1, Unit.months, Counting.after, Roll.none),
    ("ccf-access-decision", 4, Unit.months, Counting.after, Roll.none),
    ("ccf-deletion-decision", 9, Unit.months, Counting.after, Roll.none),
    ("ccf-revision", 6, Unit.months, Counting.starting_with, Roll.none),
    ("echr-application", 4, Unit.months, Counting.after, Roll.none),
    ("uk-ea2003-s74-request", 45, Unit.calendar_days, Counting.starting_with, Roll.none),
    ("uk-ea2003-s93-representations", 4, Unit.weeks, Counting.starting_with, Roll.none),
    ("uk-ea2003-s103-leave-to-appeal", 14, Unit.calendar_days, Counting.starting_with, Roll.none),
    ("uk-ea2003-s114-supreme-court-leave", 14, Unit.calendar_days, Counting.starting_with, Roll.none),
    ("uk-ea2003-s117-removal", 28, Unit.calendar_days, Counting.starting_with, Roll.none),
    ("uk-crimpr-50.20-amend-appeal", 10, Unit.business_days, Counting.after, Roll.none),
    ("ece-art16-provisional-arrest-request", 18, Unit.calendar_days, Counting.after, Roll.none),
    ("ece-art16-provisional-arrest-max", 40, Unit.calendar_days, Counting.after, Roll.none),
])
def test_shipped_periods_and_conventions(catalogue: Catalogue, rule_id: str, period: int, unit: Unit,
                                         counting: Counting, roll: Roll) -> None:
    rule = catalogue.get(rule_id)
    assert (rule.period, rule.unit, rule.counting, rule.roll) == (period, unit, counting, roll)


def test_unverified_crimpr_rule_is_only_possible(catalogue: Catalogue) -> None:
    rule = catalogue.get("uk-crimpr-50.20-amend-appeal")
    assert rule.kind is DeadlineKind.possible
    assert rule.note and "NOT verified" in rule.note


def test_uk_rules_use_england_and_wales_holidays(catalogue: Catalogue) -> None:
    for rule in catalogue:
        if rule.id.startswith("uk-"):
            assert rule.holidays is not None
            assert (rule.holidays.country, rule.holidays.subdivision) == ("GB", "ENG")
            assert rule.time_zone == "Europe/London"


def test_unknown_rule_id_is_not_found(catalogue: Catalogue) -> None:
    with pytest.raises(NotFound, match="no-such-rule"):
        catalogue.get("no-such-rule")


def test_user_folder_adds_rules(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(VALID_RULE, encoding="utf-8")
    cat = load_catalogue(tmp_path)
    assert "test-rule" in cat
    assert cat.origin("test-rule") == tmp_path / "mine.toml"
    assert len(cat) == len(load_catalogue()) + 1


def test_missing_user_folder_is_ignored(tmp_path: Path) -> None:
    assert len(load_catalogue(tmp_path / "absent")) == len(load_catalogue())


def _write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _drop_line(text: str, prefix: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(prefix))


@pytest.mark.parametrize(("text", "field"), [
    (_drop_line(VALID_RULE, "source ="), "source"),
    (_drop_line(VALID_RULE, "counting_source ="), "counting_source"),
    (_drop_line(VALID_RULE, "roll_source ="), "roll_source"),
    (VALID_RULE.replace('article = "s.1", ', ""), "source.article"),
    (VALID_RULE.replace('roll_source = { note = "No extension rule." }', "roll_source = {}"), "roll_source"),
    (VALID_RULE.replace('"calendar_days"', '"fortnights"'), "unit"),
    (VALID_RULE.replace('"Europe/London"', '"Europe/Atlantis"'), "time_zone"),
    (VALID_RULE.replace('"16:30"', '"4.30pm"'), "cutoff_time"),
    (VALID_RULE.replace("period = 14", "period = 0"), "period"),
    (VALID_RULE.replace('counting = "starting_with"', 'counting = "clear_days"'), "counting"),
    (VALID_RULE.replace('roll = "none"', 'roll = "sideways"'), "roll"),
    (VALID_RULE.replace('kind = "statutory"', 'kind = "certain"'), "kind"),
    (VALID_RULE.replace('subdivision = "ENG"', 'subdivision = "XXX"'), "holidays"),
    (VALID_RULE.replace('country = "GB"', 'country = "QQ"'), "holidays"),
    (VALID_RULE.replace('url = "https://example.org/s1"', 'url = "not a url"'), "source.url"),
    (VALID_RULE + 'colour = "red"\n', "colour"),
])
def test_bad_rule_names_file_rule_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InvalidInput) as err:
        load_rules([path])
    message = str(err.value)
    assert str(path) in message
    assert "'test-rule'" in message
    assert f"field '{field}" in message


def test_duplicate_id_across_files_is_refused(tmp_path: Path) -> None:
    first = _write(tmp_path, VALID_RULE, "a.toml")
    second = _write(tmp_path, VALID_RULE, "b.toml")
    with pytest.raises(InvalidInput) as err:
        load_rules([tmp_path])
    message = str(err.value)
    assert str(second) in message and str(first) in message
    assert "'test-rule'" in message and "field 'id'" in message and "duplicate" in message


def test_duplicate_of_a_shipped_id_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, VALID_RULE.replace('"test-rule"', '"echr-application"'))
    with pytest.raises(InvalidInput, match=r"echr-application.*duplicate"):
        load_catalogue(tmp_path)


def test_rule_without_id_is_named_by_position(tmp_path: Path) -> None:
    path = _write(tmp_path, _drop_line(VALID_RULE, "id ="))
    with pytest.raises(InvalidInput, match=r"rule #1 \(no id\): field 'id'"):
        load_rules([path])


@pytest.mark.parametrize("text", ["[[rule]\nid = 1", 'title = "no rules here"\n', "", "[meta]\nx = 1\n"])
def test_malformed_files_are_refused(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InvalidInput, match=str(path).replace("\\", "\\\\")):
        load_rules([path])


def test_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such rule file"):
        load_rules([tmp_path / "nope.toml"])
