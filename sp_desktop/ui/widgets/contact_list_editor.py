"""The people to contact at an organisation (staff-only: never printed on a patient leaflet)."""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QLineEdit, QWidget

from sp_desktop.domain.validators import FieldError, display_phone, normalise_email, normalise_phone
from sp_desktop.services.directory import ContactForm, ContactInfo
from sp_desktop.ui.widgets.list_editor import ListEditor, ListRow, header_row, one_line_layout

_PHONE_WIDTH = 130


class ContactListEditor(ListEditor):
    noun = "contact"
    add_text = "Add person"
    empty_text = "No contact people yet. Add the people the practice deals with (staff only, never printed)."
    key = "contacts"

    def __init__(self, title: str = "People to contact (staff only)", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)

    def make_header(self) -> QWidget | None:
        return header_row([("Name", 3), ("Role", 3), ("Phone", -_PHONE_WIDTH), ("Email", 4)], trailing=80)

    def make_row(self, number: int) -> ListRow:
        row = ListRow(self.noun, number)
        line = one_line_layout(row)
        for name, label, hint, stretch in (("name", "Name", "Full name", 3),
                                           ("role", "Role", "e.g. Volunteer coordinator", 3),
                                           ("phone", "Phone", "0141 496 0123", 3),
                                           ("email", "Email", "name@example.org", 4)):
            edit = row.add_field(name, QLineEdit(), label)
            edit.setPlaceholderText(hint)
            edit.textChanged.connect(self.changed)
            if name == "phone":
                edit.setFixedWidth(_PHONE_WIDTH)
                line.addWidget(edit)
            else:
                line.addWidget(edit, stretch)
        line.addWidget(row.remove_button)
        row.remove_button.setFixedWidth(80)
        self._edit(row, "phone").editingFinished.connect(lambda: self._check_phone(row))
        self._edit(row, "email").editingFinished.connect(lambda: self._check_email(row))
        return row

    @staticmethod
    def _edit(row: ListRow, name: str) -> QLineEdit:
        return cast(QLineEdit, row.fields[name])

    def _check_phone(self, row: ListRow) -> None:
        edit = self._edit(row, "phone")
        text = edit.text().strip()
        if not text:
            self.check_field(row, "phone", None)
            return
        try:
            stored = normalise_phone(text)
        except FieldError as e:
            self.check_field(row, "phone", e.message)
            return
        self.check_field(row, "phone", None)
        if display_phone(stored) != text:
            edit.setText(display_phone(stored))

    def _check_email(self, row: ListRow) -> None:
        text = self._edit(row, "email").text().strip()
        message = None
        if text:
            try:
                normalise_email(text)
            except FieldError as e:
                message = e.message
        self.check_field(row, "email", message)

    def fill_row(self, row: ListRow, value: ContactForm | ContactInfo) -> None:
        row.item_id = value.id
        self._edit(row, "name").setText(value.name or "")
        self._edit(row, "role").setText(value.role or "")
        phone = value.phone or ""
        self._edit(row, "phone").setText(display_phone(phone) if phone.startswith("+") else phone)
        self._edit(row, "email").setText(value.email or "")

    def row_value(self, row: ListRow) -> ContactForm:
        return ContactForm(name=self._edit(row, "name").text().strip(),
                           role=self._edit(row, "role").text().strip(),
                           phone=self._edit(row, "phone").text().strip(),
                           email=self._edit(row, "email").text().strip(), id=row.item_id)


__all__ = ["ContactListEditor"]
