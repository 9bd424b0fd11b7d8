"""Waiting for the practice server without freezing the window: "Waiting for the practice server…" + Cancel.

`call_waiting(parent, db, fn, *args)` runs one service call (a save, a search) on a worker thread
while the window's event loop keeps running, so the window repaints, its timers fire and nothing
looks hung, however slow the network. If the call takes longer than `SHOW_AFTER_MS`, a small
window-modal dialog says "Waiting for the practice server…" with Cancel. Cancel ends the wait at
once: the connections the call is waiting on are shut (`Database.deadlines.fire_all()`), the call
fails as "connection lost", and a save can be pressed again safely (saved exactly once: see
`DirectoryService.save_organisation`).

The result (or the exception) is handed back on the UI thread, so callers read like a plain call.
On this PC's own SQLite file the call is simply made: there is no network to wait for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from sp_desktop.db.engine import Database

T = TypeVar("T")

#: A call that finishes sooner shows nothing (a save on the LAN takes a few milliseconds).
SHOW_AFTER_MS = 400
WAITING_TEXT = "Waiting for the practice server…"


class Cancelled(Exception):
    """The person pressed Cancel while waiting for the server."""


class WaitingDialog(QDialog):
    def __init__(self, parent: QWidget | None, on_cancel: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setObjectName("waiting_for_server")
        self.setWindowTitle("sp_desktop")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        label = QLabel(WAITING_TEXT)
        label.setObjectName("waiting_text")
        layout.addWidget(label)
        note = QLabel("The server or the network is slow. You can wait, or cancel and try again later.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("cancel_waiting")
        self.cancel_button.setAccessibleName("Stop waiting for the practice server")
        self.cancel_button.clicked.connect(on_cancel)
        layout.addWidget(self.cancel_button)
        self.setAccessibleName(WAITING_TEXT)

    def reject(self) -> None:  # Esc = Cancel
        self.cancel_button.click()


def call_waiting(parent: QWidget | None, db: Database, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` without blocking the window; raises what it raised, or `Cancelled`."""
    if db.is_sqlite:
        return fn(*args, **kwargs)
    box: dict[str, Any] = {}
    loop = QEventLoop()
    finished = threading.Event()

    def work() -> None:
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the UI thread below
            box["error"] = exc
        finally:
            finished.set()

    cancelled = [False]
    dialog: list[WaitingDialog] = []

    def cancel() -> None:
        cancelled[0] = True
        db.deadlines.fire_all()  # the waiting call returns at once

    def show_waiting() -> None:
        if not finished.is_set():
            d = WaitingDialog(parent, cancel)
            dialog.append(d)
            d.show()
            loop.quit()  # go on waiting with input allowed, so Cancel can be pressed

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: loop.quit() if finished.is_set() else None)
    later = QTimer()
    later.setSingleShot(True)
    later.timeout.connect(show_waiting)
    thread = threading.Thread(target=work, name="sp-server-call", daemon=True)
    thread.start()
    poll.start()
    later.start(SHOW_AFTER_MS)
    while not finished.is_set():  # until the dialog shows, clicks and keys wait (no second Save)
        loop.exec(QEventLoop.ProcessEventsFlag.AllEvents if dialog
                  else QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    poll.stop()
    later.stop()
    for d in dialog:
        d.hide()
        d.deleteLater()
    thread.join()
    if "error" in box:
        if cancelled[0]:
            raise Cancelled("Stopped waiting for the practice server.") from box["error"]
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


__all__ = ["Cancelled", "SHOW_AFTER_MS", "WAITING_TEXT", "WaitingDialog", "call_waiting"]
