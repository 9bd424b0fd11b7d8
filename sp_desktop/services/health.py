"""Start-up health: the database check before opening, and storage failures as start-up errors.

Called by `runtime.open_runtime` (window and headless commands alike). The checking itself is in
`sp_desktop.db.integrity`; this module turns its findings into `StartupError`s that the window
shows in a dialog (with a choice to restore a backup) and the commands print. Qt-free.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from sp_desktop.db import integrity
from sp_desktop.db.errors import storage_problem
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import Runtime, StartupError


class DamagedDatabase(StartupError):
    """The database was damaged and has been put aside; `report` says where and which backup is good."""

    def __init__(self, report: integrity.DamageReport) -> None:
        super().__init__(report.message)
        self.report = report


def prepare_folders(paths: AppPaths) -> AppPaths:
    """Create the data folders, turning a read-only or full disk into a plain StartupError."""
    try:
        paths.ensure()
        # A real probe: os.access() cannot see read-only network shares or Windows folder rights.
        with tempfile.TemporaryFile(dir=paths.data_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        problem = storage_problem(exc, paths.data_dir)
        raise StartupError(f"sp_desktop cannot use its data folder {paths.data_dir}. "
                           + (problem or f"{exc}. Check the folder exists and you may change it, "
                                          "or choose another with --data-dir.")) from exc
    return paths


def check_before_open(paths: AppPaths, data_file: Path, now: datetime, demo: bool = False) -> None:
    """``quick_check`` the SQLite file (full check if the last one failed); raise DamagedDatabase.

    The demo database holds only fictional data: a damaged one is put aside and rebuilt quietly.
    """
    try:
        # the check's state file lives beside the database (the demo's apart from the practice's)
        report = integrity.startup_check(data_file, data_file.parent, paths.backup_dir, now)
    except OSError as exc:
        raise StartupError(f"Could not check the database {data_file}: "
                           + (storage_problem(exc, data_file) or str(exc))) from exc
    except Exception as exc:  # locked, unreadable: opening it will say what is wrong
        if storage_problem(exc, data_file):
            raise StartupError(str(storage_problem(exc, data_file))) from exc
        return
    if report is None:
        return
    if demo:
        integrity.start_empty(data_file.parent)
        return
    raise DamagedDatabase(report)


def open_failure_message(exc: BaseException, where: str) -> str | None:
    """A plain message when opening failed because of the disk (full, read-only, I/O, damaged)."""
    problem = storage_problem(exc, where)
    return f"Could not open the database at {where}. {problem}" if problem else None


def after_open(runtime: Runtime) -> None:
    """Remember the practice's backup folder outside the database (for finding backups if it breaks)."""
    from sp_desktop.services.settings import SettingsService

    try:
        folder = SettingsService(runtime.sign_in_context()).get().backup_folder
    except Exception:  # a missing setting must never stop the app from starting
        return
    integrity.remember_backup_folder(runtime.paths.data_dir, folder)


__all__ = ["DamagedDatabase", "after_open", "check_before_open", "open_failure_message", "prepare_folders"]
