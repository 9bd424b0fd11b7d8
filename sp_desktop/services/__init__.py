"""Use cases. Qt-free; each public method is one transaction (see services/base.py)."""
