"""The Follow-ups page: open follow-up actions by due date and owner; mark them done with a note.

Overdue actions say "Overdue !" with a warning icon and bold text (never colour alone) and sort
to the top. Items come from every feature that registers a follow-up provider (contact log now;
signposting adds its own), through `FollowUpService`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.followups import FollowUpItem, FollowUpService
from sp_desktop.ui import messages
from sp_desktop.ui.models.relationship_models import (
    COL_FU_ACTION,
    COL_FU_STATUS,
    SORT_ROLE,
    FollowUpTableModel,
)
from sp_desktop.ui.pages.lazy import LoadWhenShown
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table, empty_note, sorting_proxy

EVERYONE, MINE = -1, -2
DONE_DAYS = 30


class MarkDoneDialog(QDialog):
    """Ask for a short note when marking a follow-up done (Enter saves)."""

    def __init__(self, item: FollowUpItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mark_done_dialog")
        self.setWindowTitle("Mark follow-up done")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        what = QLabel(f"<b>{_e(item.title)}</b><br>{_e(item.organisation_name)}"
                      + (f" — due {_e(show_date(item.due))}" if item.due else ""))
        what.setWordWrap(True)
        layout.addWidget(what)
        label = QLabel("&Note (optional) — what was done:")
        self.note = QLineEdit()
        self.note.setObjectName("done_note")
        self.note.setAccessibleName("Note about what was done")
        self.note.setPlaceholderText("e.g. Sent by e-mail; they confirmed")
        label.setBuddy(self.note)
        layout.addWidget(label)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Mark done")
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, item: FollowUpItem) -> str | None:
        """The note, or None if cancelled. Tests replace this."""
        dialog = cls(item, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.note.text().strip()


class FollowUpsPage(LoadWhenShown, QWidget):
    """Loads its list when first shown (see ui/pages/lazy.py); the count is one SQL count."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.service = FollowUpService(ctx)
        self.setAccessibleName("Follow-ups")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)

        bar = QHBoxLayout()
        owner_label = QLabel("&Owner:")
        self.owner = QComboBox()
        self.owner.setObjectName("owner_filter")
        self.owner.setAccessibleName("Show follow-ups of")
        owner_label.setBuddy(self.owner)
        self.owner.addItem("Everyone", EVERYONE)
        if ctx.actor.id is not None:
            self.owner.addItem(f"Mine ({ctx.actor.name})", MINE)
        self._owners_listed = False  # the other staff are listed when the page first loads
        self.show_done = QCheckBox(f"Show &done in the last {DONE_DAYS} days")
        self.show_done.setObjectName("show_done")
        self.summary = QLabel("")
        self.summary.setObjectName("followups_summary")
        self.summary.setAccessibleName("Follow-ups summary")
        bar.addWidget(owner_label)
        bar.addWidget(self.owner)
        bar.addWidget(self.show_done)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        layout.addLayout(bar)

        self.model = FollowUpTableModel(self)
        self.proxy = sorting_proxy(self.model, SORT_ROLE, self)
        self.table = configure_table(
            QTableView(), name="followups_table", accessible_name="Follow-up actions, overdue first",
            model=self.proxy, sort_by=-1, rows_fit_contents=True,
            column_modes={COL_FU_ACTION: ResizeMode.Stretch},
            column_widths=(125, 100, 135, 0, 230, 250), on_activate=self.open_history)
        layout.addWidget(self.table, 1)
        self.empty = empty_note("followups_empty")
        layout.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.done_button = QPushButton("&Mark done…")
        self.done_button.setObjectName("mark_done")
        self.done_button.setToolTip("Mark the selected follow-up done, with a note (Ctrl+D)")
        self.history_button = QPushButton("Contact &history…")
        self.history_button.setObjectName("followup_history")
        self.history_button.setToolTip("The organisation's contact history (Enter)")
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.done_action = QAction("Mark done…", self)
        self.done_action.setShortcut(QKeySequence("Ctrl+D"))
        self.done_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.done_action.triggered.connect(self.mark_done)
        self.addAction(self.done_action)
        self.done_button.clicked.connect(self.mark_done)
        self.history_button.clicked.connect(self.open_history)
        self.owner.currentIndexChanged.connect(self.refresh)
        self.show_done.toggled.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

    # ---- page protocol
    def count(self) -> int:
        return self.service.count_open()

    def focus_search(self) -> None:
        """Ctrl+F (and on showing the page): into the list, on the first row, ready for Ctrl+D."""
        if self.selected_item() is None and self.proxy.rowCount():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        if not self._owners_listed:
            self._owners_listed = True
            self.owner.blockSignals(True)
            for staff_id, name in self.service.owners():
                self.owner.addItem(name, staff_id)
            self.owner.blockSignals(False)
        selected = self.selected_item()
        owner = self.owner.currentData()
        owner_id = self.ctx.actor.id if owner == MINE else None if owner == EVERYONE else owner
        done_days = DONE_DAYS if self.show_done.isChecked() else None
        items = self.service.items(owner_id, include_done_days=done_days)
        self.model.set_rows(items)
        open_items = [i for i in items if not i.done]
        overdue = sum(1 for i in open_items if i.overdue)
        text = f"{len(open_items)} open"
        if overdue:
            text += f", {overdue} overdue !"
        self.summary.setText(text)
        if items:
            self.empty.hide()
        else:
            self.empty.setText("No open follow-ups. Add one when you log a contact (Ctrl+L in the Directory)."
                               if owner in (EVERYONE, None) else "No open follow-ups for this person.")
            self.empty.show()
        if selected is not None:
            self.select(selected.key)
        self._update_buttons()

    # ---- selection
    def selected_item(self) -> FollowUpItem | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def select(self, key: tuple[str, int]) -> bool:
        for row, item in enumerate(self.model.rows):
            if item.key == key:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.done_button.setEnabled(item is not None and not item.done)
        self.history_button.setEnabled(item is not None and item.organisation_id is not None)

    # ---- actions
    def mark_done(self) -> None:
        item = self.selected_item()
        if item is None or item.done:
            return
        note = MarkDoneDialog.ask(self, item)
        if note is None:
            return
        try:
            self.service.mark_done(item.kind, item.ref, note)
        except Refused as exc:
            messages.refused(self, "Could not mark it done", exc)
            self.refresh()
            return
        self.refresh()
        self.changed.emit()
        window = self.main_window
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(f"Done: {item.title}", 6000)

    def open_history(self) -> None:
        item = self.selected_item()
        if item is None or item.organisation_id is None:
            return
        from sp_desktop.ui.dialogs.organisation_relationship_dialog import OrganisationRelationshipDialog

        if OrganisationRelationshipDialog.show_for(self, self.ctx, item.organisation_id):
            self.refresh()
            self.changed.emit()


def _e(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["COL_FU_STATUS", "FollowUpsPage", "MarkDoneDialog"]
