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
