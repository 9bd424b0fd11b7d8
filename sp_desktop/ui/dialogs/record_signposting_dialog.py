"""Record signposting: which services, why, how, and whether to follow up. Two clicks after a leaflet.

`RecordSignpostingDialog.ask(ctx, service_ids, method, parent)` opens it pre-filled with the
services (e.g. the leaflet basket), today's date, the method and the services' own categories
as reasons; Enter records it. The staff member is whoever is signed in. A patient reference
field exists only when an administrator has allowed short practice-internal references.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from sp_desktop.domain.enums import SignpostingMethod
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import (
    DEFAULT_FOLLOW_UP_DAYS,
    PossibleDuplicate,
    SignpostingDetail,
    SignpostingForm,
    SignpostingService,
)
from sp_desktop.ui import messages
from sp_desktop.ui.widgets.field_errors import FIELD_STYLE, FieldErrors, message_label, with_message
from sp_desktop.ui.widgets.unsaved import GuardsTyping

ID_ROLE = Qt.ItemDataRole.UserRole


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class RecordSignpostingDialog(GuardsTyping, QDialog):
    #: The leaflet being handed over while the basket asks (`for_leaflet`): not yet linked to the
    #: record, so "Copy for the record" is told it (the basket links it once the record is saved).
    _leaflet_reference: str | None = None

    @classmethod
    @contextmanager
    def for_leaflet(cls, reference: str | None) -> Iterator[None]:
        before, cls._leaflet_reference = cls._leaflet_reference, reference
        try:
            yield
        finally:
            cls._leaflet_reference = before
    def __init__(self, ctx: ServiceContext, service_ids: list[int] | tuple[int, ...] = (),
                 method: SignpostingMethod = SignpostingMethod.LEAFLET,
                 parent: QWidget | None = None, reference: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # the leaflet just handed over, if any: "Copy for the record" names it
        self.reference = reference if reference is not None else type(self)._leaflet_reference
        self.copied: str | None = None
        self.service = SignpostingService(ctx)
        self.saved: SignpostingDetail | None = None
        self.setObjectName("record_signposting_dialog")
        self.setWindowTitle("Record signposting")
        self.setAccessibleName("Record signposting")
        self.setStyleSheet(FIELD_STYLE)
        self.setMinimumWidth(660)
        self.allow_ref = SettingsService(ctx).get().allow_patient_reference
        today = ctx.today()

        layout = QVBoxLayout(self)
        intro = QLabel(f"Signposted by <b>{_e(ctx.actor.name)}</b>. Nothing here identifies the patient"
                       + (" except the optional record number." if self.allow_ref else "."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = FieldErrors(message_label())

        # services: ticked = on this record
        self.services = QListWidget()
        self.services.setObjectName("services")
        self.services.setAccessibleName("Services signposted to (untick to leave one out)")
        self.services.setMaximumHeight(84)
        self.services.itemChanged.connect(self._services_changed)
        self.find_box = QLineEdit()
        self.find_box.setObjectName("find_service")
        self.find_box.setAccessibleName("Find another service to add")
        self.find_box.setPlaceholderText("Type to find another service…")
        self.found = QListWidget()
        self.found.setObjectName("found_services")
        self.found.setAccessibleName("Matching services: Enter adds the chosen one")
        self.found.setMaximumHeight(100)
        self.found.hide()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._search)
        self.find_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.find_box.returnPressed.connect(self._add_found)
        # Enter in the find box adds the service found, and only that: a line edit passes Enter on
        # to the dialog's default button as well, which would record the signposting half-made.
        self.find_box.installEventFilter(self)
        self.found.itemActivated.connect(lambda _i: self._add_found())
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.services)
        v.addWidget(self.find_box)
        v.addWidget(self.found)
        services_box, services_msg = with_message(box)
        services_box.setFocusProxy(self.services)
        self.errors.register("service_ids", self.services, services_msg)
        label = QLabel("&Services:")
        label.setBuddy(self.services)
        form.addRow(label, services_box)

        self.when = QDateEdit(to_qdate(today))
        self.when.setObjectName("occurred_on")
        self.when.setAccessibleName("Date signposted")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("d MMM yyyy")
        self.when.setMaximumDate(to_qdate(today))
        self.when.setMaximumWidth(180)
        when_box, when_msg = with_message(self.when)
        self.errors.register("occurred_on", self.when, when_msg)
        label = QLabel("&Date:")
        label.setBuddy(self.when)
        form.addRow(label, when_box)

        self.method = QComboBox()
        self.method.setObjectName("method")
        self.method.setAccessibleName("How the person was signposted")
        for m in SignpostingMethod:
            self.method.addItem(m.label, m)
        self.method.setCurrentIndex(list(SignpostingMethod).index(method))
        label = QLabel("&How:")
        label.setBuddy(self.method)
        form.addRow(label, self.method)

        self.reasons = QListWidget()
        self.reasons.setObjectName("reasons")
        self.reasons.setAccessibleName("Reasons (needs): tick all that apply")
        self.reasons.setMinimumHeight(130)
        reasons_box, reasons_msg = with_message(self.reasons)
        self.errors.register("reason_category_ids", self.reasons, reasons_msg)
        label = QLabel("&Reasons:")
        label.setBuddy(self.reasons)
        form.addRow(label, reasons_box)
        self._fill_reasons()

        follow = QHBoxLayout()
        self.follow_up = QCheckBox("&Follow up on")
        self.follow_up.setObjectName("follow_up")
        self.follow_up.setAccessibleName("Follow up")
        self.follow_on = QDateEdit(to_qdate(today + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)))
        self.follow_on.setObjectName("follow_up_on")
        self.follow_on.setAccessibleName("Follow-up date")
        self.follow_on.setCalendarPopup(True)
        self.follow_on.setDisplayFormat("d MMM yyyy")
        self.follow_on.setEnabled(False)
        self.follow_on.setMinimumWidth(130)
        self.follow_up.toggled.connect(self.follow_on.setEnabled)
        follow.addWidget(self.follow_up)
        follow.addWidget(self.follow_on)
        for days, text in ((14, "2 weeks"), (28, "4 weeks"), (42, "6 weeks")):
            b = QPushButton(text)
            b.setObjectName(f"follow_up_{days}")
            b.setAccessibleName(f"Follow up in {text}")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, d=days: self._follow_in(d))
            follow.addWidget(b)
        follow.addStretch(1)
        follow.setContentsMargins(0, 0, 0, 0)
        follow_box = QWidget()
        follow_box.setLayout(follow)
        follow_outer, follow_msg = with_message(follow_box)
        self.errors.register("follow_up_on", self.follow_on, follow_msg)
        follow_label = QLabel("Follow-up:")
        follow_label.setMinimumWidth(follow_label.sizeHint().width())
        form.addRow(follow_label, follow_outer)

        self.patient_ref: QLineEdit | None = None
        if self.allow_ref:
            self.patient_ref = QLineEdit()
            self.patient_ref.setObjectName("patient_ref")
            self.patient_ref.setAccessibleName("Patient record number (optional)")
            self.patient_ref.setAccessibleDescription("The clinical system's record number only: letters and "
                                                      "digits, never a name or address.")
            self.patient_ref.setPlaceholderText("Record number only — never a name or address")
            self.patient_ref.setMaxLength(20)
            ref_box, ref_msg = with_message(self.patient_ref)
            self.errors.register("patient_ref", self.patient_ref, ref_msg)
            label = QLabel("Record &number:")
            label.setBuddy(self.patient_ref)
            form.addRow(label, ref_box)
        layout.addLayout(form)
        assert self.errors.general is not None
        layout.addWidget(self.errors.general)

        buttons = QDialogButtonBox()
        self.record_button = buttons.addButton("&Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.record_button.setObjectName("record_button")
        self.record_button.setDefault(True)
        self.copy_button = buttons.addButton("Record and &copy for the record",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("record_and_copy")
        self.copy_button.setToolTip("Record it, then put a line for the patient's GP record on the clipboard "
                                    "(the practice's wording, set in Settings; Ctrl+Shift+G)")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(lambda _c=False: self.save(copy=True))
        copy_key = QShortcut(QKeySequence("Ctrl+Shift+G"), self)
        copy_key.activated.connect(lambda: self.save(copy=True))
        cancel = buttons.addButton("Not now", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel_button")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.add_services(list(service_ids), tick_reasons=True)
        self.record_button.setFocus()

    # ---- services
        self.remember_clean()  # Esc or Close on a form with typing asks first

    def service_ids(self) -> list[int]:
        ids = []
        for row in range(self.services.count()):
            item = self.services.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(int(item.data(ID_ROLE)))
        return ids

    def add_services(self, ids: list[int], tick_reasons: bool = True) -> None:
        have = {int(self.services.item(r).data(ID_ROLE)) for r in range(self.services.count())}
        choices = self.service.describe_services([i for i in ids if i not in have])
        self.services.blockSignals(True)
        for c in choices:
            item = QListWidgetItem(f"{c.name} — {c.organisation_name}")
            item.setData(ID_ROLE, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.services.addItem(item)
        self.services.blockSignals(False)
        if tick_reasons:
            self.tick_reasons({cid for c in choices for cid in c.category_ids})

    def _services_changed(self, _item: QListWidgetItem) -> None:
        self.errors.live("service_ids", None)

    def _search(self) -> None:
        text = self.find_box.text().strip()
        self.found.clear()
        if len(text) < 2:
            self.found.hide()
            return
        result = DirectoryService(self.ctx).search(text, limit=8)
        for r in result.rows:
            item = QListWidgetItem(f"{r.name} — {r.organisation_name}" + (f" ({r.town})" if r.town else ""))
            item.setData(ID_ROLE, r.id)
            self.found.addItem(item)
        if not result.rows:
            self.found.addItem(QListWidgetItem(f"No services match “{text}”."))
        self.found.show()
        self.found.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (watched is self.find_box and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.find_box.text().strip()):
            self._add_found()
            return True  # an empty find box lets Enter do the dialog's main action, Record
        return super().eventFilter(watched, event)

    def _add_found(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._search()
        item = self.found.currentItem() or (self.found.item(0) if self.found.count() else None)
        if item is None or item.data(ID_ROLE) is None:
            return
        self.add_services([int(item.data(ID_ROLE))])
        self.find_box.clear()
        self.found.hide()
        self.find_box.setFocus()

    # ---- reasons
    def _fill_reasons(self) -> None:
        for r in self.service.reason_choices():
            item = QListWidgetItem(r.label)
            item.setData(ID_ROLE, r.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.reasons.addItem(item)

    def tick_reasons(self, ids: set[int]) -> None:
        """Tick these categories and move the ticked ones to the top of the list."""
        if not ids:
            return
        ticked = []
        for row in range(self.reasons.count() - 1, -1, -1):
            item = self.reasons.item(row)
            if int(item.data(ID_ROLE)) in ids or item.checkState() == Qt.CheckState.Checked:
                ticked.append(self.reasons.takeItem(row))
        for pos, item in enumerate(sorted(ticked, key=lambda i: i.text())):
            item.setCheckState(Qt.CheckState.Checked)
            self.reasons.insertItem(pos, item)
        self.reasons.scrollToTop()

    def reason_ids(self) -> list[int]:
        return [int(self.reasons.item(r).data(ID_ROLE)) for r in range(self.reasons.count())
                if self.reasons.item(r).checkState() == Qt.CheckState.Checked]

    # ---- follow-up
    def _follow_in(self, days: int) -> None:
        self.follow_up.setChecked(True)
        self.follow_on.setDate(self.when.date().addDays(days))

    # ---- saving
    def to_form(self) -> SignpostingForm:
        return SignpostingForm(
            service_ids=self.service_ids(), method=SignpostingMethod(self.method.currentData()),
            occurred_on=from_qdate(self.when.date()), reason_category_ids=self.reason_ids(),
            follow_up_on=from_qdate(self.follow_on.date()) if self.follow_up.isChecked() else None,
            patient_ref=self.patient_ref.text() if self.patient_ref is not None else "")

    def save(self, copy: bool = False) -> None:
        form = self.to_form()
        try:
            try:
                self.saved = self.service.record(form)
            except PossibleDuplicate as dup:
                # asked once: the same person recorded these services today already
                if not messages.confirm(self, "Another patient?",
                                        f"{dup} Say No if you are recording the same patient again: "
                                        "nothing more is recorded.",
                                        yes="&Yes, another patient", no="&No, already recorded"):
                    self.reject()
                    return
                form.another_patient = True
                self.saved = self.service.record(form)
        except ValidationFailed as exc:
            first = self.errors.show(exc.errors, order=("service_ids", "occurred_on", "follow_up_on",
                                                        "patient_ref"))
            if first is not None:
                first.setFocus()
            return
        except Refused as exc:
            messages.refused(self, "Could not record the signposting", exc)
            return
        if copy and self.saved is not None:
            self.copied = copy_for_record(self.ctx, self.saved.id, self.reference)
        self.accept()

    @classmethod
    def ask(cls, ctx: ServiceContext, service_ids: list[int] | tuple[int, ...] = (),
            method: SignpostingMethod = SignpostingMethod.LEAFLET,
            parent: QWidget | None = None) -> SignpostingDetail | None:
        """Open pre-filled; returns the saved record, or None if the person chose "Not now"."""
        dialog = cls(ctx, list(service_ids), method, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.saved


def copy_for_record(ctx: ServiceContext, signposting_id: int, reference: str | None = None) -> str:
    """Put the line for the GP record on the clipboard (services.record_line); returns the line."""
    from PySide6.QtGui import QGuiApplication

    from sp_desktop.services.record_line import RecordLineService

    line = RecordLineService(ctx).line(signposting_id, reference)
    QGuiApplication.clipboard().setText(line)
    return line


def describe_saved(detail: SignpostingDetail) -> str:
    """A one-line confirmation for the status bar."""
    text = f"Recorded signposting to {detail.services_text} on {show_date(detail.occurred_on)}"
    if detail.follow_up_on:
        text += f"; follow up on {show_date(detail.follow_up_on)}"
    return text + "."


def _e(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["RecordSignpostingDialog", "copy_for_record", "describe_saved"]
