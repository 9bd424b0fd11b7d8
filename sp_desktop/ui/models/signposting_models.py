"""Table models for the signposting log and the report tables.

Read-only `QAbstractTableModel`s over frozen dataclasses from the services, with `set_rows()`
(a model reset), `row_at()`, a sort key (`SORT_ROLE`) for a `QSortFilterProxyModel`, tooltips,
and for states an icon beside the words (never colour alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from sp_desktop.domain.enums import Experience, Outcome
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.signposting import LogRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex

(COL_DATE, COL_SERVICE, COL_ORGANISATION, COL_REASONS, COL_METHOD, COL_STAFF, COL_OUTCOME, COL_EXPERIENCE,
 COL_FOLLOW_UP, COL_REF) = range(10)

LOG_HEADERS = ("Date", "Service", "Organisation", "Reasons", "How", "Signposted by", "Outcome", "Experience",
               "Follow-up", "Patient ref")


def _icon(name: str) -> QIcon:
    return QApplication.style().standardIcon(getattr(QStyle.StandardPixmap, name))


class SignpostingLogTableModel(QAbstractTableModel):
    """One row per service on a signposting record. The patient reference column exists only
    while the practice allows references.

    The model sorts itself (`sort()`, one key per row): a QSortFilterProxyModel sorting on
    SORT_ROLE asks `data()` twice per comparison, about a second for the log's 5,000 rows. Put
    it behind a `ModelSortsProxy` so a header click reaches `sort()`. The order chosen is kept
    when new rows are set.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: tuple[LogRow, ...] = ()
        self.show_ref = False
        self._sort_by: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[LogRow], show_ref: bool = False) -> None:
        self.beginResetModel()
        self.rows = self._sorted(tuple(rows))
        self.show_ref = show_ref
        self.endResetModel()

    def _sorted(self, rows: tuple[LogRow, ...]) -> tuple[LogRow, ...]:
        if self._sort_by is None or not 0 <= self._sort_by[0] <= COL_REF:
            return rows
        col, order = self._sort_by
        return tuple(sorted(rows, key=lambda r: self._sort(r, col),
                            reverse=order == Qt.SortOrder.DescendingOrder))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_by = (column, order)
        if not self.rows:
            return
        self.layoutAboutToBeChanged.emit()
        old_rows = self.rows
        self.rows = self._sorted(old_rows)
        new_row = {id(r): i for i, r in enumerate(self.rows)}
        for index in self.persistentIndexList():  # the selection stays on the same record
            if 0 <= index.row() < len(old_rows):
                row = new_row[id(old_rows[index.row()])]
                self.changePersistentIndex(index, self.index(row, index.column()))
        self.layoutChanged.emit()

    def row_at(self, row: int) -> LogRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid():
            return 0
        return COL_REF + 1 if self.show_ref else COL_REF

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < self.columnCount():
            return LOG_HEADERS[section]
        return None

    def _text(self, r: LogRow, col: int) -> str:
        if col == COL_DATE:  # with the time it was recorded, so two records of a day are told apart
            day = show_date(r.occurred_on)
            return f"{day}, {r.recorded_text}" if r.recorded_text else day
        if col == COL_SERVICE:
            return r.service_name
        if col == COL_ORGANISATION:
            return r.organisation_name
        if col == COL_REASONS:
            return r.reasons
        if col == COL_METHOD:  # the leaflet reference where one was printed
            return f"{r.method.label} (ref {r.leaflet_reference})" if r.leaflet_reference else r.method.label
        if col == COL_STAFF:
            return r.staff_name
        if col == COL_OUTCOME:
            return r.outcome_text
        if col == COL_EXPERIENCE:
            return r.experience_text
        if col == COL_FOLLOW_UP:
            return r.follow_up_text
        if col == COL_REF:
            return r.patient_ref or ""
        return ""

    def _sort(self, r: LogRow, col: int) -> Any:
        # Plain strings (a Python tuple would not compare as a Qt variant).
        if col == COL_DATE:
            return f"{r.occurred_on.isoformat()}-{r.signposting_id:010d}-{r.item_id:010d}"
        if col == COL_FOLLOW_UP:
            return f"{int(r.follow_up_done)}-{r.follow_up_on.isoformat() if r.follow_up_on else '9999'}"
        if col == COL_OUTCOME:
            return f"{int(r.outcome is not None)}-{r.outcome_text.casefold()}"
        return self._text(r, col).casefold()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < self.columnCount()):
            return None
        r, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_OUTCOME and r.outcome is None:
                return "No outcome recorded yet: select the row and press Enter to record one."
            return self._text(r, col)
        if role == Qt.ItemDataRole.DecorationRole:
            if col == COL_EXPERIENCE and r.experience is Experience.POOR:
                return _icon("SP_MessageBoxWarning")
            if col == COL_OUTCOME and r.outcome is Outcome.NOT_SUITABLE:
                return _icon("SP_MessageBoxWarning")
            if col == COL_FOLLOW_UP and r.follow_up_due:
                return _icon("SP_MessageBoxWarning")
            if col == COL_FOLLOW_UP and r.follow_up_done:
                return _icon("SP_DialogApplyButton")
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_FOLLOW_UP and r.follow_up_due:
            font = QFont()
            font.setBold(True)
            return font
        if role == SORT_ROLE:
            return self._sort(r, col)
        if role == ROW_ROLE:
            return r
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ModelSortsProxy(QSortFilterProxyModel):
    """A pass-through proxy that hands sorting to its source model's own `sort()`."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)


@dataclass(frozen=True)
class ReportRow:
    """One row of a report table: display texts, sort keys and an optional highlight reason."""

    cells: tuple[str, ...]
    sort_keys: tuple[Any, ...]
    flag: str = ""  # e.g. "Repeated poor experiences": the row is marked with an icon and bold text


class ReportTableModel(QAbstractTableModel):
    """A read-only report table (by service, organisation, reason, month, staff...)."""

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.numeric = frozenset(numeric)
        self.rows: tuple[ReportRow, ...] = ()

    def set_rows(self, rows: Sequence[ReportRow]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ReportRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in self.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < len(self.headers)):
            return None
        r, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return r.cells[col] if col < len(r.cells) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            text = r.cells[col] if col < len(r.cells) else ""
            return f"{text}\n! {r.flag}" if r.flag and col == 0 else text
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and r.flag:
            return _icon("SP_MessageBoxWarning")
        if role == Qt.ItemDataRole.FontRole and r.flag:
            font = QFont()
            font.setBold(True)
            return font
        if role == SORT_ROLE:
            return r.sort_keys[col] if col < len(r.sort_keys) else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


__all__ = [
    "COL_DATE", "COL_EXPERIENCE", "COL_FOLLOW_UP", "COL_METHOD", "COL_ORGANISATION", "COL_OUTCOME",
    "COL_REASONS", "COL_REF", "COL_SERVICE", "COL_STAFF", "LOG_HEADERS", "ROW_ROLE", "SORT_ROLE", "ReportRow",
    "ReportTableModel",
    "SignpostingLogTableModel",
]
