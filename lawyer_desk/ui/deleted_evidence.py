"""Deletions that take exhibits with them, and the encrypted files those exhibits leave behind.

Deleting a client (or one exhibit) removes the rows at once but leaves the exhibits'
encrypted files in the vault, so that Ctrl+Z puts the rows back pointing at the very same
files. The commands here say which vault objects their deletion set aside
(``vault_objects``); ``DeletedEvidenceFiles`` follows the undo stack, remembers every such
object, and when the window closes — when no undo can bring them back — removes those that
no exhibit points at any more. If the program dies before that, ``verify`` reports the files
as orphans and the lawyer can remove them knowingly ("Remove Orphan Files…").
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from lawyer_desk.core import exhibit_checks, records
from lawyer_desk.core.errors import InvalidInput, LawyerDeskError
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Vault
from lawyer_desk.ui.undo import CreateRecord, DeleteRecord

log = logging.getLogger(__name__)


class _SetsFilesAside:
    """A record command whose deletion may take exhibits, and so set their vault objects aside."""

    @property
    def vault_objects(self) -> list[str]:
        snapshot = getattr(self, "_snapshot", None)
        return snapshot.vault_objects if snapshot is not None else []

    def _restore(self, session: Any, snapshot: records.Snapshot) -> int:
        """Put the rows back, unless a file they need has gone meanwhile (removed as an orphan
        from the command line while the desk was locked): then nothing comes back, and the
        lawyer is told why, rather than getting exhibits without their files."""
        vault = Vault.of(self.store)  # type: ignore[attr-defined]
        gone = [name for name in snapshot.vault_objects if not vault.exists(name)]
        if gone:
            raise InvalidInput(f"This cannot be undone: the encrypted files of {len(gone)} of the deleted exhibits "
                               "are no longer in the vault (removed as orphan files meanwhile).")
        return records.restore(session, snapshot, new_id_allowed=True)


class DeleteWithEvidence(_SetsFilesAside, DeleteRecord):
    """Delete a client or an exhibit; undo brings the exhibits back with their files.

    Adding evidence and importing cases are not steps of the undo history, so a record added
    meanwhile may have taken the deleted one's id: undo then restores it under a new id, which
    this command follows (a redo deletes the restored record, never the newcomer).
    """

    def undo(self) -> None:
        snapshot = self._snapshot
        assert snapshot is not None

        def action(session: Any) -> None:
            self.record_id = self._restore(session, snapshot)
            if self.model is records.m.Client:
                self.client_id = self.record_id
        self._run(action)


class CreateClient(_SetsFilesAside, CreateRecord):
    """A new client; undoing it deletes the client, with any exhibits added since; redo brings
    them back (under a new id if an import took the old one meanwhile)."""

    def redo(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            super().redo()
            return

        def action(session: Any) -> None:
            self.record_id = self.client_id = self._restore(session, snapshot)
        self._run(action)


def held_by(stack: QUndoStack) -> set[str]:
    """The vault objects that a step of the undo stack could still bring back into use."""
    names: set[str] = set()
    for index in range(stack.count()):
        names.update(getattr(stack.command(index), "vault_objects", ()))
    return names


class DeletedEvidenceFiles(QObject):
    """Remembers the vault objects set aside by deletions on one undo stack; removes the
    unneeded ones when that stack is discarded."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stack = stack
        self.names: set[str] = set()
        # After every push, undo and redo: a step the stack later drops (an undone step
        # replaced by a new one) has been seen here already.
        stack.indexChanged.connect(self.note)

    def note(self) -> None:
        self.names |= held_by(self.stack)

    def discard_undo(self) -> list[str]:
        """Forget the undo history and remove the set-aside files no exhibit points at.

        Returns the names removed. A failure (the store already closed, a file that cannot
        be removed) is logged, not raised: the files are then reported as orphans by ``verify``.
        """
        self.note()
        self.stack.clear()
        names, self.names = self.names, set()
        if not names or not self.store.writable:
            return []
        try:
            removed = exhibit_checks.remove_unreferenced(self.store, names)
        except (LawyerDeskError, OSError) as exc:
            log.warning("the files of %d deleted exhibits stay in the vault: %s", len(names), type(exc).__name__)
            return []
        log.info("removed the files of %d deleted exhibits", len(removed))
        return removed
