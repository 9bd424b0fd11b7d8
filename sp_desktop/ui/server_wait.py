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

`install_ui_wait()` (done by the main window on the practice server) does the same one level down,
for everything else: every wait for the server that code on the window's thread makes (each round
trip, and connecting) goes through `_ui_wait`, so a click that opens a record or saves outside the
edit forms never freezes the window either. A round trip answered within `QUICK_S` is simply waited
for; a slower one turns the event loop and, after `SHOW_AFTER_MS`, shows the same dialog.
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
#: A call answered within this long is simply waited for (a round trip on the practice LAN takes a
#: millisecond or two); only a slower one turns the event loop while it waits (seconds).
QUICK_S = 0.1


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
    return _wait_pumping(parent, lambda: fn(*args, **kwargs), db.deadlines.fire_all)


#: The cancels of the waits under way on the window's thread, outermost first: a wait can start
#: inside another's (a timer that reads the server fires while the first one waits), and Cancel
#: ends them all, since the outer one cannot return before the inner one does.
_under_way: list[Callable[[], None]] = []


def _cancel_all() -> None:
    for cancel in list(_under_way):
        cancel()


def _wait_pumping(parent: QWidget | None, fn: Callable[[], T], stop: Callable[[], None] | None) -> T:
    """Run `fn()` on a worker thread while the window's event loop runs; after `SHOW_AFTER_MS` say
    "Waiting for the practice server…" with Cancel. Cancel calls `stop()` (which makes `fn` return
    at once, failing) and raises `Cancelled`; with no `stop` the wait is given up at once and what
    `fn` makes later is closed."""
    box: dict[str, Any] = {}
    loop = QEventLoop()
    finished = threading.Event()
    given_up = threading.Event()

    def close_late_result() -> None:
        close = getattr(box.get("result"), "close", None)
        if close is not None:
            close()

    def work() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # handed to the UI thread below
            box["error"] = exc
        finally:
            finished.set()
            if given_up.is_set():
                close_late_result()  # nobody is waiting for it any more

    cancelled = [False]
    dialog: list[WaitingDialog] = []

    def cancel() -> None:
        cancelled[0] = True
        if stop is not None:
            stop()  # the waiting call returns at once
        else:
            given_up.set()
            loop.quit()

    def show_waiting() -> None:
        if not finished.is_set():
            d = WaitingDialog(parent, _cancel_all)
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
    finished.wait(QUICK_S)  # most calls: answered by now, without a turn of the event loop
    poll.start()
    later.start(SHOW_AFTER_MS)
    _under_way.append(cancel)
    try:
        while not finished.is_set() and not given_up.is_set():  # until the dialog shows, clicks and
            loop.exec(QEventLoop.ProcessEventsFlag.AllEvents if dialog  # keys wait (no second Save)
                      else QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        _under_way.remove(cancel)
    poll.stop()
    later.stop()
    for d in dialog:
        d.hide()
        d.deleteLater()
    if given_up.is_set():
        if finished.is_set():
            close_late_result()
        raise Cancelled("Stopped waiting for the practice server.")
    thread.join()
    if "error" in box:
        if cancelled[0]:
            raise Cancelled("Stopped waiting for the practice server.") from box["error"]
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


#: Set when the person presses Cancel, until the window's event loop next turns: the rest of what
#: that click started (the pool connecting again, a rollback) fails at once instead of waiting anew.
_stopped = [False]


def _stopped_waiting() -> Exception:
    import psycopg

    return psycopg.OperationalError("connection lost: stopped waiting for the practice server")


def _ui_wait(wait: Callable[[], Any], stop: Callable[[], None] | None) -> Any:
    """The hook `db.engine` calls for a wait for the server made on the window's thread."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return wait()
    if _stopped[0]:
        if stop is not None:
            stop()  # what is left of this click gives up at once
            return wait()
        raise _stopped_waiting()
    try:
        return _wait_pumping(QApplication.activeModalWidget() or QApplication.activeWindow(), wait, stop)
    except Cancelled as exc:
        _stopped[0] = True
        QTimer.singleShot(0, lambda: _stopped.__setitem__(0, False))
        if isinstance(exc.__cause__, Exception):
            raise exc.__cause__ from None  # "connection lost": explained as every other fault is
        raise _stopped_waiting() from None


def install_ui_wait() -> Callable[[], None]:
    """Every wait for the practice server that the window's own thread makes (a click that saves or
    opens a record, wherever it is) keeps the window answering and, after `SHOW_AFTER_MS`, says
    "Waiting for the practice server…" with Cancel. Returns the way to undo it (the window closes)."""
    from sp_desktop.db import engine

    def hook(wait: Callable[[], Any], stop: Callable[[], None] | None) -> Any:
        return _ui_wait(wait, stop)

    def undo() -> None:
        if engine.current_ui_wait() is hook:  # not a newer window's (a window is deleted later)
            engine.set_ui_wait(None)

    engine.set_ui_wait(hook)
    return undo


__all__ = ["Cancelled", "SHOW_AFTER_MS", "WAITING_TEXT", "WaitingDialog", "call_waiting", "install_ui_wait"]
