"""Enter keeps its meaning in every dialog (issue 25 point 1).

Qt gives every QPushButton in a dialog "auto default": a button that takes the focus (a mouse
click gives it) becomes the dialog's default for as long as it has the focus. Click "2 weeks" in
Record signposting and Enter then presses "2 weeks" again instead of Record: the signposting is
never recorded, silently. `DefaultButtonKeeper`, one per application, turns auto default off for
a dialog's buttons that do not close it (those outside its QDialogButtonBox) just before such a
button takes the focus, and makes the button the dialog marks default its main default when it is
shown (see `register_default`), so Enter always does the dialog's main action. Space still presses the
button that has the focus. Message boxes and button boxes keep Qt's behaviour (their buttons
close the dialog).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QPushButton, QWidget


def _closes_dialog(button: QPushButton) -> bool:
    parent: QWidget | None = button.parentWidget()
    while parent is not None and not isinstance(parent, QDialog):
        if isinstance(parent, QDialogButtonBox):
            return True
        parent = parent.parentWidget()
    return False


def keep_default(button: QPushButton) -> None:
    """Stop `button` taking the default when it has the focus, if it is a dialog's button that
    does not close it."""
    if button.isDefault() or not button.autoDefault():
        return
    window = button.window()
    if isinstance(window, QDialog) and not isinstance(window, QMessageBox) and not _closes_dialog(button):
        button.setAutoDefault(False)


class DefaultButtonKeeper(QObject):
    """Application-wide event filter (see the module docstring). Install with `install()`."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QEvent.Type.FocusIn and isinstance(watched, QPushButton):
            keep_default(watched)
        elif kind == QEvent.Type.Show and isinstance(watched, QDialog) \
                and not isinstance(watched, QMessageBox):
            register_default(watched)
        return False


def register_default(dialog: QDialog) -> None:
    """Make the button the dialog's code marked default (setDefault(True) before the button was in
    the dialog) the dialog's *main* default, which Enter goes back to when another button loses
    the focus. Without this Qt falls back, when the dialog is shown, to the first auto-default
    button after the focused one in the tab order: "Not now" after "Record", so that clicking
    "2 weeks" (taking the focus from Record) made Enter close the dialog without recording."""
    for button in dialog.findChildren(QPushButton):
        if button.isDefault() and button.window() is dialog:
            button.setDefault(False)  # setDefault(True) on a default button does nothing
            button.setDefault(True)


def install(app: QApplication | None = None) -> DefaultButtonKeeper:
    """The application's keeper, made and installed the first time."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    assert app is not None
    keeper = app.findChild(DefaultButtonKeeper)
    if keeper is None:
        keeper = DefaultButtonKeeper(app)
        keeper.setObjectName("default_button_keeper")
        app.installEventFilter(keeper)
    return keeper
