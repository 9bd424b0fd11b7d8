"""Log (or correct) a contact with an organisation, in a few keystrokes.

Opens with the summary field focused and everything else pre-set: kind "Phone call", now, the
signed-in person as the staff involved (and follow-up owner). A receptionist types one line and
presses Enter. Everything else — who else took part, which of their people, a follow-up action
with an owner and a due date — is optional and reachable by Tab.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import ContactKind
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.safe_text import escape_markup
from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.relationships import ContactEntry, ContactLogForm, ContactLogService
from sp_desktop.ui.widgets.unsaved import GuardsTyping

_FIELD_ORDER = ("summary", "kind", "occurred_at", "staff_ids", "person_ids", "follow_up_action",
                "follow_up_owner_id", "follow_up_due", "organisation_id")


_CHECKABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable


def _check_list(name: str, accessible: str) -> QListWidget:
    widget = QListWidget()
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setMaximumHeight(96)
    return widget


def _checked_ids(widget: QListWidget) -> list[int]:
    return [int(widget.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class LogContactDialog(GuardsTyping, QDialog):
    def __init__(self, ctx: ServiceContext, organisation_id: int, organisation_name: str,
                 entry: ContactEntry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ContactLogService(ctx)
        self.organisation_id = organisation_id
        self.entry = entry
        self.saved: ContactEntry | None = None
        self.setObjectName("log_contact_dialog")
        correcting = entry is not None
        self.setWindowTitle("Correct a contact" if correcting else "Log a contact")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        heading = QLabel(("Correct the contact with " if correcting else "Log a contact with ")
                         + f"<b>{escape_markup(organisation_name)}</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.summary = QLineEdit()
        self.summary.setObjectName("summary")
        self.summary.setAccessibleName("Summary")
        self.summary.setPlaceholderText("One line, e.g. Heather rang: the group restarts in January")
        self.summary.setMaxLength(2000)
        form.addRow("&Summary:", self.summary)

        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        self.kind.setAccessibleName("Kind of contact")
        for k in ContactKind:
            self.kind.addItem(k.label + (" (in person)" if k.face_to_face else ""), k.value)
        self.kind.setAccessibleDescription("A planned visit or an invitation to a practice meeting becomes a "
                                           "follow-up on its date; marking it done logs the meeting.")
        self.kind.setCurrentIndex(self.kind.findData(ContactKind.PHONE.value))
        self.when = QDateTimeEdit()
        self.when.setObjectName("when")
        self.when.setAccessibleName("Date and time of the contact")
        self.when.setDisplayFormat("d MMM yyyy HH:mm")
        self.when.setCalendarPopup(True)
        now = ctx.now()
        self.when.setMaximumDateTime(QDateTime(now + timedelta(minutes=5)))
        self.when.setDateTime(QDateTime(now))
        row = QHBoxLayout()
        row.addWidget(self.kind, 2)
        when_label = QLabel("&When:")
        when_label.setBuddy(self.when)
        row.addWidget(when_label)
        row.addWidget(self.when, 1)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind)
        form.addRow(kind_label, row)

        self.staff = _check_list("staff", "Practice staff who took part")
        self.staff_choices = self.service.staff_choices()
        me = ctx.actor.id
        for s in self.staff_choices:
            item = QListWidgetItem(s.name + (" (me)" if s.id == me else ""))
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            item.setFlags(_CHECKABLE)
            item.setCheckState(Qt.CheckState.Checked if s.id == me else Qt.CheckState.Unchecked)
            self.staff.addItem(item)
        form.addRow("Practice s&taff:", self.staff)

        self.people = _check_list("people", "Their people who took part")
        for p in self.service.people_choices(organisation_id):
            item = QListWidgetItem(p.display)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(_CHECKABLE)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.people.addItem(item)
        if self.people.count():
            form.addRow("&Their people:", self.people)
        else:
            none = QLabel("No contact people recorded for this organisation "
                          "(add them with Edit organisation).")
            none.setWordWrap(True)
            form.addRow("Their people:", none)
        layout.addLayout(form)

        box = QGroupBox("Follow-up (optional)")
        box_form = QFormLayout(box)
        self.action = QLineEdit()
        self.action.setObjectName("follow_up_action")
        self.action.setAccessibleName("Follow-up action")
        self.action.setPlaceholderText("e.g. Send them our referral form — leave empty if none")
        self.owner = QComboBox()
        self.owner.setObjectName("follow_up_owner")
        self.owner.setAccessibleName("Who will do the follow-up")
        for s in self.staff_choices:
            self.owner.addItem(s.name, s.id)
        if me is not None and self.owner.findData(me) >= 0:
            self.owner.setCurrentIndex(self.owner.findData(me))
        self.due = QDateEdit()
        self.due.setObjectName("follow_up_due")
        self.due.setAccessibleName("Follow-up due date")
        self.due.setDisplayFormat("d MMM yyyy")
        self.due.setCalendarPopup(True)
        self.due.setDate(QDate(ctx.today() + timedelta(days=7)))
        box_form.addRow("&Action:", self.action)
        owner_row = QHBoxLayout()
        owner_row.addWidget(self.owner, 2)
        due_label = QLabel("&Due:")
        due_label.setBuddy(self.due)
        owner_row.addWidget(due_label)
        owner_row.addWidget(self.due, 1)
        owner_label = QLabel("&Owner:")
        owner_label.setBuddy(self.owner)
        box_form.addRow(owner_label, owner_row)
        layout.addWidget(box)
        self.action.textChanged.connect(self._follow_up_enabled)
        self.kind.currentIndexChanged.connect(self._kind_changed)

        self.errors = QLabel("")
        self.errors.setObjectName("errors")
        self.errors.setAccessibleName("Problems to fix")
        self.errors.setWordWrap(True)
        self.errors.setTextFormat(Qt.TextFormat.PlainText)
        self.errors.setStyleSheet("QLabel { color: palette(highlighted-text); background: palette(highlight);"
                                  " padding: 4px; }")
        self.errors.hide()
        layout.addWidget(self.errors)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save (Enter)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        if entry is not None:
            self._fill(entry)
        self._follow_up_enabled()
        for a, b in ((self.summary, self.kind), (self.kind, self.when), (self.when, self.staff),
                     (self.staff, self.people), (self.people, self.action), (self.action, self.owner),
                     (self.owner, self.due)):
            QWidget.setTabOrder(a, b)
        self.summary.setFocus()
        self.remember_clean()  # Esc or Close on a form with typing asks first

    def _fill(self, e: ContactEntry) -> None:
        self.summary.setText(e.summary)
        self.kind.setCurrentIndex(self.kind.findData(e.kind.value))
        self.when.setDateTime(QDateTime(e.occurred_at))
        ids = {s.id for s in e.staff}
        for i in range(self.staff.count()):
            item = self.staff.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in ids
                               else Qt.CheckState.Unchecked)
        people = {p.id for p in e.people}
        for i in range(self.people.count()):
            item = self.people.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in people
                               else Qt.CheckState.Unchecked)
        if e.follow_up_action:
            self.action.setText(e.follow_up_action)
            if e.follow_up_owner_id is not None and self.owner.findData(e.follow_up_owner_id) >= 0:
                self.owner.setCurrentIndex(self.owner.findData(e.follow_up_owner_id))
            if e.follow_up_due is not None:
                self.due.setDate(QDate(e.follow_up_due))

    def _follow_up_enabled(self) -> None:
        on = bool(self.action.text().strip()) or self._kind().is_plan
        self.owner.setEnabled(on)
        self.due.setEnabled(on)

    def _kind(self) -> ContactKind:
        return ContactKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        """A planned visit or invitation: its follow-up is the meeting itself, on the date chosen
        under Due (pre-filled; the person's own words are never replaced)."""
        kind = self._kind()
        defaults = {k.planned_action for k in ContactKind if k.is_plan}
        text = self.action.text().strip()
        if kind.is_plan and (not text or text in defaults):
            self.action.setText(kind.planned_action)
        elif not kind.is_plan and text in defaults:
            self.action.clear()
        self._follow_up_enabled()

    # ---- saving
    def form(self) -> ContactLogForm:
        picked: datetime = self.when.dateTime().toPython()  # type: ignore[assignment]
        occurred = picked.replace(second=0, microsecond=0)
        if self.entry is not None and occurred.replace(second=0) == self.entry.occurred_at.replace(second=0):
            occurred = self.entry.occurred_at  # unchanged: keep the seconds
        action = self.action.text().strip()
        return ContactLogForm(
            organisation_id=self.organisation_id, summary=self.summary.text(),
            kind=ContactKind(self.kind.currentData()), occurred_at=occurred,
            staff_ids=_checked_ids(self.staff), person_ids=_checked_ids(self.people),
            follow_up_action=action, follow_up_owner_id=self.owner.currentData() if action else None,
            follow_up_due=self.due.date().toPython() if action else None)  # type: ignore[arg-type]

    def save(self) -> None:
        try:
            if self.entry is None:
                self.saved = self.service.log(self.form())
            else:
                self.saved = self.service.correct(self.entry.id, self.form(),
                                                  expected_version=self.entry.version)
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except Refused as exc:
            self.show_errors({"": str(exc)})
            return
        self.accept()

    def show_errors(self, errors: dict[str, str]) -> None:
        ordered = sorted(errors.items(),
                         key=lambda kv: _FIELD_ORDER.index(kv[0]) if kv[0] in _FIELD_ORDER else 99)
        self.errors.setText("\n".join(f"! {message}" for _, message in ordered))
        self.errors.show()
        fields: dict[str, QWidget] = {
            "summary": self.summary, "kind": self.kind, "occurred_at": self.when, "staff_ids": self.staff,
            "person_ids": self.people, "follow_up_action": self.action, "follow_up_owner_id": self.owner,
            "follow_up_due": self.due}
        widget = fields.get(ordered[0][0]) if ordered else None
        if widget is not None:
            widget.setFocus()

    # ---- entry point
    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, organisation_id: int, organisation_name: str,
            entry: ContactEntry | None = None) -> ContactEntry | None:
        """Show the dialog; returns the saved contact, or None if cancelled. Tests replace this."""
        dialog = cls(ctx, organisation_id, organisation_name, entry, parent)
        dialog.exec()
        return dialog.saved




__all__ = ["LogContactDialog"]
