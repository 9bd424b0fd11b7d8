"""The Directory page through the real main window: search, filters, keyboard, sorting, the detail
pane, the extension points and archiving. Real SQLite databases (the demo directory where a
realistic directory matters); dialogs and message boxes are replaced where noted."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from sp_desktop.db.engine import Database
from sp_desktop.db.models import ContactEvent, Organisation, Service, Staff
from sp_desktop.domain.enums import (
    AccessRoute,
    AppRole,
    ContactKind,
    OrganisationStatus,
    RelationshipHealth,
    ServiceStatus,
    VettingStatus,
)
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM, Actor, FixedClock
from sp_desktop.services.directory import (
    DirectoryService,
    OrganisationForm,
    SearchFilters,
    SearchResult,
    ServiceDetail,
    ServiceRow,
)
from sp_desktop.services.relationships import ContactLogForm, ContactLogService, RelationshipService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.archive_dialog import ArchiveChoice, ArchiveDialog
from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog
from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog
from sp_desktop.ui.dialogs.open_organisation_dialog import OpenOrganisationDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.models.service_table_model import (
    COL_CATEGORIES,
    COL_COST,
    COL_LAST_CHECKED,
    COL_NOW,
    COL_ORGANISATION,
    COL_RELATIONSHIP,
    COL_SERVICE,
    COL_TOWN,
    COL_VETTING,
    HEADERS,
    ServiceTableModel,
)
from sp_desktop.ui.pages import directory_page
from sp_desktop.ui.pages.directory_page import (
    KEY_COLUMNS,
    PLACEHOLDER,
    RESULT_LIMIT,
    DirectoryPage,
    cell_tooltip,
    match_text,
)


def staff_in(db: Database, clock: FixedClock, role: AppRole, name: str) -> Actor:
    with db.write(clock) as s:
        staff = Staff(name=name, job_role=role.label, app_role=role)
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.name, role)


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(runtime: Runtime, role: AppRole = AppRole.ADMINISTRATOR, name: str = "Morag Lead",
             size: tuple[int, int] | None = None) -> MainWindow:
        actor = staff_in(runtime.db, runtime.clock, role, name)  # type: ignore[arg-type]
        window = MainWindow(runtime, runtime.context(actor))
        qtbot.addWidget(window)
        if size is not None:
            window.resize(*size)
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
    rows = DirectoryService(demo_runtime.context(SYSTEM)).search("").rows
    assert len(rows) >= 100
    model = ServiceTableModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.sort(COL_TOWN, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert model.rowCount() == len(rows)


def test_vetting_column_shows_text_and_symbol_never_colour_alone(demo_runtime: Runtime) -> None:
    rows = DirectoryService(demo_runtime.context(SYSTEM)).search("debt").rows
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


def test_the_match_count_belongs_to_the_directory(qtbot: Any, open_window: Any,
                                                  demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    type_search(qtbot, page, "debt")
    total = DirectoryService(demo_runtime.context(SYSTEM)).search("debt").total
    assert window.match_label.text() == f"{total} services match"
    window.show_page("network")
    assert window.match_label.text() == "", "the Network page matches no services"
    window.show_page("directory")
    assert window.match_label.text() == f"{total} services match"


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
    total = DirectoryService(demo_runtime.context(SYSTEM)).search("debt").total
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
    assert all((r.id in {x.id for x in DirectoryService(demo_runtime.context(SYSTEM))
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


def _row(ident: int = 1, town: str = "", by_phone: bool = False, online: bool = False,
         organisation_id: int = 1, categories: str = "") -> ServiceRow:
    return ServiceRow(ident, "Walk", organisation_id, "Org", categories, town, True, None, (), None,
                      ServiceStatus.ACTIVE, OrganisationStatus.ACTIVE, VettingStatus.APPROVED, False,
                      by_phone=by_phone, online=online)


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
    # Enter opens the read-only view (looking never edits), with Print as the default button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    dialog = page.detail_dialog
    assert dialog is not None and dialog.isVisible() and opened == []
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    assert dialog.print_button.isDefault() and dialog.edit_button.isVisibleTo(dialog)
    assert second.name in dialog.pane.toPlainText()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    # editing is its own key: F2
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
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
    detail = DirectoryService(demo_runtime.context(SYSTEM)).get_service(row.id)
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
    assert DirectoryService(demo_runtime.context(SYSTEM)).get_service(target.id).archived
    # shown again (marked archived) with the archived status filter, and can be restored
    page.filters.status.setCurrentIndex(page.filters.status.count() - 1)
    assert page.select_service(target.id)
    assert page.model.index(page.model.row_of(target.id), COL_SERVICE).data().endswith("(archived)")
    assert page.archive_action.text() == "Restore…"


# ---------------------------------------------------------------------------------------- relationship column
def _health_for(ctx: Any, rows: Any) -> Any:
    return RelationshipService(ctx).health(sorted({r.organisation_id for r in rows}))


def test_relationship_column_shows_text_and_symbol_and_sorts_strong_first(qtmodeltester: Any,
                                                                          demo_runtime: Runtime) -> None:
    ctx = demo_runtime.context(SYSTEM)
    rows = DirectoryService(ctx).search("").rows
    health = _health_for(ctx, rows)
    assert {h.level for h in health.values()} == set(RelationshipHealth), "the demo has every level"
    model = ServiceTableModel()
    model.set_rows(rows, health)
    qtmodeltester.check(model)
    assert model.headerData(COL_RELATIONSHIP, Qt.Orientation.Horizontal) == "Relationship"
    for r, row in enumerate(model.rows()):
        level = health[row.organisation_id].level
        assert model.index(r, COL_RELATIONSHIP).data() == f"{level.label} {level.symbol}"  # not colour alone
    first = model.rows()[0]
    tip = model.index(0, COL_RELATIONSHIP).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(health[first.organisation_id].text)
    model.sort(COL_RELATIONSHIP, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)
    order = [RelationshipHealth.STRONG, RelationshipHealth.FADING, RelationshipHealth.NONE]
    levels = [order.index(health[r.organisation_id].level) for r in model.rows()]
    assert levels == sorted(levels)
    model.set_rows(rows)  # no health handed in: blank, not wrong
    assert model.index(0, COL_RELATIONSHIP).data() == ""


def test_page_asks_for_relationship_health_once_per_search_for_the_visible_organisations(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[int]] = []
    real = RelationshipService.health

    def spy(self: RelationshipService, org_ids: Any) -> Any:
        calls.append(list(org_ids))
        return real(self, org_ids)

    monkeypatch.setattr(RelationshipService, "health", spy)
    page = page_of(open_window(demo_runtime))

    def table_calls() -> list[list[int]]:  # the detail pane asks about the selected organisation only
        return [c for c in calls if c != [page.selected_organisation_id()]]

    everyone = sorted({r.organisation_id for r in page.model.rows()})
    assert table_calls() == [everyone], "one call for the whole result set"
    calls.clear()
    type_search(qtbot, page, "debt")
    assert table_calls() == [], "organisations already shown are not asked about again while typing"
    assert all(page.model.index(r, COL_RELATIONSHIP).data() for r in range(page.model.rowCount()))
    page.refresh()  # the data changed (here or on another PC): ask again, once
    assert table_calls() == [sorted({r.organisation_id for r in page.model.rows()})]


def test_logging_a_face_to_face_contact_turns_the_relationship_strong(qtbot: Any, open_window: Any,
                                                                      demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    health = {r.organisation_id: page.model.health_of(r.organisation_id) for r in page.model.rows()}
    org_id = next(o for o, h in health.items() if h is not None and h.level is RelationshipHealth.NONE)
    row = page.model.row_of(next(r.id for r in page.model.rows() if r.organisation_id == org_id))
    assert page.model.index(row, COL_RELATIONSHIP).data() == "None ○"
    ContactLogService(window.ctx).log(ContactLogForm(org_id, "Visited their drop-in", ContactKind.VISIT))
    window.data_changed.emit("relationships")
    row = page.model.row_of(next(r.id for r in page.model.rows() if r.organisation_id == org_id))
    assert page.model.index(row, COL_RELATIONSHIP).data() == "Strong ●"


# ---------------------------------------------------------------------------------------- town column
def test_town_column_says_by_phone_or_online_for_services_with_no_venue(qtmodeltester: Any) -> None:
    model = ServiceTableModel()
    rows = [_row(1, by_phone=True), _row(2, online=True), _row(3, town="Paisley", by_phone=True),
            _row(4, by_phone=True, online=True), _row(5), _row(6, town="Erskine")]
    model.set_rows(rows)
    qtmodeltester.check(model)
    towns = {r.id: model.index(model.row_of(r.id), COL_TOWN).data() for r in rows}
    assert towns == {1: "By phone", 2: "Online", 3: "Paisley", 4: "By phone and online", 5: "", 6: "Erskine"}
    model.sort(COL_TOWN, Qt.SortOrder.AscendingOrder)
    assert [r.id for r in model.rows()] == [6, 3, 1, 4, 2, 5], "towns A to Z, then phone/online, blank last"


def test_town_column_in_the_demo_shows_phone_services(qtbot: Any, open_window: Any,
                                                      demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    type_search(qtbot, page, "debt")
    remote = [r for r in page.model.rows() if not r.town and r.by_phone]
    assert remote, "the demo has a debt service by phone only"
    cell = page.model.index(page.model.row_of(remote[0].id), COL_TOWN).data()
    assert cell in ("By phone", "By phone and online")


# ---------------------------------------------------------------------------------------- 1,000 rows
@pytest.fixture
def big_runtime(demo_runtime: Runtime) -> Runtime:
    """The demo directory plus 1,150 more services from 300 organisations, some with contacts."""
    now = demo_runtime.clock.now()
    with demo_runtime.db.write(demo_runtime.clock) as s:
        author = Staff(name="Bulk Author", job_role="Lead", app_role=AppRole.ADMINISTRATOR)
        s.add(author)
        s.flush()
        for i in range(300):
            org = Organisation(name=f"Bulk Organisation {i:03d}")
            s.add(org)
            s.flush()
            for j in range(4 if i < 250 else 3):
                s.add(Service(organisation_id=org.id, name=f"Bulk service {i:03d}-{j}", by_phone=j == 1,
                              online=j == 2))
            if i % 3 == 0:
                s.add(ContactEvent(organisation_id=org.id, occurred_at=now - timedelta(days=i), summary="Met",
                                   kind=ContactKind.VISIT, author_id=author.id))
            elif i % 3 == 1:
                s.add(ContactEvent(organisation_id=org.id, occurred_at=now - timedelta(days=30 + i),
                                   summary="Rang", kind=ContactKind.PHONE, author_id=author.id))
    return demo_runtime


def test_a_thousand_rows_with_relationship_health_sort_and_scroll(qtbot: Any, open_window: Any,
                                                                  big_runtime: Runtime,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = RelationshipService.health
    monkeypatch.setattr(RelationshipService, "health",
                        lambda self, ids: (calls.append(len(ids)), real(self, ids))[1])
    window = open_window(big_runtime)
    page = page_of(window)
    start = time.perf_counter()
    page.refresh()
    seconds = time.perf_counter() - start
    print(f"\n1,000 rows: search, relationship health, model and detail pane in {seconds * 1000:.0f} ms")
    total = DirectoryService(big_runtime.context(SYSTEM)).search("").total
    assert total > RESULT_LIMIT
    assert page.model.rowCount() == RESULT_LIMIT
    assert window.match_label.text() == f"Showing first 1,000 of {total:,} matching services"
    table_calls = [n for n in calls if n > 1]  # the detail pane asks about one organisation
    assert table_calls == [len({r.organisation_id for r in page.model.rows()})] * 2, \
        "one call for the whole set (on opening, and again on refreshing)"
    assert all(page.model.index(r, COL_RELATIONSHIP).data() for r in range(RESULT_LIMIT))
    bulk = [r for r in page.model.rows() if r.organisation_name.startswith("Bulk")]
    assert {page.model.index(page.model.row_of(r.id), COL_RELATIONSHIP).data() for r in bulk} == {
        "Strong ●", "Fading ◐", "None ○"}
    page.table.sortByColumn(COL_RELATIONSHIP, Qt.SortOrder.AscendingOrder)
    assert page.model.index(0, COL_RELATIONSHIP).data() == "Strong ●"
    assert page.model.index(RESULT_LIMIT - 1, COL_RELATIONSHIP).data() == "None ○"
    page.focus_results()
    qtbot.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert page.selected_service_id() == page.model.rows()[-1].id
    assert page.model.rows()[-1].name in page.detail.toPlainText()


# ---------------------------------------------------------------------------------------- organisations
def test_open_organisation_reaches_an_organisation_with_no_services(qtbot: Any, open_window: Any,
                                                                    demo_runtime: Runtime,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    lonely = DirectoryService(window.ctx).save_organisation(OrganisationForm(name="Zetland Quilters"))
    picked: list[bool] = []
    opened: list[int | None] = []
    monkeypatch.setattr(OpenOrganisationDialog, "ask",
                        classmethod(lambda cls, parent, ctx: picked.append(True) or lonely.id))
    monkeypatch.setattr(EditOrganisationDialog, "ask", classmethod(
        lambda cls, parent, ctx, organisation_id=None: opened.append(organisation_id)))
    qtbot.waitUntil(lambda: page.edit_menu is not None)
    action = next(a for a in page.edit_menu.actions() if a.text() == "Open organisation…")  # type: ignore[union-attr]
    assert action.shortcut().toString() == "Ctrl+Shift+O"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(page.search, Qt.Key.Key_O, ctrl_shift)
    assert picked == [True] and opened == [lonely.id]


def test_a_search_for_an_organisation_with_no_services_offers_to_add_one(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int | None] = []
    monkeypatch.setattr(EditServiceDialog, "ask", classmethod(
        lambda cls, parent, ctx, organisation_id=None, **kw: asked.append(organisation_id)))
    window = open_window(demo_runtime)
    page = page_of(window)
    directory = DirectoryService(window.ctx)
    quilters = directory.save_organisation(OrganisationForm(name="Zetland Quilters"))
    type_search(qtbot, page, "quilters")
    assert page.results_stack.currentWidget() is page.empty
    assert page.empty_label.text() == ("“Zetland Quilters” has no services yet — add one, and it will show "
                                       "up in searches and on leaflets.")
    [button] = page.empty_organisation_buttons
    assert button.isVisible() and button.text() == "Add a service to “Zetland Quilters”…"
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is button
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert asked == [quilters.id]

    knitters = directory.save_organisation(OrganisationForm(name="Zetland Knitters"))
    type_search(qtbot, page, "zetland")
    assert page.empty_label.text().startswith(
        "No services match “zetland”. These organisations have no services")
    assert [b.text() for b in page.empty_organisation_buttons] == [
        "Add a service to “Zetland Knitters”…", "Add a service to “Zetland Quilters”…"]
    page.empty_organisation_buttons[0].click()
    assert asked[-1] == knitters.id
    type_search(qtbot, page, "xyzzyplover")  # nothing at all: the usual advice, no buttons
    assert page.empty_organisation_buttons == []
    assert page.empty_label.text().startswith("No services match “xyzzyplover”")


# ---------------------------------------------------------------------------------------- layout
def _fully_visible(page: DirectoryPage) -> list[int]:
    header = page.table.horizontalHeader()
    width = page.table.viewport().width()
    return [c for c in range(len(HEADERS)) if not header.isSectionHidden(c)
            and 0 <= header.sectionViewportPosition(c)
            and header.sectionViewportPosition(c) + header.sectionSize(c) <= width]


def test_at_1280_pixels_the_key_columns_fit_beside_the_detail_pane(qtbot: Any, open_window: Any,
                                                                   demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime, size=(1280, 800))
    page = page_of(window)
    qtbot.waitUntil(lambda: page._layout_settled)
    assert window.width() == 1280
    assert set(KEY_COLUMNS) <= set(_fully_visible(page))
    assert [HEADERS[c] for c in KEY_COLUMNS] == ["Service", "Organisation", "Vetting", "Relationship", "Town",
                                                 "Cost"]
    assert page.detail.width() >= directory_page.DETAIL_MIN_WIDTH


def test_at_1600_pixels_open_and_taking_people_fits_too_and_the_detail_pane_is_wider(
        qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime, size=(1600, 900)))
    qtbot.waitUntil(lambda: page._layout_settled)
    assert set(KEY_COLUMNS) | {COL_NOW} <= set(_fully_visible(page))
    assert directory_page.DETAIL_MIN_WIDTH < page.detail.width() <= directory_page.DETAIL_MAX_WIDTH


def test_long_categories_and_names_are_elided_with_the_whole_text_in_the_tooltip(
        qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    page = page_of(open_window(demo_runtime))
    type_search(qtbot, page, "debt")
    rows = page.model.rows()
    fm = page.table.fontMetrics()
    r = next(i for i, row in enumerate(rows)
             if fm.horizontalAdvance(row.categories) > page.table.columnWidth(COL_CATEGORIES))
    assert cell_tooltip(page.table, page.model.index(r, COL_CATEGORIES)) == rows[r].categories
    long_org = next(i for i, row in enumerate(rows)
                    if fm.horizontalAdvance(row.organisation_name) > page.table.columnWidth(COL_ORGANISATION))
    org_cell = page.model.index(long_org, COL_ORGANISATION)
    assert cell_tooltip(page.table, org_cell) == rows[long_org].organisation_name
    short_town = next(i for i, row in enumerate(rows) if row.town == "Paisley")
    assert cell_tooltip(page.table, page.model.index(short_town, COL_TOWN)) is None, "no tooltip: it fits"


def test_column_widths_and_splitter_are_remembered_but_not_the_sort(qtbot: Any, open_window: Any,
                                                                    demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime)
    page = page_of(window)
    qtbot.waitUntil(lambda: page._layout_settled)
    page.table.sortByColumn(COL_TOWN, Qt.SortOrder.AscendingOrder)
    page.table.horizontalHeader().resizeSection(COL_SERVICE, 260)  # as a person dragging the edge
    qtbot.waitUntil(lambda: QSettings().value(directory_page.SETTINGS_COLUMNS) is not None)
    sizes = page.splitter.sizes()
    page.splitter.setSizes([sizes[0] - 60, sizes[1] + 60])
    page.save_layout()
    wanted = page.splitter.sizes()
    window.close()

    again = page_of(open_window(demo_runtime, name="Second Session"))
    qtbot.waitUntil(lambda: again.isVisible())
    assert again.table.columnWidth(COL_SERVICE) == 260
    assert again.splitter.sizes() == wanted
    assert again.model.sort_column == -1, "a new session starts in best-match order"

    QSettings().setValue(directory_page.SETTINGS_COLUMNS_FOR, "Service|Organisation")  # an older layout
    third = page_of(open_window(demo_runtime, name="Third Session"))
    assert third.table.columnWidth(COL_SERVICE) != 260, "a layout saved for other columns is not applied"
