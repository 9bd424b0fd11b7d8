""""Someone else changed this since you opened it": your version beside the saved one.

Shown when a save is refused with `ConflictError`. The table lists every field with your
version on the left, the version saved now on the right, "≠" where they differ and, when
known, who changed it ("You", "They", "Both"). The person chooses:

- **Re-apply my changes** — save again on top of the version saved now: the fields you changed
  get your version and everything else keeps theirs (if yet another save got in first, this
  dialog comes back with the newer version);
- **Reload their version** — throw away your changes and show the saved version;
- **Keep editing** — close this and go back to your unsaved changes.

`ConflictDialog.ask()` is the one place that shows it (tests replace it); `resolve_conflict()`
is what an edit dialog calls from its ConflictError handler.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_datetime
from sp_desktop.services.base import NotFound, ServiceContext
from sp_desktop.services.concurrency import ConflictView, conflict_view, reapply
from sp_desktop.services.directory import ConflictError
from sp_desktop.ui import messages
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table

RELOAD = "reload"
REAPPLY = "reapply"
KEEP = "keep"


class ConflictDialog(QDialog):
    def __init__(self, view: ConflictView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.choice = KEEP
        self.setObjectName("conflict_dialog")
        self.setWindowTitle(f"Someone else changed this {view.entity}")
        self.setAccessibleName(self.windowTitle())
        self.resize(900, 560)
        layout = QVBoxLayout(self)

        self.message = QLabel("⚠ " + view.message)
        self.message.setObjectName("conflict_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont(self.message.font())
        bold.setBold(True)
        self.message.setFont(bold)
        layout.addWidget(self.message)
        n = len(view.differences)
        summary = (f"{n} field{'s differ' if n != 1 else ' differs'} (marked ≠). Your version is on the "
                   f"left; the version saved by {view.changed_by} is on the right.")
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.only_differences = QCheckBox("Show only the fields that differ")
        self.only_differences.setChecked(True)
        self.only_differences.setAccessibleName("Show only the fields that differ")
        self.only_differences.toggled.connect(self._filter_rows)
        layout.addWidget(self.only_differences)

        when = show_datetime(view.changed_at) if view.changed_at else "just now"
        headers = ["", "Field", "Your version (not saved)", f"Saved by {view.changed_by} ({when})"]
        if view.merges:
            headers.append("Changed by")
        self.table = QTableWidget(len(view.fields), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        fit, stretch = ResizeMode.ResizeToContents, ResizeMode.Stretch
        modes = {0: fit, 1: fit, 2: stretch, 3: stretch} | ({4: fit} if view.merges else {})
        configure_table(self.table, name="comparison",
                        accessible_name="Your version and the saved version, side by side",
                        single_selection=False, alternating_rows=False, column_modes=modes)
        for row, f in enumerate(view.fields):
            mark = QTableWidgetItem("≠" if f.differs else "=")
            mark.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            mark.setToolTip("Different" if f.differs else "The same")
            mark.setData(Qt.ItemDataRole.AccessibleTextRole, "Different" if f.differs else "The same")
            cells = [mark, QTableWidgetItem(f.label), QTableWidgetItem(f.mine or "(empty)"),
                     QTableWidgetItem(f.theirs or "(empty)")]
            if view.merges:
                cells.append(QTableWidgetItem(f.who_changed.replace("They", view.changed_by)))
            for col, item in enumerate(cells):
                if f.differs:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)

        if view.merges:
            reapply_help = ("Re-apply my changes: save again on top of the version saved now — the fields "
                            "you changed get your version, every other field keeps theirs.")
        else:
            reapply_help = "Re-apply my changes: save your version, as on the left, over theirs."
        self.help = QLabel(reapply_help + "\nReload their version: throw away your changes and show the "
                           "saved version.\nKeep editing: go back to your changes without saving.")
        self.help.setWordWrap(True)
        layout.addWidget(self.help)

        self.buttons = QDialogButtonBox()
        self.reapply_button = QPushButton("&Re-apply my changes")
        self.reapply_button.setObjectName("reapply")
        self.reapply_button.setAccessibleName("Re-apply my changes")
        self.reload_button = QPushButton("Re&load their version")
        self.reload_button.setObjectName("reload")
        self.reload_button.setAccessibleName("Reload their version")
        self.keep_button = QPushButton("&Keep editing")
        self.keep_button.setObjectName("keep")
        self.keep_button.setAccessibleName("Keep editing")
        self.buttons.addButton(self.reapply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reapply_button.clicked.connect(lambda: self._choose(REAPPLY))
        self.reload_button.clicked.connect(lambda: self._choose(RELOAD))
        self.keep_button.clicked.connect(lambda: self._choose(KEEP))
        layout.addWidget(self.buttons)
        self.keep_button.setDefault(True)  # Enter never overwrites anything by accident
        self._filter_rows(True)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _filter_rows(self, only_differences: bool) -> None:
        for row, f in enumerate(self.view.fields):
            self.table.setRowHidden(row, only_differences and not f.differs)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == KEEP:
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:
        if self.choice not in (RELOAD, REAPPLY):
            self.choice = KEEP
        super().reject()

    @classmethod
    def ask(cls, parent: QWidget | None, view: ConflictView) -> str:
        """Show the comparison; returns "reapply", "reload" or "keep"."""
        dialog = cls(view, parent)
        try:
            dialog.exec()
            return dialog.choice
        finally:
            dialog.deleteLater()


def resolve_conflict(parent: QWidget | None, ctx: ServiceContext, entity: str, entity_id: int | None,
                     form: Any, original: Any, error: ConflictError) -> tuple[str, Any]:
    """After a refused save: compare, ask, and re-apply if chosen. Returns (choice, saved detail or None);
    the detail is set only when "reapply" saved. Loops while further saves keep getting in first."""
    if entity_id is None:  # a new record cannot conflict; be safe
        messages.warn(parent, "Not saved", str(error))
        return KEEP, None
    while True:
        try:
            view = conflict_view(ctx, entity, entity_id, form, error, original)
        except NotFound as exc:
            messages.error(parent, f"The {entity} has gone", str(exc))
            return KEEP, None
        choice = ConflictDialog.ask(parent, view)
        if choice != REAPPLY:
            return choice, None
        try:
            return REAPPLY, reapply(ctx, view, form, original)
        except ConflictError as again:
            error = again  # someone else saved yet again: show the newer version
        except Refused as exc:
            messages.refused(parent, "Your changes could not be re-applied", exc)
            return KEEP, None


__all__ = ["KEEP", "RELOAD", "REAPPLY", "ConflictDialog", "resolve_conflict"]
