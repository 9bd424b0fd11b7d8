"""Who is using the window: Switch user, and locking after a spell of inactivity.

For shared reception PCs. `SessionGuard` owns the main window:

* **Switch user** (File menu, Ctrl+Shift+L; `MainWindow.switch_user_requested`): the sign-in
  dialog for anyone; the window is rebuilt for the new person (their role decides the pages
  and actions), after the old window agreed to close (unsaved edits are asked about).
* **Lock after idle**: an event filter on the QApplication restarts a timer on every key press,
  click, wheel or mouse move. When it fires, every window is covered by a curtain (nothing of
  the directory, trust notes or dialogs shows through; open dialogs keep their unsaved edits)
  and the sign-in dialog asks the same person for their password, with "Switch user" for a
  colleague. The delay is the practice setting `idle_lock_minutes` (Settings, "Lock when idle
  after"; 0 = never), re-read after changes.
* **A warning first**: a minute before the lock (`WARNING_SECONDS`) a bar across the top of the
  window says so and counts down, and a screen reader hears it at once; any key, click or mouse
  movement keeps the person signed in and takes the bar away. Someone reading slowly, or listening
  to a screen reader, is never locked out mid-sentence without notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QLabel, QVBoxLayout, QWidget

from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.services.settings import SettingsService
from sp_desktop.ui.dialogs.sign_in_dialog import SWITCH_USER, SignInDialog
from sp_desktop.ui.widgets.accessibility import announce

#: How long before the lock the warning shows.
WARNING_SECONDS = 60

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.TouchBegin, QEvent.Type.MouseButtonDblClick}

BuildWindow = Callable[[Runtime, Actor], Any]


class Curtain(QWidget):
    """Covers one window completely while the app is locked."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.target = target
        self.setObjectName("lock_curtain")
        self.setAccessibleName("Locked")
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        label = QLabel("🔒 Locked — sign in to carry on")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        label.setFont(font)
        layout.addWidget(label)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.raise_()
        self.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if obj is self.target and event.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded):
            self.setGeometry(self.target.rect())
            self.raise_()
        return False


class IdleWarning(QFrame):
    """The bar across the top of the window: "This screen locks in 45 seconds…"."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.target = target
        self.setObjectName("idle_warning")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # it never takes the focus from what is being read
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setObjectName("idle_warning_text")
        self.label.setWordWrap(True)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        layout.addWidget(self.label)
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        self.label.setText(f"⏱ This screen locks in {seconds} seconds, to keep patients' details private. "
                           "Press any key or move the mouse to stay signed in.")
        width = self.target.width()
        self.setGeometry(0, 0, width, self.heightForWidth(width) if self.hasHeightForWidth()
                         else self.sizeHint().height())
        self.show()
        self.raise_()


class SessionGuard(QObject):
    locked_changed = Signal(bool)
    window_replaced = Signal(object)

    def __init__(self, runtime: Runtime, app: QApplication, actor: Actor, build_window: BuildWindow) -> None:
        super().__init__()
        self.runtime = runtime
        self.app = app
        self.actor = actor
        self.build_window = build_window
        self.window: Any = None
        self.locked = False
        self.curtains: list[Curtain] = []
        self._enabled = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # restarted on activity: exact is cheap
        self.timer.timeout.connect(self.lock)
        # the warning a minute before (and a once-a-second countdown while it shows)
        self.warn_timer = QTimer(self)
        self.warn_timer.setSingleShot(True)
        self.warn_timer.timeout.connect(self.warn)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._tick)
        self.warning: IdleWarning | None = None
        app.installEventFilter(self)

    # ---- the window
    def start(self) -> Any:
        return self._show_window(self.actor)

    def _show_window(self, actor: Actor) -> Any:
        window = self.build_window(self.runtime, actor)
        window.switch_user_requested.connect(self.switch_user)
        window.data_changed.connect(lambda *_: self._settings_may_have_changed())
        window.guard = self  # keeps the guard alive as long as the window
        window.show()
        self.window = window
        self.actor = actor
        self.reset_timer(reload=True)
        return window

    def idle_minutes(self) -> int:
        try:
            return int(SettingsService(self.runtime.context(self.actor)).get().idle_lock_minutes)
        except Exception:  # the database is unreachable: do not lock people out because of it
            return 0

    def reset_timer(self, reload: bool = False) -> None:
        if reload:
            minutes = self.idle_minutes()
            self.timer.setInterval(max(0, minutes) * 60_000)
            self._enabled = minutes > 0
        if self._enabled and not self.locked:
            self.timer.start()
            self._restart_warning()
        else:
            self.timer.stop()
            self._end_warning()

    def _settings_may_have_changed(self) -> None:
        """After a change (here or on another PC): apply a new idle setting, but a change alone is not
        activity at this PC, so an unchanged setting leaves the countdown running."""
        minutes = self.idle_minutes()
        if (minutes > 0) != self._enabled or max(0, minutes) * 60_000 != self.timer.interval():
            self.reset_timer(reload=True)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if not self.locked and event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
            self._restart_warning()
        return False

    # ---- the warning before the lock
    def _restart_warning(self) -> None:
        """Count towards the warning again (activity, or a new setting); a warning showing goes."""
        self._end_warning()
        total = self.timer.interval()
        self.warn_timer.start(max(total - WARNING_SECONDS * 1000, total // 2))

    def _end_warning(self) -> None:
        self.warn_timer.stop()
        self.countdown.stop()
        if self._warning_alive() and self.warning.isVisible():
            self.warning.hide()
            announce("Still signed in.", self.window)

    def _warning_alive(self) -> bool:
        return self.warning is not None and shiboken6.isValid(self.warning)

    def seconds_left(self) -> int:
        return max(0, round(self.timer.remainingTime() / 1000))

    def warn(self) -> None:
        """Show and say how long is left before the lock; count down once a second."""
        if self.locked or self.window is None or not self.timer.isActive():
            return
        warning = self.warning
        if not self._warning_alive() or warning is None or warning.target is not self.window:
            warning = self.warning = IdleWarning(self.window)
        warning.show_seconds(self.seconds_left())
        announce(warning.label.text(), warning, assertive=True)
        self.countdown.start()

    def _tick(self) -> None:
        warning = self.warning
        if not self._warning_alive() or warning is None or not self.timer.isActive():
            self.countdown.stop()
            return
        warning.show_seconds(self.seconds_left())

    # ---- locking
    def _cover(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and not isinstance(widget, (SignInDialog, Curtain)):
                self.curtains.append(Curtain(widget))

    def _uncover(self) -> None:
        for curtain in self.curtains:
            curtain.target.removeEventFilter(curtain)
            curtain.hide()
            curtain.deleteLater()
        self.curtains = []

    def lock(self) -> None:
        """Hide everything and ask the signed-in person for their password again."""
        if self.locked or self.window is None:
            return
        self.locked = True
        self.timer.stop()
        self.warn_timer.stop()
        self.countdown.stop()
        if self._warning_alive():
            self.warning.hide()
        self._cover()
        self.locked_changed.emit(True)
        while self.locked:
            result = SignInDialog.ask_unlock(self.runtime.sign_in_context(), self.actor, self.runtime.demo)
            if isinstance(result, Actor):
                self._unlock()
            elif result == SWITCH_USER:
                other = SignInDialog.ask(self.runtime.sign_in_context(), demo=self.runtime.demo)
                if other is not None and self._replace_window(other, from_lock=True):
                    self._unlock()
            else:  # "Close sp_desktop"
                self._uncover()
                self.locked = False
                self._close_dialogs()
                self.window.close()
                if self.window.isVisible():  # something still unsaved: lock again
                    self.locked = False
                    self.lock()
                return

    def _unlock(self) -> None:
        self._uncover()
        self.locked = False
        self.locked_changed.emit(False)
        self.reset_timer()

    # ---- switching
    def _close_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible() and not isinstance(widget, SignInDialog):
                widget.reject()

    def _can_close(self, window: Any) -> bool:
        pages = getattr(window, "pages", {})
        pages = pages.built() if hasattr(pages, "built") else pages  # pages not built yet hold no edits
        for page in pages.values():
            can_close = getattr(page, "can_close", None)
            if can_close is not None and not can_close():
                return False
        return True

    def _replace_window(self, actor: Actor, from_lock: bool = False) -> bool:
        old = self.window
        if old is not None and not self._can_close(old):
            return False
        self._close_dialogs()
        if from_lock:
            self._uncover()
        self._show_window(actor)  # before closing the old one, so the app does not quit
        if old is not None:
            old.switch_user_requested.disconnect(self.switch_user)
            old.close()
            old.deleteLater()
        self.window_replaced.emit(self.window)
        return True

    def switch_user(self) -> None:
        """Someone else wants to use this PC: sign them in and rebuild the window for them."""
        actor = SignInDialog.ask(self.runtime.sign_in_context(), demo=self.runtime.demo, parent=self.window)
        if actor is None:
            return
        if actor.id == self.actor.id and actor.role == self.actor.role:
            return  # the same person: nothing to rebuild
        self._replace_window(actor)


__all__ = ["Curtain", "SessionGuard"]
