"""Message, question and file dialogs in one place, so tests can replace them (monkeypatch)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from sp_desktop.domain.errors import Refused


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def refusal_text(exc: Refused) -> str:
    """What a refusal says to a person: each wrong field's message on its own line, or the message."""
    from sp_desktop.services.base import ValidationFailed

    return "\n".join(exc.errors.values()) if isinstance(exc, ValidationFailed) else exc.text()


def refused(parent: QWidget | None, title: str, exc: Refused) -> None:
    """The one way the window tells that something was refused (bad input, not found, not allowed,
    changed by someone else, a file that cannot be used): a warning with the refusal's own words."""
    warn(parent, title, refusal_text(exc))


def error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QApplication.clipboard().setText(f"{text}\n\n{details}"))
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "Yes", no: str = "No") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_btn = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_btn = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_btn)
    box.setEscapeButton(no_btn)
    box.exec()
    return box.clickedButton() is yes_btn


def ask_save_discard_cancel(parent: QWidget | None, title: str, text: str) -> str:
    """Returns "save", "discard" or "cancel"."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save else "discard" if clicked is discard else "cancel"


def save_file(parent: QWidget | None, title: str, default_name: str, filters: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, default_name, filters)
    return path or None


def open_file(parent: QWidget | None, title: str, filters: str, start: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
    return path or None


def open_folder(parent: QWidget | None, title: str, start: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, title, start)
    return path or None


def choose(parent: QWidget | None, title: str, text: str, options: list[tuple[str, str]],
           default: str, escape: str) -> str:
    """A question with several named answers; returns the key of the one chosen. `default` is what
    Enter does (make it the safe way forward, never a silent nothing); `escape` is what Esc does."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    buttons = {}
    for key, label in options:
        role = QMessageBox.ButtonRole.RejectRole if key == escape else QMessageBox.ButtonRole.AcceptRole
        buttons[key] = box.addButton(label, role)
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[escape])
    box.exec()
    clicked = box.clickedButton()
    return next((key for key, button in buttons.items() if button is clicked), escape)
