"""The Evidence tab of a demo case, rendered offscreen: three exhibits, a court decision previewed.

Set ``LAWYER_DESK_SCREENSHOT_DIR`` to keep the picture (``docs/evidence.png`` is made so);
without it the picture goes to the test's temporary folder and is only checked for content.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from lawyer_desk.core import cases, exhibit_checks, exhibits
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.store import Store
from lawyer_desk.ui.main_window import MainWindow
from tests.ui.test_evidence import photo_png, private_temp  # noqa: F401 (a fixture used here too)

DECISION = [
    ("Helvetica-Bold", 15, "REGIONAL COURT OF THE DEMO DISTRICT"),
    ("Helvetica-Bold", 12, "Decision on the request for extradition — case 2-451/2024"),
    ("Helvetica", 11, ""),
    ("Helvetica", 11, "The court heard the requested person, his counsel and the prosecutor."),
    ("Helvetica", 11, "The requesting state relies on a Red Notice and a domestic warrant that"),
    ("Helvetica", 11, "names no act, place or date attributable to the requested person."),
    ("Helvetica", 11, ""),
    ("Helvetica", 11, "The court finds that the charges are political in character and that"),
    ("Helvetica", 11, "there are substantial grounds for believing that the requested person"),
    ("Helvetica", 11, "would face a real risk of torture if surrendered."),
    ("Helvetica", 11, ""),
    ("Helvetica-Bold", 11, "The request for extradition is refused. The person is released."),
]


def decision_pdf(path: Path) -> Path:
    page = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = A4[1] - 90
    for font, size, text in DECISION:
        page.setFont(font, size)
        page.drawString(60, y, text)
        y -= size * 1.7
    page.showPage()
    page.save()
    return path


def test_the_evidence_tab_renders_with_a_pdf_previewed(qtbot: Any, store: Store, tmp_path: Path,
                                                       recorded_alerts: Any) -> None:
    with store.session() as session:
        client_id = cases.import_cases(session, demo_cases())[0]
    folder = tmp_path / "incoming"
    folder.mkdir()
    files = [decision_pdf(folder / "extradition-decision.pdf"), photo_png(folder / "detention-photo.png", 640, 480),
             folder / "embassy-letter.txt"]
    files[2].write_text("The embassy confirms the arrest on 3 May 2024.", encoding="utf-8")
    added = exhibits.add_files(store, client_id, files)
    described = [("Extradition refused — Regional Court", "court_decision", "2024-06-12", "eng", False),
                 ("Photograph of the detention centre", "photo", "2024-05", None, True),
                 ("Letter from the embassy", "correspondence", "2024-05-04", "eng", False)]
    with store.session() as session:
        for result, (title, kind, when, language, secret) in zip(added, described, strict=True):
            exhibits.update_exhibit(session, result.exhibit_id, title=title, kind=kind, date=when, language=language,
                                    confidential=secret)
    exhibit_checks.verify(store, client_id=client_id)

    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.splitter.setSizes([330, 950])
    assert window.client_list.select_case(client_id)
    window.show_case(client_id)
    evidence = window.case_tabs["evidence"]
    window.tabs.setCurrentWidget(evidence)
    evidence.select_exhibit(added[0].exhibit_id)
    qtbot.waitUntil(lambda: evidence.preview.mode == "pdf", timeout=10_000)
    qtbot.wait(1500)  # QPdfView renders its pages on a thread of its own
    window.statusBar().clearMessage()  # it names the test's temporary folder

    picture = window.grab()
    assert not picture.isNull() and picture.width() >= 1280
    target = Path(os.environ.get("LAWYER_DESK_SCREENSHOT_DIR") or tmp_path) / "evidence.png"
    assert picture.save(str(target))
