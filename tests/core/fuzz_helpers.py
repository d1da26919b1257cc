"""Hypothesis strategies for fuzzing the readers: any JSON, and a valid document bent at one place."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import func, select

from lawyer_desk.core import models as m

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False) | st.text(max_size=40)
           | st.sampled_from(["", "2020", "2020-13", "2020-02-30", "9999-12-31", "0000-01-01", "XX", "RU", "zz",
                              "2019/12345", "1/1", "\u202e", "\x00", "ئىدرىس", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "a" * 5000]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def bent(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one to three places replaced, removed, or given an extra key."""
    result = copy.deepcopy(document)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(result)
        path = draw(st.sampled_from(paths))
        if not path:
            result = draw(json_values)
            continue
        parent = result
        try:
            for part in path[:-1]:
                parent = parent[part]
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "remove", "extra"]))
        key = path[-1]
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "remove":
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(json_values)
        else:
            parent.insert(key, draw(json_values))
    return result


def raw_documents(document: Any) -> st.SearchStrategy[bytes]:
    """Bytes a person might feed the importer: bent documents, any JSON, broken text, nonsense."""
    as_bytes = st.builds(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8"), bent(document))
    any_json = st.builds(lambda d: json.dumps(d).encode("utf-8"), json_values)
    cut = st.builds(lambda raw, at: raw[:at], as_bytes, st.integers(min_value=0, max_value=400))
    return as_bytes | any_json | cut | st.binary(max_size=300) | st.sampled_from(
        [b"", b"\xef\xbb\xbf{}", b"[" * 5000, b'{"a": ' * 3000, b"\xff\xfe{\x00}\x00", b"1e999999", b'"\\ud800"'])


def row_counts(session: Any) -> dict[str, int]:
    return {t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (*m.CASE_TABLES, m.AuditEntry)}
