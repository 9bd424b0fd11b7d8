"""Closing the window stops work that may be abandoned (the weekly database check), and waits
for work that must finish (an import, a backup): closing never takes seconds because a check of
a large practice's database happened to be running, and never cuts short a change to the data."""

from __future__ import annotations

import threading
from typing import Any

from sp_desktop.ui.tasks import TaskRunner


def test_closing_stops_a_check_but_lets_other_work_finish(qtbot: Any) -> None:
    runner = TaskRunner()
    finished: list[str] = []
    check_started, import_started = threading.Event(), threading.Event()

    def check(progress: Any) -> str:  # like the database check: stops when asked, ~5 s otherwise
        check_started.set()
        for _ in range(500):
            if not progress(0, 0, ""):
                finished.append("check stopped")
                return "stopped"
            threading.Event().wait(0.01)
        finished.append("check done")
        return "done"

    def import_work(progress: Any) -> str:  # work that must finish
        import_started.set()
        threading.Event().wait(0.2)
        finished.append("import done")
        return "done"

    runner.start(check, lambda _r: None, lambda *_: None, stop_on_close=True)
    runner.start(import_work, lambda _r: None, lambda *_: None)
    assert check_started.wait(5) and import_started.wait(5)
    runner.stop_for_close()
    assert runner.wait(3000), "closing waited for the check"
    assert sorted(finished) == ["check stopped", "import done"]


def test_cyclic_garbage_holding_qt_objects_is_freed_on_the_ui_thread_only(qtbot, qapp):
    """A worker that allocates a lot must never trigger the collection of a cycle holding a Qt
    widget (that destroys the widget on the wrong thread and can crash Qt)."""
    import gc
    import threading

    from PySide6.QtWidgets import QWidget

    from sp_desktop.ui import gc_guard
    from sp_desktop.ui.tasks import TaskRunner

    collector = gc_guard.install(qapp)
    assert not gc.isenabled(), "automatic collection is off while the UI-thread collector runs"
    freed_on: list[str] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self
            self.widget = QWidget()

        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    for _ in range(50):
        Cycle()  # unreachable at once, but only a collection can free it
    runner = TaskRunner()
    results: list[int] = []

    def churn(progress) -> int:
        junk = [[object()] for _ in range(200_000)]  # far past generation 0's threshold
        return len(junk)

    runner.start(churn, results.append, lambda exc, tb: results.append(-1))
    qtbot.waitUntil(lambda: bool(results), timeout=20_000)
    assert results == [200_000]
    assert all(name == threading.main_thread().name for name in freed_on)
    keep = [[] for _ in range(50_000)]  # the UI thread passes the thresholds: the timer collects
    qtbot.waitUntil(lambda: len(freed_on) == 50, timeout=5 * collector.INTERVAL_MS + 5_000)
    del keep
    assert set(freed_on) == {threading.main_thread().name}
