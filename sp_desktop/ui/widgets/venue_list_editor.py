"""An organisation's venues: address, accessibility features (tick boxes) and how to get there.

Accessibility features are stored as short codes (``step_free``); the words people see come from
sp_desktop/domain/accessibility.py. Codes this list does not know (from an import, say) are kept
and shown as extra tick boxes, so editing a venue never loses them."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.accessibility import STAFF_LABELS, staff_label
from sp_desktop.domain.validators import normalise_postcode
from sp_desktop.services.directory import LocationForm, LocationInfo
from sp_desktop.ui.widgets.field_errors import message_label
from sp_desktop.ui.widgets.list_editor import ListEditor, ListRow
from sp_desktop.ui.widgets.value_completer import offer_values

#: Accessibility features a venue can have: stored code -> what staff read (one vocabulary for the
#: editor, leaflets and imports: sp_desktop/domain/accessibility.py).
ACCESSIBILITY_FEATURES: dict[str, str] = dict(STAFF_LABELS)


def accessibility_label(code: str) -> str:
    return staff_label(code)


class AccessibilityChecks(QWidget):
    """A grid of tick boxes, one per accessibility feature."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Accessibility features")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for code in ACCESSIBILITY_FEATURES:
            self._add(code)

    def _add(self, code: str) -> QCheckBox:
        box = QCheckBox(accessibility_label(code))
        box.setObjectName(f"access_{code}")
        box.setAccessibleName(accessibility_label(code))
        n = len(self.boxes)
        self.grid.addWidget(box, n // 3, n % 3)
        self.boxes[code] = box
        return box

    def set_codes(self, codes: list[str] | tuple[str, ...]) -> None:
        for code in codes:
            if code not in self.boxes:
                self._add(code)
        for code, box in self.boxes.items():
            box.setChecked(code in codes)

    def codes(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]


class VenueRow(ListRow):
    def __init__(self, number: int) -> None:
        super().__init__("venue", number)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.remove_button.setText("Remove venue")

    def set_number(self, number: int) -> None:
        super().set_number(number)
        self.heading.setText(f"<b>Venue {number}</b>")
        checks = self.fields.get("accessibility")
        if isinstance(checks, AccessibilityChecks):
            for code, box in checks.boxes.items():
                box.setAccessibleName(f"{accessibility_label(code)} (venue {number})")

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = [self.remove_button]
        for widget in self.fields.values():
            if isinstance(widget, AccessibilityChecks):
                out.extend(widget.boxes.values())
            else:
                out.append(widget)
        return out


class VenueListEditor(ListEditor):
    noun = "venue"
    add_text = "Add venue"
    empty_text = ("No venues yet. Add the places where the organisation's services meet "
                  "(phone- and online-only services need none).")
    key = "locations"
    #: Only a vetting lead marks a venue confidential (a refuge, a safe house); set before rows are made.
    may_mark_confidential = False

    def __init__(self, title: str = "Venues", parent: QWidget | None = None,
                 may_mark_confidential: bool = False) -> None:
        self.may_mark_confidential = may_mark_confidential
        self.towns: tuple[str, ...] = ()  # towns already in the directory, suggested as they are typed
        super().__init__(title, parent)

    def suggest_towns(self, towns: tuple[str, ...]) -> None:
        """Offer these towns while a venue's town is typed (this row and rows added later)."""
        self.towns = tuple(towns)
        for row in self.rows:
            offer_values(cast(QLineEdit, row.fields["town"]), self.towns)

    def make_row(self, number: int) -> ListRow:
        row = VenueRow(number)
        outer = QVBoxLayout(row)
        head = QHBoxLayout()
        head.addWidget(row.heading)
        head.addStretch(1)
        head.addWidget(row.remove_button)
        outer.addLayout(head)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        for name, label, hint in (("name", "Venue name", "e.g. Foxbar Community Centre"),
                                  ("address_1", "Address", "Street address"),
                                  ("address_2", "Address line 2", ""),
                                  ("town", "Town", "e.g. Paisley"),
                                  ("postcode", "Postcode", "e.g. PA2 0AB")):
            edit = row.add_field(name, QLineEdit(), label)
            edit.setPlaceholderText(hint)
            edit.textChanged.connect(self.changed)
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(2)
            lay.addWidget(edit)
            msg = message_label()
            lay.addWidget(msg)
            row.labels[name] = msg
            form.addRow(f"{label}:", box)
            if name == "town" and self.towns:
                offer_values(edit, self.towns)
            if name == "postcode":
                edit.setMaximumWidth(140)
                edit.editingFinished.connect(lambda r=row: self._check_postcode(r))
        checks = AccessibilityChecks()
        row.add_field("accessibility", checks, "Accessibility features")
        for box in checks.boxes.values():
            box.toggled.connect(self.changed)
        access_label = QLabel("Accessibility:")
        access_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        form.addRow(access_label, checks)
        for name, label, hint in (("accessibility_notes", "Accessibility notes",
                                   "e.g. Ramp at the side door; toilets up three steps"),
                                  ("transport_notes", "Getting there", "e.g. Buses 9 and 38 stop outside")):
            edit = row.add_field(name, QLineEdit(), label)
            edit.setPlaceholderText(hint)
            edit.textChanged.connect(self.changed)
            form.addRow(f"{label}:", edit)
        secret = row.add_field("confidential", QCheckBox("Refuge or safe house"), "Confidential location")
        secret.setEnabled(self.may_mark_confidential)
        secret.setToolTip("The address is never printed, exported or shown to the front desk; leaflets say "
                          "\u201cAddress given when you phone\u201d."
                          + ("" if self.may_mark_confidential else " Only the vetting lead changes this."))
        secret.toggled.connect(self.changed)
        form.addRow("Confidential:", secret)
        outer.addWidget(row.message)
        return row

    def _check_postcode(self, row: ListRow) -> None:
        edit = cast(QLineEdit, row.fields["postcode"])
        text = edit.text().strip()
        if not text:
            self.check_field(row, "postcode", None)
            return
        checked = normalise_postcode(text)
        self.check_field(row, "postcode", checked.warning, warning=True)
        if checked.value != text:
            edit.setText(checked.value)

    def fill_row(self, row: ListRow, value: LocationForm | LocationInfo) -> None:
        row.item_id = value.id
        for name in ("name", "address_1", "address_2", "town", "postcode", "accessibility_notes",
                     "transport_notes"):
            cast(QLineEdit, row.fields[name]).setText(getattr(value, name) or "")
        cast(AccessibilityChecks, row.fields["accessibility"]).set_codes(list(value.accessibility))
        confidential = bool(getattr(value, "confidential", False))
        cast(QCheckBox, row.fields["confidential"]).setChecked(confidential)
        # the front desk is given a confidential venue without its address: those fields are not theirs
        hidden = confidential and not (value.address_1 or value.name or value.postcode)
        for name in ("name", "address_1", "address_2", "postcode", "accessibility_notes", "transport_notes"):
            edit = cast(QLineEdit, row.fields[name])
            edit.setReadOnly(hidden)
            if hidden:
                edit.setPlaceholderText("Not shown: confidential location")

    def row_value(self, row: ListRow) -> LocationForm:
        def text(name: str) -> str:
            return cast(QLineEdit, row.fields[name]).text().strip()

        return LocationForm(name=text("name"), address_1=text("address_1"), address_2=text("address_2"),
                            town=text("town"), postcode=text("postcode"),
                            accessibility=cast(AccessibilityChecks, row.fields["accessibility"]).codes(),
                            accessibility_notes=text("accessibility_notes"),
                            transport_notes=text("transport_notes"), id=row.item_id,
                            confidential=(cast(QCheckBox, row.fields["confidential"]).isChecked()
                                          if self.may_mark_confidential else None))


__all__ = ["ACCESSIBILITY_FEATURES", "AccessibilityChecks", "VenueListEditor", "accessibility_label"]
