"""The Directory page (home): search box, filters, results table and a detail pane.

Keyboard: the search box has the focus on start; typing searches (debounced); ↓ moves into the
results; Enter edits the selected service; Ctrl+N adds; Ctrl+E edits the organisation; Esc clears
the search and filters; ↑ from the first row goes back to the search box.

Other features hook in without editing this file:
  - `page.add_selection_action(action)`: a QAction shown above the table and in its context menu,
    acting on `page.selected_service_id()` / `page.selected_organisation_id()`; the page enables it
    only while a service is selected. Give it a shortcut with Qt.WidgetWithChildrenShortcut.
  - `page.add_detail_section(fn)`: `fn(ServiceDetail) -> str` returns extra HTML for the staff-only
    part of the detail pane (escape what you insert).
  - signals `changed` (after saves) and `selection_changed(int)` (service id, 0 when none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.base import NotFound, Permission, PermissionDenied, ServiceContext, can
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.directory import DirectoryService, SearchResult, ServiceDetail, ServiceRow
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.archive_dialog import ArchiveDialog
from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog
from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog
from sp_desktop.ui.models.service_table_model import (
    COL_ACCESS,
    COL_CATEGORIES,
    COL_COST,
    COL_LAST_CHECKED,
    COL_ORGANISATION,
    COL_SERVICE,
    COL_TOWN,
    COL_VETTING,
    ServiceTableModel,
)
from sp_desktop.ui.widgets.detail_pane import DetailPane, DetailSection
from sp_desktop.ui.widgets.filter_bar import FilterBar
from sp_desktop.ui.widgets.search_box import SearchBox

PLACEHOLDER = "Search services, organisations, needs or towns"
RESULT_LIMIT = 1000

# Sized so that service, organisation, vetting and categories fit beside the detail pane on a
# 1280-pixel-wide screen; the rest scroll into view (or widen the window / drag the splitter).
_COLUMN_WIDTHS = {COL_SERVICE: 200, COL_ORGANISATION: 170, COL_VETTING: 104, COL_CATEGORIES: 140,
                  COL_TOWN: 85, COL_COST: 64, COL_ACCESS: 160, COL_LAST_CHECKED: 100}


def match_text(result: SearchResult) -> str:
    shown = len(result.rows)
    if result.truncated:
        return f"Showing first {shown:,} of {result.total:,} matching services"
    if result.total == 0:
        return "No services match"
    if result.total == 1:
        return "1 service matches"
    return f"{result.total:,} services match"


class _TableKeys(QObject):
    """Enter opens the selected service; ↑ on the first row goes back to the search box."""

    def __init__(self, page: DirectoryPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, obj: QObject, event: Any) -> bool:  # noqa: N802 (Qt override)
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                self.page.edit_service()
                return True
            if event.key() == Qt.Key.Key_Up and self.page.table.currentIndex().row() <= 0:
                self.page.focus_search()
                return True
        return False


class DirectoryPage(QWidget):
    changed = Signal()
    selection_changed = Signal(int)

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.directory = DirectoryService(ctx)
        self.selection_actions: list[QAction] = []
        self.detail_sections: list[DetailSection] = []
        self.result: SearchResult | None = None
        self.edit_menu: QMenu | None = None
        self._loaded_query: str | None = None
        self._build()
        self._build_actions()
        self._link_tab_order()
        self._load_categories()
        self.run_search(report=False)  # the window's status bar is built after its pages
        QTimer.singleShot(0, self._install_menu)
        QTimer.singleShot(0, self._report_count)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.setAccessibleName("Directory")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(6)

        self.search = SearchBox(PLACEHOLDER)
        self.search.search_requested.connect(lambda _t: self.run_search())
        self.search.down_pressed.connect(self.focus_results)
        self.search.enter_pressed.connect(self.focus_results)
        layout.addWidget(self.search)

        self.filters = FilterBar()
        self.filters.changed.connect(self.run_search)
        self.filters.clear_button.clicked.connect(self.clear_search)
        layout.addWidget(self.filters)

        self.toolbar = QToolBar("Actions on the selected service")
        self.toolbar.setObjectName("selection_toolbar")
        self.toolbar.setAccessibleName("Actions on the selected service")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMovable(False)
        layout.addWidget(self.toolbar)

        self.model = ServiceTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("results")
        self.table.setAccessibleName("Matching services")
        self.table.setAccessibleDescription("Enter edits the selected service; its details are shown "
                                            "alongside.")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        self.table.setSortingEnabled(True)
        for col, width in _COLUMN_WIDTHS.items():
            self.table.setColumnWidth(col, width)
        self.table.installEventFilter(_TableKeys(self))
        self.table.doubleClicked.connect(lambda _i: self.edit_service())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_moved())

        self.empty = QWidget()
        self.empty.setObjectName("empty_state")
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("empty_message")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.empty_label.setFont(font)
        empty_layout.addWidget(self.empty_label)
        self.empty_button = QPushButton("New organisation…")
        self.empty_button.setObjectName("empty_add")
        self.empty_button.clicked.connect(self.new_organisation)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)

        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.table)
        self.results_stack.addWidget(self.empty)

        self.detail = DetailPane()
        self.detail.show_message("Choose a service to see its details.")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("directory_splitter")
        self.splitter.addWidget(self.results_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)  # a wider window widens the table most
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([660, 400])
        self.detail.setMinimumWidth(300)
        layout.addWidget(self.splitter, 1)

    def _action(self, text: str, slot: Callable[[], None], shortcut: str | None = None,
                name: str = "", tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("New…", self.new_menu, "Ctrl+N", "new",
                                       "Add an organisation, or a service for the selected organisation "
                                       "(Ctrl+N)")
        self.new_organisation_action = self._action("New organisation…", self.new_organisation, None,
                                                    "new_organisation", "Add an organisation")
        self.new_service_action = self._action("New service…", self.new_service, None, "new_service",
                                               "Add a service for the selected organisation")
        self.edit_service_action = self._action("Edit service…", self.edit_service, None, "edit_service",
                                                "Edit the selected service (Enter)")
        self.edit_organisation_action = self._action("Edit organisation…", self.edit_organisation, "Ctrl+E",
                                                     "edit_organisation",
                                                     "Edit the organisation that runs the selected service "
                                                     "(Ctrl+E)")
        self.archive_action = self._action("Archive…", self.archive_selected, None, "archive",
                                           "Archive or restore the selected service or its organisation "
                                           "(vetting leads and administrators)")
        self.clear_action = self._action("Clear search and filters", self.clear_search, "Esc", "clear_search",
                                         "Clear the search and the filters (Esc)")
        self.toolbar.addAction(self.new_action)
        self.toolbar.addSeparator()
        for action in (self.edit_service_action, self.edit_organisation_action, self.archive_action):
            self.add_selection_action(action)
        self._update_actions()

    def _install_menu(self) -> None:
        """The Edit menu in the main window (File, Edit, Go, Help); shown while this page is."""
        window = self.main_window
        if self.edit_menu is not None or window is None or not hasattr(window, "menuBar"):
            return
        menu = QMenu("&Edit", window)
        menu.setObjectName("edit_menu")
        self.edit_service_action.setText("Edit service…")
        menu.addAction(self.new_action)
        menu.addAction(self.new_organisation_action)
        menu.addAction(self.new_service_action)
        menu.addSeparator()
        menu.addAction(self.edit_service_action)
        menu.addAction(self.edit_organisation_action)
        menu.addSeparator()
        menu.addAction(self.archive_action)
        menu.addSeparator()
        menu.addAction(self.clear_action)
        bar = window.menuBar()
        before = getattr(window, "go_menu", None) or getattr(window, "help_menu", None)
        if before is not None:
            bar.insertMenu(before.menuAction(), menu)
        else:
            bar.addMenu(menu)
        self.edit_menu = menu
        menu.menuAction().setVisible(self.isVisible() or not window.isVisible())

    def _link_tab_order(self) -> None:
        chain = [self.search, *self.filters.focus_widgets(), self.toolbar, self.table, self.detail]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ------------------------------------------------------------------ extension points
    def add_selection_action(self, action: QAction) -> None:
        """Show `action` above the table and in its context menu; enabled while a service is selected."""
        if action in self.selection_actions:
            return
        self.selection_actions.append(action)
        self.toolbar.addAction(action)
        if action not in self.actions():
            self.addAction(action)
        action.setEnabled(self.selected_service_id() is not None)

    def add_detail_section(self, fn: DetailSection) -> None:
        """Add `fn(ServiceDetail) -> html` to the staff-only part of the detail pane."""
        self.detail_sections.append(fn)
        self._show_detail()

    # ------------------------------------------------------------------ page protocol
    def refresh(self) -> None:
        """Reload (after changes elsewhere), keeping the selected service and the scroll position."""
        self._load_categories()
        self.run_search(keep_scroll=True)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self.edit_menu is not None:
            self.edit_menu.menuAction().setVisible(True)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)
        window = self.main_window
        if self.edit_menu is not None and window is not None and window.isVisible():
            self.edit_menu.menuAction().setVisible(False)

    # ------------------------------------------------------------------ selection
    def selected_row(self) -> ServiceRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row())

    def selected_service_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row else None

    def selected_organisation_id(self) -> int | None:
        row = self.selected_row()
        return row.organisation_id if row else None

    def select_service(self, service_id: int, scroll: bool = True) -> bool:
        row = self.model.row_of(service_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        if scroll:
            self.table.scrollTo(index)
        return True

    def focus_results(self) -> None:
        """↓ or Enter in the search box: into the table, on the selected (or first) row."""
        if self.model.rowCount() == 0:
            return
        if self.selected_service_id() is None:
            first = self.model.row_at(0)
            if first is not None:
                self.select_service(first.id)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _selection_moved(self) -> None:
        self._update_actions()
        self._show_detail()
        self.selection_changed.emit(self.selected_service_id() or 0)

    def _update_actions(self) -> None:
        row = self.selected_row()
        for action in self.selection_actions:
            action.setEnabled(row is not None)
        self.new_service_action.setEnabled(True)
        self.archive_action.setText("Restore…" if row is not None and row.archived else "Archive…")
        if row is not None:
            self.new_service_action.setText(f"New service for {row.organisation_name}…")
        else:
            self.new_service_action.setText("New service…")

    def _show_detail(self) -> None:
        sid = self.selected_service_id()
        if sid is None:
            if self.model.rowCount():
                self.detail.show_message("Choose a service to see its details.")
            else:
                self.detail.show_message("")
            return
        try:
            detail = self.directory.get_service(sid)
        except NotFound as exc:
            self.detail.show_message(str(exc))
            return
        self.detail.show_service(detail, self.ctx.today(), self.detail_sections)

    # ------------------------------------------------------------------ searching
    def _load_categories(self) -> None:
        self.filters.set_categories(CategoryService(self.ctx).tree())

    def run_search(self, keep_scroll: bool = False, report: bool = True) -> None:
        query = self.search.text()
        keep_id = self.selected_service_id()
        bar = self.table.verticalScrollBar()
        scroll = bar.value()
        self.result = self.directory.search(query, self.filters.filters(), limit=RESULT_LIMIT)
        self.model.set_rows(self.result.rows)
        if self.result.rows:
            self.results_stack.setCurrentWidget(self.table)
            kept = keep_id is not None and self.select_service(keep_id, scroll=not keep_scroll)
            if not kept:
                self.select_service(self.model.rows()[0].id)
            if keep_scroll:
                bar.setValue(scroll)
            elif not kept:
                self.table.scrollToTop()
        else:
            self._show_empty_state(query)
            self._selection_moved()
        self._loaded_query = query
        if report:
            self._report_count()

    def _report_count(self) -> None:
        set_count = getattr(self.main_window, "set_match_count", None)
        if callable(set_count) and self.result is not None:
            set_count(match_text(self.result))

    def _show_empty_state(self, query: str) -> None:
        self.empty_button.setVisible(False)
        filters = self.filters.describe()
        if query.strip():
            text = f"No services match “{query.strip()}”"
            text += (f" with the filters ({filters})" if filters else "")
            text += (" — try fewer words or clear the filters (Esc)." if filters
                     else " — try fewer or other words (Esc clears the search).")
        elif filters:
            text = f"No services match the filters ({filters}) — clear the filters (Esc)."
        else:
            counts = self.directory.counts()
            if counts.get("organisations", 0) == 0:
                text = "No organisations yet — add one with Ctrl+N."
                self.empty_button.setVisible(True)
            else:
                text = ("No services yet — add one with Ctrl+N (New service), "
                        "choosing the organisation that runs it.")
        self.empty_label.setText(text)
        self.empty_label.setAccessibleName(text)
        self.results_stack.setCurrentWidget(self.empty)

    def clear_search(self) -> None:
        """Esc: clear the search words and the filters, back to the search box."""
        self.filters.reset()
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.run_search()
        self.focus_search()

    # ------------------------------------------------------------------ adding and editing
    def _context_menu(self, pos: QPoint) -> None:
        index: QModelIndex = self.table.indexAt(pos)
        if index.isValid():
            row = self.model.row_at(index.row())
            if row is not None:
                self.select_service(row.id, scroll=False)
        menu = QMenu(self)
        for action in self.selection_actions:
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.new_organisation_action)
        menu.addAction(self.new_service_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def new_menu(self) -> None:
        """Ctrl+N: a small menu (new organisation / new service for the selected organisation)."""
        if not self.directory.organisations():
            self.new_organisation()
            return
        menu = QMenu(self)
        menu.setObjectName("new_menu")
        menu.addAction(self.new_organisation_action)
        menu.addAction(self.new_service_action)
        menu.setActiveAction(self.new_service_action if self.selected_service_id() else
                             self.new_organisation_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        focus = self.focusWidget() or self.search
        menu.popup(focus.mapToGlobal(QPoint(0, focus.height())))
        self._new_menu = menu

    def new_organisation(self) -> None:
        saved = EditOrganisationDialog.ask(self, self.ctx)
        if saved is None:
            return
        self.changed.emit()
        self._say(f"Added the organisation “{saved.name}”.")
        if messages.confirm(self, "Add a service?",
                            f"“{saved.name}” has been added. The directory lists services: add the first "
                            "service it runs now?", yes="Add a service", no="Not now"):
            self._new_service_for(saved.id)
        else:
            self.refresh()

    def new_service(self) -> None:
        self._new_service_for(self.selected_organisation_id())

    def _new_service_for(self, organisation_id: int | None) -> None:
        saved = EditServiceDialog.ask(self, self.ctx, organisation_id=organisation_id)
        if saved is not None:
            self._after_save(saved, f"Added the service “{saved.name}”.")

    def edit_service(self) -> None:
        sid = self.selected_service_id()
        if sid is None:
            return
        saved = EditServiceDialog.ask(self, self.ctx, service_id=sid)
        if saved is not None:
            self._after_save(saved, f"Saved the service “{saved.name}”.")

    def edit_organisation(self) -> None:
        oid = self.selected_organisation_id()
        if oid is None:
            return
        saved = EditOrganisationDialog.ask(self, self.ctx, organisation_id=oid)
        if saved is not None:
            self.refresh()
            self._show_detail()
            self.changed.emit()
            self._say(f"Saved the organisation “{saved.name}”.")

    def _after_save(self, saved: ServiceDetail, message: str) -> None:
        self.refresh()
        if not self.select_service(saved.id):
            message += (" It is not in the list because it does not match the search or filters "
                        "(Esc clears them).")
        self._show_detail()
        self.changed.emit()
        self._say(message)
        self.table.setFocus()

    def archive_selected(self) -> None:
        sid = self.selected_service_id()
        if sid is None:
            return
        if not can(self.ctx.actor, Permission.ARCHIVE):
            messages.warn(self, "Not allowed", str(PermissionDenied(self.ctx.actor, Permission.ARCHIVE)))
            return
        try:
            detail = self.directory.get_service(sid)
        except NotFound as exc:
            messages.warn(self, "Not found", str(exc))
            self.refresh()
            return
        choice = ArchiveDialog.ask(self, detail)
        if choice is None:
            return
        try:
            self.directory.set_archived(choice.entity, choice.ident, choice.archive, choice.reason)
        except PermissionDenied as exc:
            messages.warn(self, "Not allowed", str(exc))
            return
        except NotFound as exc:
            messages.warn(self, "Not found", str(exc))
        self.refresh()
        self.changed.emit()
        verb = "Archived" if choice.archive else "Restored"
        self._say(f"{verb} the {choice.entity} “{choice.label}”.")

    def _say(self, text: str) -> None:
        window = self.main_window
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 10000)


__all__ = ["PLACEHOLDER", "DirectoryPage", "match_text"]
