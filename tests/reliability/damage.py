"""Helpers that damage SQLite files the way a bad disk sector would (for recovery tests)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def checkpoint(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def corrupt(path: Path, table: str = "organisation") -> None:
    """Overwrite the start of `table`'s root b-tree page with garbage."""
    checkpoint(path)
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xde\xad\xbe\xef" * 64)
