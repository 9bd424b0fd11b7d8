"""GUI tests: every test gets its own empty QSettings (window geometry, remembered column widths and
splitters), so tests neither read nor write the real user's settings, nor each other's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def gc_on_the_ui_thread(qapp):
    """As in the app (sp_desktop/ui/gc_guard.py): a background task must never be the thread
    that frees a Qt object found in a reference cycle."""
    from sp_desktop.ui import gc_guard

    return gc_guard.install(qapp)


@pytest.fixture(autouse=True)
def private_qsettings(tmp_path: Path) -> Iterator[Path]:
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qsettings"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder / "user"))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(folder / "system"))
    yield folder


@pytest.fixture(autouse=True)
def unsaved_prompts_answer_discard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Forms with typing ask before closing (ui/widgets/unsaved.py). pytest-qt closes every widget at
    the end of a test; a real, modal question then would wait for ever. Unless a test answers it
    itself (monkeypatching `messages.ask_save_discard_cancel` again), the answer is "discard" and
    the question is recorded here."""
    from sp_desktop.ui import messages

    asked: list[str] = []

    def answer(parent: object, title: str, text: str) -> str:
        asked.append(text)
        return "discard"

    monkeypatch.setattr(messages, "ask_save_discard_cancel", answer)
    return asked


@pytest.fixture(autouse=True)
def no_modal_left_waiting(qapp) -> Iterator[None]:
    """A real modal dialog nobody answers would wait for ever, and pytest-timeout cannot interrupt
    Qt's own event loop: the whole run would hang until CI gives up. A dialog still open after
    MODAL_PATIENCE seconds is closed (rejected) and the test fails, naming it."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    patience = 45.0
    seen: dict[int, float] = {}
    closed: list[str] = []

    def check() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            seen.clear()
            return
        first = seen.setdefault(id(widget), time.monotonic())
        if time.monotonic() - first > patience:
            closed.append(f"{type(widget).__name__} “{widget.windowTitle()}”")
            if isinstance(widget, QDialog):
                widget.reject()
            else:
                widget.close()

    timer = QTimer()
    timer.setInterval(1000)
    timer.timeout.connect(check)
    timer.start()
    yield
    timer.stop()
    if closed:
        pytest.fail(f"A modal dialog was left waiting for an answer for {patience:.0f} s and closed: "
                    + ", ".join(closed))
