"""The vetting record of one organisation: status, checklist with evidence, decisions, history.

Anyone can read it. Ticking evidence and the decisions (start review, approve, suspend, decline)
need the vetting lead role; for everyone else the controls are read-only and a note says who can
(the service refuses too, with the same words). Approving needs every mandatory item ticked and
in date; the dialog saves unsaved ticks first and shows the next review date before confirming.
"Print vetting summary…" saves the PDF for the practice meeting (through `messages.save_file`).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import VettingStatus
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.safe_text import escape_markup as escape
from sp_desktop.services.base import (
    Permission,
    PermissionDenied,
    ServiceContext,
    ValidationFailed,
    can,
)
from sp_desktop.services.vetting import (
    EvidenceForm,
    EvidenceRow,
    StaleEvidence,
    VettingRecord,
    VettingService,
    add_months,
)
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.history_dialog import HistoryWidget
from sp_desktop.ui.widgets.field_errors import FIELD_STYLE

NO_DATE = QDate(2000, 1, 1)


def _qdate(d: date | None) -> QDate:
    return QDate(d.year, d.month, d.day) if d else NO_DATE


def _pydate(q: QDate) -> date | None:
    return None if q <= NO_DATE else date(q.year(), q.month(), q.day())


def status_html(record: VettingRecord) -> str:
    """The header: status with its symbol, approver, review state, reason."""
    parts = [f"<span style='font-size:15pt'><b>{escape(record.organisation_name)}</b></span><br>",
             f"<span style='font-size:12pt'>Vetting: <b>{escape(record.status_text)}</b></span>"]
    lines = []
    if record.approved_on:
        prefix = "Approved" if record.status is VettingStatus.APPROVED else "Last approved"
        lines.append(f"{prefix} {show_date(record.approved_on)} by {escape(record.approved_by or 'unknown')}")
    if record.review_text:
        lines.append(escape(record.review_text))
    elif record.next_review_on and record.status is not VettingStatus.DECLINED:
        lines.append(f"Review date {show_date(record.next_review_on)}")
    if record.reason:
        lines.append(f"Reason: {escape(record.reason)}")
    if record.archived:
        lines.append("This organisation is archived.")
    if lines:
        parts.append("<br>" + " · ".join(lines[:2]) + ("<br>" + "<br>".join(lines[2:]) if lines[2:] else ""))
    parts.append(f"<br>Kind of organisation: {escape(record.kind_text)}"
                 + ("" if record.kind else " (every checklist item applies; set the kind with Edit "
                                           "organisation)"))
    return "".join(parts)


class ReasonDialog(QDialog):
    """Asks why (suspend, decline). `ask()` returns the text or None."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reason_dialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reason_text")
        self.text.setAccessibleName("Reason")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        label.setBuddy(self.text)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, prompt: str) -> str | None:
        dialog = cls(title, prompt, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.text.toPlainText().strip()


def open_calendar_at_today(edit: QDateEdit, today: date) -> None:
    """A date not given yet ("Needed", "No expiry") opens its calendar at today's month, not at the
    year 2000 that stands for "no date"."""
    calendar = edit.calendarWidget()

    class _AtToday(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Show and edit.date() <= NO_DATE:
                calendar.setCurrentPage(today.year, today.month)
            return False

    keeper = _AtToday(edit)
    calendar.installEventFilter(keeper)


class ApproveDialog(QDialog):
    """Approve (or renew): who and today, and the next review date, which the lead may change
    (default: 6 months for a first approval, the practice's interval for a renewal; an evidence
    expiry brings it forward). `ask()` returns the chosen date, or None for "Not yet"."""

    def __init__(self, record: VettingRecord, approver: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approve_dialog")
        renewal = record.status is VettingStatus.APPROVED
        title = "Renew the approval" if renewal else "Approve"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        verb = "Renew the approval of" if renewal else "Approve"
        text = QLabel(f"{verb} <b>{escape(record.organisation_name)}</b>?<br>Approved by "
                      f"{escape(approver)} today, {show_date(record.today)}.")
        text.setWordWrap(True)
        layout.addWidget(text)
        row = QHBoxLayout()
        label = QLabel("&Next review on:")
        self.next_review = QDateEdit()
        self.next_review.setObjectName("next_review_on")
        self.next_review.setAccessibleName("Next review date")
        self.next_review.setDisplayFormat("d MMM yyyy")
        self.next_review.setCalendarPopup(True)
        today = record.today
        expiries = [r.expires_on for r in record.rows if r.complete and r.expires_on and r.expires_on > today]
        self.next_review.setMinimumDate(_qdate(today).addDays(1))
        latest = _qdate(today).addMonths(36)
        if expiries:  # evidence that runs out must be seen again by then: the review cannot be later
            latest = min(latest, _qdate(min(expiries)))
        self.next_review.setMaximumDate(latest)
        self.next_review.setDate(_qdate(record.proposed_next_review))
        label.setBuddy(self.next_review)
        row.addWidget(label)
        row.addWidget(self.next_review)
        row.addStretch(1)
        layout.addLayout(row)
        first = record.approved_on is None
        months = 6 if first else record.review_interval_months
        note = QLabel(f"Proposed: {months} months{' (a newly added organisation)' if first else ''}"
                      + (", brought forward to an evidence expiry date" if record.proposed_next_review
                         < add_months(today, months) else "")
                      + ". Type or pick another date"
                      + (f", on or before {show_date(min(expiries))} when evidence runs out." if expiries
                         else " within 3 years."))
        note.setObjectName("next_review_note")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.approve_button = buttons.addButton("&Approve" if not renewal else "&Renew",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.approve_button.setObjectName("approve_button")
        self.approve_button.setDefault(True)
        not_yet = buttons.addButton("Not yet", QDialogButtonBox.ButtonRole.RejectRole)
        not_yet.setObjectName("not_yet")
        not_yet.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.next_review.setFocus()

    def chosen(self) -> date:
        return self.next_review.date().toPython()  # type: ignore[return-value]

    @classmethod
    def ask(cls, parent: QWidget | None, record: VettingRecord, approver: str) -> date | None:
        dialog = cls(record, approver, parent)
        try:
            return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class _ItemRow:
    """The widgets of one checklist item."""

    def __init__(self, row: EvidenceRow, today: date, stale: bool = False, max_age_months: int = 12) -> None:
        self.row = row
        self.stale = stale
        self.max_age_months = max_age_months
        item = row.item
        label = item.label + ("" if item.mandatory else " (optional)")
        self.tick = QCheckBox(label)
        self.tick.setObjectName(f"tick_{item.code}")
        self.tick.setChecked(row.complete)
        self.tick.setAccessibleName(label)
        self.tick.setAccessibleDescription(item.guidance)
        self.tick.setToolTip(item.guidance)
        self.state = QLabel()
        self.state.setObjectName(f"state_{item.code}")
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state.setWordWrap(True)
        self.notes = QLineEdit(row.notes)
        self.notes.setCursorPosition(0)
        self.notes.setObjectName(f"notes_{item.code}")
        self.notes.setAccessibleName(f"Evidence notes: {item.label}")
        self.notes.setPlaceholderText("What you saw: number, policy date, names…")
        self.expiry = QDateEdit()
        self.expiry.setObjectName(f"expiry_{item.code}")
        self.expiry.setAccessibleName(f"Expiry date: {item.label}")
        self.expiry.setCalendarPopup(True)
        self.expiry.setDisplayFormat("d MMM yyyy")
        self.expiry.setMinimumDate(NO_DATE)
        self.expiry.setSpecialValueText("Needed" if item.has_expiry else "No expiry")
        self.expiry.setDate(_qdate(row.expires_on))
        self.expiry.setToolTip("The date printed on the certificate; the review comes forward to it. Type "
                               "it (e.g. 12 Mar 2027) or pick it: the calendar opens at today."
                               if item.has_expiry else "Only if this evidence runs out (leave as No expiry).")
        open_calendar_at_today(self.expiry, today)
        # "I checked it again": who and today are recorded even when nothing else about it changed
        self.recheck = QCheckBox("Checked again today")
        self.recheck.setObjectName(f"recheck_{item.code}")
        self.recheck.setAccessibleName(f"Checked again today: {item.label}")
        self.recheck.setToolTip("Tick when you have seen this evidence again today: your name and today's "
                                "date are recorded when the checks are saved.")
        self.recheck.setVisible(row.complete)
        self.tick.toggled.connect(lambda on: self.recheck.setVisible(on and self.row.complete))
        # "Does not apply…" asks why; on an item that does not apply, "It applies…" puts it back
        self.not_applicable = QPushButton()
        self.not_applicable.setObjectName(f"not_applicable_{item.code}")
        self.not_applicable.setAutoDefault(False)
        if row.not_applicable:
            self.not_applicable.setText("It applies…")
            self.not_applicable.setAccessibleName(f"It applies after all: {item.label}")
            self.not_applicable.setToolTip("This item applies to the organisation after all: put it back on "
                                           "the list to check")
        else:
            self.not_applicable.setText("Does not apply…")
            self.not_applicable.setAccessibleName(f"Does not apply: {item.label}")
            self.not_applicable.setToolTip("Record, with a reason, that this item does not apply to this "
                                           "organisation; it then no longer stands in the way of approval")
        self.error = QLabel()
        self.error.setObjectName("field_error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.update_state(today)

    def update_state(self, today: date) -> None:
        r = self.row
        if r.complete and r.expired(today):
            text = f"! Expired {show_date(r.expires_on)}"
        elif r.complete:
            text = f"✓ {r.checked_by or 'someone'}, {show_date(r.checked_on)}"
            if r.expiring(today):
                text += " — expires soon"
            if self.stale:
                text += f" — ! checked over {self.max_age_months} months ago: check it again"
        elif r.not_applicable:
            text = (f"— Does not apply: {r.not_applicable} "
                    f"({r.checked_by or 'someone'}, {show_date(r.checked_on)})")
        else:
            text = "✗ Not done" + (" (required)" if r.item.mandatory else "")
        self.state.setText(text)
        self.state.setAccessibleName(f"{r.item.label}: {text}")

    def form(self) -> EvidenceForm:
        return EvidenceForm(self.row.item.id, self.tick.isChecked(), self.notes.text(),
                            _pydate(self.expiry.date()),
                            rechecked=self.recheck.isChecked() and self.tick.isChecked())

    def changed(self) -> bool:
        r = self.row
        return (self.tick.isChecked() != r.complete or self.notes.text().strip() != (r.notes or "")
                or _pydate(self.expiry.date()) != r.expires_on
                or (self.recheck.isChecked() and self.tick.isChecked()))

    def set_editable(self, editable: bool) -> None:
        self.recheck.setEnabled(editable)
        if not editable:
            self.recheck.setVisible(False)
        self.tick.setEnabled(editable)
        self.not_applicable.setVisible(editable and not self.row.complete)
        self.notes.setReadOnly(not editable)
        self.expiry.setReadOnly(not editable)

    def show_error(self, text: str) -> None:
        self.error.setText(f"✗ {text}" if text else "")
        self.error.setVisible(bool(text))
        for w in (self.tick, self.expiry):
            w.setProperty("invalid", bool(text))
            w.style().unpolish(w)
            w.style().polish(w)


class VettingDialog(QDialog):
    record_changed = Signal()

    def __init__(self, ctx: ServiceContext, organisation_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = VettingService(ctx)
        self.organisation_id = organisation_id
        self.can_vet = can(ctx.actor, Permission.VET)
        self.made_changes = False
        self.rows: list[_ItemRow] = []
        self.record = self.service.record(organisation_id)
        self.setObjectName("vetting_dialog")
        self.setWindowTitle(f"Vetting record — {self.record.organisation_name}")
        self.setAccessibleName(self.windowTitle())
        self.setStyleSheet(FIELD_STYLE)
        self.resize(1000, 720)

        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setObjectName("vetting_header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)
        self.notice = QLabel()
        self.notice.setObjectName("vetting_notice")
        self.notice.setWordWrap(True)
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.setMargin(6)
        layout.addWidget(self.notice)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("vetting_tabs")
        layout.addWidget(self.tabs, 1)
        self.checklist_page = QWidget()
        self.checklist_layout = QVBoxLayout(self.checklist_page)
        self.checklist_scroll = QScrollArea()
        self.checklist_scroll.setWidgetResizable(True)
        self.checklist_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checklist_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.checklist_layout.addWidget(self.checklist_scroll)
        self.tabs.addTab(self.checklist_page, "&Checklist and evidence")
        self.history = HistoryWidget(ctx, organisation_id=organisation_id)
        self.tabs.addTab(self.history, "&History")

        actions = QHBoxLayout()
        self.save_button = self._button("&Save checks", "save_checks", self.save_checks,
                                        "Save the ticks, notes and expiry dates (Ctrl+S)")
        self.review_button = self._button("Start &review", "start_review", self.start_review,
                                          "Move the organisation to “in review”")
        self.approve_button = self._button("&Approve…", "approve", self.approve,
                                           "Approve: needs every mandatory item ticked and in date")
        self.suspend_button = self._button("Sus&pend…", "suspend", self.suspend,
                                           "Stop using the organisation for now, with a reason")
        self.decline_button = self._button("&Decline…", "decline", self.decline,
                                           "Decide not to use the organisation, with a reason")
        self.print_button = self._button("Print s&ummary…", "print_summary", self.print_summary,
                                         "Save a PDF summary of this record for the practice meeting")
        for b in (self.save_button, self.review_button, self.approve_button, self.suspend_button,
                  self.decline_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.print_button)
        close = self._button("Close", "close", self.close, "Close the vetting record (Esc)")
        actions.addWidget(close)
        layout.addLayout(actions)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save_checks)
        self._show(self.record)

    def _button(self, text: str, name: str, slot: object, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setAutoDefault(False)
        b.setToolTip(tip)
        b.setAccessibleDescription(tip)
        b.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return b

    # ---- showing the record
    def _show(self, record: VettingRecord) -> None:
        self.record = record
        self.header.setText(status_html(record))
        self.header.setAccessibleName(f"{record.organisation_name}: {record.status_text}. "
                                      f"{record.review_text}")
        if not self.can_vet:
            refusal = PermissionDenied(self.ctx.actor, Permission.VET)
            self.notice.setText(f"ℹ You can read this record. {refusal}")
        elif record.missing:
            self.notice.setText("Still to do before approval: " + "; ".join(record.missing) + ".")
        else:
            self.notice.setText("✓ Every mandatory item is complete. Approving today sets the next review "
                                f"to {show_date(record.proposed_next_review)}.")
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        for col, text in enumerate(("Checklist item and evidence notes", "Checked", "Expires")):
            head = QLabel(f"<b>{text}</b>")
            grid.addWidget(head, 0, col)
        self.rows = []
        previous: QWidget | None = None
        for i, ev in enumerate(record.rows):
            row = _ItemRow(ev, record.today, record.stale(ev), record.evidence_max_age_months)
            row.set_editable(self.can_vet and not record.archived)
            r = 1 + i * 4
            grid.addWidget(row.tick, r, 0)
            grid.addWidget(row.state, r, 1)
            grid.addWidget(row.expiry, r, 2)
            notes_box = QWidget()
            notes_layout = QHBoxLayout(notes_box)
            notes_layout.setContentsMargins(24, 0, 0, 0)
            notes_layout.addWidget(row.notes)
            grid.addWidget(notes_box, r + 1, 0)
            grid.addWidget(row.recheck, r + 1, 1)
            grid.addWidget(row.not_applicable, r + 1, 2)
            grid.addWidget(row.error, r + 2, 0, 1, 3)
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setFrameShadow(QFrame.Shadow.Sunken)
            grid.addWidget(line, r + 3, 0, 1, 3)
            for w in (row.tick, row.notes, row.expiry, row.recheck, row.not_applicable):
                if previous is not None:
                    QWidget.setTabOrder(previous, w)
                previous = w
            row.tick.toggled.connect(lambda _on=False: self._update_buttons())
            row.notes.textEdited.connect(lambda _t="": self._update_buttons())
            row.expiry.dateChanged.connect(lambda _d=None: self._update_buttons())
            row.recheck.toggled.connect(lambda _on=False: self._update_buttons())
            row.not_applicable.clicked.connect(lambda _c=False, it=row: self.does_not_apply(it))
            self.rows.append(row)
        grid.setRowStretch(1 + len(record.rows) * 4, 1)
        old = self.checklist_scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.checklist_scroll.setWidget(grid_host)
        self.history.refresh()
        self._update_buttons()

    def _update_buttons(self) -> None:
        s = self.record.status
        live = self.can_vet and not self.record.archived
        self.save_button.setEnabled(live and self.dirty())
        self.review_button.setEnabled(live and s in (VettingStatus.NOT_VETTED, VettingStatus.SUSPENDED,
                                                     VettingStatus.DECLINED))
        self.approve_button.setEnabled(live)
        self.approve_button.setText("Renew &approval…" if s is VettingStatus.APPROVED else "&Approve…")
        self.suspend_button.setEnabled(live and s in (VettingStatus.APPROVED, VettingStatus.IN_REVIEW))
        self.decline_button.setEnabled(live and s is not VettingStatus.DECLINED)
        for b in (self.save_button, self.review_button, self.approve_button, self.suspend_button,
                  self.decline_button):
            b.setVisible(self.can_vet)

    def dirty(self) -> bool:
        return any(r.changed() for r in self.rows)

    def _after_change(self, record: VettingRecord, message: str = "") -> None:
        self.made_changes = True
        self._show(record)
        self.record_changed.emit()

    def _problem(self, title: str, exc: Refused) -> None:
        messages.refused(self, title, exc)

    # ---- actions
    def save_checks(self) -> bool:
        """Save changed rows; True when saved (or nothing to save)."""
        if not self.dirty():
            return True
        for r in self.rows:
            r.show_error("")
        forms = [r.form() for r in self.rows if r.changed()]
        try:
            record = self.service.save_evidence(self.organisation_id, forms)
        except ValidationFailed as exc:
            by_code = {r.row.item.code: r for r in self.rows}
            shown = False
            for key, text in exc.errors.items():
                if key in by_code:
                    by_code[key].show_error(text)
                    if not shown:
                        by_code[key].tick.setFocus()
                        shown = True
            if not shown:
                self._problem("The checks were not saved", exc)
            return False
        except Refused as exc:
            self._problem("The checks were not saved", exc)
            return False
        self._after_change(record)
        return True

    def start_review(self) -> None:
        try:
            self._after_change(self.service.start_review(self.organisation_id))
        except Refused as exc:
            self._problem("Could not start the review", exc)

    def approve(self) -> None:
        if not self.save_checks():
            return
        record = self.record
        if record.missing:
            messages.warn(self, "Not ready to approve",
                          f"{record.organisation_name} cannot be approved yet. Still to do:\n\n"
                          + "\n".join(f"• {m}" for m in record.missing)
                          + "\n\nTick each item with its evidence first.")
            return
        proposed = record.proposed_next_review
        chosen = ApproveDialog.ask(self, record, self.ctx.actor.name)
        if chosen is None:
            return
        next_review = None if chosen == proposed else chosen  # the default keeps following expiry dates
        try:
            try:
                self._after_change(self.service.approve(self.organisation_id, next_review_on=next_review))
            except StaleEvidence as stale:
                # old evidence: re-check it, or approve with the record saying it was not re-checked
                if not messages.confirm(self, "Evidence not checked recently", f"{stale}",
                                        yes="Approve, noting it was not re-checked", no="Re-check first"):
                    first = next((r for r in self.rows if r.stale and r.recheck.isVisible()), None)
                    if first is not None:  # straight to the first one to check again
                        self.checklist_scroll.ensureWidgetVisible(first.recheck)
                        first.recheck.setFocus(Qt.FocusReason.OtherFocusReason)
                    return
                self._after_change(self.service.approve(self.organisation_id, next_review_on=next_review,
                                                        stale_ok=True))
        except Refused as exc:
            self._problem("Not approved", exc)

    def _decide(self, verb: str, title: str, prompt: str) -> None:
        if self.dirty() and not self.save_checks():
            return
        reason = ReasonDialog.ask(self, title, prompt)
        if reason is None:
            return
        try:
            fn = self.service.suspend if verb == "suspend" else self.service.decline
            self._after_change(fn(self.organisation_id, reason))
        except Refused as exc:
            self._problem(f"Not {verb}ed" if verb != "decline" else "Not declined", exc)

    def does_not_apply(self, row: _ItemRow) -> None:
        """Mark the item as not applying to this organisation, with a reason (or put it back)."""
        if self.dirty() and not self.save_checks():
            return
        item_id, label = row.row.item.id, row.row.item.label
        try:
            if row.row.not_applicable:
                self._after_change(self.service.clear_not_applicable(self.organisation_id, item_id))
                return
            reason = ReasonDialog.ask(self, f"Does not apply: {label}",
                                      f"Why does “{label}” not apply to {self.record.organisation_name}? "
                                      "Your name, today's date and the reason are recorded, and the "
                                      "vetting summary shows the reason.")
            if reason is None:
                return
            self._after_change(self.service.mark_not_applicable(self.organisation_id, item_id, reason))
        except Refused as exc:
            self._problem("Not recorded", exc)

    def suspend(self) -> None:
        self._decide("suspend", f"Suspend {self.record.organisation_name}",
                     "Why is the organisation suspended? Its services leave patient leaflets until it is "
                     "approved again. The reason is shown to all staff.")

    def decline(self) -> None:
        self._decide("decline", f"Decline {self.record.organisation_name}",
                     "Why does the practice not use this organisation? The reason is shown to all staff.")

    def print_summary(self) -> None:
        from sp_desktop.services.vetting_summary import default_file_name, write_vetting_summary

        if self.dirty() and self.can_vet and not self.save_checks():
            return
        path = messages.save_file(self, "Save the vetting summary",
                                  default_file_name(self.record.organisation_name, self.ctx.now()),
                                  "PDF files (*.pdf)")
        if not path:
            return
        try:
            written = write_vetting_summary(self.ctx, self.organisation_id, path)
        except OSError as exc:
            messages.error(self, "The summary was not saved",
                           f"Could not write {path}: {exc.strerror or exc}. Choose another folder.")
            return
        messages.inform(self, "Vetting summary saved", f"Saved to {written}. Open it to print.")

    # ---- closing
    def done(self, result: int) -> None:
        if self.can_vet and self.dirty():
            choice = messages.ask_save_discard_cancel(self, "Unsaved checks",
                                                      "You have ticks or notes that are not saved.")
            if choice == "cancel" or (choice == "save" and not self.save_checks()):
                return
        super().done(result)

    @classmethod
    def show_for(cls, parent: QWidget | None, ctx: ServiceContext, organisation_id: int) -> bool:
        """Open the record; True when something was changed (callers refresh)."""
        dialog = cls(ctx, organisation_id, parent)
        dialog.exec()
        return dialog.made_changes


__all__ = ["ApproveDialog", "ReasonDialog", "VettingDialog", "open_calendar_at_today", "status_html"]
