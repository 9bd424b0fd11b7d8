"""No dialog loses typed text: Esc, Close or Cancel on a form with typing in it asks first (Save /
Discard changes / Keep editing, Save the default), and Enter with the focus on Cancel does not
close it (Cancel is never the Enter button).

`GuardsTyping` is a mixin for QDialog subclasses that have a `save()` method: call
`self.remember_clean()` at the end of `__init__` (after the form is filled). What counts as typed is
read from the form's own input widgets (text, choices, ticks, dates), so a dialog needs no list of
its fields.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from sp_desktop.ui import messages


def typed_state(root: QWidget) -> tuple[Any, ...]:
    """What the person has typed or chosen in `root`'s input widgets, comparable with ==."""
    state: list[Any] = []
    for w in root.findChildren(QWidget):
        name = w.objectName()
        if isinstance(w, QLineEdit) and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox)):
            state.append((name, w.text()))
        elif isinstance(w, QPlainTextEdit):
            state.append((name, w.toPlainText()))
        elif isinstance(w, QTextEdit) and not w.isReadOnly():
            state.append((name, w.toPlainText()))
        elif isinstance(w, QComboBox):
            state.append((name, w.currentIndex(), w.currentText() if w.isEditable() else ""))
        elif isinstance(w, QAbstractSpinBox):
            state.append((name, w.text()))
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            state.append((name, w.isChecked()))
        elif isinstance(w, QListWidget):
            state.append((name, tuple(w.item(i).checkState().value for i in range(w.count())
                                      if w.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable)))
    return tuple(state)


class GuardsTyping:
    """Mixin: put it before QDialog in the bases."""

    unsaved_text = "You have typed something in this form. Save it before closing?"
    _clean_state: tuple[Any, ...] | None = None

    def remember_clean(self) -> None:
        dialog = self if isinstance(self, QDialog) else None
        if dialog is None:
            return
        for box in dialog.findChildren(QDialogButtonBox):
            for button in box.buttons():
                if box.buttonRole(button) == QDialogButtonBox.ButtonRole.RejectRole:
                    if isinstance(button, QPushButton):
                        button.setAutoDefault(False)  # Enter with the focus on Cancel saves, never discards
        self._clean_state = typed_state(dialog)

    def has_typing(self) -> bool:
        return (self._clean_state is not None and isinstance(self, QDialog)
                and typed_state(self) != self._clean_state)

    def reject(self) -> None:
        if self.has_typing():
            choice = messages.ask_save_discard_cancel(self, "Unsaved changes",  # type: ignore[arg-type]
                                                      self.unsaved_text)
            if choice == "save":
                self.save()  # type: ignore[attr-defined]
                return
            if choice == "cancel":
                return
        super().reject()  # type: ignore[misc]

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._clean_state = None  # saved: closing loses nothing
        super().done(result)  # type: ignore[misc]


__all__ = ["GuardsTyping", "typed_state"]
