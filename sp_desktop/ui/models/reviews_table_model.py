"""Table model of the Reviews due page: one row per organisation needing attention.

Sortable by any column (`sort()` sorts the rows themselves, by a proper key: dates as dates,
urgency by rank), read-only, with the state as words and a symbol ("Review overdue !"), never
colour alone. `UserRole` is the organisation id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sp_desktop.domain.formatting import show_date
from sp_desktop.services.vetting import ReviewDue, status_text

COL_STATE = 0
COL_ORGANISATION = 1
COL_DUE = 2
COL_WHEN = 3
COL_WHAT = 4
COL_STATUS = 5
COL_APPROVED = 6
HEADERS = ("State", "Organisation", "Due", "When", "What is due", "Vetting", "Last approved")

Index = QModelIndex | QPersistentModelIndex


def cell_text(row: ReviewDue, column: int) -> str:
    if column == COL_STATE:
        return row.kind.text
    if column == COL_ORGANISATION:
        return row.organisation_name
    if column == COL_DUE:
        return show_date(row.due_on)
    if column == COL_WHEN:
        return row.when_text
    if column == COL_WHAT:
        return row.what
    if column == COL_STATUS:
        return status_text(row.vetting_status)
    if column == COL_APPROVED:
        if row.approved_on is None:
            return "Never"
        return f"{show_date(row.approved_on)}, {row.approved_by or 'unknown'}"
    return ""


def sort_key(row: ReviewDue, column: int) -> Any:
    if column == COL_STATE:
        return (row.kind.rank, row.due_on)
    if column in (COL_DUE, COL_WHEN):
        # never vetted, a suggested change, changed since last checked: above the dated ones
        return (not row.kind.first, row.due_on, row.organisation_name.casefold())
    if column == COL_APPROVED:
        return (row.approved_on.toordinal() if row.approved_on else 0, row.organisation_name.casefold())
    return (cell_text(row, column).casefold(), row.due_on)


class ReviewsTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ReviewDue] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[ReviewDue]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if self._sort is not None:
            column, order = self._sort
            self.rows.sort(key=lambda r: sort_key(r, column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def row_at(self, row: int) -> ReviewDue | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, organisation_id: int) -> int:
        for i, r in enumerate(self.rows):
            if r.organisation_id == organisation_id:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS) \
                and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < len(HEADERS)):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.organisation_name}: {row.what}" if column in (COL_STATE, COL_WHAT) else None
        if role == Qt.ItemDataRole.UserRole:
            return row.organisation_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_DUE, COL_WHEN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(HEADERS)):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = list(self.persistentIndexList())
        before = [(self.rows[i.row()], i.column()) for i in old]
        self.rows.sort(key=lambda r: sort_key(r, column), reverse=order == Qt.SortOrder.DescendingOrder)
        position = {id(r): n for n, r in enumerate(self.rows)}
        self.changePersistentIndexList(old, [self.index(position[id(r)], c) for r, c in before])
        self.layoutChanged.emit()


__all__ = ["COL_APPROVED", "COL_DUE", "COL_ORGANISATION", "COL_STATE", "COL_STATUS", "COL_WHAT", "COL_WHEN",
           "HEADERS", "ReviewsTableModel", "cell_text"]
