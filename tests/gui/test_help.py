"""Help: Keyboard shortcuts (F1) lists the window's real shortcuts; the user guide opens offline and
covers the flows in UX.md; menus show the shortcuts beside their actions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from sp_desktop.db.models import Staff
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.ui.dialogs.help_dialog import KeyboardShortcutsDialog, UserGuideDialog, guide_text
from sp_desktop.ui.main_window import MainWindow


def _window(qtbot: Any, runtime: Runtime, name: str) -> MainWindow:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == name))
        assert staff is not None
        actor = Actor(staff.id, staff.name, staff.app_role)
    window = MainWindow(runtime, runtime.context(actor))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_f1_lists_the_shortcuts_people_use(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, "Rachel Reception")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    dialog = window.help_dialog
    assert isinstance(dialog, KeyboardShortcutsDialog)
    qtbot.waitExposed(dialog)
    dialog.grab().save("/tmp/i15-shots/keyboard_shortcuts.png")
    rows = {(dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
            for r in range(dialog.table.rowCount())}
    for expected in (("Print leaflet", "Ctrl+P"), ("Next patient", "Ctrl+Shift+N"),
                     ("Add to leaflet basket", "Ctrl+B"), ("Keyboard shortcuts", "F1"),
                     ("Log contact", "Ctrl+L")):
        assert any(what.startswith(expected[0]) and keys == expected[1] for what, keys in rows), expected
    # the Edit menu and File menu show the keys beside the actions
    assert window.leaflet_actions.next_patient_action.shortcut().toString() == "Ctrl+Shift+N"
    assert window.leaflet_actions.next_patient_action in window.file_menu.actions()


def test_the_user_guide_is_offline_and_covers_the_desk_flows(qtbot: Any, demo_runtime: Runtime) -> None:
    text = guide_text()
    for flow in ("Patient asks about help with debt", "two services and a note", "community worker rings",
                 "monthly review", "Who knows the carers", "Suggest a change", "Next patient",
                 "Please phone before you go", "Wellbeing questions", "Open Referral"):
        assert flow.lower() in text.lower(), flow
    window = _window(qtbot, demo_runtime, "Lena Link")
    window.show_guide()
    dialog = window.help_dialog
    assert isinstance(dialog, UserGuideDialog)
    qtbot.waitExposed(dialog)
    assert "Ctrl+P" in dialog.browser.toPlainText()
