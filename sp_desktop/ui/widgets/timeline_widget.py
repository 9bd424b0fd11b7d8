"""An organisation's contact history, newest first, filterable by kind and staff member."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import ContactKind
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.relationships import FACE_TO_FACE_KINDS, ContactEntry, ContactLogService
from sp_desktop.ui.models.relationship_models import COL_FOLLOW_UP, COL_SUMMARY, ContactTableModel
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table, empty_note

IN_PERSON = "in_person"


class TimelineWidget(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, organisation_id: int, organisation_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ContactLogService(ctx)
        self.organisation_id = organisation_id
        self.organisation_name = organisation_name
        self.setObjectName("timeline")
        self.setAccessibleName(f"Contact history with {organisation_name}")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kind_filter")
        self.kind_filter.setAccessibleName("Show contacts of kind")
        self.kind_filter.addItem("All kinds", None)
        self.kind_filter.addItem("In person only", IN_PERSON)
        for k in ContactKind:
            self.kind_filter.addItem(k.label, k.value)
        self.staff_filter = QComboBox()
        self.staff_filter.setObjectName("staff_filter")
        self.staff_filter.setAccessibleName("Show contacts with staff member")
        self.staff_filter.addItem("All staff", None)
        for s in self.service.staff_choices():
            self.staff_filter.addItem(s.name, s.id)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind_filter)
        staff_label = QLabel("&Staff:")
        staff_label.setBuddy(self.staff_filter)
        bar.addWidget(kind_label)
        bar.addWidget(self.kind_filter, 1)
        bar.addWidget(staff_label)
        bar.addWidget(self.staff_filter, 1)
        bar.addStretch(1)
        self.log_button = QPushButton("&Log contact…")
        self.log_button.setObjectName("log_contact")
        self.log_button.setToolTip("Log a call, meeting or visit with this organisation (Ctrl+L)")
        self.correct_button = QPushButton("&Correct…")
        self.correct_button.setObjectName("correct_contact")
        self.correct_button.setToolTip("Correct the selected contact (its author or a vetting lead)")
        bar.addWidget(self.log_button)
        bar.addWidget(self.correct_button)
        layout.addLayout(bar)

        self.model = ContactTableModel(self)
        self.table = configure_table(
            QTableView(), name="timeline_table", accessible_name="Contacts, newest first", model=self.model,
            rows_fit_contents=True, column_modes={COL_SUMMARY: ResizeMode.Stretch},
            column_widths=(132, 150, 120, 120, 0, 180))
        layout.addWidget(self.table, 1)
        self.empty = empty_note("timeline_empty")
        layout.addWidget(self.empty)

        self.log_action = QAction("Log contact…", self)
        self.log_action.setShortcut(QKeySequence("Ctrl+L"))
        self.log_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.log_action.triggered.connect(self.log_contact)
        self.addAction(self.log_action)
        self.log_button.clicked.connect(self.log_contact)
        self.correct_button.clicked.connect(self.correct_selected)
        self.table.doubleClicked.connect(lambda _i: self.correct_selected())
        self.kind_filter.currentIndexChanged.connect(self.refresh)
        self.staff_filter.currentIndexChanged.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        kind = self.kind_filter.currentData()
        kinds = (list(FACE_TO_FACE_KINDS) if kind == IN_PERSON else [ContactKind(kind)] if kind else None)
        staff_id = self.staff_filter.currentData()
        rows = self.service.timeline(self.organisation_id, kinds=kinds, staff_id=staff_id)
        self.model.set_rows(rows)
        self.table.setColumnHidden(COL_FOLLOW_UP, not any(r.has_follow_up for r in rows))
        filtered = kind is not None or staff_id is not None
        if rows:
            self.empty.setText("")
            self.empty.hide()
        else:
            self.empty.setText("No contacts match these filters — choose “All kinds” and “All staff”."
                               if filtered else
                               "No contacts logged yet — press Ctrl+L (or Log contact…) after a call, "
                               "meeting or visit.")
            self.empty.show()
        self._update_buttons()

    def selected_entry(self) -> ContactEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        self.correct_button.setEnabled(entry is not None and self.service.can_correct(entry))

    def log_contact(self) -> None:
        from sp_desktop.ui.dialogs.log_contact_dialog import LogContactDialog

        saved = LogContactDialog.ask(self, self.ctx, self.organisation_id, self.organisation_name)
        if saved is not None:
            self.refresh()
            self.changed.emit()

    def correct_selected(self) -> None:
        from sp_desktop.ui.dialogs.log_contact_dialog import LogContactDialog

        entry = self.selected_entry()
        if entry is None or not self.service.can_correct(entry):
            return
        saved = LogContactDialog.ask(self, self.ctx, self.organisation_id, self.organisation_name, entry)
        if saved is not None:
            self.refresh()
            self.changed.emit()


__all__ = ["TimelineWidget"]
