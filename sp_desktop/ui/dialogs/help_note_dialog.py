"""Write "why this helps" (issue 18): a short clinician-facing note on what the support does and
what to expect, for the service or one of its categories, with its source (a citation or
"practice experience"). Vetting lead and above; never printed on patient leaflets.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import BadInput
from sp_desktop.services.base import NotFound, PermissionDenied, ServiceContext
from sp_desktop.services.confidence import PRACTICE_EXPERIENCE, ConfidenceService, HelpNoteInfo
from sp_desktop.ui.widgets.unsaved import GuardsTyping


class HelpNoteDialog(GuardsTyping, QDialog):
    def __init__(self, ctx: ServiceContext, service_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ConfidenceService(ctx)
        self.changed = False
        self.subjects = self.service.note_subjects(service_id)
        self.setObjectName("help_note_dialog")
        self.setWindowTitle("Why this helps")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        intro = QLabel("A short note for clinicians on what the support does and what to expect, with its "
                       "source. Shown beside the service to every role; never printed on leaflets.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.about = QComboBox()
        self.about.setObjectName("about")
        self.about.setAccessibleName("What the note is about")
        for kind, _ident, name, note in self.subjects:
            label = f"This service: {name}" if kind == "service" else f"Category: {name}"
            self.about.addItem(label + (" (has a note)" if note else ""))
        form.addRow("&About:", self.about)
        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setAccessibleName("Why this helps")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(110)
        form.addRow("&Why this helps:", self.note)
        self.source = QComboBox()
        self.source.setObjectName("source")
        self.source.setEditable(True)
        self.source.setAccessibleName("Source: a citation, or practice experience")
        self.source.addItem("")
        self.source.addItem(PRACTICE_EXPERIENCE)
        form.addRow("&Source:", self.source)
        layout.addLayout(form)
        self.byline = QLabel("")
        self.byline.setObjectName("byline")
        self.byline.setWordWrap(True)
        layout.addWidget(self.byline)
        self.errors = QLabel("")
        self.errors.setObjectName("errors")
        self.errors.setWordWrap(True)
        self.errors.hide()
        layout.addWidget(self.errors)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        self.clear_button = QPushButton("C&lear this note")
        self.clear_button.setObjectName("clear_note")
        buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.clear_button.clicked.connect(self.clear)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)
        self.about.currentIndexChanged.connect(self._show_subject)
        self._show_subject()
        self.note.setFocus()

    def _current(self) -> tuple[str, int, str, HelpNoteInfo | None]:
        return self.subjects[max(0, self.about.currentIndex())]

    def _show_subject(self, *_args: object) -> None:
        _kind, _ident, _name, note = self._current()
        self.note.setPlainText(note.note if note else "")
        self.source.setEditText(note.source if note else "")
        self.byline.setText(note.byline if note else "No note yet.")
        self.clear_button.setEnabled(note is not None)
        self.remember_clean()

    def _ids(self) -> dict[str, int]:
        kind, ident, _name, _note = self._current()
        return {"service_id": ident} if kind == "service" else {"category_id": ident}

    def _error(self, exc: Exception) -> None:
        self.errors.setText(f"! {exc}")
        self.errors.setAccessibleName(str(exc))
        self.errors.show()

    def save(self) -> None:
        try:
            self.service.set_help_note(note=self.note.toPlainText(), source=self.source.currentText(),
                                       **self._ids())
        except (BadInput, PermissionDenied, NotFound) as exc:
            self._error(exc)
            return
        self.changed = True
        self.accept()

    def clear(self) -> None:
        try:
            self.service.clear_help_note(**self._ids())
        except (PermissionDenied, NotFound) as exc:
            self._error(exc)
            return
        self.changed = True
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, service_id: int) -> bool:
        """Show the dialog; True if a note was saved or cleared. Tests replace this."""
        dialog = cls(ctx, service_id, parent)
        dialog.exec()
        return dialog.changed


__all__ = ["HelpNoteDialog"]
