"""A page reads its data off the UI thread, so a slow or stalled practice server never freezes the window.

`PageLoader(page, db)` gives a page a thin bar at its top and one method:

    self.loader.load(read, show)

`read()` runs on a worker thread (it may only call services: no widgets); `show(result)` runs back
on the UI thread and puts the result on screen. While `read()` is out:

* after `SAY_LOADING_MS` the bar says "Loading…" (a load on the practice LAN takes milliseconds, so
  usually nothing flashes); the page keeps what it showed before, the rest of the window (the
  navigation, the menus, other pages) works as usual;
* after `SAY_WAITING_MS` it says "Waiting for the practice server…" with **Cancel**, which ends the
  wait at once: the page says it is not up to date (with Try again), a late result is not shown,
  and the connection the read is waiting on is shut, as in `server_wait.call_waiting`;
* if the read fails, the bar says why in plain words (`db.faults.explain`) and that what is shown
  is not up to date, with **Try again**; a server that is away also raises the window's banner.

A newer `load()` supersedes an older one still out: only the latest result is shown. Reads of
different parts of a page (`load(..., key="list")`) run side by side, each superseding only its own.

On this PC's own SQLite file there is no network to wait for: `read()` and `show()` are simply
called in turn, and the bar never shows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from sp_desktop.db.engine import Database

SAY_LOADING_MS = 150
SAY_WAITING_MS = 2000
LOADING_TEXT = "Loading…"
WAITING_TEXT = "Waiting for the practice server…"


class LoadingBar(QFrame):
    """"Loading…" / "Waiting for the practice server…" + Cancel / "Not up to date: …" + Try again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loading_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setObjectName("loading_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.label, 1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("loading_cancel")
        self.cancel_button.setAccessibleDescription("Stop waiting for the practice server")
        layout.addWidget(self.cancel_button)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setObjectName("loading_retry")
        self.retry_button.setAccessibleDescription("Read this page from the practice server again")
        layout.addWidget(self.retry_button)
        self.hide()

    def say(self, text: str, *, cancel: bool = False, retry: bool = False) -> None:
        from sp_desktop.ui.widgets.accessibility import announce

        self.label.setText(text)
        self.setAccessibleName(text)
        self.cancel_button.setVisible(cancel)
        self.retry_button.setVisible(retry)
        self.show()
        announce(text, self)


class PageLoader(QObject):
    _delivered = Signal(str, int, object, object)  # key, generation, result, error

    def __init__(self, page: QWidget, db: Database, *, layout: QBoxLayout | None = None,
                 quiet: bool = False) -> None:
        """`quiet`: no bar (the navigation's counts: they simply stay as they were until read)."""
        super().__init__(page)
        self.page = page
        self.db = db
        self.quiet = quiet
        self.bar = LoadingBar(page)
        box = layout if layout is not None else page.layout()
        if isinstance(box, QBoxLayout) and not quiet:
            box.insertWidget(0, self.bar)
        self._generation: dict[str, int] = {}
        self._shown: dict[str, int] = {}  # the generation whose result is on screen, by key
        self._pending: dict[str, tuple[Callable[[], Any], Callable[[Any], None]]] = {}
        self._failed_keys: set[str] = set()
        self._say_loading = QTimer(self)
        self._say_loading.setSingleShot(True)
        self._say_loading.timeout.connect(lambda: self.bar.say(LOADING_TEXT))
        self._say_waiting = QTimer(self)
        self._say_waiting.setSingleShot(True)
        self._say_waiting.timeout.connect(
            lambda: self.bar.say(f"{WAITING_TEXT} The page shows what it had before until the server "
                                 "answers.", cancel=True))
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.bar.cancel_button.clicked.connect(self.cancel)
        self.bar.retry_button.clicked.connect(self.retry)

    @property
    def loading(self) -> bool:
        """True while a read is out (the page shows older data, or none yet)."""
        return any(self._shown.get(k) != g for k, g in self._generation.items())

    def load(self, read: Callable[[], Any], show: Callable[[Any], None], *, key: str = "") -> None:
        if self.db.is_sqlite:
            show(read())
            return
        generation = self._generation[key] = self._generation.get(key, 0) + 1
        self._pending[key] = (read, show)
        if self.bar.isVisible() and self.bar.retry_button.isVisible():
            self.bar.say(LOADING_TEXT)  # "Try again" pressed: say at once that it is trying
        if not self.quiet:
            self._say_loading.start(SAY_LOADING_MS)
            self._say_waiting.start(SAY_WAITING_MS)
        delivered = self._delivered

        def work() -> None:
            try:
                result, error = read(), None
            except BaseException as exc:  # handed to the UI thread
                result, error = None, exc
            try:
                delivered.emit(key, generation, result, error)
            except RuntimeError:  # the page was closed meanwhile: nobody to tell
                pass

        threading.Thread(target=work, name="sp-page-load", daemon=True).start()

    def retry(self) -> None:
        for key in sorted(self._failed_keys):
            self.load(*self._pending[key], key=key)

    def cancel(self) -> None:
        """Stop waiting now: the page says so at once and keeps what it showed; a read still out
        is shut where it waits on the server (and its result, if it comes, is not shown)."""
        for key, generation in list(self._generation.items()):
            if self._shown.get(key) != generation:
                self._generation[key] = self._shown[key] = generation + 1  # the late result is ignored
                self._failed_keys.add(key)
        self._say_loading.stop()
        self._say_waiting.stop()
        self.page.setProperty("stale", True)
        self.db.deadlines.fire_all()  # a read waiting on the server returns at once ("connection lost")
        self.bar.say("Not loaded: you stopped waiting for the practice server. What is shown may be "
                     "out of date.", retry=True)

    def _deliver(self, key: str, generation: int, result: Any, error: BaseException | None) -> None:
        if generation != self._generation.get(key):
            return  # a newer load is out; this one's result is already old
        self._shown[key] = generation
        if not self.loading:
            self._say_loading.stop()
            self._say_waiting.stop()
        if error is None:
            self._failed_keys.discard(key)
            if not self.loading and not self._failed_keys:
                self.bar.hide()
            self._pending[key][1](result)
            return
        self._failed_keys.add(key)
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        from sp_desktop.db.faults import explain
        from sp_desktop.ui.server_banner import report_server_away

        fault = explain(error, self.db.describe())
        if fault is None:
            raise error  # not a database fault: a bug, for the crash handler
        if self.quiet:
            return
        self.page.setProperty("stale", True)  # shown again later: read again (ui/pages/lazy.py)
        self.bar.say(f"Not up to date: {fault.message} What is shown below may be out of date.", retry=True)
        if fault.server_away:
            report_server_away(self.page, fault.message)


def load_off_ui(loader: PageLoader | None, read: Callable[[], Any], show: Callable[[Any], None], *,
                key: str = "") -> None:
    """`loader.load(read, show, key=key)`, or for a widget used on its own (no loader) `show(read())`."""
    if loader is None:
        show(read())
    else:
        loader.load(read, show, key=key)


__all__ = ["LOADING_TEXT", "LoadingBar", "PageLoader", "SAY_LOADING_MS", "SAY_WAITING_MS", "WAITING_TEXT",
           "load_off_ui"]
