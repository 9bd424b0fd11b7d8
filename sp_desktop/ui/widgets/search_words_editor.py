"""Settings -> Search words: the practice's own synonym lines beside the shipped list (vetting lead)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from sp_desktop.domain.errors import BadInput
from sp_desktop.services.base import PermissionDenied, ServiceContext
from sp_desktop.services.search_words import SearchWordsService
from sp_desktop.ui import messages
from sp_desktop.ui.page_loader import PageLoader, load_off_ui


class SearchWordsWidget(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None,
                 loader: PageLoader | None = None) -> None:
        super().__init__(parent)
        self.service = SearchWordsService(ctx)
        self.loader = loader
        layout = QVBoxLayout(self)
        intro = QLabel("Words that mean the same to someone looking for help. A search for one finds the "
                       "others. Put one group on a line, separated by commas, for example "
                       "<i>sanctuary, night shelter</i>. Word forms are found anyway (“walk” finds "
                       "“walking”).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        own = QLabel("The practice's own search &words:")
        layout.addWidget(own)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("practice_search_words")
        self.editor.setAccessibleName("The practice's own search words")
        self.editor.setTabChangesFocus(True)
        own.setBuddy(self.editor)
        layout.addWidget(self.editor, 2)
        shipped = QLabel("Shipped with sp_desktop (used as well; read only):")
        layout.addWidget(shipped)
        self.shipped = QPlainTextEdit()
        self.shipped.setObjectName("shipped_search_words")
        self.shipped.setAccessibleName("Search words shipped with sp_desktop")
        self.shipped.setReadOnly(True)
        self.shipped.setTabChangesFocus(True)
        self.shipped.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.shipped, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("&Save search words")
        self.save_button.setObjectName("save_search_words")
        self.save_button.setAccessibleName("Save search words")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._saved = ""
        self.load()

    def load(self) -> None:
        typed = self.editor.toPlainText()
        self.editor.setReadOnly(True)  # until the words are read: nothing typed is overwritten
        load_off_ui(self.loader, self.service.get, lambda words: self._show(words, typed), key="search words")

    def _show(self, words: Any, typed: str) -> None:
        self.editor.setReadOnly(False)
        if self.editor.toPlainText() != typed:
            return
        self._saved = words.practice
        self.editor.setPlainText(words.practice)
        self.shipped.setPlainText(words.shipped)

    def dirty(self) -> bool:
        return self.editor.toPlainText().strip() != self._saved.strip()

    def save(self) -> bool:
        try:
            words = self.service.save(self.editor.toPlainText())
        except BadInput as exc:
            messages.warn(self, "Search words not saved",
                          f"{exc.message} {exc.what_to_do} Nothing was saved.")
            return False
        except PermissionDenied as exc:
            messages.warn(self, "Search words not saved", str(exc))
            return False
        self._saved = words.practice
        self.editor.setPlainText(words.practice)
        self.changed.emit()
        messages.inform(self, "Search words saved", "Every search on every PC of the practice uses them now.")
        return True


__all__ = ["SearchWordsWidget"]
