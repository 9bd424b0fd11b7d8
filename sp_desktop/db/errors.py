"""Storage failures (disk full, read-only folder, I/O errors) as plain messages, in one place.

SQLite reports these as ``sqlite3.OperationalError("database or disk is full")`` and the like,
wrapped by SQLAlchemy; file writes report them as ``OSError`` with an errno. `storage_problem()`
turns any of them into a sentence that says what happened, that nothing was half-saved, and
what to do. `Database.write()` raises `StorageError` with that sentence, so every service
call reports it the same way. Qt-free.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path


class StorageError(RuntimeError):
    """The database or a file could not be written or read; the message is for people."""


class DatabaseDamaged(StorageError):
    """SQLite says the database file is damaged (SQLITE_CORRUPT / SQLITE_NOTADB)."""


_DAMAGE = ("database disk image is malformed", "file is not a database", "malformed database schema")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]


def is_damage(exc: BaseException) -> bool:
    """True when SQLite reported the database file itself as damaged."""
    for e in _chain(exc):
        if isinstance(e, DatabaseDamaged):
            return True
        if isinstance(e, sqlite3.DatabaseError):
            name = getattr(e, "sqlite_errorname", "") or ""
            if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
                return True
            if any(text in str(e).lower() for text in _DAMAGE):
                return True
    return False


def storage_problem(exc: BaseException, where: str | Path | None = None) -> str | None:
    """A plain message for a disk-full / read-only / I/O / locked / damaged failure, else None."""
    place = f" ({where})" if where else ""
    for e in _chain(exc):
        if isinstance(e, StorageError):
            return str(e)
        if isinstance(e, sqlite3.DatabaseError):
            text = str(e).lower()
            name = getattr(e, "sqlite_errorname", "") or ""
            if "disk is full" in text or name == "SQLITE_FULL":
                return (f"The disk that holds the database{place} is full, so this change was not saved. "
                        "Nothing was half-saved: the directory is as it was before. Free some space on that "
                        "drive (or ask IT to), then try again.")
            if "readonly database" in text or name.startswith("SQLITE_READONLY"):
                return (f"The database{place} is read-only, so this change was not saved. Nothing was "
                        "half-saved. The data folder may be on a read-only drive or you may not have "
                        "permission to change it: ask IT to check the folder, then try again.")
            if "disk i/o error" in text or name.startswith("SQLITE_IOERR"):
                return (f"The computer could not read or write the database file{place} (a disk or network "
                        "drive error), so this change was not saved. Check that the drive is connected and "
                        "working, then try again. If it keeps happening, restore the latest backup.")
            if "unable to open database" in text or name.startswith("SQLITE_CANTOPEN"):
                return (f"The database file{place} cannot be opened, so nothing was read or saved. The data "
                        "folder may be missing, read-only, or on a drive that is not connected. Check the "
                        "folder, then try again.")
            if "database is locked" in text or name.startswith("SQLITE_BUSY"):
                return ("Another copy of sp_desktop (or a backup or antivirus program) is busy with the "
                        f"database{place}. This change was not saved; wait a moment and try again.")
            if is_damage(e):
                return (f"The database file{place} is damaged. Close sp_desktop and start it again: it will "
                        "put the damaged file aside and offer to restore your newest good backup.")
        if isinstance(e, OSError) and e.errno is not None:
            target = f" ({e.filename})" if getattr(e, "filename", None) else place
            if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
                return (f"The disk is full{target}, so the file was not saved. Free some space (or ask IT "
                        "to), then try again.")
            if e.errno == errno.EROFS:
                return (f"The folder is on a read-only drive{target}, so the file was not saved. Choose "
                        "another folder or ask IT to check the drive.")
            if e.errno in (errno.EACCES, errno.EPERM):
                return (f"You do not have permission to write there{target}. Choose another folder or ask "
                        "IT to give you access.")
            if e.errno == errno.EIO:
                return (f"The computer could not read or write the file{target} (a disk or network drive "
                        "error). Check the drive, then try again.")
    return None


__all__ = ["DatabaseDamaged", "StorageError", "is_damage", "storage_problem"]
