"""The Network page: who at the practice knows which organisations, and who no one knows.

"Who knows the carers' centre?": type ``carers`` in the box and the first list shows the staff
who have been in touch with matching organisations, those who met them in person first, and
when. Two more lists show organisations no one here has met, and approved organisations with
no contact in a year. Each list exports as CSV and prints (internal: it names staff, so it is
for the practice, not for patients). Enter or double-click opens an organisation's history.

The two organisation lists can hold every organisation (25,000 at 50,000 services, ~0.15 s
each to read), so the page opens with "Who knows whom" and each list's count on its tab (one SQL
count), and reads a list when its tab is first shown after a (re)load. "Who knows whom" can be
longer still (70,000 staff-organisation pairs with contacts logged for most organisations), so
it is read a page at a time as it is scrolled, its count from SQL, and a click on one of its
column headers sorts it in the database (`PagedNetworkTableModel`); printing it reads it whole.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.safe_text import escape_markup as escape
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.relationships import (
    LIST_TITLES,
    NEVER_MET,
    NO_RECENT_CONTACT,
    WHO_KNOWS,
    NetworkTable,
    RelationshipService,
)
from sp_desktop.ui import messages
from sp_desktop.ui.models.relationship_models import (
    SORT_ROLE,
    NetworkTableModel,
    PagedNetworkTableModel,
    PageReader,
)
from sp_desktop.ui.page_loader import PageLoader
from sp_desktop.ui.pages.lazy import LoadWhenShown
from sp_desktop.ui.widgets.flow_layout import FlowLayout
from sp_desktop.ui.widgets.tables import configure_table, empty_note, sorting_proxy

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

TAB_TITLES = {WHO_KNOWS: "Who knows whom", NEVER_MET: "No one has met",
              NO_RECENT_CONTACT: "Approved, no contact in a year"}
EMPTY = {
    WHO_KNOWS: "No contacts logged yet. Log calls, meetings and visits from the Directory (Ctrl+L) "
               "and this list shows who knows whom.",
    NEVER_MET: "Everyone has been met in person by someone here — well done.",
    NO_RECENT_CONTACT: "Every approved organisation has had contact in the last 12 months.",
}
ORGANISATION_LISTS = (NEVER_MET, NO_RECENT_CONTACT)  # read when their tab is shown
SIZING_SAMPLE = 60  # rows read to size the columns (QHeaderView.resizeContentsPrecision)
FILE_NAMES = {WHO_KNOWS: "who-knows-whom", NEVER_MET: "organisations-no-one-has-met",
              NO_RECENT_CONTACT: "approved-no-contact-in-a-year"}


def choose_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """Ask which printer to use (the system print dialog). Tests replace this."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def table_html(table: NetworkTable, printed_by: str, today: date) -> str:
    """The printable version of a network list."""
    display = table.display_rows()
    # Column widths follow the longest word of the header and the longest cell (capped), so
    # "Organisation" is never broken mid-word and names get the room.
    weights = []
    for col, header in enumerate(table.headers):
        longest_cell = max((len(row[col]) for row in display), default=0)
        longest_word = max(len(w) for w in header.split())
        weights.append(max(longest_word * 2 + 2, min(longest_cell, 24) + 2, 8))
    widths = [round(100 * w / sum(weights)) for w in weights]
    head = "".join(f"<th align='left' width='{w}%'>{escape(h)}</th>" for h, w in zip(table.headers, widths,
                                                                                      strict=True))
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in display)
    if not rows:
        rows = f"<tr><td colspan='{len(table.headers)}'>{escape(EMPTY[table.name])}</td></tr>"
    return (f"<h2>{escape(table.title)}</h2><p>{escape(table.subtitle)}. {len(table.values)} "
            f"row{'s' if len(table.values) != 1 else ''}.</p>"
            f"<table border='1' cellspacing='0' cellpadding='4' width='100%'><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            f"<p><small>Printed {escape(show_date(today))} by {escape(printed_by)}. For practice staff only: "
            "names staff members; not for patients.</small></p>")


class _ListView(QWidget):
    """One network list: a subtitle, a sortable table and an empty-state line. "Who knows whom"
    is read page by page and sorted in the database (its `proxy` is the model itself); the
    organisation lists are read whole and sorted on screen by a sorting proxy."""

    activated = Signal()  # Enter or a double-click on a row

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.table_data: NetworkTable | None = None  # the list read (who knows whom: its first page)
        self.text = ""  # the words the list was read for (who knows whom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.subtitle = QLabel("")
        self.subtitle.setObjectName(f"{name}_subtitle")
        layout.addWidget(self.subtitle)
        self.model: NetworkTableModel
        self.proxy: QAbstractItemModel  # what the table shows
        if name == WHO_KNOWS:
            self.model = self.proxy = PagedNetworkTableModel(self)
        else:
            self.model = NetworkTableModel(self)
            self.proxy = sorting_proxy(self.model, SORT_ROLE, self)
        self.view = configure_table(QTableView(), name=f"{name}_table", accessible_name=LIST_TITLES[name],
                                    model=self.proxy, sort_by=-1, stretch_last=True,
                                    on_activate=self.activated.emit)
        # Column widths from the rows on screen plus a sample, not every cell (25,000 rows at most).
        self.view.horizontalHeader().setResizeContentsPrecision(SIZING_SAMPLE)
        layout.addWidget(self.view, 1)
        self.empty = empty_note(f"{name}_empty")
        layout.addWidget(self.empty)

    def set_table(self, table: NetworkTable) -> None:
        self.model.set_table(table)
        self._shown(table, len(table.values))

    def set_pages(self, reader: PageReader, total: int, text: str) -> None:
        """Show a list read page by page (`total` rows in all), from its first page."""
        assert isinstance(self.model, PagedNetworkTableModel)
        self.text = text
        self.model.set_reader(reader)
        assert self.model.table is not None
        self._shown(self.model.table, total)

    def _shown(self, table: NetworkTable, total: int) -> None:
        self.table_data = table
        self.subtitle.setText(table.subtitle)
        self.empty.setText("" if total else EMPTY[self.name])
        self.empty.setVisible(not total)
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.resizeSection(col, min(max(header.sectionSize(col), 90), 320))

    def selected_organisation_id(self) -> int | None:
        if self.table_data is None:
            return None
        rows = self.view.selectionModel().selectedRows()
        index = rows[0] if rows else self.view.currentIndex()
        if not index.isValid():
            return None
        if isinstance(self.proxy, QAbstractProxyModel):
            index = self.proxy.mapToSource(index)
        return self.model.organisation_id(index.row())


class NetworkPage(LoadWhenShown, QWidget):
    """Loads its lists when first shown (they read every organisation's contact history)."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.service = RelationshipService(ctx)
        self.setAccessibleName("Network")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)

        intro = QLabel("<b>Who knows…</b> type an organisation, service or person to see who here has "
                       "been in touch with them, and when. Met in person first.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.search = QLineEdit()
        self.search.setObjectName("who_knows")
        self.search.setAccessibleName("Who knows…")
        self.search.setPlaceholderText("Who knows… e.g. carers")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("network_tabs")
        self.lists: dict[str, _ListView] = {}
        self._unread: set[str] = set()  # organisation lists counted but not read since the last refresh
        for name in (WHO_KNOWS, NEVER_MET, NO_RECENT_CONTACT):
            view = _ListView(name, self)
            view.activated.connect(lambda v=view: self.open_selected(v))
            self.lists[name] = view
            self.tabs.addTab(view, TAB_TITLES[name])
        layout.addWidget(self.tabs, 1)

        buttons = FlowLayout()
        self.open_button = QPushButton("&Open history…")
        self.open_button.setObjectName("open_history")
        self.open_button.setToolTip("Contact history of the selected organisation (Enter)")
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setObjectName("export_csv")
        self.export_button.setToolTip("Save the list you are looking at as a CSV file for a spreadsheet")
        self.print_button = QPushButton("&Print…")
        self.print_button.setObjectName("print_list")
        self.print_button.setToolTip("Print the list you are looking at (for practice staff only)")
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.print_button)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.open_button.clicked.connect(lambda: self.open_selected(self.current_list()))
        self.export_button.clicked.connect(self.export_csv)
        self.print_button.clicked.connect(self.print_list)
        self.tabs.currentChanged.connect(lambda _index: self._read_shown_list())
        self.loader = PageLoader(self, ctx.db)
        # Later pages of "who knows whom" (scrolling) and a new sort order (a header click) are read
        # off the UI thread too, one read at a time: a newer one supersedes an older one still out.
        paged = self.lists[WHO_KNOWS].model
        assert isinstance(paged, PagedNetworkTableModel)
        paged.run = lambda read, show: self.loader.load(read, show, key="who knows whom: more")
        QWidget.setTabOrder(self.search, self.tabs)

    # ---- page protocol
    def refresh(self) -> None:
        self._load_lists(refresh=True)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ---- lists (read off the UI thread when the directory is on the practice server)
    def _load_lists(self, refresh: bool, focus_results: bool = False) -> None:
        """Read "who knows whom" for the words in the box (its count and first page) and, on a
        refresh, the other lists' counts and the list on screen; then show them."""
        text = self.search.text()
        service = self.service
        paged = self.lists[WHO_KNOWS].model
        assert isinstance(paged, PagedNetworkTableModel)
        order = (paged.sort_column, paged.descending)
        shown = self.current_list().name if not text.strip() else WHO_KNOWS

        def read() -> tuple[int, tuple[NetworkTable, Any], dict[str, int], NetworkTable | None]:
            total = service.who_knows_count(text)
            page = service.who_knows_page(text, sort_column=order[0], descending=order[1], after=None)
            first = (service.who_knows_table(page.rows, text), page.next)
            if not refresh:
                return total, first, {}, None
            counts = {name: service.count(name) for name in ORGANISATION_LISTS}
            return total, first, counts, (service.table(shown) if shown in ORGANISATION_LISTS else None)

        def show(data: tuple[int, tuple[NetworkTable, Any], dict[str, int], NetworkTable | None]) -> None:
            total, first, counts, table = data
            self._show_who_knows(text, total, order, first)
            for name, count in counts.items():
                self._unread.add(name)
                self._set_count(name, count)
            if table is not None:
                self._unread.discard(shown)
                self._show(shown, table)
            elif refresh:
                self._read_shown_list()
            if focus_results:
                self._focus_who_knows()

        self.loader.load(read, show)

    def _read_shown_list(self) -> None:
        name = self.current_list().name
        if name in self._unread:
            self._unread.discard(name)
            service = self.service
            self.loader.load(lambda: service.table(name), lambda table: self._show(name, table), key=name)

    def _set_count(self, name: str, count: int) -> None:
        self.tabs.setTabText(list(self.lists).index(name), f"{TAB_TITLES[name]} ({count})")

    def _show(self, name: str, table: NetworkTable) -> None:
        self.lists[name].set_table(table)
        self._set_count(name, len(table.values))

    def _search_now(self) -> None:
        self._timer.stop()
        self._load_lists(refresh=False, focus_results=True)

    def _focus_who_knows(self) -> None:
        self.tabs.setCurrentIndex(0)
        view = self.lists[WHO_KNOWS].view
        if self.lists[WHO_KNOWS].model.rowCount():
            view.setFocus()
            view.selectRow(0)

    def run_search(self) -> None:
        self._load_lists(refresh=False)

    def _show_who_knows(self, text: str, total: int, order: tuple[int, bool],
                        first: tuple[NetworkTable, Any]) -> None:
        service = self.service
        waiting = [first]  # the first page, already read off the UI thread

        def read(column: int, descending: bool, after: str | int | None) -> tuple[NetworkTable, Any]:
            if after is None and waiting and (column, descending) == order:
                return waiting.pop()
            page = service.who_knows_page(text, sort_column=column, descending=descending, after=after)
            return service.who_knows_table(page.rows, text), page.next

        self.lists[WHO_KNOWS].set_pages(read, total, text)
        self._set_count(WHO_KNOWS, total)
        if text.strip():
            self.tabs.setCurrentIndex(0)
            if not total:
                self.lists[WHO_KNOWS].empty.setText(f"No one here has logged contact with an organisation "
                                                    f"matching “{text.strip()}”. Check the spelling, or "
                                                    "try part of the name.")
                self.lists[WHO_KNOWS].empty.show()

    def current_list(self) -> _ListView:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, _ListView)
        return widget

    def open_selected(self, view: _ListView) -> None:
        org_id = view.selected_organisation_id()
        if org_id is None:
            return
        from sp_desktop.ui.dialogs.organisation_relationship_dialog import OrganisationRelationshipDialog

        if OrganisationRelationshipDialog.show_for(self, self.ctx, org_id):
            self.refresh()
            self.changed.emit()

    # ---- export and print
    def export_csv(self) -> None:
        view = self.current_list()
        name = view.name
        default = f"{FILE_NAMES[name]}-{self.ctx.today().isoformat()}.csv"
        path = messages.save_file(self, f"Export “{LIST_TITLES[name]}” as CSV", default, "CSV files (*.csv)")
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        text = self.search.text() if name == WHO_KNOWS else ""
        try:
            rows = self.service.export_csv(name, path, text)
        except OSError as exc:
            messages.error(self, "Could not save the CSV file",
                           f"The list was not saved to {path}: {exc.strerror or exc}. Choose another folder "
                           "(for example Documents) and try again.")
            return
        self._say(f"Saved {rows} row{'s' if rows != 1 else ''} to {path}")

    def print_list(self) -> None:
        view = self.current_list()
        table = view.table_data
        if table is None:
            return
        if view.name == WHO_KNOWS:  # read page by page on screen; printed whole, in the list's order
            table = self.service.table(WHO_KNOWS, view.text)
        printer = choose_printer(self, f"Print “{table.title}”")
        if printer is None:
            return
        doc = QTextDocument()
        doc.setHtml(table_html(table, self.ctx.actor.name, self.ctx.today()))
        doc.print_(printer)
        self._say(f"Sent “{table.title}” to the printer")

    def _say(self, text: str) -> None:
        window = self.main_window
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 8000)


__all__ = ["NetworkPage", "choose_printer", "table_html"]
