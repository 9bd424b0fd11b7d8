"""Help: the keyboard shortcuts (F1), read from the window's own actions so the list is never out
of date, and the offline user guide (resources/guide/user-guide.md) shown in the app."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.paths import resource_path

GUIDE = ("guide", "user-guide.md")

#: Keys handled by widgets rather than actions, as people use them.
_WIDGET_KEYS = (
    ("Directory", "Move from the search box into the results", "Down or Enter"),
    ("Directory", "Open the selected service to read (Print is the default button)", "Enter"),
    ("Directory", "Back to the search box from the first result", "Up"),
    ("Any form", "Save", "Ctrl+S or Ctrl+Enter"),
    ("Any form", "Close (asks first if you typed something)", "Esc"),
)


def _plain(text: str) -> str:
    return text.split("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(window: Any) -> list[tuple[str, str, str]]:
    """(where, what, keys) for every action of the window and its pages that has a shortcut."""
    rows: dict[tuple[str, str], str] = {}

    def add(where: str, action: QAction) -> None:
        keys = action.shortcut()
        if keys.isEmpty() or not action.isVisible() and not action.isEnabled():
            return
        rows.setdefault((where, _plain(action.text())), keys.toString(QKeySequence.SequenceFormat.NativeText))

    for action in window.actions():
        add("Everywhere", action)
    for menu in (getattr(window, "file_menu", None), getattr(window, "go_menu", None),
                 getattr(window, "help_menu", None)):
        if menu is not None:
            for action in menu.actions():
                add("Everywhere", action)
    for key, page in window.pages.built().items():
        title = next((s.title for s in window.specs if s.key == key), key)
        for action in page.actions():
            add(title, action)
        for child in page.findChildren(QAction):
            add(title, child)
    out = [(where, what, keys) for (where, what), keys in rows.items()]
    out.sort(key=lambda r: (r[0] != "Everywhere", r[0], r[1]))
    return out + list(_WIDGET_KEYS)


class KeyboardShortcutsDialog(QDialog):
    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("keyboard_shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        intro = QLabel("Every action in the menus shows its key beside it. Help → User guide explains the "
                       "everyday tasks.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcuts_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "What it does", "Keys"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(680, 540)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)


def guide_text() -> str:
    return resource_path(*GUIDE).read_text(encoding="utf-8")


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("user_guide")
        self.setWindowTitle("User guide")
        self.setAccessibleName("User guide")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_text")
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(False)
        try:
            self.browser.setMarkdown(guide_text())
        except OSError as exc:
            self.browser.setPlainText(f"The user guide could not be read ({exc}). Reinstall the app, or see "
                                      "docs/front-desk.md in its source.")
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 600)
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)


__all__ = ["KeyboardShortcutsDialog", "UserGuideDialog", "guide_text", "shortcut_rows"]
