"""Phone numbers of an organisation or service: number, kind (phone, text, textphone...) and a
description ("Advice line"). Numbers are checked as you leave the box and tidied to how people
write them (stored as E.164 by the service)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from sp_desktop.domain.enums import PhoneType
from sp_desktop.domain.validators import FieldError, display_phone, normalise_phone
from sp_desktop.services.directory import PhoneForm, PhoneInfo
from sp_desktop.ui.widgets.list_editor import ListEditor, ListRow, header_row, one_line_layout

_TYPE_WIDTH = 130


class PhoneListEditor(ListEditor):
    noun = "phone number"
    add_text = "Add phone number"
    empty_text = "No phone numbers yet."
    key = "phones"

    def __init__(self, title: str = "Phone numbers", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)

    def make_header(self) -> QWidget | None:
        return header_row([("Number", 3), ("Kind", -_TYPE_WIDTH), ("Description", 4)], trailing=80)

    def make_row(self, number: int) -> ListRow:
        row = ListRow(self.noun, number)
        line = one_line_layout(row)
        num = row.add_field("number", QLineEdit(), "Phone number")
        num.setPlaceholderText("e.g. 0141 496 0123")
        kind = row.add_field("type", QComboBox(), "Kind of number")
        for t in PhoneType:
            kind.addItem(t.label, t)
        kind.setFixedWidth(_TYPE_WIDTH)
        desc = row.add_field("description", QLineEdit(), "What the number is for")
        desc.setPlaceholderText("e.g. Advice line")
        line.addWidget(num, 3)
        line.addWidget(kind)
        line.addWidget(desc, 4)
        line.addWidget(row.remove_button)
        row.remove_button.setFixedWidth(80)
        num.editingFinished.connect(lambda: self._check(row))
        for w in (num, desc):
            w.textChanged.connect(self.changed)
        kind.currentIndexChanged.connect(self.changed)
        return row

    def _check(self, row: ListRow) -> None:
        field = row.fields["number"]
        assert isinstance(field, QLineEdit)
        text = field.text().strip()
        if not text:
            self.check_field(row, "number", None)
            return
        try:
            stored = normalise_phone(text)
        except FieldError as e:
            self.check_field(row, "number", e.message)
            return
        self.check_field(row, "number", None)
        shown = display_phone(stored)
        if shown != text:
            field.setText(shown)

    def fill_row(self, row: ListRow, value: PhoneForm | PhoneInfo) -> None:
        number = row.fields["number"]
        kind = row.fields["type"]
        desc = row.fields["description"]
        assert isinstance(number, QLineEdit) and isinstance(kind, QComboBox) and isinstance(desc, QLineEdit)
        number.setText(value.display if isinstance(value, PhoneInfo) else value.number)
        kind.setCurrentIndex(max(0, kind.findData(value.type)))
        desc.setText(value.description or "")

    def row_value(self, row: ListRow) -> PhoneForm:
        number = row.fields["number"]
        kind = row.fields["type"]
        desc = row.fields["description"]
        assert isinstance(number, QLineEdit) and isinstance(kind, QComboBox) and isinstance(desc, QLineEdit)
        kind_value = PhoneType(kind.currentData() or PhoneType.VOICE)  # Qt returns the enum as a str
        return PhoneForm(number.text().strip(), kind_value, desc.text().strip())


__all__ = ["PhoneListEditor"]
