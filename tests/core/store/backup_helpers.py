"""Stores with cases and evidence for the backup, restore and fault tests, and ways to look at them."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lawyer_desk.core import cases, exhibit_checks, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.store import KdfParams, Store
from tests.conftest import PASSPHRASE

CHEAP = KdfParams.cheap()
CANARY = "Zebulon Quarantine-Canary"  # a name that must never appear in a backup file in plaintext
EVIDENCE_CANARY = b"evidence canary: the witness lives at 12 Hidden Lane"


def fill(store: Store, evidence_dir: Path, *, files: int = 2, size: int = 300_000) -> None:
    """Demo cases, one client named ``CANARY``, and ``files`` evidence files on the first case."""
    with store.session() as session:
        cases.import_cases(session, demo_cases())
        session.add(m.Client(display_name=CANARY, notes=[m.Note(title="Canary", body=CANARY * 3)]))
    evidence_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(files):
        path = evidence_dir / f"exhibit-{i}.txt"
        path.write_bytes(EVIDENCE_CANARY + os.urandom(size) + EVIDENCE_CANARY)
        paths.append(path)
    if paths:
        results = exhibits.add_files(store, 1, paths)
        assert all(r.ok for r in results), [r.error for r in results]


def make_filled_store(root: Path, evidence_dir: Path, **kwargs: Any) -> Path:
    with Store.create(root, PASSPHRASE, CHEAP) as store:
        fill(store, evidence_dir, **kwargs)
    return root


def contents(root: Path, passphrase: str = PASSPHRASE) -> dict[str, Any]:
    """What a person would check: names, row counts, audit chain, evidence intact."""
    with Store.open(root, passphrase, write=False) as store:
        assert store.integrity_problems() == []
        chain = store.audit_report()
        with store.session() as session:
            names = sorted(session.execute(select(m.Client.display_name)).scalars())
            rows = {t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[attr-defined]
                    for t in (*m.CASE_TABLES, m.AuditEntry)}
        evidence = exhibit_checks.verify(store, record=False)
        return {"names": names, "rows": rows, "audit": (chain.entries, chain.head, chain.intact),
                "evidence": [(c.number, c.state.value) for c in evidence.checks],
                "orphans": [o.name for o in evidence.orphans]}


def digests(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the SHA-256 of its content."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def members(path: Path) -> list[str]:
    with tarfile.open(path) as tar:
        return tar.getnames()


def member_offset(path: Path, name: str) -> tuple[int, int]:
    """Where a member's data starts in the backup file, and its size."""
    with tarfile.open(path) as tar:
        info = tar.getmember(name)
        return info.offset_data, info.size


def rebuild(path: Path, out: Path, replace: dict[str, bytes] | None = None, drop: set[str] = frozenset(),
            add: dict[str, bytes] | None = None) -> Path:
    """A copy of a backup with some members replaced, dropped or added (a forger's work)."""
    replace, add = replace or {}, add or {}
    with tarfile.open(path) as src, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as dst:
        for info in src.getmembers():
            if info.name in drop:
                continue
            data = replace.get(info.name)
            if data is None:
                handle = src.extractfile(info)
                assert handle is not None
                data = handle.read()
            new = tarfile.TarInfo(info.name)
            new.size = len(data)
            dst.addfile(new, io.BytesIO(data))
        for name, data in add.items():
            new = tarfile.TarInfo(name)
            new.size = len(data)
            dst.addfile(new, io.BytesIO(data))
    return out
