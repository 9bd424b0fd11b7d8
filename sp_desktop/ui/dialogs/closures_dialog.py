"""A service's dated closures (issue 18): "Closed 22 Dec to 5 Jan (Christmas)". While one is in
force the service never shows as open, and leaflets made within four weeks of it print it (with
its reason, so keep the reason fit for patients). A closure that ends before it starts is refused.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.confidence import MAX_REASON
from sp_desktop.domain.errors import BadInput
from sp_desktop.services.base import NotFound, PermissionDenied, ServiceContext
from sp_desktop.services.confidence import ConfidenceService


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ClosuresDialog(QDialog):
    def __init__(self, ctx: ServiceContext, service_id: int, service_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ConfidenceService(ctx)
        self.service_id = service_id
        self.changed = False
        self.setObjectName("closures_dialog")
        self.setWindowTitle(f"Closures — {service_name}")
        self.setAccessibleName("Closures")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("Dated closures stop the service showing as open, and leaflets made within four weeks "
                       "of a closure print it with its reason (write the reason for patients).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("closures")
        self.list.setAccessibleName("Closures now and to come")
        layout.addWidget(self.list)
        self.remove_button = QPushButton("&Remove the chosen closure")
        self.remove_button.setObjectName("remove_closure")
        self.remove_button.clicked.connect(self.remove)
        layout.addWidget(self.remove_button)

        form = QFormLayout()
        today = ctx.today()
        self.starts = QDateEdit()
        self.starts.setObjectName("starts_on")
        self.starts.setAccessibleName("Closed from")
        self.ends = QDateEdit()
        self.ends.setObjectName("ends_on")
        self.ends.setAccessibleName("Closed until (last day closed)")
        for edit, d in ((self.starts, today), (self.ends, today + timedelta(days=1))):
            edit.setDisplayFormat("d MMM yyyy")
            edit.setCalendarPopup(True)
            edit.setDate(_qdate(d))
        dates = QHBoxLayout()
        dates.addWidget(self.starts)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.ends)
        dates.addStretch(1)
        form.addRow("Closed &from:", dates)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setAccessibleName("Reason for the closure (printed on leaflets)")
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText("For example: Christmas holidays")
        form.addRow("&Reason:", self.reason)
        layout.addLayout(form)
        self.add_button = QPushButton("&Add closure")
        self.add_button.setObjectName("add_closure")
        self.add_button.clicked.connect(self.add)
        layout.addWidget(self.add_button)
        self.errors = QLabel("")
        self.errors.setObjectName("errors")
        self.errors.setWordWrap(True)
        self.errors.hide()
        layout.addWidget(self.errors)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._load()
        self.reason.setFocus()

    def _load(self) -> None:
        self.list.clear()
        for c in self.service.closures(self.service_id):
            item = QListWidgetItem(c.text)
            item.setData(256, c.id)
            self.list.addItem(item)
        if not self.list.count():
            item = QListWidgetItem("No closures now or to come.")
            item.setData(256, None)
            self.list.addItem(item)
        self.remove_button.setEnabled(any(self.list.item(i).data(256) for i in range(self.list.count())))

    def _show_error(self, exc: Exception) -> None:
        self.errors.setText(f"! {exc}")
        self.errors.setAccessibleName(str(exc))
        self.errors.show()

    def add(self) -> None:
        try:
            self.service.add_closure(self.service_id, _date(self.starts.date()), _date(self.ends.date()),
                                     self.reason.text())
        except (BadInput, PermissionDenied, NotFound) as exc:
            self._show_error(exc)
            return
        self.errors.hide()
        self.reason.clear()
        self.changed = True
        self._load()

    def remove(self) -> None:
        item = self.list.currentItem()
        closure_id = item.data(256) if item is not None else None
        if not closure_id:
            self._show_error(ValueError("Choose a closure in the list first."))
            return
        try:
            self.service.remove_closure(int(closure_id))
        except (PermissionDenied, NotFound) as exc:
            self._show_error(exc)
            return
        self.changed = True
        self._load()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, service_id: int, service_name: str) -> bool:
        """Show the dialog; True if a closure was added or removed. Tests replace this."""
        dialog = cls(ctx, service_id, service_name, parent)
        dialog.exec()
        return dialog.changed


__all__ = ["ClosuresDialog"]
