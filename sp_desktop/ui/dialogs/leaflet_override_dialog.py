"""Ask a clinician why a service that is not approved should go on this patient's leaflet.

The reason is kept in the audit trail, so the dialog says not to write who the patient is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from sp_desktop.domain.safe_text import escape_markup
from sp_desktop.services.leaflets import ServiceCheck


class LeafletOverrideDialog(QDialog):
    def __init__(self, check: ServiceCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leaflet_override_dialog")
        self.setWindowTitle("Not approved — give a reason")
        self.setAccessibleName("Reason for including a service that is not approved")
        layout = QVBoxLayout(self)
        status = check.vetting_status.label if check.vetting_status else "Not checked"
        intro = QLabel(f"<b>{escape_markup(check.label)}</b><br>Vetting: {escape_markup(status)}<br><br>"
                       f"{escape_markup(check.reason)}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        ask = QLabel("Why is it right for this patient? The reason is recorded with your name in the audit "
                     "trail. Do not write who the patient is.")
        ask.setWordWrap(True)
        layout.addWidget(ask)
        self.reason = QLineEdit()
        self.reason.setObjectName("override_reason")
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. Only local group for this need; I know the organiser")
        ask.setBuddy(self.reason)
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        self.buttons = QDialogButtonBox(buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add to the leaflet")
        self.ok.setObjectName("ok")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    @classmethod
    def ask(cls, check: ServiceCheck, parent: QWidget | None = None) -> str | None:
        """The reason typed, or None when cancelled. Tests replace this."""
        dialog = cls(check, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.reason.text().strip()




__all__ = ["LeafletOverrideDialog"]
