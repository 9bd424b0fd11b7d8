"""Refresh the window when the data changes on another PC (or in another window on this PC).

`ChangeWatcherAdapter` polls a Qt-free watcher (`services.concurrency.watcher_for`: SQLite's
``PRAGMA data_version`` or PostgreSQL LISTEN/NOTIFY) from a QTimer on the UI thread; a poll
never blocks. When something changed, `refresh_after_change()`:

- leaves a page alone if it says it holds unsaved edits (``has_unsaved_changes()`` returns
  True): it is marked stale and the status bar says so, so nothing typed is lost;
- otherwise does what the window does after a save on another page: the visible page
  refreshes (pages keep their selection and scroll position when they refresh), the others are
  marked stale, and the navigation counts update — without emitting ``data_changed``, which
  means "someone at this PC did something" (and would hold off the idle lock);
- emits the window's ``changed_elsewhere``, which the status-bar notes (the overdue reviews
  note) follow, even when the page is held back: they hold no edits;
- puts the keyboard focus back where it was, so typing carries on undisturbed. Open dialogs
  (an edit in progress) are not touched at all; if the record changed underneath, saving it
  shows the conflict dialog.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from sp_desktop.db.engine import Database
from sp_desktop.services.concurrency import ChangeWatcher, watcher_for

ELSEWHERE_MESSAGE = "Updated: the directory was changed on another PC."
HELD_BACK_MESSAGE = ("The directory was changed on another PC. This page was not refreshed, so that your "
                     "unsaved changes are kept.")


class ChangeWatcherAdapter(QObject):
    """Polls `watcher` every `interval_ms` and emits `changed(elsewhere)` when the data changed."""

    changed = Signal(bool)

    def __init__(self, watcher: ChangeWatcher, parent: QObject | None = None,
                 interval_ms: int | None = None) -> None:
        super().__init__(parent)
        self.watcher = watcher
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms or watcher.interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self._stopped = False

    def poll(self) -> bool:
        try:
            changed = self.watcher.poll()
        except Exception:  # a hiccup reading the database must never disturb the person working
            return False
        if changed:
            self.changed.emit(bool(getattr(self.watcher, "elsewhere", True)))
        return changed

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.timer.stop()
        self.watcher.close()


def refresh_after_change(window: Any, elsewhere: bool = True) -> bool:
    """Bring the window up to date without moving focus or losing edits. False if held back."""
    focus = QApplication.focusWidget()
    changed = getattr(window, "changed_elsewhere", None)
    if changed is not None:  # status-bar notes hold no edits: updated even when the page is held back
        changed.emit()
    page = window.stack.currentWidget()
    unsaved = getattr(page, "has_unsaved_changes", None)
    if callable(unsaved) and unsaved():
        page.setProperty("stale", True)
        window.statusBar().showMessage(HELD_BACK_MESSAGE, 15000)
        return False
    # Not window.data_changed.emit(): that means "someone at this PC did something" (it also keeps
    # the idle lock from locking). The same refresh, though: the visible page reloads, the others
    # are marked stale and the navigation counts are updated.
    window._on_data_changed("")
    if isinstance(focus, QWidget) and QApplication.focusWidget() is not focus and focus.isVisible():
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
    if elsewhere:
        window.statusBar().showMessage(ELSEWHERE_MESSAGE, 6000)
    return True


def watch_for_changes(window: Any, db: Database,
                      interval_ms: int | None = None) -> ChangeWatcherAdapter | None:
    """Start watching `db` for `window` (stopped when the application quits or `stop()` is called)."""
    watcher = watcher_for(db)
    if watcher is None:
        return None
    adapter = ChangeWatcherAdapter(watcher, window, interval_ms)
    adapter.changed.connect(lambda elsewhere: refresh_after_change(window, elsewhere))
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(adapter.stop)
    window.destroyed.connect(lambda *_: watcher.close())  # e.g. replaced after "switch user"
    window.change_watcher = adapter
    if hasattr(watcher, "connected"):  # the practice server: a banner with Retry while it is away
        from sp_desktop.ui.server_banner import install_server_banner

        install_server_banner(window, watcher)
    return adapter


__all__ = ["ChangeWatcherAdapter", "refresh_after_change", "watch_for_changes"]
