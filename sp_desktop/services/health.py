"""Start-up health: the database check before opening, and storage failures as start-up errors.

Called by `runtime.open_runtime` (window and headless commands alike). The checking itself is in
`sp_desktop.db.integrity`; this module turns its findings into `StartupError`s that the window
shows in a dialog (with a choice to restore a backup) and the commands print. Qt-free.
"""

from __future__ import annotations

import errno
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sp_desktop.db import integrity
from sp_desktop.db.errors import storage_problem
from sp_desktop.paths import AppPaths
from sp_desktop.services.base import ServiceContext


class StartupError(RuntimeError):
    """Start-up cannot go on; the message is for the person starting the app.

    `fault` (db/faults.py) says why when the practice server could not be used, so the window can
    offer Retry / Change server / Quit; `server` names it."""

    def __init__(self, message: str, fault: Any = None, server: str | None = None) -> None:
        super().__init__(message)
        self.fault = fault
        self.server = server


class _Opened(Protocol):
    """What these checks need of an opened runtime (sp_desktop.runtime.Runtime): services never
    import the runtime, which imports them."""

    paths: AppPaths
    db: Any

    def context(self, actor: Any) -> ServiceContext: ...

    def sign_in_context(self) -> ServiceContext: ...


class DamagedDatabase(StartupError):
    """The database was damaged and has been put aside; `report` says where and which backup is good."""

    def __init__(self, report: integrity.DamageReport) -> None:
        super().__init__(report.message)
        self.report = report


def prepare_folders(paths: AppPaths) -> AppPaths:
    """Create the data folders, turning a read-only or full disk into a plain StartupError."""
    try:
        paths.ensure()
        from sp_desktop.private_files import protect_data_folder

        protect_data_folder(paths.data_dir,
                            (paths.backup_dir, paths.log_dir, paths.demo_database_file.parent))
        # A real probe: os.access() cannot see read-only network shares or Windows folder rights.
        with tempfile.TemporaryFile(dir=paths.data_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        problem = storage_problem(exc, paths.data_dir)
        raise StartupError(f"sp_desktop cannot use its data folder {paths.data_dir}. "
                           + (problem or f"{exc}. Check the folder exists and you may change it, "
                                          "or choose another with --data-dir.")) from exc
    return paths


def refuse_read_only(data_file: Path) -> None:
    """A database file sp_desktop may not change is refused before opening (it would open, then fail
    at the first save). A real probe (open for writing, nothing written): os.access cannot see
    read-only disks, immutable files or Windows folder rights."""
    if not data_file.is_file():
        return
    try:
        with data_file.open("rb"):
            pass
    except OSError as exc:
        raise StartupError(
            f"The database file {data_file} cannot be read ({exc.strerror or exc}), so it has not been "
            "opened. Nothing has been changed. Ask whoever looks after this PC to give your account "
            "permission to use the file, then start sp_desktop again; if the file is lost, restore the "
            "newest backup (sp-desktop restore).") from exc
    try:
        with data_file.open("r+b"):
            pass
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StartupError(
                f"The database file {data_file} is read-only: sp_desktop may read it but not change it "
                f"({exc.strerror}), so it has not been opened. Nothing has been changed. Ask whoever looks "
                "after this PC to give your account permission to change the file (or move it off a "
                "read-only disk), then start sp_desktop again.") from exc
        raise StartupError(f"The database file {data_file} cannot be opened ({exc.strerror or exc}). Nothing "
                           "has been changed.") from exc


def check_before_open(paths: AppPaths, data_file: Path, now: datetime, demo: bool = False) -> None:
    """``quick_check`` the SQLite file (full check if the last one failed); raise DamagedDatabase.

    The demo database holds only fictional data: a damaged one is put aside and rebuilt quietly.
    """
    refuse_read_only(data_file)
    try:
        # the check's state file lives beside the database (the demo's apart from the practice's)
        report = integrity.startup_check(data_file, data_file.parent, paths.backup_dir, now,
                                         guard_missing=not demo, log_dir=None if demo else paths.log_dir)
    except OSError as exc:
        raise StartupError(f"Could not check the database {data_file}: "
                           + (storage_problem(exc, data_file) or str(exc))) from exc
    except Exception as exc:  # locked, unreadable: opening it will say what is wrong
        if _is_locked(exc):
            raise StartupError(locked_message(data_file)) from exc
        if storage_problem(exc, data_file):
            raise StartupError(str(storage_problem(exc, data_file))) from exc
        return
    if report is None:
        return
    if demo:
        integrity.start_empty(data_file.parent)
        return
    raise DamagedDatabase(report)


def _is_locked(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen).lower()
        if "database is locked" in text or "database table is locked" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def locked_message(where: object) -> str:
    return (f"The database {where} is in use by another program (another copy of sp_desktop, or a backup or "
            "antivirus program has it locked), so sp_desktop has not opened it. Nothing has been changed. "
            "Close the other program, or wait a minute, then start sp_desktop again.")


def open_failure_message(exc: BaseException, where: str) -> str | None:
    """A plain message when opening failed because of the disk (full, read-only, I/O, damaged, locked)."""
    if _is_locked(exc):
        return locked_message(where)
    problem = storage_problem(exc, where)
    return f"Could not open the database at {where}. {problem}" if problem else None


def after_open(runtime: _Opened) -> None:
    """Remember the practice's backup folder outside the database (for finding backups if it breaks)."""
    from sp_desktop.diagnostics import log
    from sp_desktop.services.settings import SettingsService

    integrity.mark_holds_data(runtime.paths.data_dir)  # a missing database will never be replaced quietly
    log.info("%s %s", integrity.OPENED_LOG_LINE, runtime.db.describe())
    try:
        folder = SettingsService(runtime.sign_in_context()).get().backup_folder
    except Exception:  # a missing setting must never stop the app from starting
        return
    integrity.remember_backup_folder(runtime.paths.data_dir, folder)


def run_retention(runtime: _Opened) -> object | None:
    """Apply the practice's retention periods (services.retention), as the app itself. A failure is
    logged and shown in the log; it never stops the app from starting (the next start tries again)."""
    from sp_desktop.diagnostics import log
    from sp_desktop.services.base import SYSTEM
    from sp_desktop.services.retention import RetentionService

    try:
        result = RetentionService(runtime.context(SYSTEM), runtime.paths).run()
    except Exception as exc:
        log.error("retention could not run: %s", exc, exc_info=True)
        return None
    if result.purged or result.backups_deleted or result.backups_cleaned or result.problems:
        log.info("retention: %s%s", result.describe(),
                 f" Problems: {'; '.join(result.problems)}" if result.problems else "")
    return result


__all__ = ["DamagedDatabase", "StartupError", "after_open", "check_before_open", "open_failure_message",
           "prepare_folders", "run_retention"]
