"""The read-only view of one service: what Enter and double-click on a Directory result open.

Looking never edits. The dialog shows the service as the leaflet would describe it (and, for
staff, its vetting state), with **Print leaflet** as the default button: Enter prints exactly this
service (never adding it to the leaflet basket). The other buttons say what they do:
  - "Add to basket" (Ctrl+B) for a leaflet with several services;
  - "Edit…" (F2) — only for people who may change this record;
  - "Suggest a change…" — the front desk, for an approved organisation's service: the vetting lead
    accepts or rejects it from Reviews;
  - "Close" (Esc).

The dialog is window-modal and does not block (`open()`); the chosen action is emitted as
`chosen(str)` with one of the ACTION_* values, and the Directory page carries it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from sp_desktop.services.directory import ServiceDetail
from sp_desktop.ui.widgets.detail_pane import DetailPane, DetailSection

ACTION_PRINT = "print"
ACTION_BASKET = "basket"
ACTION_EDIT = "edit"
ACTION_SUGGEST = "suggest"
ACTION_PROBLEM = "problem"


class ServiceDetailDialog(QDialog):
    chosen = Signal(str)

    def __init__(self, detail: ServiceDetail, today: date, sections: list[DetailSection],
                 parent: QWidget | None = None, *, may_print: bool = True, may_edit: bool = False,
                 may_suggest: bool = False, notices: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.detail = detail
        self.setObjectName("service_detail_dialog")
        self.setWindowTitle(f"{detail.name} — {detail.organisation.name}")
        self.setAccessibleName(f"Details of {detail.name}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.pane = DetailPane()
        self.pane.setObjectName("service_detail")
        self.pane.show_service(detail, today, sections, notices=notices)
        self.pane.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self.pane, 1)

        row = QHBoxLayout()
        self.print_button = self._button("&Print leaflet", "print_leaflet",
                                         "Print a leaflet for this service only (Enter); the leaflet basket "
                                         "is left as it is", ACTION_PRINT)
        self.basket_button = self._button("Add to &basket", "add_to_basket",
                                          "Put this service in the leaflet basket, for a leaflet with "
                                          "several services (Ctrl+B)", ACTION_BASKET)
        self.edit_button = self._button("&Edit…", "edit",
                                        "Change this service's details (F2)", ACTION_EDIT)
        self.suggest_button = self._button("&Suggest a change…", "suggest_change",
                                           "The organisation is approved: suggest a correction, and the "
                                           "vetting lead accepts or rejects it from Reviews", ACTION_SUGGEST)
        self.problem_button = self._button("Report a pro&blem…", "report_problem",
                                           "The number does not work, it has closed or moved, a patient "
                                           "had a bad experience, a safeguarding concern… (Ctrl+Shift+R)",
                                           ACTION_PROBLEM)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close")
        self.close_button.setAccessibleName("Close")
        self.close_button.setToolTip("Close without doing anything (Esc)")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for button in (self.print_button, self.basket_button, self.edit_button, self.suggest_button,
                       self.problem_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)

        self.print_button.setVisible(may_print)
        self.basket_button.setVisible(may_print)
        self.edit_button.setVisible(may_edit)
        self.suggest_button.setVisible(may_suggest and not may_edit)
        default = self.print_button if may_print else self.close_button
        default.setDefault(True)
        default.setAutoDefault(True)
        shortcuts = [("Ctrl+B", ACTION_BASKET, may_print), ("F2", ACTION_EDIT, may_edit),
                     ("Ctrl+P", ACTION_PRINT, may_print), ("Ctrl+Shift+R", ACTION_PROBLEM, True)]
        for keys, action, allowed in shortcuts:
            if allowed:
                shortcut = QShortcut(QKeySequence(keys), self)
                shortcut.activated.connect(lambda a=action: self._choose(a))
        if may_suggest and not may_edit:
            shortcut = QShortcut(QKeySequence("F2"), self)
            shortcut.activated.connect(lambda: self._choose(ACTION_SUGGEST))
        width = max(620, self.fontMetrics().horizontalAdvance("M") * 52)
        self.resize(width, min(640, max(420, self.fontMetrics().height() * 30)))
        default.setFocus(Qt.FocusReason.OtherFocusReason)

    def _button(self, text: str, name: str, tip: str, action: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False, a=action: self._choose(a))
        return button

    def _choose(self, action: str) -> None:
        self.accept()
        self.chosen.emit(action)


__all__ = ["ACTION_BASKET", "ACTION_EDIT", "ACTION_PRINT", "ACTION_PROBLEM", "ACTION_SUGGEST",
           "ServiceDetailDialog"]
