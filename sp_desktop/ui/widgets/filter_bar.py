"""Filters under the search box: category, how to access, free only, status (with "Open today"),
age and vetting.

Every control has a visible text (the combo's "any" item says what it filters) and an
accessible name. `filters()` turns the controls into the service's `SearchFilters`.

The filters stand in one row while they fit and wrap onto a second row in a narrow window (a
1024-pixel screen), with "Clear filters" always at the top right.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QPushButton, QSpinBox, QWidget

from sp_desktop.domain.enums import AccessRoute, ServiceStatus, VettingStatus
from sp_desktop.services.categories import CategoryNode
from sp_desktop.services.directory import SearchFilters
from sp_desktop.ui.widgets.flow_layout import FlowLayout

# Status choices: (label, status filter, include archived, open today). "Open today" (issue 18):
# running, with opening times today and no closure today; a choice here rather than another
# control, so the filters still stand in one row on a 1280-pixel screen.
_STATUS_CHOICES: tuple[tuple[str, ServiceStatus | None, bool, bool], ...] = (
    ("Running now", ServiceStatus.ACTIVE, False, False),
    ("Open today", ServiceStatus.ACTIVE, False, True),
    ("Temporarily closed", ServiceStatus.TEMPORARILY_CLOSED, False, False),
    ("No longer running", ServiceStatus.INACTIVE, False, False),
    ("Any status", None, False, False),
    ("Any status, with archived", None, True, False),
)


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        self.category = QComboBox()
        self.category.setObjectName("filter_category")
        self.category.setAccessibleName("Category filter")
        self.category.setMinimumContentsLength(18)
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category.setMaxVisibleItems(25)
        self.category.addItem("Any category", None)

        self.access = QComboBox()
        self.access.setObjectName("filter_access")
        self.access.setAccessibleName("How to access filter")
        self.access.addItem("Any way in", None)
        for route in AccessRoute:
            self.access.addItem(route.label, route)

        self.free_only = QCheckBox("Free only")
        self.free_only.setObjectName("filter_free")
        self.free_only.setAccessibleName("Free services only")

        self.status = QComboBox()
        self.status.setObjectName("filter_status")
        self.status.setAccessibleName("Service status filter")
        for label, _status, _archived, _today in _STATUS_CHOICES:
            self.status.addItem(label)

        self.age = QSpinBox()
        self.age.setObjectName("filter_age")
        self.age.setAccessibleName("Age of the person filter")
        self.age.setAccessibleDescription("Shows services open to someone of this age; “Age (any)” "
                                          "shows all.")
        self.age.setRange(-1, 120)
        self.age.setValue(-1)
        self.age.setSpecialValueText("Age (any)")
        self.age.setMinimumWidth(self.age.fontMetrics().horizontalAdvance("Age (any)") + 40)

        self.vetting = QComboBox()
        self.vetting.setObjectName("filter_vetting")
        self.vetting.setAccessibleName("Vetting state filter")
        self.vetting.addItem("Any vetting state", None)
        for v in VettingStatus:
            self.vetting.addItem(f"{v.label} {v.symbol}", v)

        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("filter_clear")
        self.clear_button.setAccessibleName("Clear the search and filters")
        self.clear_button.setToolTip("Clear the search and all filters (Esc)")

        self.controls = QWidget()  # the filters, wrapping onto a second row when narrow
        self.controls.setObjectName("filter_controls")
        self.flow = FlowLayout(self.controls, spacing=6)
        self.flow.setContentsMargins(0, 0, 0, 0)
        for w in (self.category, self.access, self.free_only, self.status, self.age, self.vetting):
            self.flow.addWidget(w)
        layout.addWidget(self.controls, 1)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)

        for combo in (self.category, self.access, self.status, self.vetting):
            combo.currentIndexChanged.connect(self._changed)
        self.free_only.toggled.connect(self._changed)
        self.age.valueChanged.connect(self._changed)
        self._quiet = False

    def set_categories(self, tree: Sequence[CategoryNode]) -> None:
        """Top-level categories with their children indented under them."""
        current = self.category.currentData()
        self._quiet = True
        try:
            self.category.clear()
            self.category.addItem("Any category", None)
            for top in tree:
                self.category.addItem(top.name, top.id)
                for child in top.children:
                    self.category.addItem("      " + child.name, child.id)
                    self.category.setItemData(self.category.count() - 1, child.name,
                                              Qt.ItemDataRole.AccessibleTextRole)
            index = self.category.findData(current) if current is not None else 0
            self.category.setCurrentIndex(max(0, index))
        finally:
            self._quiet = False

    def filters(self) -> SearchFilters:
        _label, status, archived, open_today = _STATUS_CHOICES[max(0, self.status.currentIndex())]
        return SearchFilters(
            category_id=self.category.currentData(),
            access=AccessRoute(self.access.currentData()) if self.access.currentData() else None,
            free_only=self.free_only.isChecked(),
            status=status,
            age=None if self.age.value() < 0 else self.age.value(),
            vetting=VettingStatus(self.vetting.currentData()) if self.vetting.currentData() else None,
            include_archived=archived,
            open_today=open_today,
        )

    def is_default(self) -> bool:
        return self.filters() == SearchFilters()

    def describe(self) -> str:
        """The active filters in words, for empty states ("free only, drop-in")."""
        parts = []
        if self.category.currentIndex() > 0:
            parts.append(self.category.currentText().strip())
        if self.access.currentIndex() > 0:
            parts.append(self.access.currentText())
        if self.free_only.isChecked():
            parts.append("free only")
        if self.status.currentIndex() != 0:
            parts.append(self.status.currentText().lower())
        if self.age.value() >= 0:
            parts.append(f"age {self.age.value()}")
        if self.vetting.currentIndex() > 0:
            parts.append(self.vetting.currentText())
        return ", ".join(parts)

    def reset(self) -> None:
        self._quiet = True
        try:
            for combo in (self.category, self.access, self.status, self.vetting):
                combo.setCurrentIndex(0)
            self.free_only.setChecked(False)
            self.age.setValue(-1)
        finally:
            self._quiet = False

    def focus_widgets(self) -> list[QWidget]:
        return [self.category, self.access, self.free_only, self.status, self.age, self.vetting,
                self.clear_button]

    def _changed(self, *_args: object) -> None:
        if not self._quiet:
            self.changed.emit()

__all__ = ["FilterBar"]
