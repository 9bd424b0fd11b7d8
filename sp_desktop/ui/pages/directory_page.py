"""The Directory page (home): search box, filters, results table and a detail pane.

Keyboard: the search box has the focus on start; typing searches (debounced); ↓ moves into the
results; Enter (or a double-click) opens the selected service read-only, with Print as its default
button — looking never edits; F2 edits the selected service (for people who may change it; the front
desk gets "Suggest a change…" for an approved organisation's service); Ctrl+N adds; Ctrl+E edits the
organisation; Ctrl+Shift+O opens any organisation by name (also those with no services yet); Esc
clears the search and filters; ↑ from the first row goes back to the search box.

Layout: column widths follow the font; at first the splitter gives the table room for Service,
Organisation, Vetting, Relationship, Town and Cost and the detail pane the rest (within limits).
Column widths and order and the splitter are remembered in QSettings ("directory/..."); the sort
is not (a new session starts in best-match order). The filters and the action buttons wrap onto a
second row in a narrow window, so the page never makes the window wider than a 1024-pixel screen.

Other features hook in without editing this file:
  - `page.add_selection_action(action)`: a QAction shown above the table and in its context menu,
    acting on `page.selected_service_id()` / `page.selected_organisation_id()`; the page enables it
    only while a service is selected. Give it a shortcut with Qt.WidgetWithChildrenShortcut.
  - `page.add_detail_section(fn)`: `fn(ServiceDetail) -> str` returns extra HTML for the staff-only
    part of the detail pane (escape what you insert).
  - signals `changed` (after saves) and `selection_changed(int)` (service id, 0 when none).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QHelpEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from sp_desktop.domain.enums import RelationshipHealth, VettingStatus
from sp_desktop.services.base import NotFound, Permission, PermissionDenied, ServiceContext, can
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.confidence import ConfidenceService, RowState, ServiceConfidence
from sp_desktop.services.directory import DirectoryService, SearchResult, ServiceDetail, ServiceRow
from sp_desktop.services.problems import ProblemService
from sp_desktop.services.relationships import OrganisationHealth, RelationshipService
from sp_desktop.services.suggestions import may_change_patient_facing
from sp_desktop.ui import messages
from sp_desktop.ui.actions import make_action
from sp_desktop.ui.dialogs.open_organisation_dialog import OpenOrganisationDialog, organisations_matching
from sp_desktop.ui.models.service_table_model import (
    COL_ACCESS,
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
from sp_desktop.ui.page_loader import PageLoader
from sp_desktop.ui.server_wait import call_waiting
from sp_desktop.ui.widgets.action_bar import ActionBar
from sp_desktop.ui.widgets.detail_pane import DetailPane, DetailSection
from sp_desktop.ui.widgets.filter_bar import FilterBar
from sp_desktop.ui.widgets.search_box import SearchBox
from sp_desktop.ui.widgets.tables import configure_table, fit_columns

PLACEHOLDER = "Search services, organisations, needs or towns"
RESULT_LIMIT = 1000

#: The columns the table always makes room for beside the detail pane at first (1280 px screens),
#: and the one it also fits in when the screen is wide enough (1600 px).
KEY_COLUMNS = (COL_SERVICE, COL_ORGANISATION, COL_VETTING, COL_RELATIONSHIP, COL_TOWN, COL_COST)
# Open / taking people (issue 18) next: beside Cost, in view on a 1600-pixel screen and one scroll away
# on 1280 (the detail pane always says it in full).
NEXT_COLUMN = COL_NOW
#: The detail pane's width at first: what is left beside those columns, within these limits.
#: narrower than this (logical pixels beside the navigation), the details go under the results
NARROW_WIDTH = 600
DETAIL_MIN_WIDTH = 264
DETAIL_MAX_WIDTH = 460
#: How many organisations with no services the empty state offers to add a service to.
EMPTY_ORGANISATIONS = 3

SETTINGS_SPLITTER = "directory/splitter"
SETTINGS_COLUMNS = "directory/columns"
SETTINGS_COLUMNS_FOR = "directory/columns_for"  # the headers the saved column state was made with
_HEADER_SIGNATURE = "|".join(HEADERS)

log = logging.getLogger(__name__)


def default_column_widths(table: QTableView) -> dict[int, int]:
    """Widths from the font (the system font at the user's size): typical text fits; longer text
    is elided, with the whole of it in the tooltip."""
    fm = table.fontMetrics()
    header_fm = table.horizontalHeader().fontMetrics()
    pad = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 12

    def fit(*samples: str) -> int:
        return max(fm.horizontalAdvance(s) for s in samples) + pad

    widths = {
        COL_SERVICE: fit("Money and debt clinic at Lin"),
        COL_ORGANISATION: fit("Southside Welfare Rights"),
        COL_VETTING: fit(*(f"{v.label} {v.symbol}" for v in VettingStatus)),
        COL_RELATIONSHIP: fit(*(f"{h.label} {h.symbol}" for h in RelationshipHealth)),
        COL_TOWN: fit("By phone and online"),
        COL_COST: fit("Free", "£3 a week"),
        COL_NOW: fit("Open until 13:00; Taking people"),
        COL_CATEGORIES: fit("Debt advice, Benefits and welfare"),
        COL_ACCESS: fit("Self-referral, Drop-in"),
        COL_LAST_CHECKED: fit("30 Sep 2026"),
    }
    arrow = 18  # room for the sort indicator beside the header's words
    return {col: max(w, header_fm.horizontalAdvance(HEADERS[col]) + pad + arrow) for col, w in widths.items()}


CLOSEST_TEXT = "No service matches every word; closest matches:"


def match_text(result: SearchResult) -> str:
    shown = len(result.rows)
    if result.closest:
        return f"No service matches every word; {result.total:,} closest matches"
    if result.truncated:
        return f"Showing first {shown:,} of {result.total:,} matching services"
    if result.total == 0:
        return "No services match"
    if result.total == 1:
        return "1 service matches"
    return f"{result.total:,} services match"


def cell_tooltip(view: QTableView, index: QModelIndex) -> str | None:
    """The model's tooltip, else the whole text of a cell whose column is too narrow to show it."""
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    if tip:
        return str(tip)
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if not text:
        return None
    margin = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    return str(text) if view.fontMetrics().horizontalAdvance(str(text)) + margin > view.columnWidth(
        index.column()) else None


class _ElidedTextTips(QStyledItemDelegate):
    """Shows `cell_tooltip`: long names and categories are elided in the table, whole in the tooltip."""

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,  # noqa: N802 (Qt override)
                  option: QStyleOptionViewItem, index: QModelIndex | Any) -> bool:
        if event is not None and event.type() == QEvent.Type.ToolTip and isinstance(view, QTableView):
            tip = cell_tooltip(view, index) if index.isValid() else None
            if tip:
                QToolTip.showText(event.globalPos(), tip, view)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().helpEvent(event, view, option, index)


class _TableKeys(QObject):
    """Enter opens the selected service read-only; ↑ on the first row goes back to the search box."""

    def __init__(self, page: DirectoryPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, obj: QObject, event: Any) -> bool:  # noqa: N802 (Qt override)
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                self.page.open_detail()
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
        self._menu_actions: list[QAction] = []  # add_menu_action: in the Edit menu, not the toolbar
        self._menu_anchor: QAction | None = None
        self.confidence = ConfidenceService(ctx)
        # "Before you suggest it" (issue 18) comes first in the staff part, for every role
        self.detail_sections: list[DetailSection] = [self._confidence_section]
        self.notice_sources: list[Callable[[ServiceDetail], str | None]] = []
        self.result: SearchResult | None = None
        self.edit_menu: QMenu | None = None
        self.detail_dialog: QWidget | None = None
        self.new_dialog: QWidget | None = None  # the guided "New organisation" form, while open
        self._loaded_query: str | None = None
        self._layout_settled = False
        self._detail_outdated = False  # sections were added before the page was first shown
        # Relationship health of organisations already shown, until the data changes (refresh) or
        # the day does: typing "suppo" after "supp" asks only about organisations not seen yet.
        self._health: dict[int, OrganisationHealth] = {}
        self._health_day: date | None = None
        self._build()
        self.loader = PageLoader(self, ctx.db)  # the category list, read off the UI thread (server)
        self._build_actions()
        self._link_tab_order()
        self._load_categories()
        self._just_loaded = True  # the window's first on_shown() need not search again
        self.run_search(report=False)  # the window's status bar is built after its pages
        self._layout_settled = self._restore_layout()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(500)
        self._save_timer.timeout.connect(self.save_layout)
        header = self.table.horizontalHeader()
        header.sectionResized.connect(lambda *_: self._layout_changed())
        header.sectionMoved.connect(lambda *_: self._layout_changed())
        self.splitter.splitterMoved.connect(lambda *_: self._layout_changed())
        closing = getattr(window, "closing", None)
        if closing is not None:
            closing.connect(self.save_layout)
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

        # Buttons for the actions (also in the Edit and context menus): a second row in a narrow
        # window rather than some of them hidden behind a toolbar's "»".
        self.toolbar = ActionBar("Actions on the selected service")
        self.toolbar.setObjectName("selection_toolbar")
        layout.addWidget(self.toolbar)

        self.model = ServiceTableModel(self)
        self.table = configure_table(
            QTableView(), name="results", accessible_name="Matching services",
            accessible_description="Enter opens the selected service (read-only, Print is the default); "
                                   "F2 edits it; its details are shown alongside.",
            model=self.model, word_wrap=False, sort_by=-1)
        self.table.setItemDelegate(_ElidedTextTips(self.table))
        self.table.setTabKeyNavigation(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(60)
        for col, width in default_column_widths(self.table).items():
            self.table.setColumnWidth(col, width)
        self.table.installEventFilter(_TableKeys(self))
        self.table.doubleClicked.connect(lambda _i: self.open_detail())
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
        # "“X” has no services yet — add one": a button per such organisation (filled per search)
        self.empty_organisations = QWidget()
        self.empty_organisations.setObjectName("empty_organisations")
        self.empty_organisations_layout = QVBoxLayout(self.empty_organisations)
        self.empty_organisations_layout.setContentsMargins(0, 0, 0, 0)
        self.empty_organisation_buttons: list[QPushButton] = []
        empty_layout.addWidget(self.empty_organisations, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)

        # "No service matches every word; closest matches" above the table when that is what it holds
        self.closest_label = QLabel(CLOSEST_TEXT)
        self.closest_label.setObjectName("closest_matches")
        self.closest_label.setAccessibleName(CLOSEST_TEXT)
        self.closest_label.setWordWrap(True)
        self.closest_label.setStyleSheet("font-weight: bold; padding: 4px;")
        self.closest_label.setVisible(False)
        self.results = QWidget()
        results_layout = QVBoxLayout(self.results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.setSpacing(0)
        results_layout.addWidget(self.closest_label)
        results_layout.addWidget(self.table, 1)
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.results)
        self.results_stack.addWidget(self.empty)

        self.detail = DetailPane()
        self.detail.show_message("Choose a service to see its details.")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("directory_splitter")
        self.splitter.addWidget(self.results_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)  # a wider window widens the table (more columns)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([700, DETAIL_MIN_WIDTH + 40])  # set properly once shown (_settle_layout)
        self.detail.setMinimumWidth(220)
        self.results_stack.setMinimumWidth(300)
        layout.addWidget(self.splitter, 1)

    def _action(self, text: str, slot: Callable[[], None], shortcut: str | None = None,
                name: str = "", tip: str = "") -> QAction:
        return make_action(self, text, slot, name=name, shortcut=shortcut, tip=tip,
                           add_to_owner=bool(shortcut))

    def _build_actions(self) -> None:
        self.new_action = self._action("New…", self.new_menu, "Ctrl+N", "new",
                                       "Add an organisation, or a service for the selected organisation "
                                       "(Ctrl+N)")
        self.new_organisation_action = self._action("New organisation…", self.new_organisation, None,
                                                    "new_organisation",
                                                    "Add an organisation with its first service and venue, "
                                                    "step by step")
        self.new_service_action = self._action("New service…", self.new_service, None, "new_service",
                                               "Add a service for the selected organisation")
        self.edit_service_action = self._action("Edit service…", self.edit_service, "F2", "edit_service",
                                                "Change the selected service's details (F2)")
        # F2 as Edit service's: only one of the two is shown (and active) for a given service and person
        self.suggest_action = self._action("Suggest a change…", self.suggest_change, "F2", "suggest_change",
                                           "The organisation is approved: suggest a correction, which the "
                                           "vetting lead accepts or rejects from Reviews (F2)")
        self.open_detail_action = self._action("Open (read-only)", self.open_detail, None, "open_detail",
                                               "See the selected service's details, with Print (Enter)")
        self.edit_organisation_action = self._action("Edit organisation…", self.edit_organisation, "Ctrl+E",
                                                     "edit_organisation",
                                                     "Edit the organisation that runs the selected service "
                                                     "(Ctrl+E)")
        self.open_organisation_action = self._action("Open organisation…", self.open_organisation,
                                                     "Ctrl+Shift+O", "open_organisation",
                                                     "Find any organisation by name, including those with no "
                                                     "services yet, and open it (Ctrl+Shift+O)")
        self.archive_action = self._action("Archive…", self.archive_selected, None, "archive",
                                           "Archive or restore the selected service or its organisation "
                                           "(vetting leads and administrators)")
        self.translation_action = self._action("Leaflet translation…", self.edit_translation, None,
                                               "leaflet_translation",
                                               "The selected service's name and description in another "
                                               "language, for leaflets made in that language")
        self.clear_action = self._action("Clear search and filters", self.clear_search, "Esc", "clear_search",
                                         "Clear the search and the filters (Esc)")
        self.toolbar.addAction(self.new_action)
        self.toolbar.addSeparator()
        for action in (self.edit_service_action, self.suggest_action, self.edit_organisation_action,
                       self.archive_action):
            self.add_selection_action(action)
        self.archive_action.setVisible(can(self.ctx.actor, Permission.ARCHIVE))
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
        menu.addAction(self.suggest_action)
        menu.addAction(self.edit_organisation_action)
        menu.addAction(self.open_organisation_action)
        menu.addAction(self.translation_action)
        if can(self.ctx.actor, Permission.ARCHIVE):
            menu.addSeparator()
            menu.addAction(self.archive_action)
        menu.addSeparator()
        for action in self._menu_actions:
            menu.addAction(action)
        self._menu_anchor = menu.addSeparator()
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

    def add_detail_notice(self, fn: Callable[[ServiceDetail], str | None]) -> None:
        """Add `fn(ServiceDetail) -> text or None`: a notice at the top of the detail pane, for everyone."""
        self.notice_sources.append(fn)

    def add_menu_action(self, action: QAction) -> None:
        """Offer `action` in the Edit menu and the table's context menu (not as a button above the
        table, which keeps one row on a 1280-pixel screen); enabled while a service is selected."""
        if action in self.selection_actions:
            return
        self.selection_actions.append(action)
        self._menu_actions.append(action)
        if action not in self.actions():
            self.addAction(action)
        if self.edit_menu is not None and self._menu_anchor is not None:
            self.edit_menu.insertAction(self._menu_anchor, action)
        action.setEnabled(self.selected_service_id() is not None)

    def add_detail_section(self, fn: DetailSection) -> None:
        """Add `fn(ServiceDetail) -> html` to the staff-only part of the detail pane."""
        self.detail_sections.append(fn)
        if self._just_loaded and not self.isVisible():
            # The window is still adding its sections: show the detail once, when it shows the page.
            self._detail_outdated = True
            return
        self._show_detail()

    def _show_outdated_detail(self) -> None:
        if self._detail_outdated:
            self._detail_outdated = False
            self._show_detail()

    # ------------------------------------------------------------------ page protocol
    def refresh(self) -> None:
        """Reload (after changes elsewhere), keeping the selected service and the scroll position."""
        self._health.clear()  # a contact may have been logged
        self._load_categories()
        self.run_search(keep_scroll=True)

    def on_shown(self) -> None:
        """The window shows this page: refresh, except straight after the page loaded its results."""
        if self._just_loaded:
            self._just_loaded = False
            self._show_outdated_detail()
            self._report_count()
            return
        self.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._show_outdated_detail()
        if self.edit_menu is not None:
            self.edit_menu.menuAction().setVisible(True)
        if not self._layout_settled:
            self._settle_layout()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_orientation()
        if not self._layout_settled and self.isVisible():
            self._settle_layout()

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit_orientation()  # the page's scroll area changed width (the page may not have)
        return False

    def _fit_orientation(self) -> None:
        """Beside each other when there is room; in a narrow window (1024 x 768 at 150 %, a large
        font) the details go under the results, so the page never needs scrolling sideways."""
        host = self.parentWidget()
        if host is not None and not getattr(self, "_watching_host", False):
            host.installEventFilter(self)
            self._watching_host = True
        available = host.width() if host is not None else self.width()
        want = Qt.Orientation.Vertical if available < NARROW_WIDTH else Qt.Orientation.Horizontal
        if self.splitter.orientation() == want:
            return
        self.splitter.setOrientation(want)
        narrow = want == Qt.Orientation.Vertical
        self.detail.setMinimumWidth(0 if narrow else 220)
        self.results_stack.setMinimumWidth(0 if narrow else 300)
        rows = self.table.verticalHeader().defaultSectionSize()
        self.results_stack.setMinimumHeight(rows * 6 if narrow else 0)
        self.detail.setMinimumHeight(rows * 8 if narrow else 0)
        if narrow:
            total = max(self.splitter.height(), rows * 16)
            self.splitter.setSizes([total // 2, total - total // 2])
        else:
            self._settle_layout()

    # ------------------------------------------------------------------ layout (remembered)
    def key_columns_width(self, *extra: int) -> int:
        """Width the table needs to show the key columns (and `extra` ones) whole, with its scroll
        bar and frame."""
        header = self.table.horizontalHeader()
        natural = fit_columns(self.table).natural  # the text's own widths, not the shared-out ones
        columns = sum(natural.get(c, header.sectionSize(c)) for c in (*KEY_COLUMNS, *extra)
                      if not header.isSectionHidden(c))
        bar = self.table.style().pixelMetric(self.table.style().PixelMetric.PM_ScrollBarExtent)
        return columns + bar + 2 * self.table.frameWidth() + 2

    def _settle_layout(self) -> None:
        """First show without a remembered layout: the table gets the key columns (and Categories
        when there is room), the detail pane what is left, within limits."""
        if self.splitter.orientation() == Qt.Orientation.Vertical:  # narrow: results above, details below
            total = self.splitter.height() - self.splitter.handleWidth()
            if total > 0:
                self.splitter.setSizes([total // 2, total - total // 2])
                self._layout_settled = True
            return
        total = self.splitter.width() - self.splitter.handleWidth()
        if total <= 0:
            return
        detail = max(DETAIL_MIN_WIDTH, min(DETAIL_MAX_WIDTH, total - self.key_columns_width(NEXT_COLUMN)))
        self.splitter.setSizes([max(total - detail, 0), detail])
        self._layout_settled = True

    def _restore_layout(self) -> bool:
        """Column widths/order and splitter from QSettings; True if the splitter was restored."""
        settings = QSettings()
        header = self.table.horizontalHeader()
        columns = settings.value(SETTINGS_COLUMNS)
        if settings.value(SETTINGS_COLUMNS_FOR) == _HEADER_SIGNATURE and isinstance(columns, QByteArray):
            if header.restoreState(columns):
                header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # start in best-match order
        splitter = settings.value(SETTINGS_SPLITTER)
        return isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)

    def _layout_changed(self) -> None:
        if self._layout_settled:
            self._save_timer.start()

    def save_layout(self) -> None:
        self._save_timer.stop()
        settings = QSettings()
        settings.setValue(SETTINGS_COLUMNS, fit_columns(self.table).header_state())
        settings.setValue(SETTINGS_COLUMNS_FOR, _HEADER_SIGNATURE)
        if self._layout_settled:
            settings.setValue(SETTINGS_SPLITTER, self.splitter.saveState())

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
        """↓ or Enter in the search box: into the table, on the selected (or first) row (or, with no
        results, onto the first button the empty state offers)."""
        if self.model.rowCount() == 0:
            offered = (*self.empty_organisation_buttons, self.empty_button)
            buttons = [b for b in offered if b.isVisibleTo(self)]
            if buttons and self.results_stack.currentWidget() is self.empty:
                buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.selected_service_id() is None:
            first = self.model.row_at(0)
            if first is not None:
                self.select_service(first.id)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _selection_moved(self) -> None:
        self._update_actions()
        if self._just_loaded and not self.isVisible():
            # Still being built: the window adds its detail sections next, so show the detail
            # once, when the page is shown (not twice at start-up).
            self._detail_outdated = True
        else:
            self._show_detail()
        self.selection_changed.emit(self.selected_service_id() or 0)

    def _update_actions(self) -> None:
        row = self.selected_row()
        for action in self.selection_actions:
            action.setEnabled(row is not None)
        self.translation_action.setEnabled(row is not None)
        editable = row is None or may_change_patient_facing(self.ctx.actor, row.vetting_status)
        self.edit_service_action.setVisible(editable)
        self.edit_organisation_action.setVisible(editable)
        self.suggest_action.setVisible(not editable)
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
            confidence = self.confidence.for_service(sid)
        except NotFound as exc:
            self.detail.show_message(str(exc))
            return
        from sp_desktop.ui.confidence_view import glance_html

        self._confidence: ServiceConfidence | None = confidence  # the section below reads it, not asks again
        self.detail.show_service(detail, self.ctx.today(), self.detail_sections,
                                 top=glance_html(confidence, self.ctx.today()),
                                 notices=self.detail_notices(detail))
        self._confidence = None

    def detail_notices(self, detail: ServiceDetail) -> list[str]:
        """Notices shown at the top of the detail pane for everyone ("Problem reported: ...")."""
        out: list[str] = []
        for fn in self.notice_sources:
            try:
                text = fn(detail)
            except Exception:  # one broken notice must not hide the service
                log.exception("detail notice %r failed", fn)
                continue
            if text:
                out.append(text)
        return out

    # ------------------------------------------------------------------ searching
    def _load_categories(self) -> None:
        """The Category filter's list, read off the UI thread on the practice server (until it is
        read the filter offers what it had: "Any category" when the page is new)."""
        service = CategoryService(self.ctx)
        self.loader.load(service.tree, self.filters.set_categories, key="categories")

    def run_search(self, keep_scroll: bool = False, report: bool = True) -> None:
        query = self.search.text()
        keep_id = self.selected_service_id()
        bar = self.table.verticalScrollBar()
        scroll = bar.value()
        filters = self.filters.filters()

        def search() -> tuple[Any, dict[int, OrganisationHealth], Mapping[int, RowState], frozenset[int]]:
            result = self.directory.search(query, filters, limit=RESULT_LIMIT)
            # one small query: which of these have an open reported problem ("Problem reported")
            problems = ProblemService(self.ctx).open_service_ids([r.id for r in result.rows])
            return result, self._health_of(result.rows), self._states_of(result.rows), problems

        if getattr(self, "_searching", False):  # a refresh while waiting: search once more afterwards
            self._search_again: tuple[bool, bool] | None = (keep_scroll, report)
            return
        self._searching = True
        try:  # off the UI thread on the practice server: the window never freezes on the network
            self.result, health, states, problems = call_waiting(self, self.ctx.db, search)
        except Exception as exc:  # the server away, a lock, a timeout: never leave old results up
            if not self._show_search_failed(query, exc):
                raise
            return
        finally:
            self._searching = False
            again, self._search_again = getattr(self, "_search_again", None), None
            if again is not None:
                QTimer.singleShot(0, self, lambda: self.run_search(*again))
        self.model.set_rows(self.result.rows, health, states, self.ctx.today(), problems)
        self.closest_label.setVisible(self.result.closest and bool(self.result.rows))
        if self.result.rows:
            self.results_stack.setCurrentWidget(self.results)
            kept = keep_id is not None and self.select_service(keep_id, scroll=not keep_scroll)
            first = self.model.rows()[0]
            if not kept and first.vetting_status is VettingStatus.APPROVED:
                self.select_service(first.id)  # only an approved service is chosen for the person
            elif not kept:
                self.table.selectionModel().clearSelection()
                self.table.selectionModel().setCurrentIndex(QModelIndex(),
                                                            QItemSelectionModel.SelectionFlag.Clear)
                self._selection_moved()
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

    def _show_search_failed(self, query: str, exc: Exception) -> bool:
        """The search could not be done: clear the old results (they are not the answer) and say why.
        False when `exc` is not a database fault (the crash handler deals with it)."""
        from sp_desktop.db.faults import Fault, explain
        from sp_desktop.diagnostics import log
        from sp_desktop.domain.errors import ExitCode
        from sp_desktop.ui.server_wait import Cancelled

        fault = explain(exc, self.ctx.db.describe())
        if isinstance(exc, Cancelled):
            fault = Fault("cancelled", "Search stopped", "You stopped waiting for the practice server.",
                          ExitCode.REFUSED)
        if fault is None:
            return False
        log.warning("search for %r failed: %s", query, getattr(fault, "cause", "cancelled"))
        self.result = None
        self.model.set_rows((), {})
        self._selection_moved()
        self.empty_button.setVisible(False)
        self._set_empty_organisations([])
        text = (f"The search could not be done, so no results are shown. {fault.message} "
                "(Press Enter in the search box to search again.)")
        self.empty_label.setText(text)
        self.empty_label.setAccessibleName(text)
        self.results_stack.setCurrentWidget(self.empty)
        self._loaded_query = None
        set_count = getattr(self.main_window, "set_match_count", None)
        if callable(set_count):
            set_count("Search failed")
        if fault.server_away:
            from sp_desktop.ui.server_banner import report_server_away

            report_server_away(self)
        return True

    def _health_of(self, rows: tuple[ServiceRow, ...]) -> dict[int, OrganisationHealth]:
        """Relationship health of the organisations in the results: at most one call for the whole
        set, for the organisations not already known since the last refresh."""
        today = self.ctx.today()
        if today != self._health_day:
            self._health.clear()
            self._health_day = today
        wanted = {r.organisation_id for r in rows}
        missing = sorted(wanted - self._health.keys())
        if missing:
            self._health.update(RelationshipService(self.ctx).health(missing))
        return {org_id: self._health[org_id] for org_id in wanted}

    def _states_of(self, rows: tuple[ServiceRow, ...]) -> Mapping[int, RowState]:
        """Open now / taking new people for the results, in short form (three small queries)."""
        from sp_desktop.domain.enums import AccessRoute

        return self.confidence.row_states([(r.id, AccessRoute.APPOINTMENT in r.access) for r in rows])

    def _confidence_section(self, detail: ServiceDetail) -> str:
        from sp_desktop.ui.confidence_view import confidence_html

        known = getattr(self, "_confidence", None)
        confidence = known if known is not None and known.service_id == detail.id else (
            self.confidence.for_service(detail.id))
        return confidence_html(confidence, self.ctx.today())

    def _report_count(self) -> None:
        set_count = getattr(self.main_window, "set_match_count", None)
        if callable(set_count) and self.result is not None:
            set_count(match_text(self.result))

    def _organisations_without_services(self, query: str) -> list[tuple[int, str]]:
        counts = self.directory.service_counts()
        lonely = [o for o in self.directory.organisations() if not counts.get(o[0])]
        return organisations_matching(query, lonely)[:EMPTY_ORGANISATIONS] if lonely else []

    def _set_empty_organisations(self, organisations: list[tuple[int, str]]) -> None:
        for button in self.empty_organisation_buttons:
            button.setParent(None)
            button.deleteLater()
        self.empty_organisation_buttons = []
        for oid, name in organisations:
            button = QPushButton(f"Add a service to “{name}”…")
            button.setObjectName(f"empty_add_service_{oid}")
            button.setAccessibleName(f"Add a service to {name}")
            button.clicked.connect(lambda _c=False, oid=oid: self._new_service_for(oid))
            self.empty_organisations_layout.addWidget(button)
            self.empty_organisation_buttons.append(button)
        self.empty_organisations.setVisible(bool(organisations))

    def _show_empty_state(self, query: str) -> None:
        self.empty_button.setVisible(False)
        filters = self.filters.describe()
        lonely = self._organisations_without_services(query) if query.strip() else []
        self._set_empty_organisations(lonely)
        if len(lonely) == 1:
            text = (f"“{lonely[0][1]}” has no services yet — add one, and it will show up in searches "
                    "and on leaflets.")
        elif lonely:
            text = (f"No services match “{query.strip()}”. These organisations have no services yet — "
                    "add one:")
        elif query.strip():
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
        menu.addAction(self.translation_action)
        menu.addSeparator()
        menu.addAction(self.new_organisation_action)
        menu.addAction(self.new_service_action)
        menu.addAction(self.open_organisation_action)
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
        menu.setActiveAction(self.new_organisation_action)  # Enter: the guided form; Down, Enter: a service
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Under the search box: always inside the window (under the focused table it could fall off
        # the bottom of the screen).
        menu.popup(self.search.mapToGlobal(QPoint(0, self.search.height())))
        self._new_menu = menu

    def new_organisation(self) -> None:
        """Ctrl+N, Enter: the guided form (organisation, its first service, the venue), saved
        together; the new service is then selected, as not vetted yet. Window-modal, without
        blocking."""
        from sp_desktop.ui.dialogs.new_organisation_dialog import NewOrganisationDialog  # when first used

        shown = self.new_dialog
        if shown is not None and isValid(shown) and shown.isVisible():
            shown.activateWindow()
            return
        dialog = NewOrganisationDialog(self.ctx, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._organisation_added(dialog.saved))
        dialog.finished.connect(lambda _r: self._back_from_detail())
        self.new_dialog = dialog
        dialog.open()

    def _organisation_added(self, saved: ServiceDetail | None) -> None:
        if saved is None:
            return
        where = f" at {saved.locations[0].address_lines[0]}" if saved.locations and \
            saved.locations[0].address_lines else ""
        self._after_save(saved, f"Added “{saved.organisation.name}” with its service “{saved.name}”{where}. "
                                "It is not vetted yet: Ctrl+Shift+V opens its vetting record; "
                                "Ctrl+E adds more details.")

    def new_service(self) -> None:
        self._new_service_for(self.selected_organisation_id())

    def _new_service_for(self, organisation_id: int | None) -> None:
        from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog  # when first used

        saved = EditServiceDialog.ask(self, self.ctx, organisation_id=organisation_id)
        if saved is not None:
            self._after_save(saved, f"Added the service “{saved.name}”.")

    def open_detail(self) -> None:
        """Enter or double-click: the selected service, read-only, with Print as the default button."""
        row = self.selected_row()
        if row is None:
            return
        try:
            detail = self.directory.get_service(row.id)
        except NotFound as exc:
            messages.warn(self, "Not found", str(exc))
            self.refresh()
            return
        from sp_desktop.ui.dialogs.service_detail_dialog import ServiceDetailDialog

        editable = may_change_patient_facing(self.ctx.actor, detail.organisation.vetting_status)
        leaflets = getattr(self.main_window, "leaflet_actions", None)
        dialog = ServiceDetailDialog(
            detail, self.ctx.today(), self.detail_sections, self,
            may_print=leaflets is not None and can(self.ctx.actor, Permission.PRINT_LEAFLETS),
            may_edit=editable and can(self.ctx.actor, Permission.EDIT_DIRECTORY),
            may_suggest=not editable, notices=self.detail_notices(detail))
        dialog.chosen.connect(lambda action, sid=row.id: self._detail_chosen(action, sid))
        dialog.finished.connect(lambda _r: self._back_from_detail())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.detail_dialog = dialog
        dialog.open()
        dialog.activateWindow()  # the keys go to it at once (Enter prints, Esc closes)

    def _back_from_detail(self) -> None:
        self.window().activateWindow()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _detail_chosen(self, action: str, sid: int) -> None:
        if self.selected_service_id() != sid:
            self.select_service(sid)
        leaflets = getattr(self.main_window, "leaflet_actions", None)
        if action == "print" and leaflets is not None:
            leaflets.quick_print([sid])
        elif action == "basket" and leaflets is not None:
            leaflets.add_selected()
        elif action == "edit":
            self.edit_service()
        elif action == "suggest":
            self.suggest_change()
        elif action == "problem":
            problems = getattr(self.main_window, "problem_actions", None)
            if problems is not None:
                problems.report_selected()

    def suggest_change(self) -> None:
        """The front desk, on an approved organisation's service: the edit form, saved as a suggestion
        for the vetting lead (nothing on the record changes until the lead accepts)."""
        sid = self.selected_service_id()
        if sid is None:
            return
        from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog

        saved = EditServiceDialog.ask(self, self.ctx, service_id=sid, suggest=True)
        if saved is not None:
            self.changed.emit()
            self._say("Your suggestion has gone to the vetting lead (Reviews due). The leaflet keeps the "
                      "checked details until they accept it.")

    def edit_service(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        sid = row.id
        if not may_change_patient_facing(self.ctx.actor, row.vetting_status):
            self.suggest_change()
            return
        from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog

        saved = EditServiceDialog.ask(self, self.ctx, service_id=sid)
        if saved is not None:
            self._after_save(saved, f"Saved the service “{saved.name}”.")

    def edit_translation(self) -> None:
        """The selected service's name and description in another language (Edit → Leaflet translation…)."""
        sid = self.selected_service_id()
        if sid is None:
            return
        from sp_desktop.ui.dialogs.leaflet_translation_dialog import LeafletTranslationDialog

        LeafletTranslationDialog.open_for(self.ctx, sid, self)

    def edit_organisation(self) -> None:
        oid = self.selected_organisation_id()
        if oid is None:
            return
        self._edit_organisation(oid)

    def open_organisation(self) -> None:
        """Ctrl+Shift+O: pick any organisation by name (with or without services) and edit it."""
        oid = OpenOrganisationDialog.ask(self, self.ctx)
        if oid is not None:
            self._edit_organisation(oid)

    def _edit_organisation(self, oid: int) -> None:
        from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog

        org = self.directory.get_organisation(oid)
        if not may_change_patient_facing(self.ctx.actor, org.vetting_status):
            messages.inform(self, "Approved organisation",
                            f"“{org.name}” is approved, so its details go onto leaflets as checked. Use "
                            "“Suggest a change…” on one of its services, or ask the vetting lead, to correct "
                            "them.")
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
        from sp_desktop.ui.dialogs.archive_dialog import ArchiveDialog

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
