"""A service's weekly opening times: one row per session (day, opens, closes, note).

"Add a day" copies the last row's times onto the next day, so Monday to Friday 9:30 to 16:30 is
five presses. Times are checked as you leave the box (24-hour clock, "930" becomes "09:30")."""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from sp_desktop.domain.formatting import WEEKDAYS
from sp_desktop.domain.validators import FieldError, normalise_time
from sp_desktop.services.directory import OpeningSlot, SlotForm
from sp_desktop.ui.widgets.list_editor import ListEditor, ListRow, header_row, one_line_layout

_DAY_WIDTH = 120
_TIME_WIDTH = 80


class ScheduleEditor(ListEditor):
    noun = "opening time"
    add_text = "Add a day"
    empty_text = ("No regular opening times. Add a row for each day it runs, or describe the times "
                  "in the notes.")
    key = "schedule"

    def __init__(self, title: str = "Opening times", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)

    def make_header(self) -> QWidget | None:
        return header_row([("Day", -_DAY_WIDTH), ("Opens", -_TIME_WIDTH), ("", -20), ("Closes", -_TIME_WIDTH),
                           ("Note (e.g. “term time only”)", 1)], trailing=80)

    def make_row(self, number: int) -> ListRow:
        row = ListRow(self.noun, number)
        line = one_line_layout(row)
        day = row.add_field("weekday", QComboBox(), "Day")
        for i, name in enumerate(WEEKDAYS):
            day.addItem(name, i)
        day.setFixedWidth(_DAY_WIDTH)
        day.currentIndexChanged.connect(self.changed)
        line.addWidget(day)
        for name, label in (("opens", "Opens at"), ("closes", "Closes at")):
            edit = row.add_field(name, QLineEdit(), label)
            edit.setPlaceholderText("09:30" if name == "opens" else "16:30")
            edit.setFixedWidth(_TIME_WIDTH)
            edit.textChanged.connect(self.changed)
            edit.editingFinished.connect(lambda r=row, n=name: self._check(r, n))
            line.addWidget(edit)
            if name == "opens":
                to = QLabel("to")
                to.setFixedWidth(20)
                line.addWidget(to)
        note = row.add_field("note", QLineEdit(), "Note")
        note.textChanged.connect(self.changed)
        line.addWidget(note, 1)
        line.addWidget(row.remove_button)
        row.remove_button.setFixedWidth(80)
        return row

    def _check(self, row: ListRow, name: str) -> None:
        edit = cast(QLineEdit, row.fields[name])
        text = edit.text().strip()
        if not text:
            self.check_field(row, name, None)
            return
        try:
            value = normalise_time(text)
        except FieldError as e:
            self.check_field(row, name, e.message)
            return
        self.check_field(row, name, None)
        if value != text:
            edit.setText(value)

    def new_row_value(self) -> SlotForm:
        if not self.rows:
            return SlotForm(0, "", "", "")
        last = self.row_value(self.rows[-1])
        return SlotForm((last.weekday + 1) % 7, last.opens, last.closes, "")

    def fill_row(self, row: ListRow, value: SlotForm | OpeningSlot) -> None:
        day = cast(QComboBox, row.fields["weekday"])
        day.setCurrentIndex(max(0, day.findData(value.weekday)))
        cast(QLineEdit, row.fields["opens"]).setText(value.opens or "")
        cast(QLineEdit, row.fields["closes"]).setText(value.closes or "")
        cast(QLineEdit, row.fields["note"]).setText(value.note or "")

    def row_value(self, row: ListRow) -> SlotForm:
        day = cast(QComboBox, row.fields["weekday"])
        return SlotForm(int(day.currentData() if day.currentData() is not None else 0),
                        cast(QLineEdit, row.fields["opens"]).text().strip(),
                        cast(QLineEdit, row.fields["closes"]).text().strip(),
                        cast(QLineEdit, row.fields["note"]).text().strip())


__all__ = ["ScheduleEditor"]
