"""Start-up recovery and the database check, as the person at the PC sees them.

* `open_runtime_interactive(args)`: opens the database; if it was damaged (and has been put
  aside by the start-up check) asks whether to restore the newest good backup, start with an
  empty directory, or quit — and tries again. Any other start-up problem is shown plainly.
* `install_database_check(window)`: Tools > "Check the database…" for administrators (a full
  ``integrity_check`` in the background), and the weekly check a few seconds after start.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from sp_desktop.db import integrity
from sp_desktop.diagnostics import log
from sp_desktop.runtime import Runtime, StartupError, open_runtime
from sp_desktop.services.base import Permission, can
from sp_desktop.services.health import DamagedDatabase
from sp_desktop.ui import messages
from sp_desktop.ui.actions import make_action

WEEKLY_CHECK_DELAY_MS = 5_000


def ask_damaged(parent: QWidget | None, report: integrity.DamageReport) -> str:
    """"restore", "empty" or "quit". Replaced in tests (like `sp_desktop.ui.messages`)."""
    box = QMessageBox(QMessageBox.Icon.Critical, report.title, report.message,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("damaged_database")
    heading = ("Why sp_desktop thinks the directory was here:" if report.kind == "missing"
               else "What SQLite found:")
    box.setDetailedText(heading + "\n" + "\n".join(report.problems[:20]))
    restore = None
    if report.backup is not None:
        restore = box.addButton(f"Restore the backup from {report.backup.when}",
                                QMessageBox.ButtonRole.AcceptRole)
    empty = box.addButton("Start a new, empty directory", QMessageBox.ButtonRole.DestructiveRole)
    quit_ = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or quit_)
    box.setEscapeButton(quit_)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return "restore"
    return "empty" if clicked is empty else "quit"


def open_runtime_interactive(args: argparse.Namespace, parent: QWidget | None = None,
                             opener: Callable[[argparse.Namespace], Runtime] | None = None) -> Runtime | None:
    """Open the runtime, walking the person through a damaged database. None = do not start."""
    while True:
        try:
            return (opener or open_runtime)(args)
        except DamagedDatabase as exc:
            report = exc.report
            log.error("%s: %s -> %s (%s)", report.title, report.database, report.moved_to,
                      "; ".join(report.problems[:5]))
            choice = ask_damaged(parent, report)
            if choice == "restore" and report.backup is not None:
                try:
                    integrity.restore_after_damage(report, report.database.parent)
                except OSError as err:
                    messages.error(parent, "Could not restore the backup",
                                   f"The backup {report.backup.path} could not be copied into place: {err}. "
                                   "Nothing was changed.")
                    continue
                log.warning("restored %s from backup %s", report.database, report.backup.path)
                messages.inform(parent, "Backup restored",
                                f"The directory was restored from the backup of {report.backup.when}. "
                                "Changes made after that time will need to be made again.")
            elif choice == "empty":
                kept = (f"The damaged file stays where it was put:\n{report.moved_to}" if report.moved_to
                        else "The backups stay where they are.")
                text = ("sp_desktop will start a new, empty directory: no organisations, services or "
                        f"staff accounts, and whoever is at this PC sets up the first administrator. {kept}")
                if messages.confirm(parent, "Start a new, empty directory?", text,
                                    yes="Start a new, empty directory", no="Go back"):
                    integrity.start_empty(report.database.parent)
                    log.warning("started a new, empty directory (%s: %s kept)", report.kind, report.moved_to)
            else:
                return None
        except StartupError as exc:
            log.error("cannot start: %s", exc)
            if getattr(exc, "fault", None) is not None:  # the practice server: Retry / Change server / Quit
                from sp_desktop.ui.server_faults import after_start_failure

                if after_start_failure(parent, exc, args):
                    continue
                return None
            messages.error(parent, "sp_desktop cannot start", str(exc))
            return None


# --------------------------------------------------------------------------- the check
def _tools_menu(window: Any) -> Any:
    for name in ("admin_menu", "tools_menu"):
        menu = getattr(window, name, None)
        if menu is not None:
            return menu
    menu = window.menuBar().addMenu("&Tools")
    help_menu = getattr(window, "help_menu", None)
    if help_menu is not None:  # keep Help last
        window.menuBar().insertMenu(help_menu.menuAction(), menu)
    menu.setObjectName("tools_menu")
    window.tools_menu = menu
    return menu


def _report(window: Any, result: integrity.CheckResult, seconds: float, interactive: bool) -> None:
    if result.ok:
        text = f"Database checked: no problems found ({seconds:.1f} s)."
        window.statusBar().showMessage(text, 15_000)
        if interactive:
            messages.inform(window, "Database check", "The database was checked fully and no problems were "
                                                      "found.")
        return
    log.error("database check found damage: %s", "; ".join(result.problems[:10]))
    messages.error(window, "The database is damaged",
                   "The database check found damage in the directory database. What you see may still look "
                   "right, but it should be restored from a backup before more is lost.\n\nClose sp_desktop "
                   "and start it again: it will put the damaged file aside (nothing is deleted) and offer "
                   "the newest good backup.", "\n".join(result.problems[:50]))


def check_database(window: Any, interactive: bool = True) -> Any:
    """Run the full check in the background (with a progress dialog when `interactive`)."""
    from sp_desktop.ui.tasks import run_with_progress

    runtime = window.runtime
    path = runtime.db.sqlite_path
    data_dir = path.parent  # the check's state file lives beside the database
    started = time.monotonic()
    task: list[Any] = []  # Cancel in the progress dialog, or the window closing, stops the check

    def work(progress: Any) -> integrity.CheckResult:
        progress(0, 0, "Checking every page of the database…")
        return integrity.full_check(path, data_dir, runtime.clock.now(), stop=lambda: _stopped(task))

    def done(result: integrity.CheckResult) -> None:
        _report(window, result, time.monotonic() - started, interactive)

    def failed(exc: BaseException, tb: str) -> None:
        if isinstance(exc, integrity.CheckStopped):
            log.info("database check stopped before it finished; it is still due")
            return
        log.error("database check could not run: %s\n%s", exc, tb)
        if interactive:
            messages.error(window, "Database check", f"The check could not be run: {exc}", tb)

    if interactive:
        task.append(run_with_progress(window, window.tasks, "Checking the database", work, done, failed))
    else:
        task.append(window.tasks.start(work, done, failed, stop_on_close=True))
    return task[0]


def _stopped(task: list[Any]) -> bool:
    return bool(task) and bool(task[0].cancelled)


def background_quick_check(window: Any) -> Any:
    """The start-up quick_check of a large database, in the background (see db/integrity.py)."""
    runtime = window.runtime
    path = runtime.db.sqlite_path

    task: list[Any] = []

    def work(progress: Any) -> integrity.CheckResult:
        return integrity.background_quick_check(path, path.parent, runtime.clock.now(),
                                                stop=lambda: _stopped(task))

    def done(result: integrity.CheckResult) -> None:
        if not result.ok:
            _report(window, result, 0.0, interactive=False)

    def failed(exc: BaseException, tb: str) -> None:
        if isinstance(exc, integrity.CheckStopped):
            log.info("start-up quick check stopped as the window closed")
            return
        log.error("start-up quick check could not run: %s\n%s", exc, tb)

    task.append(window.tasks.start(work, done, failed, stop_on_close=True))
    return task[0]


def install_database_check(window: Any, weekly: bool = True) -> QAction | None:
    """Tools > Check the database… (administrators, SQLite) and the weekly background check."""
    runtime = window.runtime
    if runtime.db.sqlite_path is None:
        return None  # a PostgreSQL server is checked by its administrator
    action = None
    if can(window.ctx.actor, Permission.CHECK_DATABASE):
        action = make_action(window, "Check the &database…", lambda: check_database(window, interactive=True),
                             name="check_database",
                             tip="Check every page of the database file for damage (takes a few seconds)")
        _tools_menu(window).addAction(action)
    data_dir = runtime.db.sqlite_path.parent
    if weekly and integrity.full_check_due(data_dir, runtime.clock.now()):  # covers the quick check
        QTimer.singleShot(WEEKLY_CHECK_DELAY_MS, window, lambda: check_database(window, interactive=False))
    elif integrity.needs_background_quick_check(runtime.db.sqlite_path, data_dir):
        QTimer.singleShot(WEEKLY_CHECK_DELAY_MS // 5, window, lambda: background_quick_check(window))
    return action


__all__ = ["after_show", "ask_damaged", "check_database", "install_database_check",
           "open_runtime_interactive"]


# --------------------------------------------------------------------------- retention while open
RETENTION_EVERY_MS = 24 * 60 * 60 * 1000


def run_retention_now(window: Any) -> Any:
    """Apply the retention periods in the background (services.retention), as the app itself."""
    from sp_desktop.services.base import SYSTEM
    from sp_desktop.services.retention import RetentionService

    runtime = window.runtime
    service = RetentionService(runtime.context(SYSTEM), runtime.paths)

    def done(result: Any) -> None:
        if result.purged or result.backups_deleted or result.backups_cleaned:
            log.info("retention: %s", result.describe())
            window.data_changed.emit("")

    def failed(exc: BaseException, tb: str) -> None:
        log.error("retention could not run: %s\n%s", exc, tb)

    return window.tasks.start(lambda progress: service.run(), done, failed, stop_on_close=True)


def install_daily_retention(window: Any) -> QTimer:
    """For PCs left on: the retention periods are applied once a day while the window is open (they
    are also applied at every start, in runtime.open_runtime)."""
    timer = QTimer(window)
    timer.setObjectName("daily_retention")
    timer.setInterval(RETENTION_EVERY_MS)
    timer.timeout.connect(lambda: run_retention_now(window))
    timer.start()
    window.retention_timer = timer
    return timer


# --------------------------------------------------------------------------- after the window is shown
#: Set by the start-up benchmark: quit as soon as the window is shown and the event loop is idle,
#: printing the seconds since the process started.
BENCH_EXIT_ENV = "SP_DESKTOP_BENCH_EXIT"


def after_show(window: Any, app: Any) -> None:
    """Things to do once the main window is on screen: the database check, drafts from last time."""
    import os

    if os.environ.get(BENCH_EXIT_ENV):
        def report_and_quit() -> None:
            try:  # peak memory so far (kB on Linux) and CPU seconds, for the benchmark's figures
                import resource

                usage = resource.getrusage(resource.RUSAGE_SELF)
                rss = f" rss_kb={usage.ru_maxrss} cpu_s={usage.ru_utime + usage.ru_stime:.3f}"
            except ImportError:  # Windows
                rss = ""
            print(f"ready{rss} size={window.width()}x{window.height()}", flush=True)
            app.quit()

        QTimer.singleShot(0, window, lambda: QTimer.singleShot(0, window, report_and_quit))
        return
    install_database_check(window)
    if not window.runtime.demo:
        install_daily_retention(window)
    from sp_desktop.ui.crash import offer_drafts

    runtime = window.runtime
    # Drafts hold record ids: keep the demo's apart from the practice's.
    drafts_root = runtime.paths.demo_database_file.parent if runtime.demo else runtime.paths.data_dir
    handler = getattr(app, "_sp_crash_handler", None)
    if handler is not None:
        handler.data_dir = drafts_root
    QTimer.singleShot(0, window, lambda: offer_drafts(window, drafts_root,
                                                      on_saved=lambda: window.data_changed.emit("")))
