"""Composition root: command line -> paths -> database (backup, migrate) -> QApplication -> window.

The only place that wires things together. With a subcommand (`sp-desktop search debt`) it
runs headless and never imports Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sp_desktop.cli import build_parser, run_command
from sp_desktop.domain.errors import ExitCode

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from sp_desktop.runtime import Runtime
    from sp_desktop.services.base import Actor

#: Chooses who is using the window: (runtime, app) -> Actor, or None when the person cancelled.
SignIn = Callable[["Runtime", "QApplication"], "Actor | None"]


class SignInUnavailable(RuntimeError):
    """The sign-in window could not be loaded: the app stops rather than open unsigned (fail closed)."""


def sign_in_function() -> SignIn:
    """The sign-in window. There is no fallback: if it cannot be loaded (a broken install, a missing
    password library) nobody is signed in and the window is never opened."""
    try:
        from sp_desktop.ui.dialogs.sign_in_dialog import sign_in
    except Exception as exc:  # ImportError, or an error inside a module it imports
        raise SignInUnavailable(
            "sp_desktop cannot start because its sign-in could not be loaded "
            f"({type(exc).__name__}: {exc}). Nothing has been opened or changed. The installation may "
            "be damaged: reinstall sp_desktop, or ask whoever looks after the practice's PCs."
        ) from exc
    return sign_in


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, made by the UI layer (the only one that imports Qt widgets)."""
    from sp_desktop.ui.application import create_application as make

    return make(argv)


def build_main_window(runtime: Runtime, actor: Actor) -> Any:
    from sp_desktop.ui.change_watcher import watch_for_changes
    from sp_desktop.ui.dialogs.server_dialog import install_server_action
    from sp_desktop.ui.main_window import MainWindow

    window = MainWindow(runtime, runtime.context(actor))
    watch_for_changes(window, runtime.db)  # refresh when another PC (or window) changes the data
    install_server_action(window)  # File > Connect to practice server… (administrators)
    return window


def keep_window_settings_in(data_dir: Any, demo: bool) -> Any:
    """Window sizes, column widths and other per-PC preferences (QSettings) live in the data folder,
    in an INI file — the demo in its own — so `--data-dir` and `--demo` never share them with the
    practice's folder (nor with another copy of the app). Returns the settings file."""
    from pathlib import Path

    from PySide6.QtCore import QSettings

    folder = Path(data_dir) / ("demo" if demo else "") / "window-settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(folder / "system"))
    return Path(QSettings().fileName())


def run_gui(args: argparse.Namespace, log_path: Any = None) -> int:
    from sp_desktop.paths import AppPaths
    from sp_desktop.ui import crash, recovery, single_instance

    app = create_application()
    keep_window_settings_in(AppPaths.from_options(getattr(args, "data_dir", None)).data_dir,
                            bool(getattr(args, "demo", False)))
    # Unexpected errors: friendly dialog + log + drafts kept (ui/crash.py).
    crash.install(app, AppPaths.from_options(getattr(args, "data_dir", None)).data_dir, log_path)
    if single_instance.claim(args, app) is None:  # one window per data folder: the open one came forward
        return 0
    try:  # before the database is opened: without sign-in nothing is opened at all
        sign_in = sign_in_function()
    except SignInUnavailable as exc:
        from sp_desktop.diagnostics import log
        from sp_desktop.ui import messages

        log.error("%s", exc, exc_info=exc.__cause__)
        print(str(exc), file=sys.stderr, flush=True)
        messages.error(None, "sp_desktop cannot start", str(exc))
        return int(ExitCode.NEEDS_SIGN_IN)
    runtime = recovery.open_runtime_interactive(args)  # damaged database -> offer the newest good backup
    if runtime is None:
        return int(ExitCode.CANNOT_OPEN)
    try:
        actor = sign_in(runtime, app)
        if actor is None:
            return 0
        from sp_desktop.ui.session_guard import SessionGuard

        window = SessionGuard(runtime, app, actor, build_main_window).start()  # switch user, idle lock
        recovery.after_show(window, app)  # database check, drafts from last time, benchmark exit
        return int(app.exec())
    finally:
        runtime.close()


def main(argv: Sequence[str] | None = None) -> int:
    from sp_desktop.cli import names_a_command

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(load_commands=names_a_command(argv))  # the window needs no command modules
    args = parser.parse_args(argv)
    from sp_desktop.diagnostics import setup_logging
    from sp_desktop.paths import AppPaths

    log_path = setup_logging(AppPaths.from_options(getattr(args, "data_dir", None)).log_dir)
    if args.command:
        return run_command(args)
    return run_gui(args, log_path)
