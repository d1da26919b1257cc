"""Changing the passphrase: the data key is rewrapped, the database is never re-encrypted.

The new header (new salt, Argon2id cost measured on this machine) replaces the two copies
one after the other, each written temp file → fsync → rename → fsync folder
(``fileio.write_atomic``), the primary first. Whatever moment a crash or SIGKILL strikes:

- before the primary is renamed: both copies are old — the old passphrase opens the store;
- between the two renames: the primary is new, the spare old — each passphrase opens it
  (``store.unlock`` tries both copies), and the first writable open with the new one brings
  the spare in line (``Store._repair_header``); an open with the old one leaves the newer
  primary alone;
- after the second rename: both are new — only the new passphrase opens it.

Backups keep the header they were made with: a backup made before the change opens with
the passphrase of that time.
"""

from __future__ import annotations

import contextlib
import hmac
from typing import TYPE_CHECKING

from lawyer_desk.core.errors import InvalidInput, StoreError
from lawyer_desk.core.store.fileio import write_atomic
from lawyer_desk.core.store.keyheader import KdfParams, KeyHeader, subkey
from lawyer_desk.core.store.progress import SILENT, Progress

if TYPE_CHECKING:
    from lawyer_desk.core.store.store import Store

STEPS = 4


def change_passphrase(store: Store, old: str, new: str, *, kdf: KdfParams | None = None,
                      progress: Progress = SILENT) -> KeyHeader:
    """Rewrap the data key of the open, writable ``store`` under ``new``; returns the new header.

    ``old`` must open the store (``WrongPassphrase`` otherwise): whoever finds the desk
    unlocked cannot change the passphrase. ``kdf`` defaults to parameters calibrated here.
    ``progress.check`` may stop the change until the headers are written, not after.
    """
    from lawyer_desk.core.store.store import unlock

    if not store.writable or store.engine is None:
        raise StoreError("The passphrase can be changed only while the store is open for writing.")
    if not new:
        raise InvalidInput("The new passphrase must not be empty; nothing was changed.")
    if new == old:
        raise InvalidInput("The new passphrase is the same as the old one; nothing was changed.")
    progress.report(0, STEPS, "Checking the old passphrase")
    header, data_key = unlock(store.paths.root, old)
    if header.store_id != store.header.store_id or not hmac.compare_digest(
            subkey(data_key, "backup"), store.key_for("backup")):
        raise StoreError("The key header on disk does not belong to the open store; nothing was changed.")
    progress.check()
    progress.report(1, STEPS, "Measuring this computer")
    params = kdf or KdfParams.calibrated()
    progress.check()
    progress.report(2, STEPS, "Sealing the data key")
    sealed = header.rewrap(data_key, new, params)
    progress.check()
    progress.report(3, STEPS, "Writing the key header")
    _write_both(store, header, sealed)
    store.header = sealed
    progress.report(STEPS, STEPS, "Passphrase changed")
    return sealed


def _write_both(store: Store, old: KeyHeader, new: KeyHeader) -> None:
    primary, spare = store.paths.keyheader, store.paths.keyheader_spare
    for stale in primary.parent.glob(".keyheader*.tmp"):  # left by a killed writer; we hold the lock
        with contextlib.suppress(OSError):
            stale.unlink()
    try:
        write_atomic(primary, new.to_bytes())
    except OSError as exc:
        raise StoreError(f"The key header cannot be written ({_reason(exc)}); "
                         "the passphrase was not changed.") from None
    try:
        write_atomic(spare, new.to_bytes())
    except OSError as exc:
        reason = _reason(exc)
        try:
            write_atomic(primary, old.to_bytes())
        except OSError:
            raise StoreError(f"The spare key header cannot be written ({reason}). The new passphrase opens "
                             "the store, and so does the old one until the change is made again.") from None
        raise StoreError(f"The spare key header cannot be written ({reason}); "
                         "the passphrase was not changed.") from None


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()
