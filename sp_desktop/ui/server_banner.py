"""A banner across the top of the window while the practice server is away, with Retry.

Shown when the change watcher's connection to the server has been down for a few seconds (the
server stopped or restarting, the network gone), or when a save or search was refused because the
server could not be reached (`report_server_away`). It says so plainly and offers Retry, which checks
the server off the UI thread (`server_wait.call_waiting`); when the server is back — found by Retry
or by the watcher reconnecting — the banner goes and the window refreshes. Forms that are open keep
everything typed in them: the banner never touches them.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QSizePolicy, QToolBar, QWidget

from sp_desktop.diagnostics import log

AWAY_TEXT = ("The practice server cannot be reached just now. You can keep reading what is on screen; "
             "changes cannot be saved until it is back. Anything you are typing is kept.")
#: The watcher must have been disconnected this long before the banner shows (a restart is quicker).
SHOW_AFTER_S = 3.0


class ServerBanner(QToolBar):
    def __init__(self, window: Any, watcher: Any = None) -> None:
        super().__init__("Practice server", window)
        self.window_ = window
        self.watcher = watcher
        self.setObjectName("server_banner")
        self.setAccessibleName("The practice server cannot be reached")
        self.setMovable(False)
        self.setFloatable(False)
        self.setStyleSheet("QToolBar#server_banner { background: #fff4ce; "
                           "border-bottom: 1px solid #c9a400; }")
        self.label = QLabel(AWAY_TEXT)
        self.label.setObjectName("server_banner_text")
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(400)
        self.label.setContentsMargins(8, 4, 8, 4)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                           | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addWidget(self.label)
        self.retry = QPushButton("&Retry")
        self.retry.setObjectName("server_banner_retry")
        self.retry.setAccessibleName("Try the practice server again")
        self.retry.clicked.connect(self.try_again)
        self.addWidget(self.retry)
        self.setVisible(False)
        self._down_since: float | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._follow_watcher)
        if watcher is not None and hasattr(watcher, "connected"):
            self.timer.start()

    # ---- showing and hiding
    def server_away(self, message: str = "") -> None:
        if not self.isVisible():
            log.warning("practice server away: banner shown")
        self.label.setText(message or AWAY_TEXT)
        self.setVisible(True)

    def server_back(self) -> None:
        if not self.isVisible():
            return
        log.info("practice server back: banner hidden, window refreshed")
        self.setVisible(False)
        from sp_desktop.ui.change_watcher import refresh_after_change

        refresh_after_change(self.window_, elsewhere=False)

    def _follow_watcher(self) -> None:
        connected = self.watcher.connected.is_set()
        if connected:
            if self._down_since is not None:  # the watcher was cut off and has reconnected: it is back
                self._down_since = None
                self.server_back()
            return
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
        elif now - self._down_since >= SHOW_AFTER_S:
            self.server_away(self.label.text() if self.isVisible() else "")

    def try_again(self) -> bool:
        """Retry: is the server back? (checked off the UI thread)"""
        from sp_desktop.db.faults import explain
        from sp_desktop.ui.server_wait import Cancelled, call_waiting

        db = self.window_.runtime.db

        def ping() -> None:
            with db.engine.connect():
                pass

        self.retry.setEnabled(False)
        try:
            call_waiting(self.window_, db, ping)
        except Cancelled:
            return False
        except Exception as exc:
            fault = explain(exc, db.describe())
            if fault is None:
                raise
            self.label.setText(f"Still cannot reach the practice server ({time.strftime('%H:%M:%S')}). "
                               f"{fault.message}")
            return False
        finally:
            self.retry.setEnabled(True)
        self._down_since = None
        self.server_back()
        return True


def install_server_banner(window: Any, watcher: Any = None) -> ServerBanner:
    banner = ServerBanner(window, watcher)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, banner)
    window.server_banner = banner
    return banner


def report_server_away(widget: QWidget | None, message: str = "") -> None:
    """A save or search found the server away: show the banner on the main window (if any)."""
    windows = [widget.window()] if widget is not None else []
    windows += [w for w in QApplication.topLevelWidgets() if w.objectName() == "MainWindow"]
    parent = widget.parentWidget() if widget is not None else None
    while parent is not None:
        windows.insert(0, parent.window())
        parent = parent.window().parentWidget()
    for w in windows:
        banner = getattr(w, "server_banner", None)
        if isinstance(banner, ServerBanner):
            banner.server_away(message)
            return


__all__ = ["AWAY_TEXT", "ServerBanner", "install_server_banner", "report_server_away"]

