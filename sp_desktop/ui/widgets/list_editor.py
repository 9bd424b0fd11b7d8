"""A list of small forms with "Add" and "Remove": phone numbers, contact people, venues, opening times.

Each row is a `ListRow` holding named field widgets and one message label for that row's errors.
The "Add …" button sits above the rows, so keyboard order is: Add, then the rows top to bottom,
then whatever follows the editor (rows added later are linked into the tab order explicitly).
Field names follow the services' error keys: row 2's "number" is "phones[2].number".
"""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from sp_desktop.ui.widgets.field_errors import message_label, split_key

W = TypeVar("W", bound=QWidget)


class ListRow(QFrame):
    remove_requested = Signal(object)

    def __init__(self, noun: str, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun = noun
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}  # per-field labels where a row has them (venues)
        self.message = message_label()
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.item_id: Any = None
        self.number = number

    def set_number(self, number: int) -> None:
        """Row numbers appear in accessible names ("Phone number 2") and must follow removals."""
        self.number = number
        self.remove_button.setAccessibleName(f"Remove {self.noun} {number}")
        for name, widget in self.fields.items():
            base = widget.property("sp_field_label") or name
            widget.setAccessibleName(f"{base} ({self.noun} {number})")

    def add_field(self, name: str, widget: W, label: str) -> W:
        widget.setProperty("sp_field_label", label)
        widget.setObjectName(name)
        self.fields[name] = widget
        return widget

    def focus_widgets(self) -> list[QWidget]:
        return [*self.fields.values(), self.remove_button]


class ListEditor(QWidget):
    """Base: subclasses implement `make_row()`, `row_value(row)` and `fill_row(row, value)`."""

    changed = Signal()
    #: A check as you type found a problem (key, message, is_warning) or cleared one (key, "", False).
    field_checked = Signal(str, str, bool)
    noun = "item"
    add_text = "Add"
    empty_text = "None yet."
    key = "items"

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ListRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        head = QHBoxLayout()
        self.title_label = QLabel(f"<b>{title}</b>")
        head.addWidget(self.title_label)
        head.addStretch(1)
        self.add_button = QPushButton(self.add_text)
        self.add_button.setAccessibleName(self.add_text.replace("&", ""))
        self.add_button.clicked.connect(self._add_clicked)
        head.addWidget(self.add_button)
        outer.addLayout(head)
        self.list_message = message_label()  # problems with the list as a whole
        outer.addWidget(self.list_message)
        self.header = self.make_header()
        if self.header is not None:
            outer.addWidget(self.header)
        self.empty_label = QLabel(self.empty_text)
        self.empty_label.setObjectName("empty_note")
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        outer.addWidget(self.empty_label)
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(6)
        outer.addLayout(self.rows_box)
        self._update_empty()

    # ---- to override
    def make_header(self) -> QWidget | None:
        return None

    def make_row(self, number: int) -> ListRow:
        raise NotImplementedError

    def row_value(self, row: ListRow) -> Any:
        raise NotImplementedError

    def fill_row(self, row: ListRow, value: Any) -> None:
        raise NotImplementedError

    def new_row_value(self) -> Any:
        return None

    # ---- public
    def values(self) -> list[Any]:
        return [self.row_value(r) for r in self.rows]

    def set_values(self, values: list[Any]) -> None:
        for row in list(self.rows):
            self._remove(row, emit=False)
        for value in values:
            self.add_row(value, emit=False)
        self.changed.emit()

    def add_row(self, value: Any = None, emit: bool = True) -> ListRow:
        row = self.make_row(len(self.rows) + 1)
        row.remove_requested.connect(self._remove)
        if value is not None:
            self.fill_row(row, value)
        self.rows.append(row)
        self.rows_box.addWidget(row)
        row.set_number(len(self.rows))
        self._link_tab_order()
        self._update_empty()
        if emit:
            self.changed.emit()
        return row

    def resolve(self, key: str) -> tuple[QWidget, QLabel | None] | None:
        """(widget, message label) for an error key such as "phones[1].number"."""
        base, index, sub = split_key(key)
        if base != self.key:
            return None
        if not 0 <= index < len(self.rows):
            return (self.add_button, self.list_message) if index == -1 else None
        row = self.rows[index]
        widget = row.fields.get(sub) or next(iter(row.fields.values()), row.remove_button)
        return widget, row.labels.get(sub, row.message)

    # ---- internals
    def _add_clicked(self) -> None:
        row = self.add_row(self.new_row_value())
        first = next(iter(row.fields.values()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remove(self, row: ListRow, emit: bool = True) -> None:
        if row not in self.rows:
            return
        index = self.rows.index(row)
        self.rows.remove(row)
        self.rows_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        for i, r in enumerate(self.rows, start=1):
            r.set_number(i)
        self._update_empty()
        if emit:  # the person pressed Remove: keep the keyboard focus nearby
            target = self.rows[min(index, len(self.rows) - 1)] if self.rows else None
            focus = (next(iter(target.fields.values()), None) if target else None) or self.add_button
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            self.changed.emit()

    def key_of(self, row: ListRow, field: str) -> str:
        return f"{self.key}[{self.rows.index(row)}].{field}" if row in self.rows else ""

    def check_field(self, row: ListRow, field: str, message: str | None, warning: bool = False) -> None:
        key = self.key_of(row, field)
        if key:
            self.field_checked.emit(key, message or "", warning)

    def _link_tab_order(self) -> None:
        chain: list[QWidget] = [self.add_button]
        for r in self.rows:
            chain.extend(w for w in r.focus_widgets() if w.focusPolicy() != Qt.FocusPolicy.NoFocus)
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _update_empty(self) -> None:
        self.empty_label.setVisible(not self.rows)
        if self.header is not None:
            self.header.setVisible(bool(self.rows))


def one_line_layout(row: ListRow) -> QHBoxLayout:
    """Lay a row out as one line of fields with the row's message underneath."""
    outer = QVBoxLayout(row)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(2)
    line = QHBoxLayout()
    line.setContentsMargins(0, 0, 0, 0)
    outer.addLayout(line)
    outer.addWidget(row.message)
    return line


def header_row(columns: list[tuple[str, int]], trailing: int = 0) -> QWidget:
    """Column headings for a list of one-line rows: [(text, stretch or -fixed width)]."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for text, size in columns:
        label = QLabel(text)
        label.setEnabled(False)
        if size < 0:
            label.setFixedWidth(-size)
            layout.addWidget(label)
        else:
            layout.addWidget(label, size)
    if trailing:
        layout.addSpacing(trailing)
    return box


__all__ = ["ListEditor", "ListRow", "header_row", "one_line_layout"]
