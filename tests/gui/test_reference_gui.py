"""Ctrl+K from anywhere in the real window: the desk acknowledges a leaflet reference that an
organisation quoted back. Real SQLite demo database; keys typed with qtbot."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select

from sp_desktop.db.models import Organisation, ReferenceAcknowledgement, Service, Staff
from sp_desktop.domain.enums import AckOutcome, VettingStatus
from sp_desktop.domain.references import ALPHABET, normalise
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.services.references import ReferenceService
from sp_desktop.ui.dialogs.acknowledge_dialog import AcknowledgeDialog
from sp_desktop.ui.main_window import MainWindow


def _actor(runtime: Runtime, name: str) -> Actor:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == name))
        return Actor(staff.id, staff.name, staff.app_role)


@pytest.fixture
def desk(qtbot: Any, demo_runtime: Runtime) -> tuple[MainWindow, Actor, int, str]:
    rachel = _actor(demo_runtime, "Rachel Reception")
    with demo_runtime.db.read() as s:
        service_id = s.scalar(select(Service.id).join(Organisation)
                              .where(Organisation.vetting_status == VettingStatus.APPROVED)
                              .order_by(Service.id).limit(1))
    code = ReferenceService(demo_runtime.context(rachel)).issue([service_id], "print")
    window = MainWindow(demo_runtime, demo_runtime.context(rachel))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, rachel, service_id, code


class Seen(dict[str, Any]):
    """What the steps saw inside the dialog; holds the polling timer so it lives as long."""

    poll: QTimer


def _in_dialog(qtbot: Any, steps: Any) -> Seen:
    """Run `steps(dialog)` inside the modal dialog's event loop, once it is open."""
    seen = Seen()
    poll = seen.poll = QTimer()

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AcknowledgeDialog):
            return
        poll.stop()
        try:
            steps(dialog, seen)
        finally:
            if dialog.isVisible():
                seen["left_open"] = True
                dialog.reject()

    poll.timeout.connect(act)
    poll.start(20)
    return seen


def test_ctrl_k_then_a_mistyped_code_offers_the_near_match_and_enter_records(qtbot, desk, demo_runtime):
    window, _rachel, service_id, code = desk
    raw = normalise(code)
    typo = raw[:2] + next(ch for ch in ALPHABET if ch != raw[2]) + raw[3:]

    def steps(dialog: AcknowledgeDialog, seen: dict[str, Any]) -> None:
        seen["focus"] = dialog.focusWidget() is dialog.code
        qtbot.keyClicks(dialog.code, typo.lower())
        seen["typo_text"] = dialog.found.text()
        use = [b for b in dialog.findChildren(QPushButton) if b.isVisible() and b.text() == f"Use {code}"]
        seen["offered"] = len(use)
        qtbot.mouseClick(use[0], Qt.MouseButton.LeftButton)
        seen["after_use"] = dialog.found.text()
        dialog.outcome.setCurrentIndex(dialog.outcome.findData(AckOutcome.ATTENDED))
        qtbot.keyClick(dialog.services, Qt.Key.Key_Return)  # Enter: the default button, Record

    seen = _in_dialog(qtbot, steps)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "after_use" in seen or "left_open" in seen, timeout=10000)
    assert seen["focus"] is True
    assert "is not a reference this practice gave out" in seen["typo_text"] and seen["offered"] == 1
    assert seen["after_use"].startswith(f"✓ {code}: given on")
    assert "left_open" not in seen
    with demo_runtime.db.read() as s:
        ack = s.scalar(select(ReferenceAcknowledgement))
        assert ack is not None and ack.service_id == service_id and ack.outcome is AckOutcome.ATTENDED
    assert "acknowledged for" in window.statusBar().currentMessage()


def test_escape_records_nothing_and_a_used_code_is_refused_in_words(qtbot, desk, demo_runtime):
    window, rachel, service_id, code = desk

    def escape(dialog: AcknowledgeDialog, seen: dict[str, Any]) -> None:
        qtbot.keyClicks(dialog.code, code)
        qtbot.keyClick(dialog.code, Qt.Key.Key_Escape)
        seen["closed"] = not dialog.isVisible()

    seen = _in_dialog(qtbot, escape)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "closed" in seen, timeout=10000)
    with demo_runtime.db.read() as s:
        assert s.scalar(select(ReferenceAcknowledgement)) is None

    ReferenceService(demo_runtime.context(rachel)).acknowledge(code, service_id)
    window.activateWindow()  # the offscreen platform does not give activation back by itself
    qtbot.waitUntil(window.isActiveWindow)

    def again(dialog: AcknowledgeDialog, seen: dict[str, Any]) -> None:
        qtbot.keyClicks(dialog.code, code)
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
        seen["text"] = dialog.found.text()
        seen["still_open"] = dialog.isVisible()
        seen["typed"] = dialog.code.text()

    seen = _in_dialog(qtbot, again)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "text" in seen, timeout=10000)
    assert "already acknowledged" in seen["text"] and seen["still_open"] and seen["typed"] == code
