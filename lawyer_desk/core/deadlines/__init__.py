"""Deadlines computed from each forum's rules, with an explanation a lawyer can check.

Rules are data (``resources/rules/*.toml`` and a lawyer's own files), each citing the source
of its period, counting and roll; ``engine.compute`` applies one to a trigger date.
"""

from __future__ import annotations

from lawyer_desk.core.deadlines.engine import Computation, compute
from lawyer_desk.core.deadlines.rules import Catalogue, Rule, load_catalogue, load_rules

__all__ = ["Catalogue", "Computation", "Rule", "compute", "load_catalogue", "load_rules"]
