"""One window per data folder: an operating-system lock on a small file beside the database. Qt-free.

Two windows on one SQLite data folder (a double-click too many) is one of the known ways to damage
SQLite: the second copy's start-up check and its close can remove the first copy's ``-wal`` and
``-shm`` files while the first is still writing. So the window takes this lock *before* it touches
the database; a second start that cannot take it brings the open window forward and exits
(`sp_desktop.ui.single_instance`).

The lock is held on ``.sp_desktop-window.lock`` — never on the database file itself, because
opening and closing the database file by any route other than SQLite drops SQLite's own POSIX locks
in this process. The operating system releases the lock when the process ends, even after a crash
or a power cut, so a stale lock can never keep anyone out.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

LOCK_NAME = ".sp_desktop-window.lock"


class InstanceLock:
    """A held lock; `release()` (or the process ending) lets the next window start."""

    def __init__(self, folder: Path, fd: int) -> None:
        self.folder = folder
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)


def lock_path(folder: Path) -> Path:
    return Path(folder) / LOCK_NAME


def channel_name(folder: Path) -> str:
    """A name for the "bring the window forward" channel, the same for every start on `folder`."""
    key = os.path.normcase(str(Path(folder).resolve()))
    user = os.environ.get("USER") or os.environ.get("USERNAME") or ""
    return "sp_desktop-" + hashlib.sha256(f"{user}\0{key}".encode()).hexdigest()[:24]


def try_lock(folder: Path) -> InstanceLock | None:
    """Take the lock for `folder` (created if missing); None when another window holds it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(folder), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _lock(fd):
            os.close(fd)
            return None
    except BaseException:
        os.close(fd)
        raise
    try:  # for people looking at the folder: who holds it (never read by the program)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError:
        pass
    return InstanceLock(folder, fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


__all__ = ["LOCK_NAME", "InstanceLock", "channel_name", "lock_path", "try_lock"]
