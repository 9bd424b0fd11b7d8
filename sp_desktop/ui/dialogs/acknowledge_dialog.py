"""Ctrl+K, from anywhere: an organisation quoted a leaflet reference back ("K7M-2QX arrived").

Type the code (case, spaces and hyphens do not matter); the dialog shows what the leaflet was
given for, the service whose organisation told you and what they said. Enter records it. A
mistyped code is never guessed: the near matches are offered as buttons to choose. Typed text is
never dropped: a refusal is shown in words under the field and the dialog stays open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import AckOutcome
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.references import LENGTH
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.references import Acknowledged, ReferenceInfo, ReferenceService, UnknownReference


class AcknowledgeDialog(QDialog):
    acknowledged = Signal(object)  # Acknowledged

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = ReferenceService(ctx)
        self.info: ReferenceInfo | None = None
        self.result_value: Acknowledged | None = None
        self.setWindowTitle("Acknowledge a leaflet reference")
        self.setObjectName("acknowledge_dialog")

        self.code = QLineEdit()
        self.code.setObjectName("reference_code")
        self.code.setPlaceholderText("e.g. K7M-2QX")
        self.code.setMaxLength(20)
        code_label = QLabel("&Reference on the leaflet:")
        code_label.setBuddy(self.code)
        self.code.setAccessibleName("Reference on the leaflet")
        self.code.setAccessibleDescription("The six characters the organisation read out, e.g. K7M-2QX")

        self.found = QLabel("Type the reference the organisation gave you.")
        self.found.setObjectName("reference_found")
        self.found.setWordWrap(True)
        self.found.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                           | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.near_row = QHBoxLayout()

        self.services = QComboBox()
        self.services.setObjectName("reference_service")
        services_label = QLabel("&Service:")
        services_label.setBuddy(self.services)
        self.services.setAccessibleName("Service whose organisation told you")
        self.outcome = QComboBox()
        self.outcome.setObjectName("reference_outcome")
        for o in AckOutcome:
            self.outcome.addItem(o.label, o)
        outcome_label = QLabel("&What they said:")
        outcome_label.setBuddy(self.outcome)
        self.outcome.setAccessibleName("What they said")

        form = QFormLayout()
        form.addRow(code_label, self.code)
        form.addRow("", self.found)
        form.addRow("", self._near_holder())
        form.addRow(services_label, self.services)
        form.addRow(outcome_label, self.outcome)

        self.buttons = QDialogButtonBox()
        self.record_button = self.buttons.addButton("&Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.record_button.setObjectName("record_acknowledgement")
        self.record_button.setDefault(True)
        self.record_button.setAutoDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.code.textEdited.connect(self._on_code_edited)
        self._show_services(None)
        self.code.setFocus()  # the person is on the phone: type straight away

    def _near_holder(self) -> QWidget:
        """Up to three "Use K7M-2QX" buttons for the near matches of a mistyped code (made once,
        shown when there is something to offer)."""
        holder = QWidget()
        holder.setLayout(self.near_row)
        self.near_row.setContentsMargins(0, 0, 0, 0)
        self.near_buttons: list[QPushButton] = []
        for i in range(3):
            button = QPushButton()
            button.setObjectName(f"use_near_{i}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, b=button: self._use(b.property("code")))
            button.hide()
            self.near_row.addWidget(button)
            self.near_buttons.append(button)
        self.near_row.addStretch(1)
        return holder

    # ---- looking up as the person types
    def _on_code_edited(self, text: str) -> None:
        letters = sum(ch.isalnum() for ch in text)
        if letters < LENGTH:
            self._show_services(None)
            self.found.setText("Type the reference the organisation gave you.")
            return
        self.look_up()

    def look_up(self) -> bool:
        self._clear_near()
        try:
            info = self.service.lookup(self.code.text())
        except UnknownReference as exc:
            self._show_services(None)
            self.found.setText(f"! {exc.message} {exc.what_to_do}")
            for button, near in zip(self.near_buttons, exc.near, strict=False):
                button.setText(f"Use {near.shown}")
                button.setProperty("code", near.shown)
                button.setAccessibleDescription(
                    f"Given on {show_date(near.issued_on)} for {near.service_names}")
                button.show()
            return False
        except BadInput as exc:
            self._show_services(None)
            self.found.setText(f"! {exc.message} {exc.what_to_do}".strip())
            return False
        self._show_services(info)
        linked = "with a signposting record" if info.signposting_id else "no signposting record was made"
        self.found.setText(f"✓ {info.shown}: given on {show_date(info.issued_on)} ({linked}).")
        return True

    def _use(self, shown: str) -> None:
        self.code.setText(shown)
        self.look_up()
        self.services.setFocus()

    def _clear_near(self) -> None:
        for button in self.near_buttons:
            button.hide()

    def _show_services(self, info: ReferenceInfo | None) -> None:
        self.info = info
        self.services.clear()
        for s in info.services if info else ():
            state = f" (already acknowledged: {s.acknowledged.label.lower()})" if s.acknowledged else ""
            self.services.addItem(f"{s.name}{state}", s.id)
        self.services.setEnabled(bool(info))
        if info:
            first_open = next((i for i, s in enumerate(info.services) if s.acknowledged is None), 0)
            self.services.setCurrentIndex(first_open)

    # ---- recording
    def record(self) -> None:
        if self.info is None and not self.look_up():
            self.code.setFocus()
            return
        try:
            done = self.service.acknowledge(self.code.text(), self.services.currentData(),
                                            self.outcome.currentData())
        except BadInput as exc:
            self.found.setText(f"! {exc.message} {exc.what_to_do}".strip())
            return
        self.result_value = done
        self.acknowledged.emit(done)
        self.accept()


__all__ = ["AcknowledgeDialog"]
