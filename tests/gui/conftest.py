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
