"""Choose the organisation for a partner report (those signposted to in the period come first)."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.reports import OrganisationChoice

ID_ROLE = Qt.ItemDataRole.UserRole


class PartnerReportDialog(QDialog):
    def __init__(self, choices: list[OrganisationChoice], period_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partner_report_dialog")
        self.setWindowTitle("Partner report")
        self.setAccessibleName("Choose the organisation for a partner report")
        self.setMinimumSize(480, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(f"A report to give to one organisation for {period_text}: how many people the "
                       "practice signposted to each of its services, what happened, and the feedback you "
                       "chose to share. It never includes names, patient references, trust notes or staff "
                       "comments.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.filter = QLineEdit()
        self.filter.setObjectName("partner_filter")
        self.filter.setAccessibleName("Find an organisation")
        self.filter.setPlaceholderText("Type part of the name…")
        self.filter.setClearButtonEnabled(True)
        label = QLabel("&Organisation:")
        label.setBuddy(self.filter)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        self.model = QStandardItemModel(self)
        for c in choices:
            item = QStandardItem(f"{c.name} — {c.signposted} {'person' if c.signposted == 1 else 'people'}")
            item.setData(c.id, ID_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        self.list.setObjectName("partner_list")
        self.list.setAccessibleName("Organisations signposted to in the period")
        self.list.setModel(self.proxy)
        layout.addWidget(self.list, 1)
        if not choices:
            layout.addWidget(QLabel("Nobody was signposted to any organisation in this period: choose other "
                                    "dates first."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Make the report…")
        self.ok.setObjectName("make_partner_report")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filtered)
        self.list.doubleClicked.connect(lambda _i: self.accept())
        self.list.selectionModel().currentChanged.connect(lambda *_: self._update())
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self._update()
        self.filter.setFocus()

    def _filtered(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(self.chosen_id() is not None)

    def chosen_id(self) -> int | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        value = index.data(ID_ROLE)
        return int(value) if value is not None else None

    def select(self, organisation_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ID_ROLE) == organisation_id:
                self.list.setCurrentIndex(self.proxy.index(row, 0))
                return True
        return False

    @classmethod
    def ask(cls, choices: list[OrganisationChoice], period_text: str,
            parent: QWidget | None = None) -> int | None:
        """The chosen organisation's id, or None if cancelled. Tests replace this."""
        dialog = cls(choices, period_text, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen_id()


__all__ = ["PartnerReportDialog"]
