"""First start: the practice's name, address, phone number and (optional) logo, asked before the
first leaflet — they head every leaflet, so the patient knows who gave it to them.

Shown to an administrator when the practice's name is not set yet (on opening the window, and
instead of a leaflet); saved through SettingsService (audited). Esc or Close on a form with typing
in it asks first; Enter in a one-line field moves on, it does not save.
"""

from __future__ import annotations

import base64
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.base import PermissionDenied, ServiceContext, ValidationFailed
from sp_desktop.services.settings import SettingsService
from sp_desktop.ui import messages

MAX_LOGO_BYTES = 400_000  # as in Settings
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PracticeDetailsDialog(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = SettingsService(ctx)
        current = self.settings.get()
        self.logo: str | None = current.practice_logo_png
        self.setObjectName("practice_details_dialog")
        self.setWindowTitle("Your practice's details")
        self.setAccessibleName("Your practice's details")
        layout = QVBoxLayout(self)
        intro = QLabel("Leaflets start with the practice's name, address and phone number, so the patient "
                       "knows who gave them the leaflet. Enter them before the first leaflet; you can change "
                       "them later in Settings.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit(current.practice_name)
        self.name.setObjectName("practice_name")
        self.name.setAccessibleName("Practice name")
        self.name.setPlaceholderText("e.g. Lindenbrae Medical Practice")
        self.address = QPlainTextEdit(current.practice_address)
        self.address.setObjectName("practice_address")
        self.address.setAccessibleName("Practice address, one line per line")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 4 + 12)
        self.phone = QLineEdit(current.practice_phone)
        self.phone.setObjectName("practice_phone")
        self.phone.setAccessibleName("Practice phone number")
        self.logo_state = QLabel()
        self.logo_state.setObjectName("logo_state")
        choose = QPushButton("Choose &logo…")
        choose.setObjectName("choose_logo")
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_state, 1)
        logo_row.addWidget(choose)
        self.error = QLabel()
        self.error.setObjectName("field_error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        for label, widget in (("Practice &name", self.name), ("&Address", self.address),
                              ("&Phone", self.phone)):
            text = QLabel(label + ":")
            text.setBuddy(widget)
            form.addRow(text, widget)
        form.addRow("Logo (optional):", logo_row)
        layout.addLayout(form)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("save")
        self.save_button.setAutoDefault(False)
        self.save_button.setDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_logo()
        self._clean = self._typed()
        self.resize(560, self.sizeHint().height())
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _typed(self) -> tuple[str, str, str, str | None]:
        return self.name.text(), self.address.toPlainText(), self.phone.text(), self.logo

    def _show_logo(self) -> None:
        self.logo_state.setText("✓ Logo chosen" if self.logo else "No logo (the leaflet shows the name only)")

    def choose_logo(self) -> None:
        path = messages.open_file(self, "Choose the practice logo", "PNG images (*.png)")
        if not path:
            return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            messages.warn(self, "Logo not read", f"Could not read {path}: {exc.strerror or exc}.")
            return
        if not data.startswith(PNG_SIGNATURE):
            messages.warn(self, "Not a PNG image",
                          f"{Path(path).name} is not a PNG image. Save the logo as PNG and choose it again.")
            return
        if len(data) > MAX_LOGO_BYTES:
            messages.warn(self, "Logo too large", f"{Path(path).name} is {len(data) // 1024} KB; use an "
                                                  f"image under {MAX_LOGO_BYTES // 1000} KB.")
            return
        self.logo = base64.b64encode(data).decode("ascii")
        self._show_logo()

    def keyPressEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        # Enter in a one-line field moves to the next field (it never closes the form by accident)
        from PySide6.QtGui import QKeyEvent

        if (isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers()):
            self.focusNextChild()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def save(self) -> None:
        try:
            self.settings.update(practice_name=self.name.text().strip(),
                                 practice_address=self.address.toPlainText().strip(),
                                 practice_phone=self.phone.text().strip(), practice_logo_png=self.logo)
        except ValidationFailed as exc:
            self.error.setText("✗ " + " ".join(exc.errors.values()))
            self.error.setVisible(True)
            self.name.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        except PermissionDenied as exc:
            messages.warn(self, "Not allowed", str(exc))
            return
        self._clean = self._typed()
        self.accept()

    def reject(self) -> None:
        if self._typed() != self._clean:
            choice = messages.ask_save_discard_cancel(self, "Unsaved details",
                                                      "You have typed the practice's details. Save them?")
            if choice == "save":
                self.save()
                return
            if choice == "cancel":
                return
        super().reject()


__all__ = ["PracticeDetailsDialog"]
