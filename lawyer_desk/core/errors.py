"""Errors a lawyer can act on.

Every failure that reaches a person is one of these: it carries a plain-language message
and, for the command line, an exit code. Codes 3-8 tell apart the ways opening a store can
fail, so that scripts can react to each (documented in the README).
"""

from __future__ import annotations


class LawyerDeskError(Exception):
    """Base of all expected failures; ``str(err)`` is the message shown to the user."""

    exit_code = 1


class InvalidInput(LawyerDeskError):
    """Input data (a file, a field, a date) is malformed; nothing was written."""


class NotFound(LawyerDeskError):
    """A case or record named by the user does not exist."""


class StoreError(LawyerDeskError):
    """Opening or creating a store failed."""


class WrongPassphrase(StoreError):
    exit_code = 3


class NoStore(StoreError):
    exit_code = 4


class StoreExists(StoreError):
    exit_code = 4


class DamagedHeader(StoreError):
    exit_code = 5


class DamagedDatabase(StoreError):
    exit_code = 6


class NewerStore(StoreError):
    exit_code = 7


class StoreLocked(StoreError):
    exit_code = 8
