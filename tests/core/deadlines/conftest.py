"""Shared fixtures: the shipped catalogue, loaded once, and a template for hand-made rule files."""

from __future__ import annotations

import pytest

from lawyer_desk.core.deadlines import Catalogue, load_catalogue

VALID_RULE = """
[[rule]]
id = "test-rule"
title = "A rule for tests"
forum = "Test Court"
jurisdiction = "England and Wales"
trigger_event = "decision"
period = 14
unit = "calendar_days"
counting = "starting_with"
roll = "none"
holidays = { country = "GB", subdivision = "ENG", name = "England and Wales" }
cutoff_time = "16:30"
time_zone = "Europe/London"
kind = "statutory"
source = { instrument = "Test Act", article = "s.1", url = "https://example.org/s1" }
counting_source = { instrument = "Test Act", article = "s.1(2)" }
roll_source = { note = "No extension rule." }
"""


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()
