"""Table models for the relationship screens: contact timeline, trust notes, follow-ups, network lists.

Each is a read-only `QAbstractTableModel` over a tuple of frozen dataclasses from the services,
with `set_rows()` (model reset), `row_at()`, display text, a sort key (`SORT_ROLE`), tooltips
and, where a row has a state, an icon next to the words (never colour alone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from sp_desktop.domain.formatting import show_date, show_datetime
from sp_desktop.services.followups import FollowUpItem
from sp_desktop.services.relationships import ContactEntry, NetworkTable, TrustNoteEntry

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


def standard_icon(name: str) -> QIcon:
    style = QApplication.style() if QApplication.instance() is not None else None
    if style is None:
        return QIcon()
    return style.standardIcon(getattr(QStyle.StandardPixmap, name))


class Column(Generic[T]):
    def __init__(self, header: str, text: Callable[[T], str], sort: Callable[[T], Any] | None = None,
                 tip: Callable[[T], str] | None = None,
                 icon: Callable[[T], QIcon | None] | None = None) -> None:
        self.header = header
        self.text = text
        self.sort = sort or text
        self.tip = tip
        self.icon = icon


class RowsTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of rows described by `columns`."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: tuple[T, ...] = ()

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < len(self.columns)):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return col.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tip(row) if col.tip else col.text(row)
        if role == Qt.ItemDataRole.DecorationRole and col.icon is not None:
            return col.icon(row)
        if role == SORT_ROLE:
            return col.sort(row)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _stamp(value: datetime | date | None) -> str:
    if value is None:
        return ""
    return value.isoformat()


# --------------------------------------------------------------------------- contacts
COL_WHEN, COL_KIND, COL_STAFF, COL_PEOPLE, COL_SUMMARY, COL_FOLLOW_UP = range(6)


def contact_columns() -> list[Column[ContactEntry]]:
    return [
        Column("When", lambda e: show_datetime(e.occurred_at), lambda e: _stamp(e.occurred_at)),
        Column("Kind", lambda e: e.kind.label + (" (in person)" if e.kind.face_to_face else "")),
        Column("Practice staff", lambda e: e.staff_names),
        Column("Their people", lambda e: e.people_names),
        Column("Summary", lambda e: e.summary, tip=lambda e: f"{e.summary}\n\nLogged by {e.author_name}"),
        Column("Follow-up", lambda e: e.follow_up_text(),
               tip=lambda e: e.follow_up_text() + (f"\nNote: {e.follow_up_done_note}"
                                                   if e.follow_up_done_note else "")),
    ]


class ContactTableModel(RowsTableModel[ContactEntry]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(contact_columns(), parent)


# --------------------------------------------------------------------------- trust notes
def note_columns() -> list[Column[TrustNoteEntry]]:
    return [
        Column("Noted", lambda n: show_date(n.noted_on), lambda n: _stamp(n.noted_on)),
        Column("Kind", lambda n: n.kind.label),
        Column("About", lambda n: n.about),
        Column("Note", lambda n: n.text),
        Column("By", lambda n: n.author_name),
        Column("State", lambda n: "Resolved ✓" if n.resolved else "Open !" if n.is_concern else ""),
    ]


class TrustNoteTableModel(RowsTableModel[TrustNoteEntry]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(note_columns(), parent)


# --------------------------------------------------------------------------- follow-ups
COL_FU_STATUS, COL_FU_DUE, COL_FU_OWNER, COL_FU_ACTION, COL_FU_ORG, COL_FU_FROM = range(6)


def _status_icon(item: FollowUpItem) -> QIcon | None:
    if item.overdue:
        return standard_icon("SP_MessageBoxWarning")
    if item.done:
        return standard_icon("SP_DialogApplyButton")
    return None


def followup_columns() -> list[Column[FollowUpItem]]:
    return [
        Column("Status", lambda i: i.status_text,
               lambda i: (2 if i.done else 0 if i.overdue else 1), icon=_status_icon),
        Column("Due", lambda i: show_date(i.due, "No date"), lambda i: _stamp(i.due) or "9999"),
        Column("Owner", lambda i: i.owner_name),
        Column("Action", lambda i: i.title,
               tip=lambda i: i.title + (f"\nDone: {i.done_note}" if i.done_note else "")),
        Column("Organisation", lambda i: i.organisation_name),
        Column("From", lambda i: i.source),
    ]


class FollowUpTableModel(RowsTableModel[FollowUpItem]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(followup_columns(), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            item = self.row_at(index.row())
            if item is not None and item.overdue and index.column() in (COL_FU_STATUS, COL_FU_DUE):
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)


# --------------------------------------------------------------------------- network lists
class NetworkTableModel(QAbstractTableModel):
    """One `NetworkTable` (who knows whom, never met, no contact in a year). A row's words are
    worked out when the view first asks for them (a list can have 25,000 organisations)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table: NetworkTable | None = None  # headers, title, blanks (and the rows of set_table)
        self._values: list[tuple[Any, ...]] = []
        self._ids: list[int] = []
        self._display: list[list[str] | None] = []

    def set_table(self, table: NetworkTable) -> None:
        self.beginResetModel()
        self._take(table)
        self.endResetModel()

    def _take(self, table: NetworkTable) -> None:
        self.table = table
        self._values = list(table.values)
        self._ids = list(table.organisation_ids)
        self._display = [None] * len(self._values)

    def _append(self, table: NetworkTable) -> None:
        self._values += table.values
        self._ids += table.organisation_ids
        self._display += [None] * len(table.values)

    def organisation_id(self, row: int) -> int | None:
        """The organisation of row `row` (None when there is no such row)."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def _text(self, row: int, col: int) -> str:
        shown = self._display[row]
        if shown is None:
            assert self.table is not None
            shown = self._display[row] = self.table.display(self._values[row])
        return shown[col]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._display)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.table is None else len(self.table.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is not None and orientation == Qt.Orientation.Horizontal \
                and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.table.headers):
            return self.table.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid() or not (0 <= index.row() < len(self._display)) \
                or not (0 <= index.column() < len(self.table.headers)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            return self._text(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = self._values[index.row()][index.column()]
            if isinstance(value, int) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == SORT_ROLE:
            value = self._values[index.row()][index.column()]
            if value is None:
                return ""
            if isinstance(value, datetime | date):
                return value.isoformat()
            if isinstance(value, int):
                return value
            return self._text(index.row(), index.column()).casefold()
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


#: Reads part of a list: (sort column or -1, descending, where to start or None) ->
#: (those rows as a NetworkTable, where the next part starts or None at the end).
PageReader = Callable[[int, bool, Any], tuple[NetworkTable, Any]]


class PagedNetworkTableModel(NetworkTableModel):
    """A network list too long to read at once ("who knows whom": 70,000 rows at a large
    practice), read a page at a time: the first page when the list is set, the next ones when
    the view scrolls near the end (`canFetchMore`/`fetchMore`, as Qt's views ask). A click on a
    column header sorts in the database (`sort()` reads the first page again in that order), so
    the rows not read yet sort too; the view shows the model itself, not a sorting proxy."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._reader: PageReader | None = None
        self._next: Any = None
        self._reading = False  # pages are being read or reset (a view may ask for more meanwhile)
        self._epoch = 0  # bumped when the list is set again: a page read for an older one is dropped
        self.sort_column, self.descending = -1, False
        #: How a later page or a new sort order is read: `run(read, show)`. The Network page passes
        #: its PageLoader's (off the UI thread on the practice server); on its own, read then show.
        self.run: Callable[[Callable[[], Any], Callable[[Any], None]], None] | None = None

    def _run(self, read: Callable[[], Any], show: Callable[[Any], None]) -> None:
        if self.run is None:
            show(read())
        else:
            self.run(read, show)

    def set_reader(self, reader: PageReader) -> None:
        """Show the list `reader` reads, from its first page, in the current sort order (the page
        reads its first page before it calls this, so this one is shown at once)."""
        self._reader = reader
        self._epoch += 1
        self._reset(reader(self.sort_column, self.descending, None))

    def _reset(self, page: tuple[NetworkTable, Any]) -> None:
        table, following = page
        self._reading = True  # no page added while the views hear of the reset; they ask again after
        try:
            self.beginResetModel()
            self._take(table)
            self._next = following
            self.endResetModel()
        finally:
            self._reading = False

    def _read_first(self) -> None:
        """The first page again (a new sort order); the rows shown stay until it is read."""
        reader, epoch, order = self._reader, self._epoch, (self.sort_column, self.descending)
        assert reader is not None
        self._reading = True  # no "more" while the list is being read again

        def show(page: tuple[NetworkTable, Any]) -> None:
            if epoch == self._epoch and order == (self.sort_column, self.descending):
                self._reset(page)

        self._run(lambda: reader(order[0], order[1], None), show)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._reader is not None and self._next is not None \
            and not self._reading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        reader, epoch, after = self._reader, self._epoch, self._next
        order = (self.sort_column, self.descending)
        assert reader is not None
        self._reading = True  # one page at a time: the view asks again once this one is shown

        def show(page: tuple[NetworkTable, Any]) -> None:
            if epoch != self._epoch or order != (self.sort_column, self.descending):
                return  # read for a list or an order no longer shown
            table, self._next = page
            try:
                if table.values:
                    first = len(self._values)
                    self.beginInsertRows(QModelIndex(), first, first + len(table.values) - 1)
                    self._append(table)
                    self.endInsertRows()
            finally:
                self._reading = False

        self._run(lambda: reader(order[0], order[1], after), show)

    def fetch_all(self) -> None:
        """Read every remaining page (tests; a view never needs to)."""
        while self.canFetchMore():
            self.fetchMore()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder and column >= 0
        if (column, descending) == (self.sort_column, self.descending):
            return
        self.sort_column, self.descending = column, descending
        if self._reader is not None:
            self._read_first()


__all__ = ["COL_FU_STATUS", "ContactTableModel", "FollowUpTableModel", "NetworkTableModel", "PageReader",
           "PagedNetworkTableModel", "RowsTableModel", "SORT_ROLE", "TrustNoteTableModel", "standard_icon"]
