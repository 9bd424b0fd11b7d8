"""Background work with progress: imports, exports, booklets and backups never freeze the window.

`run_task(parent, title, fn)` runs `fn(progress)` on a worker thread while a modal progress
dialog with a Cancel button is shown. `progress(done, total, text)` reports progress and returns
False once the user pressed Cancel (the function should then stop, raising `Cancelled`).
The result or the error is delivered back on the UI thread.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from sp_desktop.services.tasks import Cancelled, Progress


class _Signals(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)


class Task(QRunnable):
    """A unit of background work. Connect to `signals` before starting it."""

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)
        self.stop_on_close = False  # safe to abandon when the window closes (a database check)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int, text: str = "") -> bool:
        self.signals.progressed.emit(done, total, text)
        return not self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self._progress)
        except BaseException as exc:  # delivered to the UI thread, never lost
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)


#: How often, at most, Python hands its lock from a busy worker to the UI thread while background
#: work runs (seconds). Python's default (5 ms) is paid by every event the window handles in Python
#: (event filters, timers, painting callbacks): a burst of a few dozen events then waits a quarter of
#: a second behind a worker making a leaflet. Shorter turns keep the window answering within its
#: 200 ms budget (tests/benchmarks/test_front_desk_print_benchmark.py); the default comes back
#: when no task runs.
BUSY_SWITCH_INTERVAL = 0.0005


class TaskRunner(QObject):
    """Starts tasks on a thread pool and keeps them alive until they finish."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running: set[Task] = set()

    def start(self, fn: Callable[[Progress], Any], on_done: Callable[[Any], None],
              on_error: Callable[[BaseException, str], None],
              on_progress: Callable[[int, int, str], None] | None = None, *,
              stop_on_close: bool = False) -> Task:
        task = Task(fn)
        task.stop_on_close = stop_on_close
        self._add(task)
        if on_progress:
            task.signals.progressed.connect(on_progress, Qt.ConnectionType.QueuedConnection)

        def done(result: Any) -> None:
            self._discard(task)
            on_done(result)

        def failed(exc: BaseException, tb: str) -> None:
            self._discard(task)
            on_error(exc, tb)

        task.signals.finished.connect(done, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        self.pool.start(task)
        return task

    _normal_interval: float | None = None  # Python's own switch interval, while a task runs

    def _add(self, task: Task) -> None:
        if not self._running and TaskRunner._normal_interval is None:
            TaskRunner._normal_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(BUSY_SWITCH_INTERVAL, TaskRunner._normal_interval))
        self._running.add(task)

    def _discard(self, task: Task) -> None:
        self._running.discard(task)
        if not self._running and TaskRunner._normal_interval is not None:
            sys.setswitchinterval(TaskRunner._normal_interval)
            TaskRunner._normal_interval = None

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

    def busy(self) -> bool:
        """True while a task has not yet reported back (its result not yet handled)."""
        return bool(self._running)

    def stop_for_close(self) -> None:
        """The window is closing: cancel the work that may be abandoned (started with
        `stop_on_close`), so that closing waits only for work that must finish."""
        for task in list(self._running):
            if task.stop_on_close:
                task.cancel()


def run_with_progress(parent: QWidget, runner: TaskRunner, title: str, fn: Callable[[Progress], Any],
                      on_done: Callable[[Any], None], on_error: Callable[[BaseException, str], None]) -> Task:
    """Run `fn` in the background behind a modal progress dialog with Cancel."""
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)

    def finish(result: Any) -> None:
        dialog.close()
        on_done(result)

    def fail(exc: BaseException, tb: str) -> None:
        dialog.close()
        if not isinstance(exc, Cancelled):
            on_error(exc, tb)

    task = runner.start(fn, finish, fail, progressed)
    dialog.canceled.connect(task.cancel)
    dialog.show()
    return task
