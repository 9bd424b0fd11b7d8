"""Open organisation… (Ctrl+Shift+O): find any organisation by name — including those with no
services yet, which the directory table (one row per service) cannot show — and open it.

Type to filter (case, accents and word order do not matter); ↓/↑ move through the list; Enter opens
the highlighted organisation. `OpenOrganisationDialog.ask(parent, ctx)` returns its id, or None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.db.engine import fold
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.directory import DirectoryService

_SPLIT = re.compile(r"[^\w]+")


def name_matches(query: str, name: str) -> bool:
    """Every word typed appears in the name (case, accents and punctuation ignored)."""
    words = [w for w in _SPLIT.split(fold(query)) if w]
    if not words:
        return True
    folded = " ".join(w for w in _SPLIT.split(fold(name)) if w)
    return all(w in folded for w in words)


def organisations_matching(query: str, organisations: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """Organisations whose name matches `query`; names starting with the first word come first."""
    matched = [(oid, name) for oid, name in organisations if name_matches(query, name)]
    first = next((w for w in _SPLIT.split(fold(query)) if w), "")
    if first:
        matched.sort(key=lambda o: not fold(o[1]).startswith(first))  # stable: keeps A to Z within each
    return matched


def services_text(count: int) -> str:
    if count == 0:
        return "no services yet"
    return "1 service" if count == 1 else f"{count} services"


class _ListKeys(QObject):
    """↓/↑/Page keys typed in the filter box move through the list."""

    def __init__(self, dialog: OpenOrganisationDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            copy = QKeyEvent(event.type(), event.key(), event.modifiers())
            QCoreApplication.sendEvent(self.dialog.organisations, copy)
            return True
        return False


class OpenOrganisationDialog(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("open_organisation_dialog")
        self.setWindowTitle("Open organisation")
        self.setAccessibleName("Open organisation")
        directory = DirectoryService(ctx)
        self.all = directory.organisations()
        self.counts = directory.service_counts()

        layout = QVBoxLayout(self)
        intro = QLabel("Type part of the name, then Enter to open it. Organisations with no services "
                       "yet are here too.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.filter = QLineEdit()
        self.filter.setObjectName("organisation_filter")
        self.filter.setPlaceholderText("Organisation name")
        self.filter.setAccessibleName("Find an organisation by name")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.installEventFilter(_ListKeys(self))
        intro.setBuddy(self.filter)
        layout.addWidget(self.filter)
        self.organisations = QListWidget()
        self.organisations.setObjectName("organisation_list")
        self.organisations.setAccessibleName("Organisations")
        self.organisations.setUniformItemSizes(True)
        self.organisations.itemActivated.connect(lambda _item: self.accept())
        self.organisations.currentItemChanged.connect(lambda *_: self._update_button())
        layout.addWidget(self.organisations, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("organisation_count")
        layout.addWidget(self.count_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setText("Open…")
        self.open_button.setAccessibleName("Open the organisation")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(460, 520)
        self.apply_filter("")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.filter.setFocus(Qt.FocusReason.OtherFocusReason)  # type straight away

    def apply_filter(self, text: str) -> None:
        matched = organisations_matching(text, self.all)
        self.organisations.clear()
        for oid, name in matched:
            count = self.counts.get(oid, 0)
            label = f"{name}  —  {services_text(count)}"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, oid)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{name}, {services_text(count)}")
            self.organisations.addItem(item)
        if matched:
            self.organisations.setCurrentRow(0)
        total = len(self.all)
        if not matched:
            self.count_label.setText(f"No organisation’s name contains “{text.strip()}”." if text.strip()
                                     else "No organisations yet — add one with Ctrl+N.")
        elif len(matched) == total:
            self.count_label.setText(f"{total:,} organisation{'s' if total != 1 else ''}")
        else:
            self.count_label.setText(f"{len(matched):,} of {total:,} organisations")
        self._update_button()

    def _update_button(self) -> None:
        self.open_button.setEnabled(self.organisations.currentItem() is not None)

    def selected_id(self) -> int | None:
        item = self.organisations.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def accept(self) -> None:
        if self.selected_id() is not None:
            super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext) -> int | None:
        """Show the picker; returns the chosen organisation's id, or None if cancelled."""
        dialog = cls(ctx, parent)
        try:
            return dialog.selected_id() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


__all__ = ["OpenOrganisationDialog", "name_matches", "organisations_matching", "services_text"]
