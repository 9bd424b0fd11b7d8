""""Connect to practice server…": point this PC at the practice's PostgreSQL server (administrators).

Host, port, database, user and password; "Test connection" tries them in the background (the
window never freezes) and says in plain words what happened; "Save" remembers them for this
PC (services/server_connection.py) and they are used from the next start. Before saving, the
dialog says where the password will be kept: the computer's password store when there is one,
otherwise the per-user settings file (and which file). "Use this PC's own database" forgets
the server.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.paths import AppPaths
from sp_desktop.services.base import Permission, can
from sp_desktop.services.server_connection import (
    ConnectionCheck,
    PasswordStore,
    ServerSettings,
    check_connection,
    forget_server,
    load_server,
    password_store,
    save_server,
    stored_password,
)
from sp_desktop.ui import messages
from sp_desktop.ui.actions import make_action
from sp_desktop.ui.tasks import TaskRunner

SAVED = "saved"
FORGOTTEN = "forgotten"


class ServerDialog(QDialog):
    def __init__(self, paths: AppPaths, parent: QWidget | None = None, runner: TaskRunner | None = None,
                 store: PasswordStore | None = None, current_database: str = "") -> None:
        super().__init__(parent)
        self.paths = paths
        self.store = store or password_store()
        self.runner = runner or TaskRunner(self)
        self.outcome = ""
        self.last_check: ConnectionCheck | None = None
        self.setObjectName("server_dialog")
        self.setWindowTitle("Connect to practice server")
        self.setAccessibleName("Connect to practice server")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)

        intro = QLabel("So that every PC in the practice sees the same directory, they all connect to one "
                       "PostgreSQL server. Enter the details the server's administrator gave you (see "
                       "“Several PCs: a PostgreSQL server” in the administrator guide).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if current_database:
            now = QLabel(f"This PC now uses: {current_database}")
            now.setWordWrap(True)
            now.setObjectName("current_database")
            layout.addWidget(now)

        form = QFormLayout()
        self.host = self._line("host", "Server name or address", "e.g. practice-server or 192.168.1.20")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.port.setAccessibleName("Port")
        self.database = self._line("database", "Database name", "e.g. practice")
        self.user = self._line("user", "User name", "e.g. sp_desktop")
        self.password = self._line("password", "Password", "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Server:", self.host)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User name:", self.user)
        form.addRow("&Password:", self.password)
        layout.addLayout(form)

        self.where = QLabel("Where the password is kept: " + self.store.where(paths))
        self.where.setObjectName("password_storage")
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Where the password is kept")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where)

        self.test_button = QPushButton("&Test connection")
        self.test_button.setObjectName("test_connection")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        layout.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.test_result = QLabel("")
        self.test_result.setObjectName("test_result")
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName("Result of the connection test")
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.test_result)

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Save for this PC")
        self.save_button.setObjectName("save")
        self.save_button.setAccessibleName("Save for this PC")
        self.forget_button = QPushButton("Use this PC's &own database")
        self.forget_button.setObjectName("forget")
        self.forget_button.setAccessibleName("Use this PC's own database")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.forget_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.forget_button.clicked.connect(self.forget)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

        loaded = load_server(paths)
        self.forget_button.setEnabled(loaded is not None)
        if loaded is not None:
            server, kind = loaded
            self.host.setText(server.host)
            self.port.setValue(server.port)
            self.database.setText(server.database)
            self.user.setText(server.user)
            try:
                self.password.setText(stored_password(paths, server, kind) or "")
            except Exception:  # a locked password store: the person types it again
                pass
        else:
            self.database.setText("practice")
            self.user.setText("sp_desktop")
        self.host.setFocus()

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        box = QLineEdit()
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        if placeholder:
            box.setPlaceholderText(placeholder)
        return box

    def settings(self) -> ServerSettings:
        return ServerSettings(self.host.text().strip(), self.port.value(), self.database.text().strip(),
                              self.user.text().strip())

    # ---- testing
    def test_connection(self) -> None:
        server, password = self.settings(), self.password.text()
        problems = server.problems()
        if problems:
            self.show_result(ConnectionCheck(False, " ".join(problems.values())))
            return
        self.test_button.setEnabled(False)
        self.test_result.setText("… Trying to connect (this takes at most a few seconds)")
        self.runner.start(lambda _progress: check_connection(server, password), self.show_result,
                          lambda exc, _tb: self.show_result(ConnectionCheck(False,
                                                                            f"Could not connect: {exc}")))

    def show_result(self, check: ConnectionCheck) -> None:
        self.last_check = check
        self.test_button.setEnabled(True)
        self.test_result.setText(("✓ " if check.ok else "✗ ") + check.message)

    # ---- saving
    def save(self) -> None:
        server = self.settings()
        problems = server.problems()
        if problems:
            self.show_result(ConnectionCheck(False, " ".join(problems.values())))
            return
        if self.last_check is None or not self.last_check.ok:
            if not messages.confirm(self, "Save without a working connection?",
                                    "The connection has not been tested successfully. Save these details "
                                    "anyway? sp_desktop will not start on this PC until the server answers.",
                                    yes="Save anyway", no="Go back"):
                return
        try:
            store = save_server(self.paths, server, self.password.text(), self.store)
        except Exception as exc:
            messages.error(self, "Could not save", f"The server details could not be saved: {exc}")
            return
        self.outcome = SAVED
        where = "the computer's password store" if store.kind == "keyring" else str(self.paths.settings_file)
        messages.inform(self, "Saved", f"This PC will use {server.describe()} from the next start. The "
                        f"password is kept in {where}.\n\nClose sp_desktop and start it again to connect.")
        self.accept()

    def forget(self) -> None:
        if not messages.confirm(self, "Use this PC's own database?",
                                "Forget the server for this PC? From the next start sp_desktop opens this "
                                "PC's own database again. Nothing on the server is changed.",
                                yes="Forget the server", no="Keep it"):
            return
        forget_server(self.paths)
        self.outcome = FORGOTTEN
        messages.inform(self, "Server forgotten",
                        "From the next start sp_desktop opens this PC's own database.")
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, paths: AppPaths, runner: TaskRunner | None = None,
            current_database: str = "") -> str:
        """Show the dialog; returns "saved", "forgotten" or "" (cancelled)."""
        dialog = cls(paths, parent, runner, current_database=current_database)
        try:
            dialog.exec()
            return dialog.outcome
        finally:
            dialog.deleteLater()


def install_server_action(window: Any) -> QAction | None:
    """File > Connect to practice server… for administrators (others never see it)."""
    if not can(window.ctx.actor, Permission.MOVE_TO_SERVER) or getattr(window.runtime, "demo", False):
        return None
    def open_dialog() -> None:
        runtime = window.runtime
        ServerDialog.ask(window, runtime.paths, getattr(window, "tasks", None), runtime.db.describe())

    action = make_action(window, "&Connect to practice server…", open_dialog, name="action_connect_server",
                         tip="Share one directory between the practice's PCs through a PostgreSQL server")
    menu = getattr(window, "file_menu", None)
    if menu is not None:
        existing = menu.actions()
        before = existing[-2] if len(existing) >= 2 and existing[-2].isSeparator() else (
            existing[-1] if existing else None)
        if before is None:
            menu.addAction(action)
        else:
            menu.insertAction(before, action)
    window.server_action = action
    return action


__all__ = ["FORGOTTEN", "SAVED", "ServerDialog", "install_server_action"]
