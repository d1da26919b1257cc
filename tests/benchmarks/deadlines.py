"""Benchmark of the deadline engine (not collected by pytest).

    cd /work/main && uv run python tests/benchmarks/deadlines.py

Prints one JSON object: ``deadline_compute_10k_s`` is the wall time of 10,000 computations
over every shipped rule and triggers spread over 30 years, holiday lookups included and the
holiday cache cleared first, so the figure includes building each year's calendars once.
Target: at most 0.5 s.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta

from lawyer_desk.core.deadlines import compute, load_catalogue
from lawyer_desk.core.deadlines.engine import _holidays

TARGET_S = 0.5
COUNT = 10_000


def main() -> None:
    catalogue = load_catalogue()
    rules = list(catalogue)
    rng = random.Random(4)
    start = date(2010, 1, 1)
    jobs = [(rng.choice(rules), start + timedelta(days=rng.randrange(30 * 365))) for _ in range(COUNT)]
    _holidays.cache_clear()
    began = time.perf_counter()
    for rule, trigger in jobs:
        compute(rule, trigger)
    elapsed = time.perf_counter() - began
    print(json.dumps({"deadline_compute_10k_s": round(elapsed, 4), "target_s": TARGET_S,
                      "rules": len(rules), "within_target": elapsed <= TARGET_S}))


if __name__ == "__main__":
    main()
