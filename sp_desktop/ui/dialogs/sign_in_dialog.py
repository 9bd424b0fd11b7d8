"""Signing in: pick your name, type your password. First run: create the first administrator.

`sign_in(runtime, app) -> Actor | None` is what `sp_desktop.app` calls at start-up (None when
the person closes the window instead). The same dialog, fixed to one person, unlocks the
window after it locked itself when idle (`SignInDialog.ask_unlock`), with a "Switch user"
button for shared reception PCs.

Keyboard: the name list has type-ahead (type "ra" for Rachel); Tab to the password; Enter signs
in. Wrong passwords are refused with a message that says how many tries are left, and the
pause after repeated failures is enforced by the service (clock-based, stored in the database).

For unattended starts (the start-up benchmark, a kiosk test) `SP_DESKTOP_USER` and
`SP_DESKTOP_PASSWORD` sign in without the dialog; a refusal falls back to the dialog. The
start-up benchmark (`SP_DESKTOP_BENCH_EXIT`) on a brand-new database, where nobody can sign in
yet, starts as the built-in account instead of asking for the first administrator.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.safe_text import escape_markup as escape
from sp_desktop.services.base import SYSTEM, Actor, ServiceContext, ValidationFailed
from sp_desktop.services.staff import Authenticator, SignInFailed, SignInName
from sp_desktop.ui.widgets.field_errors import FIELD_STYLE

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from sp_desktop.runtime import Runtime

#: Set by the start-up benchmark (sp_desktop.ui.recovery.BENCH_EXIT_ENV).
BENCH_EXIT_ENV = "SP_DESKTOP_BENCH_EXIT"
USER_ENV = "SP_DESKTOP_USER"
PASSWORD_ENV = "SP_DESKTOP_PASSWORD"
DEMO_PASSWORD = "demo"

#: Returned by `ask_unlock` when the person chose "Switch user".
SWITCH_USER = "switch"


def _message_label() -> QLabel:
    label = QLabel()
    label.setObjectName("field_error")
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SignInDialog(QDialog):
    """Choose a name and type the password. `actor` is set once signed in."""

    def __init__(self, ctx: ServiceContext, *, demo: bool = False, fixed: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.auth = Authenticator(ctx)
        self.demo = demo
        self.fixed = fixed
        self.actor: Actor | None = None
        self.switch_requested = False
        self.setObjectName("sign_in_dialog")
        title = "sp_desktop is locked" if fixed else "Sign in to sp_desktop"
        if demo:
            title += " — DEMO"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setStyleSheet(FIELD_STYLE)
        self.setMinimumWidth(440)

        layout = QVBoxLayout(self)
        if fixed is not None:
            intro = ("🔒 The window was locked because nobody used it for a while. "
                     f"<b>{escape(fixed.name)}</b>, type your password to carry on, or choose "
                     "<i>Switch user</i>.")
        else:
            intro = "Choose your name and type your password."
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        form = QFormLayout()
        self.names = QListWidget()
        self.names.setObjectName("sign_in_names")
        self.names.setAccessibleName("Your name")
        self.names.setAccessibleDescription("Type the first letters of your name to jump to it.")
        self.accounts: list[SignInName] = [] if fixed else self.auth.accounts()
        for account in self.accounts:
            text = account.name
            detail = ", ".join(x for x in (account.job_role, account.role.label) if x)
            item = QListWidgetItem(f"{text} — {detail}" if detail else text)
            item.setData(Qt.ItemDataRole.UserRole, account.name)
            self.names.addItem(item)
        if fixed is None:
            self.names.setMinimumHeight(min(260, 36 + 22 * max(3, len(self.accounts))))
            name_label = QLabel("&Name")
            name_label.setBuddy(self.names)
            form.addRow(name_label, self.names)
            if self.accounts:
                self.names.setCurrentRow(0)
        else:
            self.names.setVisible(False)

        self.password = QLineEdit()
        self.password.setObjectName("sign_in_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        password_label = QLabel("&Password")
        password_label.setBuddy(self.password)
        form.addRow(password_label, self.password)
        layout.addLayout(form)

        self.message = _message_label()
        self.message.setAccessibleName("Sign-in problem")
        layout.addWidget(self.message)

        if demo:
            demo_note = QLabel(f"Demo directory (fictional data): every demo account's password is "
                               f"<b>{DEMO_PASSWORD}</b>. Rachel Reception is front desk, Dr Gordon Gill a "
                               "clinician, Lena Link the vetting lead and Mary Manager the administrator.")
            demo_note.setObjectName("demo_accounts_note")
            demo_note.setWordWrap(True)
            layout.addWidget(demo_note)
        if not self.accounts and fixed is None:
            self.message.setText("No one can sign in yet: ask an administrator to add your account.")
            self.message.setVisible(True)

        self.buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton("Unlock" if fixed else "Sign in")
        self.sign_in_button.setObjectName("sign_in_button")
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.switch_button: QPushButton | None = None
        if fixed is not None:
            self.switch_button = QPushButton("S&witch user…")
            self.switch_button.setObjectName("switch_user_button")
            self.switch_button.setAutoDefault(False)
            self.buttons.addButton(self.switch_button, QDialogButtonBox.ButtonRole.ActionRole)
            self.switch_button.clicked.connect(self._switch)
        cancel = QPushButton("Close sp_desktop" if fixed else "Cancel")
        cancel.setAutoDefault(False)
        self.buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.names.itemActivated.connect(lambda _item: self.password.setFocus())
        (self.password if fixed or not self.accounts else self.names).setFocus()
        if fixed is None and self.accounts:
            QWidget.setTabOrder(self.names, self.password)

    def selected_name(self) -> str | None:
        if self.fixed is not None:
            return self.fixed.name
        item = self.names.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def select_name(self, name: str) -> bool:
        for row in range(self.names.count()):
            if self.names.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.names.setCurrentRow(row)
                return True
        return False

    def show_problem(self, text: str) -> None:
        self.message.setText(f"✗ {text}")
        self.message.setVisible(True)
        self.password.setProperty("invalid", True)
        self.password.setAccessibleDescription(text)
        self.password.style().unpolish(self.password)
        self.password.style().polish(self.password)

    def try_sign_in(self) -> None:
        name = self.selected_name()
        if not name:
            self.show_problem("Choose your name in the list first.")
            self.names.setFocus()
            return
        try:
            actor = self.auth.sign_in(name, self.password.text())
        except SignInFailed as exc:
            self.show_problem(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        if self.fixed is not None and actor.id != self.fixed.id:  # pragma: no cover (name is fixed)
            self.show_problem("That is a different account: use Switch user.")
            return
        self.actor = actor
        self.password.clear()
        self.accept()

    def _switch(self) -> None:
        self.switch_requested = True
        self.password.clear()
        self.reject()

    # ---- entry points (tests replace these)
    @classmethod
    def ask(cls, ctx: ServiceContext, demo: bool = False, parent: QWidget | None = None) -> Actor | None:
        dialog = cls(ctx, demo=demo, parent=parent)
        dialog.exec()
        return dialog.actor

    @classmethod
    def ask_unlock(cls, ctx: ServiceContext, actor: Actor, demo: bool = False,
                   parent: QWidget | None = None) -> Actor | str | None:
        """The same person signs in again (their Actor), SWITCH_USER, or None to close the app."""
        dialog = cls(ctx, demo=demo, fixed=actor, parent=parent)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.exec()
        if dialog.switch_requested:
            return SWITCH_USER
        return dialog.actor


class FirstAdministratorDialog(QDialog):
    """A new practice: create the first administrator (who then adds everyone else)."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.auth = Authenticator(ctx)
        self.actor: Actor | None = None
        self.setObjectName("first_administrator_dialog")
        self.setWindowTitle("Welcome to sp_desktop — create the first administrator")
        self.setAccessibleName(self.windowTitle())
        self.setStyleSheet(FIELD_STYLE)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        intro = QLabel("This is a new practice database, so nobody can sign in yet. Create the first "
                       "<b>administrator</b> account: usually the practice manager. They can then add "
                       "everyone else (Settings &gt; Staff accounts).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, text, placeholder, secret in (
                ("name", "Your &name", "as colleagues know you, e.g. Mary Brown", False),
                ("job_role", "&Job role", "", False),
                ("password", "&Password", "at least 10 characters; three random words work well", True),
                ("confirm", "&Type it again", "", True)):
            edit = QLineEdit()
            edit.setObjectName(f"first_admin_{key}")
            edit.setPlaceholderText(placeholder)
            edit.setAccessibleName(text.replace("&", ""))
            if secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            label = QLabel(text)
            label.setBuddy(edit)
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(edit)
            message = _message_label()
            inner.addWidget(message)
            form.addRow(label, box)
            self.fields[key] = edit
            self.errors[key] = message
        self.fields["job_role"].setText("Practice manager")
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton("Create and sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("create_first_admin")
        self.create_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.create_account)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fields["name"].setFocus()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            text = errors.get(key, "")
            label.setText(f"✗ {text}" if text else "")
            label.setVisible(bool(text))
            field = self.fields[key]
            field.setProperty("invalid", bool(text))
            field.setAccessibleDescription(text)
            field.style().unpolish(field)
            field.style().polish(field)
        for key in self.fields:
            if key in errors:
                self.fields[key].setFocus()
                break

    def create_account(self) -> None:
        f = {k: e.text() for k, e in self.fields.items()}
        if f["password"] != f["confirm"]:
            self._show_errors({"confirm": "The two passwords are different. Type the same password twice."})
            return
        try:
            self.actor = self.auth.create_first_administrator(f["name"], f["password"], f["job_role"])
        except ValidationFailed as exc:
            self._show_errors(exc.errors)
            return
        except PermissionError as exc:  # someone else created one meanwhile
            self._show_errors({"name": str(exc)})
            return
        self.accept()

    @classmethod
    def ask(cls, ctx: ServiceContext, parent: QWidget | None = None) -> Actor | None:
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.actor


def _from_environment(ctx: ServiceContext) -> Actor | None:
    name, password = os.environ.get(USER_ENV, "").strip(), os.environ.get(PASSWORD_ENV, "")
    if not name or not password:
        return None
    try:
        return Authenticator(ctx).sign_in(name, password)
    except SignInFailed:
        return None


def sign_in(runtime: Runtime, app: QApplication | Any = None) -> Actor | None:
    """Start-up sign-in: the first administrator on a new database, otherwise the sign-in dialog."""
    ctx = runtime.sign_in_context()
    auth = Authenticator(ctx)
    if auth.needs_first_administrator():
        if os.environ.get(BENCH_EXIT_ENV):
            # The start-up benchmark on a brand-new database: nobody could sign in yet (anyone at
            # the PC could create the first administrator), so start as the built-in account.
            return SYSTEM
        return FirstAdministratorDialog.ask(ctx)
    actor = _from_environment(ctx) or SignInDialog.ask(ctx, demo=runtime.demo)
    if actor is not None and auth.must_change_password(actor):
        # An administrator set this password: the person chooses their own before anything else.
        from sp_desktop.ui.dialogs.change_password_dialog import ChangePasswordDialog

        if not ChangePasswordDialog.ask(None, runtime.context(actor), required=True):
            return None  # not changed: not signed in
    return actor


__all__ = ["FirstAdministratorDialog", "SWITCH_USER", "SignInDialog", "sign_in"]
