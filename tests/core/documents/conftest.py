"""A store holding the four fictional demo cases (fixed dates) and exhibits for two of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from lawyer_desk.core import cases, exhibits
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.documents.templates import TemplateSet, load_templates
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import ExhibitKind

TODAY = date(2026, 5, 30)
IDRIS, VETROV, NAZAROV, YILDIRIM = 1, 2, 3, 4


@dataclass(frozen=True)
class ExhibitSpec:
    case: int
    file: str
    title: str
    kind: ExhibitKind
    date: str | None = None
    confidential: bool = False


EXHIBITS = (
    ExhibitSpec(IDRIS, "warrant.txt", "Arrest warrant of the Ghulja PSB", ExhibitKind.warrant, "2017-08-30"),
    ExhibitSpec(IDRIS, "ind-decision.txt", "IND decision granting refugee status", ExhibitKind.asylum_decision,
                "2019-05-14", confidential=True),
    ExhibitSpec(IDRIS, "medical.txt", "Psychiatric report on the applicant", ExhibitKind.medical_report,
                "2026-05-20", confidential=True),
    ExhibitSpec(IDRIS, "report.txt", "Country report on Xinjiang", ExhibitKind.country_report, "2025-11"),
    ExhibitSpec(NAZAROV, "ccf-decision.txt", "CCF decision: data not compliant", ExhibitKind.ccf_decision,
                "2025-06-20"),
    ExhibitSpec(NAZAROV, "asylum.txt", "BAMF recognition of refugee status", ExhibitKind.asylum_decision, "2016-08",
                confidential=True),
)


@dataclass(frozen=True)
class DemoStore:
    store: Store
    sha256: dict[str, str]  # exhibit title → SHA-256 of its file
    numbers: dict[str, str]  # exhibit title → exhibit number


@pytest.fixture
def demo(store: Store, tmp_path: Path) -> Iterator[DemoStore]:
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases(TODAY))
    assert ids == [IDRIS, VETROV, NAZAROV, YILDIRIM]
    sha, numbers = {}, {}
    for n, spec in enumerate(EXHIBITS):
        path = tmp_path / spec.file
        path.write_text(f"{spec.title}\nexhibit file {n}\n", encoding="utf-8")
        (result,) = exhibits.add_files(store, spec.case, [path], kind=spec.kind, title=spec.title,
                                       confidential=spec.confidential)
        assert result.ok, result.error
        assert result.exhibit_id is not None and result.sha256 is not None
        if spec.date:
            with store.session() as session:
                exhibits.update_exhibit(session, result.exhibit_id, date=spec.date)
        sha[spec.title], numbers[spec.title] = result.sha256, str(result.number)
    yield DemoStore(store, sha, numbers)


@pytest.fixture(scope="session")
def templates() -> TemplateSet:
    return load_templates()
