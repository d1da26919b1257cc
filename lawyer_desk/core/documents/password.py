"""Password protection of a finished PDF: AES-256 through pypdf.

ReportLab's own 256-bit option writes an encryption revision that common readers cannot
open; pypdf writes the standard one (revision 6) that every current reader understands.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from lawyer_desk.core.errors import InvalidInput


def protect(pdf: bytes, password: str) -> bytes:
    """``pdf`` encrypted so that it opens only with ``password`` (which also owns it)."""
    if not password:
        raise InvalidInput("The password is empty; a PDF protected by an empty password is not protected.")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
