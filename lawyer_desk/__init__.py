"""lawyer_desk: an encrypted, offline case-file manager for INTERPOL alert defence."""

__version__ = "0.1.0"
