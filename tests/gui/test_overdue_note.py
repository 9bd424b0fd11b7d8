"""The status bar's "! 6 vetting reviews overdue" follows the data: after a change on another PC
(the change watcher refreshes the window), and after a page here saves something."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from sp_desktop.db.engine import Database
from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM, Actor, ServiceContext
from sp_desktop.services.vetting import DueKind, VettingService
from sp_desktop.ui.change_watcher import HELD_BACK_MESSAGE, watch_for_changes
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages import PageSpec, page_specs
from sp_desktop.ui.vetting_actions import overdue_text


def _overdue_ids(ctx: ServiceContext) -> list[int]:
    return [r.organisation_id for r in VettingService(ctx).reviews_due() if r.kind is DueKind.OVERDUE]


def _suspend_elsewhere(runtime: Runtime, organisation_id: int) -> None:
    """Another PC (its own connections to the same database) suspends an organisation."""
    other = Database.open(runtime.db.url)
    try:
        ctx = ServiceContext(other, runtime.clock, Actor(None, "Other PC", AppRole.ADMINISTRATOR))
        VettingService(ctx).suspend(organisation_id, "Closed for refurbishment")
    finally:
        other.dispose()


def _note(window: MainWindow) -> str:
    label = window.vetting_actions.overdue_label  # type: ignore[attr-defined]  # install_vetting_actions()
    return label.text() if label.isVisibleTo(window) else ""


def test_overdue_note_follows_a_change_on_another_pc(qtbot: Any, demo_runtime: Runtime) -> None:
    window = MainWindow(demo_runtime, demo_runtime.context(SYSTEM))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    adapter = watch_for_changes(window, demo_runtime.db, interval_ms=50)
    assert adapter is not None
    overdue = _overdue_ids(demo_runtime.context(SYSTEM))
    assert len(overdue) >= 2
    assert overdue_text(len(overdue)) in _note(window)

    _suspend_elsewhere(demo_runtime, overdue[0])
    qtbot.waitUntil(lambda: overdue_text(len(overdue) - 1) in _note(window), timeout=10000)
    adapter.stop()


class EditingPage(QWidget):
    """A page holding unsaved edits: the watcher leaves it alone."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, window: Any) -> None:
        super().__init__()
        self.box = QLineEdit()
        QVBoxLayout(self).addWidget(self.box)

    def refresh(self) -> None:
        self.box.clear()

    def has_unsaved_changes(self) -> bool:
        return bool(self.box.text())


def test_overdue_note_follows_even_while_the_page_keeps_unsaved_edits(qtbot: Any,
                                                                      demo_runtime: Runtime) -> None:
    window = MainWindow(demo_runtime, demo_runtime.context(SYSTEM),
                        specs=[PageSpec("editing", "Editing", EditingPage),
                               *[s for s in page_specs() if s.key == "reviews"]])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    adapter = watch_for_changes(window, demo_runtime.db, interval_ms=50)
    assert adapter is not None
    overdue = _overdue_ids(demo_runtime.context(SYSTEM))
    qtbot.keyClicks(window.page("editing").box, "half-typed note")

    _suspend_elsewhere(demo_runtime, overdue[0])
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == HELD_BACK_MESSAGE, timeout=10000)
    assert window.page("editing").box.text() == "half-typed note", "the edits are kept"
    qtbot.waitUntil(lambda: overdue_text(len(overdue) - 1) in _note(window), timeout=10000)
    adapter.stop()


def test_overdue_note_follows_a_save_on_a_page_here(qtbot: Any, demo_runtime: Runtime) -> None:
    window = MainWindow(demo_runtime, demo_runtime.context(SYSTEM))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    ctx = demo_runtime.context(Actor(None, "Admin", AppRole.ADMINISTRATOR))
    overdue = _overdue_ids(ctx)
    page = window.show_page("reviews")
    VettingService(ctx).suspend(overdue[0], "Closed for refurbishment")
    page.changed.emit()  # what a page does after it saved something
    assert overdue_text(len(overdue) - 1) in _note(window)
    for organisation_id in overdue[1:]:
        VettingService(ctx).suspend(organisation_id, "Closed for refurbishment")
    window.data_changed.emit("")
    assert _note(window) == "", "no note when nothing is overdue"
