"""The data folder, database, backups and logs are readable by the person's own account only.

* Linux and macOS: folders 0700 and files 0600 (`make_private`), applied to what exists at every start
  (`protect_data_folder`) and to every file the app writes there as it writes it (the database is
  created 0600 and SQLite gives its -wal/-shm the same mode; backups and logs are set before use).
* Windows: the data folder gets an access list with inheritance from its parent removed and full
  control for the signed-in Windows account only, with ``icacls`` (a built-in Windows tool):
  ``icacls <folder> /inheritance:r /grant:r <DOMAIN\\user>:(OI)(CI)F``. Files inside inherit it.
  docs/data-safety.md says how to check it.

Best effort: a file system that cannot hold permissions (a FAT USB stick, some network shares) is
logged and otherwise accepted, because refusing to save a backup there would be worse. Qt-free.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger("sp_desktop")

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def windows_account() -> str:
    user = os.environ.get("USERNAME") or os.getlogin()
    domain = os.environ.get("USERDOMAIN")
    return f"{domain}\\{user}" if domain else user


def icacls_command(folder: Path) -> list[str]:
    """The command that gives `folder` (and what is created in it) a user-only access list."""
    return ["icacls", str(folder), "/inheritance:r", "/grant:r", f"{windows_account()}:(OI)(CI)F", "/q"]


def make_private(path: Path) -> bool:
    """User-only permissions on one file or folder. True when applied (or nothing to do)."""
    try:
        if sys.platform == "win32":
            if not path.is_dir():
                return True  # files inherit the folder's user-only list
            result = subprocess.run(icacls_command(path), capture_output=True, text=True, timeout=30,
                                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
            if result.returncode != 0:
                log.warning("could not make %s private: %s", path, (result.stderr or result.stdout).strip())
                return False
            return True
        mode = FOLDER_MODE if path.is_dir() else FILE_MODE
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
        return True
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not make %s private: %s", path, exc)
        return False


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (if it does not exist yet)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def _files(folder: Path) -> Iterable[Path]:
    try:
        yield from (p for p in folder.iterdir() if p.is_file())
    except OSError:
        return


def protect_data_folder(data_dir: Path, folders: Iterable[Path]) -> None:
    """User-only permissions on the data folder, its sub-folders (`folders`) and the files in them."""
    make_private(data_dir)
    if sys.platform == "win32":
        return  # the folder's access list is inherited by everything inside it
    for f in _files(data_dir):
        make_private(f)
    for folder in folders:
        if folder.is_dir():
            make_private(folder)
            for f in _files(folder):
                make_private(f)


__all__ = ["FILE_MODE", "FOLDER_MODE", "create_private_file", "icacls_command", "make_private",
           "protect_data_folder", "windows_account"]
