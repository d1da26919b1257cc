"""The encrypted store: key header, SQLCipher database, lock, migrations."""

from lawyer_desk.core.store.keyheader import KdfParams
from lawyer_desk.core.store.store import Store, unlock

__all__ = ["KdfParams", "Store", "unlock"]
