"""Write (or correct) a private trust note about an organisation or one of its services.

Clinicians and above only. The dialog reminds the author to write facts they would be content
for the organisation to read. After a concern it asks whether to bring the vetting review
forward; after a safeguarding concern, also whether to suspend the organisation from leaflets
at once (both through `sp_desktop.ui.messages.confirm`, which tests replace).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import TrustNoteKind
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.safe_text import escape_markup
from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.relationships import TrustNoteEntry, TrustNoteService
from sp_desktop.ui import messages
from sp_desktop.ui.widgets.unsaved import GuardsTyping

REMINDER = "Write facts you would be content for the organisation to read."


def suspension_reason(today_text: str) -> str:
    """The reason recorded on the organisation (visible to all staff — never the private note)."""
    return (f"Safeguarding concern noted {today_text}; suspended from leaflets until the vetting lead "
            "reviews it.")


class TrustNoteDialog(GuardsTyping, QDialog):
    def __init__(self, ctx: ServiceContext, organisation_id: int, organisation_name: str,
                 services: Sequence[tuple[int, str]] = (), note: TrustNoteEntry | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = TrustNoteService(ctx)
        self.organisation_id = organisation_id
        self.organisation_name = organisation_name
        self.note = note
        self.saved: TrustNoteEntry | None = None
        self.setObjectName("trust_note_dialog")
        self.setWindowTitle("Correct a trust note" if note else "Trust note")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        heading = QLabel(f"Private note about <b>{escape_markup(organisation_name)}</b> — staff only, never "
                         "printed or exported.")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        reminder = QLabel(f"Reminder: {REMINDER}")
        reminder.setObjectName("reminder")
        reminder.setWordWrap(True)
        reminder.setAccessibleName(REMINDER)
        reminder.setStyleSheet("QLabel { font-weight: bold; padding: 6px; border: 1px solid palette(mid); }")
        layout.addWidget(reminder)

        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        self.kind.setAccessibleName("Kind of note")
        for k in TrustNoteKind:
            mark = "! " if k in (TrustNoteKind.CONCERN, TrustNoteKind.SAFEGUARDING) else ""
            self.kind.addItem(mark + k.label, k.value)
        self.kind.setCurrentIndex(self.kind.findData(TrustNoteKind.GENERAL.value))
        form.addRow("&Kind:", self.kind)
        self.about = QComboBox()
        self.about.setObjectName("about")
        self.about.setAccessibleName("What the note is about")
        self.about.addItem(f"The whole organisation ({organisation_name})", None)
        for sid, name in services:
            self.about.addItem(f"Service: {name}", sid)
        form.addRow("&About:", self.about)
        self.text = QPlainTextEdit()
        self.text.setObjectName("text")
        self.text.setAccessibleName("Note")
        self.text.setAccessibleDescription(REMINDER)
        self.text.setPlaceholderText("What happened, when, and how you know. " + REMINDER)
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(120)
        form.addRow("&Note:", self.text)
        layout.addLayout(form)

        self.errors = QLabel("")
        self.errors.setObjectName("errors")
        self.errors.setWordWrap(True)
        self.errors.hide()
        layout.addWidget(self.errors)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)

        if note is not None:
            self.kind.setCurrentIndex(self.kind.findData(note.kind.value))
            index = self.about.findData(note.service_id) if note.service_id else 0
            self.about.setCurrentIndex(max(index, 0))
            self.text.setPlainText(note.text)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
        self.remember_clean()  # Esc or Close on a form with typing asks first

    def save(self) -> None:
        kind = TrustNoteKind(self.kind.currentData())
        service_id = self.about.currentData()
        try:
            if self.note is None:
                result = self.service.add(self.organisation_id, kind, self.text.toPlainText(), service_id)
                self.saved = result.note
            else:
                self.saved = self.service.correct(self.note.id, kind, self.text.toPlainText(), service_id,
                                                  expected_version=self.note.version)
                result = None
        except ValidationFailed as exc:
            self.errors.setText("\n".join(f"! {m}" for m in exc.errors.values()))
            self.errors.show()
            return
        except Refused as exc:
            self.errors.setText(f"! {exc}")
            self.errors.show()
            return
        if result is not None:
            self._ask_about_vetting(result.note, result.ask_bring_review_forward, result.ask_suspend)
        self.accept()

    def _ask_about_vetting(self, note: TrustNoteEntry, ask_review: bool, ask_suspend: bool) -> None:
        name = self.organisation_name
        today = show_date(self.ctx.today())
        try:
            if ask_review and messages.confirm(
                    self, "Bring the vetting review forward?",
                    f"You noted a {note.kind.label.lower()} about {name}.\n\n"
                    f"Bring its vetting review forward to today ({today}), so the vetting lead looks at it "
                    "now?", yes="Bring review forward", no="Not now"):
                self.service.bring_review_forward(note.id)
            if ask_suspend:
                reason = suspension_reason(today)
                if messages.confirm(
                        self, "Suspend from leaflets now?",
                        f"Suspend {name} from patient leaflets at once?\n\nIts services will show as "
                        f"Suspended ⊘ to everyone with this reason (your note stays private):\n“{reason}”",
                        yes="Suspend now", no="Do not suspend"):
                    self.service.suspend_for_safeguarding(note.id, reason)
        except Refused as exc:
            messages.error(self, "Could not change the vetting record", str(exc))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, organisation_id: int, organisation_name: str,
            services: Sequence[tuple[int, str]] = (),
            note: TrustNoteEntry | None = None) -> TrustNoteEntry | None:
        """Show the dialog; returns the saved note, or None if cancelled. Tests replace this."""
        dialog = cls(ctx, organisation_id, organisation_name, services, note, parent)
        dialog.exec()
        return dialog.saved




__all__ = ["REMINDER", "TrustNoteDialog", "suspension_reason"]
