"""Benchmark of brief rendering (not collected by pytest).

    cd /work/main && uv run python tests/benchmarks/briefs.py

Prints one JSON object: ``brief_200p_s`` is the wall time (best of three) of rendering a brief
of about 200 dense pages (some 460 words a page) — cover, table of contents with some 190
entries, bookmarks, running header and "page X of Y" on every page, numbered paragraphs,
tables of facts and an exhibit index — from its snapshot to PDF bytes, fonts already
registered; ``brief_200p_cpu_s`` is the CPU time of the same (what other load on the machine
inflates least: judge by it on a shared machine); ``brief_first_s`` is the first render of the
process, fonts loaded included. One paragraph in ten names the client in Arabic script and
Han, so the bidi and shaping paths are part of the figure. Target: at most 2 s.

Where the time goes (cProfile or ``uv run --with py-spy py-spy record -f raw``): laying out
and drawing paragraphs (ReportLab's platypus and canvas), then writing the PDF (a tenth);
``line_breaks``, ``fragments`` and the shortcuts in ``fonts`` keep our share small.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import time
from datetime import date

from pypdf import PdfReader

from lawyer_desk.core.documents import render
from lawyer_desk.core.documents import snapshot as snap

TARGET_S = 2.0
WORDS = ("the applicant was arrested on the basis of a notice whose charge describes no act place or date "  # noqa: SIM905
         "and which repeats the wording of the statute while the requesting state has not produced any evidence "
         "of the conduct alleged nor of the applicant's link to it").split()


def synthetic_brief(sections: int = 28, paragraphs: int = 60, seed: int = 7) -> snap.Brief:
    rng = random.Random(seed)

    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    body: list[snap.Section] = []
    for s in range(sections):
        blocks: list[snap.Block] = []
        for p in range(paragraphs):
            if p % 12 == 0:
                blocks.append(snap.Subheading(f"Argument {s + 1}.{p // 12 + 1}: {sentence(5)}"))
            text = " ".join(sentence(rng.randint(12, 24)) for _ in range(3))
            if p % 10 == 3:
                text += " The applicant, ئىدرىس مامۇت (伊德日斯·买买提), confirms this."
            blocks.append(snap.Paragraph(text, numbered=True))
        rows = tuple((f"{d % 28 + 1} March 20{10 + d % 15}", sentence(10), "Warsaw") for d in range(12))
        blocks.append(snap.Table(("Date", "Event", "Place"), rows, (1.4, 5, 1.6)))
        body.append(snap.Section(f"s{s}", f"Section {s + 1}: {sentence(4)}", tuple(blocks)))
    exhibits = tuple(snap.ExhibitRow(str(n), f"Exhibit {n}: {sentence(6)}", "14 May 2019", f"{n:064x}")
                     for n in range(1, 61))
    body.append(snap.Section("exhibits", "Index of exhibits", (snap.ExhibitIndex(exhibits),)))
    return snap.Brief(template="benchmark", title="Request for the deletion of data", case_reference="LD-BENCH001",
                      marking="CONFIDENTIAL – benchmark", date=date(2026, 5, 30), audit_head="ab" * 32,
                      author="Benchmark", addressee=("Commission for the Control of INTERPOL's Files",),
                      cover=("Applicant: Idris Mamut",), sections=tuple(body))


def main() -> None:
    brief = synthetic_brief()
    began = time.perf_counter()
    pdf = render.render(brief)
    first = time.perf_counter() - began
    times, cpu = [], []
    for _ in range(3):
        began, began_cpu = time.perf_counter(), time.process_time()
        pdf = render.render(brief)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    best = min(times)
    print(json.dumps({"brief_200p_s": round(best, 3), "brief_200p_median_s": round(statistics.median(times), 3),
                      "brief_200p_cpu_s": round(min(cpu), 3), "brief_first_s": round(first, 3), "pages": pages,
                      "mb": round(len(pdf) / 2**20, 2), "target_s": TARGET_S, "within_target": best <= TARGET_S,
                      "within_target_cpu": min(cpu) <= TARGET_S,
                      "load": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
