"""Every message box of the program: errors, warnings, information, confirmations.

Nothing else in ``lawyer_desk.ui`` builds a ``QMessageBox``. Tests therefore patch one place:
either a public function (``monkeypatch.setattr(alerts, "error", record)``) or ``present``,
the single call that shows a box and waits for the answer. Callers must reach these
functions through the module (``alerts.error(...)``), never ``from alerts import error``,
or a patch would miss them; ``error_for`` itself calls ``error`` through the module's
globals, so patching ``error`` also catches it.

``describe(exc)`` gives the title and text for an error without any widget, so the wording
of each store failure is tested on its own.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from lawyer_desk.core.errors import (
    DamagedDatabase,
    DamagedHeader,
    InvalidInput,
    LawyerDeskError,
    NewerStore,
    NoStore,
    NotFound,
    StoreError,
    StoreExists,
    StoreLocked,
    WrongPassphrase,
)

MIN_TEXT_WIDTH_PX = 380


def tr(text: str) -> str:
    return QCoreApplication.translate("alerts", text)


# --- the one place a box is shown --------------------------------------------------------------
def present(box: QMessageBox) -> QMessageBox.StandardButton:
    """Show ``box`` modally and return the button chosen. Tests replace this to answer for the user."""
    return QMessageBox.StandardButton(box.exec())


def _as_html(text: str) -> str:
    # Messages may quote what the lawyer typed: escaped, so "<b>" in a name stays text.
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         details: str | None) -> QMessageBox:
    """The title is also the box's headline (macOS shows no title on message boxes), the text
    explains under it. Both stay readable as plain strings in the properties ``alert_title`` and ``alert_text``."""
    box = QMessageBox(icon, title, "", QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<b>{html.escape(title)}</b>")
    box.setInformativeText(_as_html(text))
    # QMessageBox wraps the explanation at the headline's width: a short headline would make a
    # tall, narrow box. The label's name is Qt's own (stable since Qt 4); without it, no harm.
    explanation = box.findChild(QLabel, "qt_msgbox_informativelabel")
    if explanation is not None:
        explanation.setMinimumWidth(MIN_TEXT_WIDTH_PX)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setProperty("alert_title", title)
    box.setProperty("alert_text", text)
    if details:
        box.setDetailedText(details)  # a read-only text box: selectable and copyable
    return box


def _show(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, details: str | None) -> None:
    box = _box(parent, icon, title, text, details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    present(box)


# --- public -----------------------------------------------------------------------------------
def error(parent: QWidget | None, title: str, text: str, details: str | None = None) -> None:
    _show(parent, QMessageBox.Icon.Critical, title, text, details)


def warning(parent: QWidget | None, title: str, text: str, details: str | None = None) -> None:
    _show(parent, QMessageBox.Icon.Warning, title, text, details)


def info(parent: QWidget | None, title: str, text: str, details: str | None = None) -> None:
    _show(parent, QMessageBox.Icon.Information, title, text, details)


def confirm(parent: QWidget | None, title: str, text: str, *, destructive: bool = False,
            action: str | None = None) -> bool:
    """Ask before doing something; True when the user chose to go ahead.

    ``action`` names the button that goes ahead ("Delete client"); a destructive question
    makes Cancel the default, so Enter pressed out of habit does not delete anything.
    """
    icon = QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question
    box = _box(parent, icon, title, text, None)
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    ok_button = box.button(QMessageBox.StandardButton.Ok)
    if action:
        ok_button.setText(action)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel if destructive else QMessageBox.StandardButton.Ok)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return present(box) == QMessageBox.StandardButton.Ok


class UnsavedChoice(Enum):
    save = "save"
    discard = "discard"
    cancel = "cancel"


def ask_unsaved_changes(parent: QWidget | None, title: str, text: str) -> UnsavedChoice:
    """Save, Discard or Cancel, before leaving something edited and not saved."""
    box = _box(parent, QMessageBox.Icon.Warning, title, text, None)
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer = present(box)
    if answer == QMessageBox.StandardButton.Save:
        return UnsavedChoice.save
    if answer == QMessageBox.StandardButton.Discard:
        return UnsavedChoice.discard
    return UnsavedChoice.cancel


def settle_unsaved(parent: QWidget | None, title: str, text: str, save: Callable[[], bool],
                   discard: Callable[[], object]) -> bool:
    """Ask Save / Discard / Cancel and act on it; True when it is fine to go on."""
    choice = ask_unsaved_changes(parent, title, text)
    if choice is UnsavedChoice.save:
        return save()
    if choice is UnsavedChoice.discard:
        discard()
        return True
    return False


# --- errors the lawyer can act on ------------------------------------------------------------
def _wrong_passphrase() -> tuple[str, str]:
    return (tr("The passphrase is wrong"),
            tr("The store was not opened, and nothing in it was changed.\n\n"
               "Check the keyboard layout and Caps Lock, then type the passphrase again."))


def _no_store() -> tuple[str, str]:
    return (tr("There is no store here"),
            tr("This folder holds no lawyer_desk store. Nothing was created or changed."))


def _store_exists() -> tuple[str, str]:
    return (tr("A store already exists here"),
            tr("This folder already holds a store, so no new one was created and nothing was changed. "
               "Open the existing store with its passphrase, or choose another folder."))


def _damaged_header() -> tuple[str, str]:
    return (tr("The store's key file is damaged"),
            tr("The key header, the small file that unlocks the store, cannot be read in either of its "
               "two copies. Nothing was changed.\n\n"
               "Do not delete or move any file in the store folder. No backup of this store was found "
               "in its backups/ folder or your second backup folder; restore the folder from a copy of "
               "your own, or from a backup file with “lawyer-desk restore”."))


def _damaged_database() -> tuple[str, str]:
    return (tr("The case database is damaged"),
            tr("The passphrase is right, but the case database cannot be read. Nothing was changed, "
               "and no new, empty database was made in its place.\n\n"
               "Keep the store folder as it is. No backup of this store was found in its backups/ folder "
               "or your second backup folder; restore the folder from a copy of your own, or from a "
               "backup file with “lawyer-desk restore”."))


def _newer_store() -> tuple[str, str]:
    return (tr("This store was made by a newer version"),
            tr("The store was last used by a newer version of lawyer_desk, which this version cannot "
               "read safely. Nothing was changed.\n\n"
               "Update the program, then open the store again."))


def _store_locked() -> tuple[str, str]:
    return (tr("The store is already open"),
            tr("This store is open in another lawyer_desk window or command. Only one may change it "
               "at a time.\n\n"
               "Close the other window or wait for the command to finish, then try again."))


def _store_error() -> tuple[str, str]:
    return (tr("The store cannot be opened"),
            tr("The store could not be opened or created. Nothing was changed."))


def _invalid_input() -> tuple[str, str]:
    return (tr("The input is not valid"),
            tr("Nothing was saved. The details below say what is wrong."))


def _not_found() -> tuple[str, str]:
    return (tr("Not found"),
            tr("The record no longer exists. It may have been deleted in another window."))


def _other() -> tuple[str, str]:
    return (tr("The action failed"),
            tr("The action could not be completed. Nothing was half-saved."))


# Most specific class first is not needed: the lookup walks the exception's own class order.
_DESCRIPTIONS: dict[type[LawyerDeskError], Callable[[], tuple[str, str]]] = {
    WrongPassphrase: _wrong_passphrase,
    NoStore: _no_store,
    StoreExists: _store_exists,
    DamagedHeader: _damaged_header,
    DamagedDatabase: _damaged_database,
    NewerStore: _newer_store,
    StoreLocked: _store_locked,
    StoreError: _store_error,
    InvalidInput: _invalid_input,
    NotFound: _not_found,
    LawyerDeskError: _other,
}

# These say all there is to say in their own text; the core's message adds nothing a lawyer needs.
_NO_DETAILS: tuple[type[LawyerDeskError], ...] = (WrongPassphrase, StoreLocked)


def describe(exc: LawyerDeskError) -> tuple[str, str]:
    """The plain-language title and text for ``exc``, chosen by its class."""
    for cls in type(exc).__mro__:
        describe_one = _DESCRIPTIONS.get(cls)
        if describe_one is not None:
            return describe_one()
    return _other()


def error_for(parent: QWidget | None, exc: LawyerDeskError) -> None:
    """Show the dialog that belongs to ``exc``; the core's own message goes under 'Show Details'."""
    title, text = describe(exc)
    details = None if isinstance(exc, _NO_DETAILS) else (str(exc) or None)
    error(parent, title, text, details)
