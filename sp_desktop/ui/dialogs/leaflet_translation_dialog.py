"""A service's name and description in another language, for leaflets made in that language.

Opened from the Directory (Edit → Leaflet translation…, or the table's context menu) for the
selected service. The languages are those the practice keeps a wording table for (Settings →
Leaflet languages); the English is shown beside each field. Typed by a person: sp_desktop ships
no machine translation. Saving is checked and audited by `LeafletLanguageService.set_translation`;
nothing typed is lost on an error, on changing the language or on closing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import BadInput, Refused
from sp_desktop.domain.safe_text import escape_markup
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.leaflet_languages import LeafletLanguageService, ServiceTranslation
from sp_desktop.ui import messages


def _read_only_text(name: str, accessible: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setReadOnly(True)
    box.setTabChangesFocus(True)
    box.setMaximumHeight(90)
    return box


class LeafletTranslationDialog(QDialog):
    def __init__(self, ctx: ServiceContext, service_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = LeafletLanguageService(ctx)
        self.service_id = service_id
        self.setObjectName("leaflet_translation_dialog")
        self.setWindowTitle("Leaflet translation")
        self.setAccessibleName("Leaflet translation")
        self._shown: ServiceTranslation | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("intro")
        layout.addWidget(self.intro)

        form = QFormLayout()
        self.language = QComboBox()
        self.language.setObjectName("translation_language")
        self.language.setAccessibleName("Language")
        form.addRow("&Language:", self.language)
        self.english_name = QLineEdit()
        self.english_name.setObjectName("english_name")
        self.english_name.setAccessibleName("Name in English")
        self.english_name.setReadOnly(True)
        form.addRow("Name in English:", self.english_name)
        self.name = QLineEdit()
        self.name.setObjectName("translated_name")
        self.name.setAccessibleName("Name in this language")
        self.name.setMaxLength(300)
        form.addRow("&Name in this language:", self.name)
        self.english_description = _read_only_text("english_description", "Description in English")
        form.addRow("Description in English:", self.english_description)
        self.description = QPlainTextEdit()
        self.description.setObjectName("translated_description")
        self.description.setAccessibleName("Description in this language")
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(110)
        description_label = QLabel("&Description in this language:")
        description_label.setBuddy(self.description)
        form.addRow(description_label, self.description)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        layout.addWidget(self.problem)

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("save_translation")
        self.save_button.setAccessibleName("Save translation")
        self.remove_button = QPushButton("&Remove translation")
        self.remove_button.setObjectName("remove_translation")
        self.remove_button.setAccessibleName("Remove translation")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close")
        self.close_button.setAccessibleName("Close")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        self.buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

        for choice in self.service.languages():
            self.language.addItem(f"{choice.name} ({choice.code})", choice.code)
        self._current_code = ""
        self.language.currentIndexChanged.connect(self._language_changed)
        if self.language.count():
            self._show(str(self.language.currentData()))
        else:
            self._no_languages()
        self.resize(620, self.sizeHint().height())

    # ---- showing
    def _no_languages(self) -> None:
        self.intro.setText("The practice has no leaflet languages yet. An administrator adds a language, "
                           "with the leaflet's fixed wording, in Settings → Leaflet languages; then its "
                           "translation can be typed here.")
        for w in (self.language, self.name, self.description, self.save_button, self.remove_button):
            w.setEnabled(False)
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _show(self, code: str) -> None:
        shown = self.service.translation(self.service_id, code)
        self._shown = shown
        self._current_code = code
        self.intro.setText(
            f"<b>{escape_markup(shown.english_name)}</b> in another language, for leaflets made in that "
            "language. Type it as a person would say it (no machine translation). Left empty, the leaflet "
            "prints the English and says there is no translation yet.")
        self.english_name.setText(shown.english_name)
        self.english_description.setPlainText(shown.english_description)
        self.name.setText(shown.name)
        self.description.setPlainText(shown.description)
        for w in (self.name, self.description):
            w.setReadOnly(not shown.may_change)
        self.save_button.setEnabled(shown.may_change)
        self.remove_button.setEnabled(shown.may_change and bool(shown.name or shown.description))
        if not shown.may_change:
            self._say("The organisation is approved, so only the vetting lead or an administrator changes "
                      "what its leaflets say, in any language.")
        else:
            self._say("")
        self.name.setFocus()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def changed(self) -> bool:
        """Whether what is typed differs from what is kept for the language shown."""
        shown = self._shown
        if shown is None or not shown.may_change:
            return False
        return (self.name.text().strip() != shown.name.strip()
                or self.description.toPlainText().strip() != shown.description.strip())

    def _language_changed(self, _index: int) -> None:
        code = str(self.language.currentData() or "")
        if code == self._current_code:
            return
        if self.changed() and not self._settle(f"Save the translation into {self._current_code} first?"):
            self.language.blockSignals(True)  # keep editing: back to the language being typed
            self.language.setCurrentIndex(self.language.findData(self._current_code))
            self.language.blockSignals(False)
            return
        self._show(code)

    def _settle(self, question: str) -> bool:
        """Unsaved text: save it, or discard it, or keep editing (False)."""
        answer = messages.ask_save_discard_cancel(self, "Unsaved translation", question)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ---- actions
    def save(self) -> bool:
        code = self._current_code
        try:
            self.service.set_translation(self.service_id, code, self.name.text(),
                                         self.description.toPlainText())
        except Refused as exc:  # nothing saved; what was typed stays for correcting
            self._say(f"Not saved: {messages.refusal_text(exc)}")
            if isinstance(exc, BadInput):
                (self.name if exc.field == "name" else self.description).setFocus()
            return False
        self._show(code)
        self._say(f"Saved. Leaflets in {self.language.currentText()} now use this translation.")
        return True

    def remove(self) -> None:
        if not messages.confirm(self, "Remove translation",
                                f"Remove the translation into {self.language.currentText()}? Leaflets in "
                                "that language will print this service in English.", yes="Remove",
                                no="Keep it"):
            return
        self.name.clear()
        self.description.clear()
        if self.save():
            self._say("Removed. Leaflets in that language print this service in English.")

    def reject(self) -> None:  # Close, Esc and the window's close box
        if self.changed() and not self._settle("Save the translation before closing?"):
            return
        super().reject()

    @classmethod
    def open_for(cls, ctx: ServiceContext, service_id: int, parent: QWidget | None = None) -> None:
        """Show the dialog for a service (modal). Tests drive the dialog itself."""
        dialog = cls(ctx, service_id, parent)
        dialog.exec()


__all__ = ["LeafletTranslationDialog"]
