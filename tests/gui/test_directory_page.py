"""The Directory page through the real main window: search, filters, keyboard, sorting, the detail
pane, the extension points and archiving. Real SQLite databases (the demo directory where a
realistic directory matters); dialogs and message boxes are replaced where noted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from sp_desktop.db.engine import Database
from sp_desktop.db.models import Staff
from sp_desktop.domain.enums import AccessRoute, AppRole, OrganisationStatus, ServiceStatus, VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor, FixedClock
from sp_desktop.services.directory import (
    DirectoryService,
    SearchFilters,
    SearchResult,
    ServiceDetail,
    ServiceRow,
)
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.archive_dialog import ArchiveChoice, ArchiveDialog
from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog
from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.models.service_table_model import (
    COL_COST,
    COL_LAST_CHECKED,
    COL_SERVICE,
    COL_TOWN,
    COL_VETTING,
    ServiceTableModel,
)
from sp_desktop.ui.pages.directory_page import PLACEHOLDER, DirectoryPage, match_text


def staff_in(db: Database, clock: FixedClock, role: AppRole, name: str) -> Actor:
    with db.write(clock) as s:
        staff = Staff(name=name, job_role=role.label, app_role=role)
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.name, role)


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(runtime: Runtime, role: AppRole = AppRole.ADMINISTRATOR, name: str = "Morag Lead") -> MainWindow:
        actor = staff_in(runtime.db, runtime.clock, role, name)  # type: ignore[arg-type]
        window = MainWindow(runtime, runtime.context(actor))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        windows.append(window)
        return window

    yield make


def page_of(window: MainWindow) -> DirectoryPage:
    page = window.page("directory")
    assert isinstance(page, DirectoryPage)
    return page


def type_search(qtbot: Any, page: DirectoryPage, text: str) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == text)


def names(page: DirectoryPage) -> list[str]:
    return [r.name for r in page.model.rows()]


# ---------------------------------------------------------------------------------------- the model
def test_table_model_passes_qtmodeltester_with_real_rows(qtmodeltester: Any, demo_runtime: Runtime) -> None:
    rows = DirectoryService(demo_runtime.context()).search("").rows
    assert len(rows) >= 100
    model = ServiceTableModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.sort(COL_TOWN, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert model.rowCount() == len(rows)


def test_vetting_column_shows_text_and_symbol_never_colour_alone(demo_runtime: Runtime) -> None:
    rows = DirectoryService(demo_runtime.context()).search("debt").rows
    model = ServiceTableModel()
    model.set_rows(rows)
    texts = {model.index(r, COL_VETTING).data() for r in range(model.rowCount())}
    for status in {r.vetting_status for r in rows}:
        assert f"{status.label} {status.symbol}" in texts
    assert model.index(0, COL_LAST_CHECKED).data().split()[1] in {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


# ---------------------------------------------------------------------------------------- searching
def test_search_box_has_focus_on_start_with_placeholder(qtbot: Any, open_window: Any,
                                                        demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    assert page.search.placeholderText() == PLACEHOLDER
    assert window.match_label.text().endswith("services match")


def test_typing_debt_shows_debt_services_first(qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    type_search(qtbot, page, "debt")
    rows = page.model.rows()
    assert rows, "debt found nothing"
    assert "debt" in rows[0].name.lower()
    # every service with "debt" in its name is ranked above every one without
    flags = ["debt" in r.name.lower() for r in rows]
    assert flags == sorted(flags, reverse=True)
    assert any("Debt advice" in r.categories for r in rows[:3])
    total = DirectoryService(demo_runtime.context()).search("debt").total
    assert window.match_label.text() == f"{total} services match"
    # the best match is selected and shown in the detail pane
    assert page.selected_service_id() == rows[0].id
    assert rows[0].name in page.detail.toPlainText()


def test_filters_narrow_the_results(qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    everything = len(page.model.rows())

    page.filters.free_only.setChecked(True)
    free = page.model.rows()
    assert 0 < len(free) < everything
    assert all(r.is_free for r in free)

    drop_in = page.filters.access.findData(AccessRoute.DROP_IN)
    page.filters.access.setCurrentIndex(drop_in)
    rows = page.model.rows()
    assert 0 < len(rows) < len(free)
    assert all(AccessRoute.DROP_IN in r.access for r in rows)

    page.filters.free_only.setChecked(False)
    page.filters.access.setCurrentIndex(0)
    combo = page.filters.category
    debt = next(i for i in range(combo.count()) if combo.itemText(i).strip() == "Debt advice")
    assert combo.itemText(debt).startswith(" "), "child categories are indented under their parent"
    combo.setCurrentIndex(debt)
    rows = page.model.rows()
    assert rows and all("Debt advice" in r.categories for r in rows)

    combo.setCurrentIndex(0)
    page.filters.age.setValue(8)
    assert all((r.id in {x.id for x in DirectoryService(demo_runtime.context())
                         .search("", SearchFilters(age=8)).rows}) for r in page.model.rows())
    assert len(page.model.rows()) < everything


def test_esc_clears_search_and_filters(qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    everything = len(page.model.rows())
    type_search(qtbot, page, "debt")
    page.filters.free_only.setChecked(True)
    assert len(page.model.rows()) < everything
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    assert page.filters.is_default()
    assert len(page.model.rows()) == everything
    assert QApplication.focusWidget() is page.search


def test_no_match_empty_state_says_what_to_do(qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    type_search(qtbot, page, "xyzzyplover")
    assert page.results_stack.currentWidget() is page.empty
    assert page.empty_label.text() == ("No services match “xyzzyplover” — try fewer or other words "
                                       "(Esc clears the search).")
    assert window.match_label.text() == "No services match"
    page.filters.free_only.setChecked(True)
    assert "clear the filters (Esc)" in page.empty_label.text()


def test_empty_directory_invites_adding_an_organisation(open_window: Any, runtime: Runtime) -> None:
    page = page_of(open_window(runtime))
    assert page.results_stack.currentWidget() is page.empty
    assert page.empty_label.text() == "No organisations yet — add one with Ctrl+N."
    assert page.empty_button.isVisible()


def test_match_count_text() -> None:
    assert match_text(SearchResult((), 0, "x")) == "No services match"
    one = SearchResult((_row(),), 1, "x")
    assert match_text(one) == "1 service matches"
    many = SearchResult((_row(),) * 1000, 5321, "")
    assert match_text(many) == "Showing first 1,000 of 5,321 matching services"


def _row() -> ServiceRow:
    return ServiceRow(1, "Walk", 1, "Org", "", "", True, None, (), None, ServiceStatus.ACTIVE,
                      OrganisationStatus.ACTIVE, VettingStatus.APPROVED, False)


def test_filter_bar_hands_the_service_real_enums(open_window: Any, demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    page.filters.access.setCurrentIndex(page.filters.access.findData(AccessRoute.APPOINTMENT))
    page.filters.vetting.setCurrentIndex(page.filters.vetting.findData(VettingStatus.APPROVED))
    f = page.filters.filters()
    assert f.access is AccessRoute.APPOINTMENT and f.vetting is VettingStatus.APPROVED
    assert all(r.vetting_status is VettingStatus.APPROVED for r in page.model.rows())


# ---------------------------------------------------------------------------------------- keyboard
def test_keyboard_flow_type_down_enter_opens_the_service(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[dict[str, Any]] = []
    monkeypatch.setattr(EditServiceDialog, "ask",
                        classmethod(lambda cls, parent, ctx, **kw: opened.append(kw)))
    page = page_of(open_window(demo_runtime))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    qtbot.keyClicks(QApplication.focusWidget(), "debt")
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == "debt")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    first = page.model.rows()[0]
    assert page.selected_service_id() == first.id
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    second = page.model.rows()[1]
    assert page.selected_service_id() == second.id
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert opened == [{"service_id": second.id}]
    # ↑ from the first row goes back to the search box
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    assert QApplication.focusWidget() is page.search


def test_tab_order_runs_search_filters_then_results(qtbot: Any, open_window: Any,
                                                    demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    seen = []
    for _ in range(9):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    f = page.filters
    expected = [f.category, f.access, f.free_only, f.status, f.age, f.vetting, f.clear_button, page.table]
    got = [w.parent() if w.parent() is f.age else w for w in seen]  # the spin box's inner line edit
    assert got[:len(expected)] == expected


def test_ctrl_n_offers_new_organisation_or_new_service(qtbot: Any, open_window: Any,
                                                       demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    type_search(qtbot, page, "debt")
    qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    menu = page._new_menu
    qtbot.waitUntil(menu.isVisible)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["New organisation…", f"New service for {page.model.rows()[0].organisation_name}…"]
    menu.close()


def test_ctrl_f_focuses_search_and_ctrl_e_edits_the_organisation(qtbot: Any, open_window: Any,
                                                                  demo_runtime: Runtime,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[dict[str, Any]] = []
    monkeypatch.setattr(EditOrganisationDialog, "ask",
                        classmethod(lambda cls, parent, ctx, **kw: opened.append(kw)))
    window = open_window(demo_runtime)
    page = page_of(window)
    type_search(qtbot, page, "debt")
    page.focus_results()
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert opened == [{"organisation_id": page.model.rows()[0].organisation_id}]
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search


def test_edit_menu_is_in_the_menu_bar(qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    qtbot.waitUntil(lambda: page.edit_menu is not None)
    titles = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    assert titles.index("&Edit") == titles.index("&File") + 1
    texts = [a.text() for a in page.edit_menu.actions() if not a.isSeparator()]  # type: ignore[union-attr]
    for wanted in ("New organisation…", "Edit organisation…", "Archive…"):
        assert wanted in texts
    assert any(t.startswith("New service") for t in texts)
    assert any(t.startswith("Edit service") for t in texts)
    # it belongs to this page: hidden while another page is shown
    other = next((key for key in window.pages if key != "directory"), None)
    if other is not None:
        window.show_page(other)
        assert not page.edit_menu.menuAction().isVisible()  # type: ignore[union-attr]
        window.show_page("directory")
        assert page.edit_menu.menuAction().isVisible()  # type: ignore[union-attr]


def test_every_control_on_the_page_has_an_accessible_name(open_window: Any, demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    missing = []
    for w in page.findChildren(QWidget):
        if not w.isVisibleTo(page) or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if w.parent() is not None and type(w.parent()).__name__ in ("QSpinBox", "QComboBox", "QToolBar"):
            continue  # inner parts of compound controls
        name = w.accessibleName() or (w.text() if hasattr(w, "text") and callable(w.text) else "")
        if not name and type(w).__name__ not in ("QScrollBar", "QHeaderView", "QSplitterHandle"):
            missing.append(f"{type(w).__name__} {w.objectName()}")
    assert missing == []


# ---------------------------------------------------------------------------------------- sorting
def test_clicking_headers_sorts_and_ranked_order_returns(qtbot: Any, open_window: Any,
                                                         demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    type_search(qtbot, page, "group")
    ranked = names(page)
    header = page.table.horizontalHeader()

    def click(column: int) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click(COL_SERVICE)
    assert names(page) == sorted(ranked, key=str.casefold)
    click(COL_SERVICE)
    assert names(page) == sorted(ranked, key=str.casefold, reverse=True)
    click(COL_SERVICE)  # third click: back to best match first
    assert names(page) == ranked
    click(COL_COST)
    costs = [r.is_free for r in page.model.rows()]
    assert costs == sorted(costs, reverse=True), "free services first"


# ---------------------------------------------------------------------------------------- detail pane
def test_detail_pane_reads_like_the_leaflet_then_staff_section(qtbot: Any, open_window: Any,
                                                               demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    type_search(qtbot, page, "Debt advice appointments")
    row = page.model.rows()[0]
    assert row.name == "Debt advice appointments"
    text = page.detail.toPlainText()
    detail = DirectoryService(demo_runtime.context()).get_service(row.id)
    vetting = detail.organisation.vetting_status
    for expected in ("Debt advice appointments", f"Run by {detail.organisation.name}", "What it is",
                     "Who it is for", "Cost", "Free", "How to get in touch", "When and where",
                     "Monday 09:30 to 16:30", "Closed on public holidays.", "Languages", "Categories",
                     "Details last checked 10 Mar 2025 by Demo data.", "For staff only",
                     f"{vetting.label} {vetting.symbol}",
                     "Contact people:"):
        assert expected in text, expected
    assert "01632 960303" in text, "phone numbers in national format"
    assert "Step-free access" in text, "accessibility features in words, not codes"
    staff_at = text.index("For staff only")
    assert text.index("Cost") < staff_at
    for person in detail.organisation.contacts:
        assert text.index(person.name) > staff_at, "contact people only in the staff part"


# ---------------------------------------------------------------------------------------- extension points
def test_other_features_can_add_selection_actions_and_detail_sections(qtbot: Any, open_window: Any,
                                                                      demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    seen: list[int | None] = []
    action = QAction("Add to basket", page)
    action.triggered.connect(lambda: seen.append(page.selected_service_id()))
    page.add_selection_action(action)
    page.add_detail_section(lambda d: f"<p>Relationship with {d.organisation.name}: Strong ●</p>")
    assert action in page.selection_actions
    assert action in page.toolbar.actions()
    type_search(qtbot, page, "debt")
    assert action.isEnabled()
    action.trigger()
    assert seen == [page.model.rows()[0].id]
    first = page.model.rows()[0]
    assert f"Relationship with {first.organisation_name}: Strong ●" in page.detail.toPlainText()
    type_search(qtbot, page, "xyzzyplover")
    assert not action.isEnabled()


def test_a_broken_detail_section_does_not_hide_the_details(qtbot: Any, open_window: Any,
                                                           demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))

    def broken(_d: ServiceDetail) -> str:
        raise RuntimeError("boom")

    page.add_detail_section(broken)
    type_search(qtbot, page, "debt")
    text = page.detail.toPlainText()
    assert page.model.rows()[0].name in text
    assert "Could not show part of this page: boom" in text


def test_refresh_keeps_the_selected_service_and_scroll_position(qtbot: Any, open_window: Any,
                                                                demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    rows = page.model.rows()
    target = rows[60]
    page.select_service(target.id)
    bar = page.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    before = bar.value()
    page.refresh()
    assert page.selected_service_id() == target.id
    assert bar.value() == before


# ---------------------------------------------------------------------------------------- archiving
def test_front_desk_cannot_archive_and_is_told_who_can(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, details="": warnings.append(text))
    monkeypatch.setattr(ArchiveDialog, "ask", classmethod(lambda cls, *a: pytest.fail("should not ask")))
    page = page_of(open_window(demo_runtime, AppRole.FRONT_DESK, "Fran Desk"))
    type_search(qtbot, page, "debt")
    page.archive_action.trigger()
    assert len(warnings) == 1
    assert "vetting lead" in warnings[0] and "Fran Desk" in warnings[0]


def test_vetting_lead_archives_a_service_with_a_reason(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    page = page_of(open_window(demo_runtime, AppRole.VETTING_LEAD, "Val Lead"))
    type_search(qtbot, page, "debt")
    target = page.model.rows()[0]
    monkeypatch.setattr(ArchiveDialog, "ask", classmethod(
        lambda cls, parent, detail: ArchiveChoice("service", detail.id, True, "Stopped running",
                                                  detail.name)))
    with qtbot.waitSignal(page.changed):
        page.archive_action.trigger()
    assert target.id not in [r.id for r in page.model.rows()]
    assert DirectoryService(demo_runtime.context()).get_service(target.id).archived
    # shown again (marked archived) with the archived status filter, and can be restored
    page.filters.status.setCurrentIndex(page.filters.status.count() - 1)
    assert page.select_service(target.id)
    assert page.model.index(page.model.row_of(target.id), COL_SERVICE).data().endswith("(archived)")
    assert page.archive_action.text() == "Restore…"
