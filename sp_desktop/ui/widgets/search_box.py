"""The directory's search box: search as you type (debounced), ↓ moves into the results."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

DEBOUNCE_MS = 150


class SearchBox(QLineEdit):
    #: The text settled (typing paused for DEBOUNCE_MS, or Enter pressed).
    search_requested = Signal(str)
    #: ↓ (or Page Down) pressed: the page moves the focus into the results.
    down_pressed = Signal()
    #: Enter pressed: search at once, then go to the first result.
    enter_pressed = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search")
        self.setPlaceholderText(placeholder)
        self.setAccessibleName("Search the directory")
        self.setAccessibleDescription(
            "Type words to find services; results update as you type. Down arrow moves to the results, "
            "Escape clears the search and filters.")
        self.setClearButtonEnabled(True)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)
        self.setMinimumHeight(self.sizeHint().height() + 6)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(lambda _t: self._timer.start())

    def flush(self) -> None:
        """Search now (cancels the pending debounce)."""
        self._timer.stop()
        self.search_requested.emit(self.text())

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and not event.modifiers():
            if self.pending:
                self.flush()
            self.down_pressed.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


__all__ = ["DEBOUNCE_MS", "SearchBox"]
