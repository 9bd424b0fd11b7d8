"""The practice's vetting checklist: add, change, reorder, retire items (vetting lead).

Retiring an item keeps the evidence already recorded against it; it just stops being asked
for (and stops blocking approval). Every change is audited by the service.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import Refused
from sp_desktop.domain.organisation_kind import OrganisationKind
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.vetting import CheckItem, CheckItemForm, VettingService
from sp_desktop.ui import messages


def item_text(item: CheckItem) -> str:
    flags = ["required" if item.mandatory else "optional"]
    if item.has_expiry:
        flags.append("has an expiry date")
    if item.applies_to:
        flags.append("only for " + item.applies_text)
    if not item.active:
        flags.append("removed")
    return f"{'✓' if item.active else '✗'} {item.label} ({', '.join(flags)})"


class CheckItemDialog(QDialog):
    """Edit one checklist item. `ask()` returns the form or None."""

    def __init__(self, item: CheckItem | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("check_item_dialog")
        self.setWindowTitle("Change checklist item" if item else "Add checklist item")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.label = QLineEdit(item.label if item else "")
        self.label.setObjectName("check_item_label")
        self.label.setAccessibleName("What is checked")
        self.guidance = QPlainTextEdit(item.guidance if item else "")
        self.guidance.setObjectName("check_item_guidance")
        self.guidance.setAccessibleName("Guidance for the person checking")
        self.guidance.setTabChangesFocus(True)
        self.guidance.setFixedHeight(80)
        self.mandatory = QCheckBox("&Required before approval")
        self.mandatory.setChecked(item.mandatory if item else True)
        self.has_expiry = QCheckBox("Evidence has an &expiry date (brings the review forward)")
        self.has_expiry.setChecked(item.has_expiry if item else False)
        label = QLabel("&What is checked")
        label.setBuddy(self.label)
        form.addRow(label, self.label)
        guidance = QLabel("&Guidance")
        guidance.setBuddy(self.guidance)
        form.addRow(guidance, self.guidance)
        form.addRow("", self.mandatory)
        form.addRow("", self.has_expiry)
        kinds_box = QGroupBox("Applies to these kinds of organisation (tick none for every kind)")
        kinds_box.setObjectName("check_item_kinds")
        kinds_layout = QVBoxLayout(kinds_box)
        self.kinds: dict[OrganisationKind, QCheckBox] = {}
        for kind in OrganisationKind:
            box = QCheckBox(kind.label)
            box.setObjectName(f"applies_{kind.value}")
            box.setAccessibleName(f"Applies to: {kind.label}")
            box.setChecked(bool(item and kind in item.applies_to))
            kinds_layout.addWidget(box)
            self.kinds[kind] = box
        note = QLabel("An organisation whose kind is not stated is asked for every item.")
        note.setWordWrap(True)
        kinds_layout.addWidget(note)
        form.addRow(kinds_box)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def form(self) -> CheckItemForm:
        return CheckItemForm(self.label.text(), self.guidance.toPlainText(), self.mandatory.isChecked(),
                             self.has_expiry.isChecked(),
                             tuple(k for k, box in self.kinds.items() if box.isChecked()))

    @classmethod
    def ask(cls, parent: QWidget | None, item: CheckItem | None = None) -> CheckItemForm | None:
        dialog = cls(item, parent)
        return dialog.form() if dialog.exec() == QDialog.DialogCode.Accepted else None


class ChecklistDialog(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = VettingService(ctx)
        self.made_changes = False
        self.setObjectName("checklist_dialog")
        self.setWindowTitle("Vetting checklist")
        self.setAccessibleName(self.windowTitle())
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        intro = QLabel("Every organisation is checked against these items. Required items must be ticked "
                       "before approval. Removing an item keeps the evidence already recorded.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("checklist_items")
        self.list.setAccessibleName("Checklist items")
        row.addWidget(self.list, 1)
        side = QVBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("add", "&Add…", self.add), ("edit", "&Change…", self.edit),
                                ("up", "Move &up", lambda: self.move_item(-1)),
                                ("down", "Move &down", lambda: self.move_item(1)),
                                ("toggle", "&Remove", self.toggle)):
            b = QPushButton(text)
            b.setObjectName(f"checklist_{key}")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, f=slot: f())
            side.addWidget(b)
            self.buttons[key] = b
        side.addStretch(1)
        row.addLayout(side)
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(lambda _r: self._update())
        self.list.itemActivated.connect(lambda _i: self.edit())
        self.reload()

    def reload(self, select: int | None = None) -> None:
        self.items = self.service.checklist(include_inactive=True)
        self.items.sort(key=lambda i: (not i.active, i.sort_order, i.id))
        self.list.clear()
        for item in self.items:
            entry = QListWidgetItem(item_text(item))
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setToolTip(item.guidance)
            self.list.addItem(entry)
        ids = [i.id for i in self.items]
        self.list.setCurrentRow(ids.index(select) if select in ids else 0)
        self._update()

    def current(self) -> CheckItem | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _update(self) -> None:
        item = self.current()
        for key in ("edit", "up", "down", "toggle"):
            self.buttons[key].setEnabled(item is not None)
        if item is not None:
            self.buttons["toggle"].setText("&Remove" if item.active else "&Bring back")
            self.buttons["up"].setEnabled(item.active)
            self.buttons["down"].setEnabled(item.active)

    def _run(self, fn: object, select: int | None = None) -> None:
        try:
            result = fn()  # type: ignore[operator]
        except Refused as exc:
            messages.refused(self, "Checklist not changed", exc)
            return
        self.made_changes = True
        if isinstance(result, CheckItem):
            select = result.id
        self.reload(select)

    def add(self) -> None:
        form = CheckItemDialog.ask(self)
        if form is not None:
            self._run(lambda: self.service.save_check_item(form))

    def edit(self) -> None:
        item = self.current()
        if item is None:
            return
        form = CheckItemDialog.ask(self, item)
        if form is not None:
            self._run(lambda: self.service.save_check_item(form, item.id))

    def move_item(self, offset: int) -> None:
        item = self.current()
        if item is not None and item.active:
            self._run(lambda: self.service.move_check_item(item.id, offset), item.id)

    def toggle(self) -> None:
        item = self.current()
        if item is not None:
            self._run(lambda: self.service.set_check_item_active(item.id, not item.active))

    @classmethod
    def show_for(cls, parent: QWidget | None, ctx: ServiceContext) -> bool:
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.made_changes


__all__ = ["CheckItemDialog", "ChecklistDialog", "item_text"]
