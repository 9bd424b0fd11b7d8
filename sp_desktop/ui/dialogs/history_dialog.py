"""The change history of an organisation (with its services and vetting) or of one service.

Plain language, newest first, from the audit trail (`HistoryService`): when, who, what, and
one line per changed field ("Website: old → new"). Read-only: nothing in the app edits or
deletes the audit trail. `HistoryWidget` is also the History tab of the vetting record.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.base import ServiceContext
from sp_desktop.services.history import HistoryLine, HistoryService
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table, empty_note

_FILTERS = (("All changes", None), ("Vetting only", {"organisation_vetting", "vetting_evidence"}),
            ("Details only", {"organisation", "service"}))


class HistoryWidget(QWidget):
    """A read-only table of history lines with a simple filter."""

    def __init__(self, ctx: ServiceContext, organisation_id: int | None = None, service_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.organisation_id = organisation_id
        self.service_id = service_id
        self.lines: list[HistoryLine] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.setObjectName("history_filter")
        self.filter.setAccessibleName("Show")
        for text, _ in _FILTERS:
            self.filter.addItem(text)
        label = QLabel("&Show")
        label.setBuddy(self.filter)
        bar.addWidget(label)
        bar.addWidget(self.filter)
        bar.addStretch(1)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["When", "Who", "What changed"])
        configure_table(self.table, name="history_table", accessible_name="Changes, newest first",
                        single_selection=False, alternating_rows=False,
                        column_modes={0: ResizeMode.ResizeToContents, 1: ResizeMode.ResizeToContents,
                                      2: ResizeMode.Stretch})
        layout.addWidget(self.table)
        self.empty = empty_note("history_empty", "No changes recorded yet.")
        self.empty.setVisible(False)
        layout.addWidget(self.empty)
        self.filter.currentIndexChanged.connect(lambda _i: self._fill())
        self.refresh()

    def refresh(self) -> None:
        service = HistoryService(self.ctx)
        if self.service_id is not None:
            self.lines = service.for_service(self.service_id)
        elif self.organisation_id is not None:
            self.lines = service.for_organisation(self.organisation_id)
        else:
            self.lines = []
        self._fill()

    def _visible(self) -> list[HistoryLine]:
        wanted = _FILTERS[max(0, self.filter.currentIndex())][1]
        if wanted is None:
            return self.lines
        out = []
        for line in self.lines:
            kind = line.entity_type
            if kind == "organisation" and line.action.value == "vetting":
                kind = "organisation_vetting"
            if kind == "service" and line.action.value == "vetting":
                kind = "organisation_vetting"
            if kind in wanted:
                out.append(line)
        return out

    def _fill(self) -> None:
        lines = self._visible()
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            what = line.text + ("".join(f"\n    {d}" for d in line.details) if line.details else "")
            for col, text in enumerate((line.when, line.who, what)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", ". "))
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(lines))
        self.empty.setVisible(not lines)
        self.count_label.setText(f"{len(lines)} change{'s' if len(lines) != 1 else ''}")

    def texts(self) -> list[str]:
        """The 'What changed' cells, top to bottom (for tests and screen readers)."""
        return [item.text() for r in range(self.table.rowCount()) if (item := self.table.item(r, 2))]


class HistoryDialog(QDialog):
    """History of an organisation; opened from a service, it can narrow to that service."""

    def __init__(self, ctx: ServiceContext, title: str, organisation_id: int | None = None,
                 service_id: int | None = None, parent: QWidget | None = None,
                 service_name: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("history_dialog")
        self.setWindowTitle(f"Change history — {title}")
        self.setAccessibleName(self.windowTitle())
        self.resize(900, 580)
        layout = QVBoxLayout(self)
        intro = QLabel("Every change, newest first: who made it and when. The history cannot be edited.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.scope: QComboBox | None = None
        start_with_service = organisation_id is None
        if organisation_id is not None and service_id is not None:
            row = QHBoxLayout()
            self.scope = QComboBox()
            self.scope.setObjectName("history_scope")
            self.scope.setAccessibleName("Whose history")
            self.scope.addItem("The organisation, its services and its vetting")
            self.scope.addItem(f"Only the service “{service_name}”" if service_name else "Only this service")
            label = QLabel("&Whose history")
            label.setBuddy(self.scope)
            row.addWidget(label)
            row.addWidget(self.scope, 1)
            layout.addLayout(row)
        self.organisation_id = organisation_id
        self.service_id = service_id
        self.history = HistoryWidget(ctx, None if start_with_service else organisation_id,
                                     service_id if start_with_service else None, self)
        layout.addWidget(self.history)
        if self.scope is not None:
            self.scope.currentIndexChanged.connect(self._scope_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.history.table.setFocus()

    def _scope_changed(self, index: int) -> None:
        only_service = index == 1
        self.history.organisation_id = None if only_service else self.organisation_id
        self.history.service_id = self.service_id if only_service else None
        self.history.refresh()

    @classmethod
    def show_for(cls, parent: QWidget | None, ctx: ServiceContext, title: str,
                 organisation_id: int | None = None, service_id: int | None = None,
                 service_name: str = "") -> None:
        cls(ctx, title, organisation_id, service_id, parent, service_name).exec()


__all__ = ["HistoryDialog", "HistoryWidget"]
