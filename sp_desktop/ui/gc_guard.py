"""Garbage collection only on the UI thread.

Python's cyclic garbage collector runs in whichever thread happens to allocate when a threshold
is crossed. If that is a worker thread (an import reading a spreadsheet, the PostgreSQL change
listener) and the garbage holds a Qt object, the object is destroyed on the wrong thread and Qt
can crash (seen once as a segmentation fault while an import was being cancelled). The cure used
by long-lived PyQt/PySide applications (Anki's aqt among them) is to switch automatic collection
off and collect on a UI-thread timer instead, generation by generation, with the same thresholds
Python would have used. Reference counting still frees everything that is not in a cycle at
once; only cycles wait, for at most `INTERVAL_MS`.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer


class UiThreadGarbageCollector(QObject):
    """Installed once per QApplication (see `install`)."""

    INTERVAL_MS = 500

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect the generations whose counts passed Python's own thresholds."""
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)

    def uninstall(self) -> None:
        self.timer.stop()
        if self.was_enabled:
            gc.enable()


def install(app: QCoreApplication) -> UiThreadGarbageCollector:
    """Switch automatic collection to the UI thread of `app` (idempotent)."""
    existing = app.findChild(UiThreadGarbageCollector)
    if isinstance(existing, UiThreadGarbageCollector):
        return existing
    collector = UiThreadGarbageCollector(app)
    collector.setObjectName("ui_thread_garbage_collector")
    return collector


__all__ = ["UiThreadGarbageCollector", "install"]
