"""File > Change my password…: the signed-in person changes their own password."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.staff import MIN_PASSWORD_LENGTH, StaffService
from sp_desktop.ui.widgets.field_errors import FIELD_STYLE


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, required: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.changed = False
        self.setObjectName("change_password_dialog")
        self.setWindowTitle(f"Choose a new password, {ctx.actor.name}" if required
                            else f"Change the password of {ctx.actor.name}")
        self.setAccessibleName(self.windowTitle())
        self.setStyleSheet(FIELD_STYLE)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        if required:
            why = QLabel("Your password was set by an administrator, so they know it. Choose your own "
                         "before you start: type the one you were given, then a new one.")
            why.setObjectName("why_new_password")
            why.setWordWrap(True)
            layout.addWidget(why)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, text in (("current", "&Current password"), ("password", "&New password"),
                          ("confirm", "&Type it again")):
            edit = QLineEdit()
            edit.setObjectName(f"password_{key}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(text.replace("&", ""))
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.fields[key] = edit
        self.fields["password"].setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters; three random "
                                                   "words work well")
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("field_error")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        if required:
            self.ok_button.setText("&Change password")
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Sign out")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _problem(self, key: str, text: str) -> None:
        self.message.setText(f"✗ {text}")
        self.message.setVisible(True)
        field = self.fields.get(key, self.fields["password"])
        field.setAccessibleDescription(text)
        field.setFocus()
        field.selectAll()

    def save(self) -> None:
        f = {k: e.text() for k, e in self.fields.items()}
        if f["password"] != f["confirm"]:
            self._problem("confirm", "The two new passwords are different.")
            return
        try:
            StaffService(self.ctx).change_own_password(f["current"], f["password"])
        except ValidationFailed as exc:
            key, text = next(iter(exc.errors.items()))
            self._problem(key, text)
            return
        except PermissionError as exc:
            self._problem("current", str(exc))
            return
        self.changed = True
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, required: bool = False) -> bool:
        dialog = cls(ctx, parent, required)
        dialog.exec()
        return dialog.changed


__all__ = ["ChangePasswordDialog"]
