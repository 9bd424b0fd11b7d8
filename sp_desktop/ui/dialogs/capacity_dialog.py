"""Record whether a service is taking new people (issue 18): yes / waiting list about N weeks /
not at the moment, confirmed on a date by the signed-in member of staff, or taken from one of the
organisation's contact-log entries (its date and author). Every role that logs contacts may do it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.confidence import MAX_WAIT_WEEKS, Capacity, CapacityInfo, capacity_words
from sp_desktop.domain.errors import BadInput
from sp_desktop.services.base import NotFound, PermissionDenied, ServiceContext
from sp_desktop.services.confidence import ConfidenceService
from sp_desktop.ui.widgets.unsaved import GuardsTyping

ANSWERS = ((Capacity.TAKING, "Yes, taking new people"), (Capacity.WAITING_LIST, "Waiting list"),
           (Capacity.NOT_TAKING, "Not at the moment"))


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class CapacityDialog(GuardsTyping, QDialog):
    def __init__(self, ctx: ServiceContext, service_id: int, service_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ConfidenceService(ctx)
        self.service_id = service_id
        self.saved: CapacityInfo | None = None
        self.setObjectName("capacity_dialog")
        self.setWindowTitle("Taking new people")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        current = self.service.for_service(service_id).capacity
        heading = QLabel(f"Is <b>{_escape(service_name)}</b> taking new people?<br>"
                         f"Now: {_escape(capacity_words(current, ctx.today()))}")
        heading.setWordWrap(True)
        heading.setObjectName("current")
        layout.addWidget(heading)

        form = QFormLayout()
        self.answer = QComboBox()
        self.answer.setObjectName("answer")
        self.answer.setAccessibleName("Taking new people")
        for value, label in ANSWERS:
            self.answer.addItem(label, value.value)
        form.addRow("&Taking new people:", self.answer)
        self.weeks = QSpinBox()
        self.weeks.setObjectName("wait_weeks")
        self.weeks.setAccessibleName("Waiting list, about how many weeks")
        self.weeks.setRange(0, MAX_WAIT_WEEKS)
        self.weeks.setSuffix(" weeks")
        form.addRow("Waiting list about:", self.weeks)
        self.source = QComboBox()
        self.source.setObjectName("source")
        self.source.setAccessibleName("Where the answer came from")
        self.source.addItem("I confirmed it with them (on the date below)", None)
        for eid, label in self.service.contact_entries(service_id):
            self.source.addItem(f"Contact-log entry: {label}", eid)
        form.addRow("&From:", self.source)
        self.confirmed_on = QDateEdit()
        self.confirmed_on.setObjectName("confirmed_on")
        self.confirmed_on.setAccessibleName("Date it was confirmed")
        self.confirmed_on.setDisplayFormat("d MMM yyyy")
        self.confirmed_on.setCalendarPopup(True)
        self.confirmed_on.setDate(_qdate(ctx.today()))
        form.addRow("&Confirmed on:", self.confirmed_on)
        layout.addLayout(form)
        note = QLabel("Shown to staff beside the service; never printed on leaflets. After 30 days it shows "
                      "as “unconfirmed”.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.errors = QLabel("")
        self.errors.setObjectName("errors")
        self.errors.setWordWrap(True)
        self.errors.hide()
        layout.addWidget(self.errors)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)
        if current is not None:
            self.answer.setCurrentIndex(max(0, self.answer.findData(current.state.value)))
            self.weeks.setValue(current.wait_weeks or 0)
        self.answer.currentIndexChanged.connect(self._sync)
        self.source.currentIndexChanged.connect(self._sync)
        self._sync()
        self.answer.setFocus()
        self.remember_clean()

    def _sync(self, *_args: object) -> None:
        self.weeks.setEnabled(self.answer.currentData() == Capacity.WAITING_LIST.value)
        self.confirmed_on.setEnabled(self.source.currentData() is None)

    def save(self) -> None:
        state = Capacity(self.answer.currentData())
        weeks = self.weeks.value() if state is Capacity.WAITING_LIST else None
        d = self.confirmed_on.date()
        try:
            self.saved = self.service.set_capacity(self.service_id, state, weeks,
                                                   date(d.year(), d.month(), d.day()),
                                                   contact_event_id=self.source.currentData())
        except (BadInput, PermissionDenied, NotFound) as exc:
            self.errors.setText(f"! {exc}")
            self.errors.setAccessibleName(str(exc))
            self.errors.show()
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, service_id: int,
            service_name: str) -> CapacityInfo | None:
        """Show the dialog; the capacity saved, or None if cancelled. Tests replace this."""
        dialog = cls(ctx, service_id, service_name, parent)
        dialog.exec()
        return dialog.saved


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["CapacityDialog"]
