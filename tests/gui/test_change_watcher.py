"""The window follows changes made elsewhere (another window / PC on the same database): the
directory refreshes by itself, keeping the selection, the search text and the keyboard focus;
a page holding unsaved edits is left alone; nothing here counts as activity for the idle lock."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from sp_desktop.db.engine import Database
from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM, Actor, ServiceContext, SystemClock
from sp_desktop.services.concurrency import service_form_from
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.ui.change_watcher import ELSEWHERE_MESSAGE, HELD_BACK_MESSAGE, watch_for_changes
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages import PageSpec


def _other_pc(runtime: Runtime) -> tuple[Database, DirectoryService]:
    other = Database.open(runtime.db.url)  # its own connections, as another PC/window would have
    return other, DirectoryService(ServiceContext(other, SystemClock(),
                                                  Actor(None, "Other PC", AppRole.ADMINISTRATOR)))


def test_directory_refreshes_by_itself_keeping_selection_text_and_focus(qtbot: Any,
                                                                        demo_runtime: Runtime) -> None:
    window = MainWindow(demo_runtime, demo_runtime.context(SYSTEM))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    adapter = watch_for_changes(window, demo_runtime.db, interval_ms=50)
    assert adapter is not None
    emitted: list[str] = []
    window.data_changed.connect(emitted.append)

    page = window.page("directory")
    page.search.setText("debt")
    page.run_search()
    assert page.model.rowCount() >= 3
    chosen = page.model.rows()[2]
    page.select_service(chosen.id)
    page.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    page.search.setCursorPosition(2)
    assert page.search.cursorPosition() == 2

    other, directory = _other_pc(demo_runtime)
    try:
        form = service_form_from(directory.get_service(chosen.id))
        form.name = chosen.name + " (renamed on the front desk PC)"
        directory.save_service(form, chosen.id, expected_version=directory.get_service(chosen.id).version)
    finally:
        other.dispose()

    qtbot.waitUntil(lambda: page.selected_row() is not None and "front desk PC" in page.selected_row().name,
                    timeout=10000)
    assert page.selected_service_id() == chosen.id, "the same service is still selected"
    assert page.search.text() == "debt" and page.search.cursorPosition() == 2
    assert QApplication.focusWidget() is page.search, "focus stayed in the search box"
    assert window.statusBar().currentMessage() == ELSEWHERE_MESSAGE
    assert emitted == [], "changes from elsewhere do not count as activity here (idle lock)"
    adapter.stop()


class EditingPage(QWidget):
    """A page with a text box holding unsaved edits."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, window: Any) -> None:
        super().__init__()
        self.refreshes = 0
        self.box = QLineEdit()
        self.box.setAccessibleName("Notes")
        QVBoxLayout(self).addWidget(self.box)

    def refresh(self) -> None:
        self.refreshes += 1
        self.box.clear()

    def has_unsaved_changes(self) -> bool:
        return bool(self.box.text())


def test_a_page_with_unsaved_edits_is_not_refreshed_under_the_person(qtbot: Any, runtime: Runtime) -> None:
    window = MainWindow(runtime, runtime.context(SYSTEM), specs=[PageSpec("editing", "Editing", EditingPage)])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    adapter = watch_for_changes(window, runtime.db, interval_ms=50)
    assert adapter is not None
    page = window.page("editing")
    before = page.refreshes
    qtbot.keyClicks(page.box, "half-typed note")

    other, directory = _other_pc(runtime)
    try:
        directory.save_organisation(OrganisationForm(name="Added elsewhere"))
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == HELD_BACK_MESSAGE, timeout=10000)
    assert page.box.text() == "half-typed note" and page.refreshes == before
    assert page.property("stale") is True

    page.box.clear()  # nothing unsaved any more: the next change refreshes it
    other, directory = _other_pc(runtime)
    try:
        directory.save_organisation(OrganisationForm(name="Added elsewhere again"))
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: page.refreshes > before, timeout=10000)
    adapter.stop()
