"""The exhibits' files as a bundle takes them: decrypted into memory, checked, opened.

Nothing of an exhibit is ever written to disk here: the vault's object is decrypted into
bytes, compared with its recorded SHA-256, and a PDF is opened from those bytes. A file that
cannot go into the bundle is refused with a message naming the exhibit by number and title.
"""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader

from lawyer_desk.core.errors import InvalidInput, LawyerDeskError
from lawyer_desk.core.exhibits import ExhibitRow
from lawyer_desk.core.vault import Cancel, ObjectDamaged, Vault


class BundleError(InvalidInput):
    """An exhibit cannot go into the bundle: a damaged or password-protected PDF, an unreadable
    image, a stored file that fails its check. No bundle is made."""


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def name(number: str, title: str) -> str:
    """How a message names an exhibit: "Exhibit 4 (Judgment of the regional court)"."""
    return f"Exhibit {number} ({_short(title)})" if number else f"The submission ({_short(title)})"


def damaged(number: str, title: str, exc: BaseException) -> BundleError:
    reason = _short(str(exc) or type(exc).__name__, 120)
    return BundleError(f"{name(number, title)} is a damaged PDF ({reason}); the bundle was not made. "
                       "Replace its file, or leave it out of the bundle.")


def content(vault: Vault, object_name: str, row: ExhibitRow, cancel: Cancel | None) -> bytes:
    """The exhibit's file, decrypted into memory and checked against its size and SHA-256."""
    try:
        data = b"".join(vault.read(object_name, cancel))
    except ObjectDamaged as exc:
        raise BundleError(f"{name(row.number, row.title)}: its stored file is damaged ({exc}); the bundle was not "
                          "made. Check the evidence.") from None
    if len(data) != row.size or hashlib.sha256(data).hexdigest() != row.sha256:
        raise BundleError(f"{name(row.number, row.title)}: its stored file differs from the recorded SHA-256; the "
                          "bundle was not made. Check the evidence.")
    return data


def open_pdf(row: ExhibitRow, data: bytes) -> PdfReader:
    """The exhibit's PDF, opened in memory; a damaged or password-protected one is refused.

    A PDF encrypted with an empty user password opens for anyone (its owner password only
    restricts changes): it goes in."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        locked = reader.is_encrypted and not reader.decrypt("")
        pages = 0 if locked else len(reader.pages)
    except LawyerDeskError:
        raise
    except Exception as exc:  # a malformed file can make the parser fail in any way at all
        raise damaged(row.number, row.title, exc) from None
    if locked:
        raise BundleError(f"{name(row.number, row.title)} is a password-protected PDF; the bundle was not made. "
                          "Add a copy without the password as the exhibit, or leave it out of the bundle.")
    if pages == 0:
        raise BundleError(f"{name(row.number, row.title)} is a PDF without pages; the bundle was not made. "
                          "Replace its file, or leave it out of the bundle.")
    return reader
