"""A change the front desk suggested, for the vetting lead to accept or reject field by field.

Each suggested field is a tick box reading "Phone numbers: 0141 496 0000 → 0141 496 0999", all
ticked at first. "Accept the ticked changes" saves exactly those fields as suggested (one
transaction, audited); "Reject the suggestion" changes nothing on the record. Esc or Close leaves
the suggestion waiting. Nothing here is typed, so closing loses nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.safe_text import escape_markup as escape
from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.suggestions import Suggestion, SuggestionService
from sp_desktop.ui import messages


def _shown(value: str) -> str:
    return value if value.strip() else "(blank)"


class SuggestionDialog(QDialog):
    def __init__(self, ctx: ServiceContext, suggestion: Suggestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.suggestion = suggestion
        self.service = SuggestionService(ctx)
        self.decided: Suggestion | None = None
        self.setObjectName("suggestion_dialog")
        self.setWindowTitle(f"Suggested change — {suggestion.label}")
        self.setAccessibleName(f"Suggested change to {suggestion.label}")
        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{suggestion.suggested_by}</b> suggested these changes to "
                       f"“{suggestion.label}” on {show_date(suggestion.suggested_at.date())}. Tick the ones "
                       "you agree with: they go onto the leaflet exactly as shown.")
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if suggestion.note:
            note = QLabel(f"Their note: {suggestion.note}")
            note.setWordWrap(True)
            layout.addWidget(note)
        box = QWidget()
        rows = QVBoxLayout(box)
        self.boxes: dict[str, QCheckBox] = {}
        for field in suggestion.fields:
            check = QCheckBox(f"{field.label}: {_shown(field.old)}  →  {_shown(field.new)}")
            check.setObjectName(f"accept_{field.label}")
            check.setChecked(True)
            check.setText(f"Accept the new {field.label.lower()}")  # read by its words; the change as its
            check.setAccessibleDescription(f"{field.label}: from {_shown(field.old)} to {_shown(field.new)}")
            words = QLabel(f"<b>{escape(field.label)}</b><br>Now: {escape(_shown(field.old))}<br>"
                           f"Suggested: {escape(_shown(field.new))}")
            words.setWordWrap(True)
            words.setTextFormat(Qt.TextFormat.RichText)
            words.setBuddy(check)
            rows.addWidget(words)
            rows.addWidget(check)
            self.boxes[field.label] = check
        rows.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(box)
        layout.addWidget(area, 1)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton("&Accept the ticked changes")
        self.accept_button.setObjectName("accept_suggestion")
        self.accept_button.setToolTip("Save the ticked fields as suggested; the rest are rejected")
        self.accept_button.clicked.connect(self.accept_ticked)
        self.reject_button = QPushButton("&Reject the suggestion")
        self.reject_button.setObjectName("reject_suggestion")
        self.reject_button.setToolTip("Change nothing on the record")
        self.reject_button.clicked.connect(self.reject_all)
        self.close_button = QPushButton("Decide later")
        self.close_button.setObjectName("close")
        self.close_button.setToolTip("Leave the suggestion waiting on Reviews due (Esc)")
        self.close_button.clicked.connect(self.reject)
        for b in (self.accept_button, self.reject_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.close_button.setDefault(True)  # Enter decides nothing by accident
        for box in self.boxes.values():
            box.toggled.connect(self._update)
        self._update()
        self.resize(720, min(560, 200 + 34 * len(self.boxes)))

    def ticked(self) -> list[str]:
        return [label for label, box in self.boxes.items() if box.isChecked()]

    def _update(self) -> None:
        n = len(self.ticked())
        self.accept_button.setEnabled(n > 0)
        self.accept_button.setText("&Accept the ticked changes" if n != len(self.boxes)
                                   else "&Accept all the changes")

    def accept_ticked(self) -> None:
        self._decide(self.ticked())

    def reject_all(self) -> None:
        self._decide([])

    def _decide(self, labels: list[str]) -> None:
        try:
            self.decided = self.service.decide(self.suggestion.id, labels)
        except ValidationFailed as exc:
            messages.warn(self, "Not saved", " ".join(exc.errors.values()))
            return
        except Refused as exc:
            messages.refused(self, "Not saved", exc)
            return
        self.accept()

    @classmethod
    def show_for(cls, parent: QWidget | None, ctx: ServiceContext, organisation_id: int) -> bool:
        """Go through the organisation's waiting suggestions in turn; True when any was decided."""
        decided = False
        for suggestion in SuggestionService(ctx).pending(organisation_id):
            dialog = cls(ctx, suggestion, parent)
            try:
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    break
                decided = True
            finally:
                dialog.deleteLater()
        return decided


__all__ = ["SuggestionDialog"]
