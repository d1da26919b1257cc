"""Which exhibits a document may disclose: the confidentiality rule of briefs and bundles alike.

An exhibit marked confidential must never reach the requesting state. It is left out of
anything addressed outside the defence — the CCF, a court, a national authority — unless
the lawyer overrides; an override that lets one through is recorded in the audit trail
(which exhibits, in which document, to whom) and is printed nowhere in the document. A
document for counsel ("internal") shows every exhibit and records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from lawyer_desk.core import audit
from lawyer_desk.core.exhibits import ExhibitRow

__all__ = ["ADDRESSEES", "disclosable", "outside_the_defence", "record_override"]

# Who a document is addressed to, in the words of a warning or an audit entry.
ADDRESSEES = {"ccf": "the CCF", "court": "a court", "authority": "a national authority", "internal": "counsel"}


def outside_the_defence(addressee: str) -> bool:
    """Whether a document for ``addressee`` (a template's addressee kind) leaves the defence."""
    return addressee != "internal"


def disclosable(rows: Iterable[ExhibitRow], addressee: str, *, override: bool) -> list[ExhibitRow]:
    """The exhibits of ``rows`` (in their order) a document for ``addressee`` may show:
    confidential ones stay out of a document leaving the defence unless ``override``."""
    if outside_the_defence(addressee) and not override:
        return [row for row in rows if not row.confidential]
    return list(rows)


def record_override(session: Session, client_id: int, rows: Sequence[ExhibitRow], addressee: str,
                    document: str) -> list[str]:
    """Audit the confidential exhibits of ``rows`` that go outside the defence by override.

    ``document`` names what holds them, e.g. "'ccf-deletion-request'" or "a hearing bundle".
    Returns their numbers; records nothing (and returns []) when none goes out. The entry is
    part of the caller's transaction: kept only if the document's work succeeds."""
    disclosed = [row.number for row in rows if row.confidential and outside_the_defence(addressee)]
    if disclosed:
        audit.append(session, [audit.Change(
            "disclose_confidential", "client", client_id, client_id,
            f"confidential exhibit(s) {', '.join(disclosed)} included by override in {document}, "
            f"addressed to {ADDRESSEES[addressee]}")])
    return disclosed
