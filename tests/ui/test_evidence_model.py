"""The evidence table model and its filter, without any widget: display, sort values, filtering."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lawyer_desk.core.exhibits import ExhibitRow
from lawyer_desk.core.vocab import ExhibitKind, TextStatus, VerifiedState
from lawyer_desk.ui.case_view.evidence_model import OBJECT_ROLE, SORT_ROLE, Column, ExhibitFilter, ExhibitTableModel

BASE = ExhibitRow(id=1, client_id=1, number="2", title="Warrant", kind=ExhibitKind.warrant, date="2017-09",
                  source=None, language="zho", confidential=False, notes=None, filename="warrant.pdf",
                  media_type="application/pdf", size=2048, sha256="ab" * 32, translation_of_id=None,
                  added_at=datetime(2026, 1, 5, 10, 0), text_status=TextStatus.text, verified_at=None,
                  verified_state=None)
ROWS = [
    BASE,
    replace(BASE, id=2, number="10", title="Ордер, перевод", language="rus", size=512, confidential=True,
            filename="perevod.docx", verified_state=VerifiedState.altered, verified_at=datetime(2026, 2, 1)),
    replace(BASE, id=3, number="A-1", title="Photo of the camp", kind=ExhibitKind.photo, date=None, size=10 << 20,
            filename="camp.jpg", verified_state=VerifiedState.intact, verified_at=datetime(2026, 2, 1)),
]


def _model(qapp: QApplication) -> tuple[ExhibitTableModel, ExhibitFilter]:
    proxy = ExhibitFilter()
    model = ExhibitTableModel(proxy)  # owned by the proxy: it lives as long as the proxy does
    model.set_rows(ROWS)
    proxy.setSourceModel(model)
    return model, proxy


def _column(proxy: ExhibitFilter, column: Column) -> list[str]:
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_rows_show_what_the_table_promises(qapp: QApplication) -> None:
    model, _proxy = _model(qapp)
    assert model.rowCount() == 3 and model.columnCount() == len(Column)
    assert model.headerData(Column.HASH, Qt.Orientation.Horizontal) == "SHA-256"
    first = [model.index(0, c).data() for c in Column]
    assert first == ["2", "Warrant", "Warrant", "2017-09", "zho", "", "2.0 KiB", "abababababab", "Not checked"]
    assert model.index(1, Column.CONFIDENTIAL).data() == "Confidential"
    assert model.index(1, Column.VERIFIED).data() == "Altered"
    assert model.index(1, Column.VERIFIED).data(Qt.ItemDataRole.BackgroundRole) is not None  # and in words too
    assert model.index(2, Column.VERIFIED).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "ab" * 32 in model.index(0, Column.HASH).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(2, 0).data(OBJECT_ROLE) is ROWS[2]
    assert model.index(0, Column.SIZE).data(SORT_ROLE) == 2048


def test_numbers_sort_naturally_and_sizes_by_bytes(qapp: QApplication) -> None:
    proxy = _model(qapp)[1]
    proxy.sort(Column.NUMBER, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, Column.NUMBER) == ["2", "10", "A-1"]
    proxy.sort(Column.SIZE, Qt.SortOrder.DescendingOrder)
    assert _column(proxy, Column.NUMBER) == ["A-1", "2", "10"]


def test_the_filter_reads_any_script_and_the_kind(qapp: QApplication) -> None:
    proxy = _model(qapp)[1]
    proxy.set_text("ордер")
    assert _column(proxy, Column.NUMBER) == ["10"]
    proxy.set_text("ORDER")  # the folded Latin form of the Cyrillic title
    assert _column(proxy, Column.NUMBER) == ["10"]
    proxy.set_text("camp.jpg")
    assert _column(proxy, Column.NUMBER) == ["A-1"]
    proxy.set_text("")
    proxy.set_kind("warrant")
    assert sorted(_column(proxy, Column.NUMBER)) == ["10", "2"]
