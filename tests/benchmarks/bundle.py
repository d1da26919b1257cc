"""Benchmark of hearing bundles (not collected by pytest).

    cd /work/main && uv run python tests/benchmarks/bundle.py

Prints one JSON object. ``bundle_500p_s`` is the wall time (best of three) of
``bundle.build_bundle`` for a demo case holding 20 exhibit PDFs of 25 pages each (500 pages
of some 45 lines of text, as ReportLab writes them) and two photographs: the exhibits read
from the encrypted vault and checked against their SHA-256, the court submission built and
rendered, the index laid out (twice when it must be), every page fitted above the number
strip and stamped, bookmarks and index links made, the PDF written to bytes.
``bundle_500p_cpu_s`` is the CPU time of the same; ``bundle_500p_no_submission_s`` leaves
out the submission (which is ``brief_200p_s``'s business), ``bundle_first_s`` is the first
build of the process, fonts loaded included. Target: at most 1 s.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from lawyer_desk.core import cases, exhibits
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.documents.bundle import BundleOptions, build_bundle
from lawyer_desk.core.documents.templates import load_templates
from lawyer_desk.core.store import KdfParams, Store

TARGET_S = 1.0
FILES, PAGES = 20, 25
WORDS = ("the witness stated that the applicant was at home in the evening of the day on which the "  # noqa: SIM905
         "offence is said to have been committed and that the police came without a warrant").split()


def exhibit_pdf(path: Path, pages: int, seed: int) -> None:
    rng = random.Random(seed)
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(pages):
        canvas.setFont("Times-Roman", 11)
        for line in range(45):
            canvas.drawString(60, 780 - line * 16, " ".join(rng.choice(WORDS) for _ in range(14)))
        canvas.drawString(280, 40, f"{page + 1}")
        canvas.showPage()
    canvas.save()


def make_store(root: Path) -> Store:
    store = Store.create(root / "store", "benchmark passphrase, not a secret", KdfParams.cheap())
    with store.session() as session:
        cases.import_cases(session, demo_cases(date(2026, 5, 30)))
    files = []
    for n in range(FILES):
        path = root / f"exhibit-{n + 1:02}.pdf"
        exhibit_pdf(path, PAGES, n)
        files.append(path)
    for n, colour in enumerate(("steelblue", "darkkhaki")):
        path = root / f"photo-{n + 1}.jpg"
        Image.new("RGB", (2400, 1800), colour).save(path, quality=85)
        files.append(path)
    results = exhibits.add_files(store, 1, files)
    assert all(r.ok for r in results), [r.error for r in results]
    return store


def timed(store: Store, options: BundleOptions) -> tuple[float, float, bytes]:
    began, began_cpu = time.perf_counter(), time.process_time()
    pdf = build_bundle(store, 1, options)
    return time.perf_counter() - began, time.process_time() - began_cpu, pdf


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print("making the store…", file=sys.stderr)
        store = make_store(Path(folder))
        template = load_templates().get("extradition-court-submission")
        options = BundleOptions(template=template, prefix="B-", today=date(2026, 5, 30))
        first, _, pdf = timed(store, options)
        runs = [timed(store, options) for _ in range(3)]
        bare = [timed(store, BundleOptions(prefix="B-"))[0] for _ in range(3)]
        store.close()
    walls = [wall for wall, _, _ in runs]
    best = min(walls)
    reader = PdfReader(io.BytesIO(pdf))
    print(json.dumps({
        "bundle_500p_s": round(best, 3), "bundle_500p_median_s": round(statistics.median(walls), 3),
        "bundle_500p_cpu_s": round(min(cpu for _, cpu, _ in runs), 3),
        "bundle_500p_no_submission_s": round(min(bare), 3), "bundle_first_s": round(first, 3),
        "pages": len(reader.pages), "exhibit_pages": FILES * PAGES + 2, "mb": round(len(pdf) / 2**20, 2),
        "target_s": TARGET_S, "within_target": best <= TARGET_S, "load": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
