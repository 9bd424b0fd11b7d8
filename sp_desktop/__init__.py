"""sp_desktop: a social prescribing directory for a GP practice."""

__version__ = "0.1.0"
