"""When something goes wrong in the window: a friendly message, the log, and no lost typing.

`CrashHandler.install()` (done by `app.run_gui`) replaces ``sys.excepthook`` and
``threading.excepthook``. An unexpected error is written to the rotating log file with its
traceback, the open forms' drafts are saved, and a dialog says in plain words what happened,
with "Copy details" for whoever supports the practice. Disk-full / read-only / damaged-file
errors get their own plain message (`sp_desktop.db.errors`). The window keeps running.

Drafts — the protocol an edit dialog implements to never lose a half-typed form:

    def draft(self) -> dict | None
        The unsaved state as plain JSON-able values (enough to reopen it: include the record id),
        or None when there is nothing unsaved.
    def restore_draft(self, state: dict) -> None
        Put a saved state back into the (already built) dialog's fields.
    @classmethod
    def open_for_draft(cls, ctx, parent, state) -> QDialog
        Build the dialog for the same record (not shown yet); `restore_draft` is called next.

Drafts of open dialogs are saved every `AUTOSAVE_MS` and on any error, so even a hard crash
(power cut, killed process) loses at most a few seconds of typing. Closing the dialog normally
(saved or cancelled) deletes its draft; drafts left over are offered on the next start
(`offer_drafts`).
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from sp_desktop.db.errors import storage_problem
from sp_desktop.diagnostics import Draft, list_drafts, log, remove_draft, write_draft
from sp_desktop.domain.formatting import show_datetime
from sp_desktop.ui import messages

AUTOSAVE_MS = 10_000

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def friendly_text(exc: BaseException, saved: list[str], log_path: Path | None) -> tuple[str, str]:
    """(title, message) for an unexpected error."""
    from sp_desktop.db.faults import explain

    fault = explain(exc)  # one plain message per cause (server away, read-only, locked, disk full...)
    problem = fault.message if fault is not None else storage_problem(exc)
    if fault is not None:
        title, text = fault.title, fault.message
    elif problem:
        title, text = "Could not save", problem
    else:
        title = "Something went wrong"
        text = ("Something went wrong and sp_desktop could not finish what you were doing. "
                "You can carry on working.")
    if saved:
        names = ", ".join(f"“{s}”" for s in saved)
        text += (f"\n\nYour unsaved changes in {names} have been kept. If sp_desktop has to close, "
                 "it will offer them to you when it next starts.")
    if not problem:
        text += ("\n\nIf it happens again, press “Copy details” and send them to whoever looks after "
                 "sp_desktop at your practice.")
    if log_path is not None:
        text += f"\n\nThe details are also in the log file:\n{log_path}"
    return title, text


class CrashHandler(QObject):
    """Global exception hooks plus draft autosave for one QApplication."""

    _thread_error = Signal(object, object, object)

    def __init__(self, app: QApplication, data_dir: Path | None, log_path: Path | None = None,
                 autosave_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(app)
        self.app = app
        self.data_dir = data_dir
        self.log_path = log_path
        self._previous: tuple[Any, Any] | None = None
        self._showing = False
        self._session = f"{os.getpid()}-{next(_COUNTER)}"
        self._keys: dict[int, tuple[str, weakref.ref[QWidget]]] = {}
        self._last_written: dict[str, str] = {}
        self._thread_error.connect(self._on_thread_error)
        self.timer = QTimer(self)
        self.timer.setInterval(autosave_ms)
        self.timer.timeout.connect(self.save_drafts)
        app.aboutToQuit.connect(self._clean_exit)

    # ---- hooks
    def install(self) -> CrashHandler:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook
        if self.data_dir is not None:
            self.timer.start()
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None
        self.timer.stop()

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        log.critical("Unexpected error in thread %s", getattr(args.thread, "name", "?"),
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        self._thread_error.emit(args.exc_type, args.exc_value, args.exc_traceback)  # to the UI thread

    def _on_thread_error(self, exc_type: type[BaseException], exc: BaseException,
                         tb: TracebackType | None) -> None:
        self.handle(exc_type, exc, tb, logged=True)

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
               logged: bool = False) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        if not logged:
            log.critical("Unexpected error\n%s", details.rstrip())
        try:
            saved = self.save_drafts()
        except Exception:  # never let the handler itself fail
            log.exception("saving drafts after an error failed")
            saved = []
        if self._showing:  # one dialog at a time; a storm of errors is only logged
            return
        self._showing = True
        try:
            title, text = friendly_text(exc, saved, self.log_path)
            messages.error(QApplication.activeWindow(), title, text, details)
        except Exception:
            log.exception("showing the error dialog failed")
        finally:
            self._showing = False

    # ---- drafts
    def open_draft_dialogs(self) -> list[QWidget]:
        return [w for w in QApplication.topLevelWidgets()
                if w.isVisible() and callable(getattr(w, "draft", None))]

    def _key_for(self, dialog: QWidget) -> str:
        entry = self._keys.get(id(dialog))
        if entry is not None and entry[1]() is dialog:
            return entry[0]
        key = f"{self._session}-{len(self._keys) + 1}"
        self._keys[id(dialog)] = (key, weakref.ref(dialog))
        finished = getattr(dialog, "finished", None)
        if finished is not None:  # closed normally (saved or cancelled): the draft is not needed
            finished.connect(lambda *_: self._forget(key))
        return key

    def _forget(self, key: str) -> None:
        if self.data_dir is not None:
            remove_draft(self.data_dir, key)
        self._last_written.pop(key, None)

    def save_drafts(self) -> list[str]:
        """Write the drafts of open dialogs with unsaved changes; returns their titles."""
        if self.data_dir is None:
            return []
        saved: list[str] = []
        open_keys: set[str] = set()
        for dialog in self.open_draft_dialogs():
            key = self._key_for(dialog)
            open_keys.add(key)
            title = dialog.windowTitle() or "an unsaved form"
            try:
                state = dialog.draft()  # type: ignore[attr-defined]
            except Exception:
                log.exception("could not take a draft of %s", title)
                continue
            if not state:
                if key in self._last_written:
                    self._forget(key)
                continue
            text = json.dumps(state, sort_keys=True, default=str)
            try:
                if self._last_written.get(key) != text:
                    cls = type(dialog)
                    write_draft(self.data_dir, key, f"{cls.__module__}:{cls.__qualname__}", title, state)
                    self._last_written[key] = text
                saved.append(title)
            except OSError:
                log.exception("could not save a draft of %s", title)
        for key in [k for k in self._last_written if k not in open_keys]:  # closed without a signal
            self._forget(key)
        return saved

    def _clean_exit(self) -> None:
        self.timer.stop()
        for key in list(self._last_written):
            self._forget(key)


_COUNTER = itertools.count(1)


# --------------------------------------------------------------------------- next start
#: Only dialogs from these packages are rebuilt from a draft file (a draft names its dialog class).
DRAFT_MODULES: tuple[str, ...] = ("sp_desktop.ui.",)


def _dialog_class(name: str) -> Any:
    module, _, qualname = name.partition(":")
    if not module.startswith(DRAFT_MODULES):
        raise ImportError(f"{name} is not an sp_desktop dialog")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def reopen_draft(draft: Draft, ctx: Any, parent: QWidget | None) -> QWidget:
    """Build the dialog a draft came from and put the draft back into it (not shown yet)."""
    cls = _dialog_class(draft.dialog)
    dialog = cls.open_for_draft(ctx, parent, draft.state)
    dialog.restore_draft(draft.state)
    return dialog  # type: ignore[no-any-return]


def offer_drafts(window: Any, data_dir: Path,
                 on_saved: Callable[[], None] | None = None) -> list[QWidget]:
    """Offer the drafts left by an earlier run that ended before they were saved. Returns the dialogs
    reopened (shown, window-modal). A draft is deleted only once it is back in a dialog."""
    drafts = list_drafts(data_dir)
    if not drafts:
        return []
    lines = "\n".join(f"• {d.title} (last typed {show_datetime(d.saved_at)})" for d in drafts)
    if not messages.confirm(window, "Unsaved changes from last time",
                            "sp_desktop closed before these changes were saved:\n"
                            f"{lines}\n\nReopen them now? (Choosing “Later” keeps them for next time.)",
                            yes="Reopen", no="Later"):
        return []
    opened: list[QWidget] = []
    for draft in drafts:
        try:
            dialog = reopen_draft(draft, window.ctx, window)
        except Exception as exc:
            log.exception("could not reopen draft %s", draft.path)
            messages.warn(window, "Could not reopen a form",
                          f"“{draft.title}” could not be reopened ({exc}). What you typed is kept in\n"
                          f"{draft.path}\nso nothing is lost; ask whoever looks after sp_desktop for help.")
            continue
        draft.path.unlink(missing_ok=True)
        if on_saved is not None and hasattr(dialog, "accepted"):
            dialog.accepted.connect(on_saved)
        dialog.open()  # type: ignore[attr-defined]  # every dialog with a draft is a QDialog
        opened.append(dialog)
    return opened


def install(app: QApplication, data_dir: Path | None, log_path: Path | None) -> CrashHandler:
    """Install the global handler for this application (once)."""
    existing = getattr(app, "_sp_crash_handler", None)
    if existing is not None:
        existing.data_dir, existing.log_path = data_dir, log_path
        return existing  # type: ignore[no-any-return]
    handler = CrashHandler(app, data_dir, log_path).install()
    app._sp_crash_handler = handler  # type: ignore[attr-defined]
    return handler


__all__ = ["AUTOSAVE_MS", "CrashHandler", "friendly_text", "install", "offer_drafts", "reopen_draft"]
