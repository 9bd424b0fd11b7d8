"""Archive (or restore) a service or its whole organisation, with a reason for the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.directory import ServiceDetail


@dataclass(frozen=True)
class ArchiveChoice:
    entity: str  # "service" or "organisation"
    ident: int
    archive: bool  # False = restore
    reason: str
    label: str


class ArchiveDialog(QDialog):
    def __init__(self, detail: ServiceDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail = detail
        org = detail.organisation
        self.restoring = detail.archived or org.archived
        self.setWindowTitle("Restore" if self.restoring else "Archive")
        self.setObjectName("archive_dialog")
        layout = QVBoxLayout(self)
        if self.restoring:
            intro = ("Restoring puts it back in searches and on leaflets. Its history was kept.")
        else:
            intro = ("Archiving hides it from searches and leaflets. Nothing is deleted: its history is kept "
                     "and it can be restored (Status filter: “Any status, with archived”).")
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
        verb = "Restore" if self.restoring else "Archive"
        self.service_choice = QRadioButton(f"{verb} only the service “{detail.name}”")
        self.service_choice.setObjectName("choice_service")
        count = len(org.service_ids)
        self.org_choice = QRadioButton(f"{verb} the organisation “{org.name}”"
                                       + ("" if self.restoring else f" and its {count} service(s)"))
        self.org_choice.setObjectName("choice_organisation")
        group = QButtonGroup(self)
        for button in (self.service_choice, self.org_choice):
            group.addButton(button)
            button.setAccessibleName(button.text())
            layout.addWidget(button)
        if self.restoring:
            self.service_choice.setEnabled(detail.archived)
            self.org_choice.setEnabled(org.archived)
            (self.org_choice if org.archived else self.service_choice).setChecked(True)
        else:
            self.service_choice.setChecked(True)
        layout.addWidget(QLabel("Reason (kept in the audit trail):"))
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. Group stopped meeting in October" if not self.restoring
                                       else "e.g. Running again from January")
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        self.buttons = QDialogButtonBox(buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(verb)
        self.ok.setObjectName("ok")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self.reason.setFocus()

    def choice(self) -> ArchiveChoice:
        org = self.detail.organisation
        if self.org_choice.isChecked():
            return ArchiveChoice("organisation", org.id, not self.restoring, self.reason.text().strip(),
                                 org.name)
        return ArchiveChoice("service", self.detail.id, not self.restoring, self.reason.text().strip(),
                             self.detail.name)

    @classmethod
    def ask(cls, parent: QWidget | None, detail: ServiceDetail) -> ArchiveChoice | None:
        dialog = cls(detail, parent)
        try:
            return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


__all__ = ["ArchiveChoice", "ArchiveDialog"]
