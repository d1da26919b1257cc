"""The encrypted store: key header, SQLCipher database, lock, migrations.

``Store`` and ``unlock`` are imported on first use: their module brings SQLAlchemy and the
models (most of a second of start-up), which the unlock dialog does not need to be painted,
and the key header, the lock and ``fileio`` do not need at all.
"""

from typing import TYPE_CHECKING, Any

from lawyer_desk.core.store.keyheader import KdfParams

if TYPE_CHECKING:
    from lawyer_desk.core.store.store import Store, unlock

__all__ = ["KdfParams", "Store", "unlock"]


def __getattr__(name: str) -> Any:
    if name in ("Store", "unlock"):
        from lawyer_desk.core.store import store

        value = globals()[name] = getattr(store, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
