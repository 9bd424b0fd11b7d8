"""Settings → Leaflet languages: the practice's wording table for each language a leaflet can be
printed in (every fixed phrase, typed by a person; no machine translation), with the English
beside each phrase, and import/export as a file. Administrators (the Settings page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import BadInput, Refused
from sp_desktop.leaflets.content import ENGLISH, LeafletWording
from sp_desktop.services.base import NotFound, PermissionDenied, ServiceContext
from sp_desktop.services.leaflet_languages import LeafletLanguageService
from sp_desktop.ui import messages
from sp_desktop.ui.page_loader import PageLoader, load_off_ui

NEW = "New language…"


class LeafletLanguagesWidget(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None,
                 loader: PageLoader | None = None) -> None:
        super().__init__(parent)
        self.service = LeafletLanguageService(ctx)
        self.loader = loader
        self.setObjectName("leaflet_languages")
        self.setAccessibleName("Leaflet languages")
        layout = QVBoxLayout(self)
        intro = QLabel("Leaflets can be printed in another language with your own wording. Type each "
                       "phrase as it should appear; a phrase left empty is printed in English. Keep "
                       "blanks such as {date} as they are.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.chooser = QComboBox()
        self.chooser.setObjectName("language_chooser")
        self.chooser.setAccessibleName("Language")
        self.chooser.currentIndexChanged.connect(self._show)
        self.code = QLineEdit()
        self.code.setObjectName("language_code")
        self.code.setAccessibleName("Language code")
        self.code.setPlaceholderText("e.g. pl, ur, pa, zh-Hans, uk, ti")
        self.name = QLineEdit()
        self.name.setObjectName("language_name")
        self.name.setAccessibleName("Language name")
        self.name.setPlaceholderText("e.g. Polski (Polish)")
        form.addRow("&Language:", self.chooser)
        form.addRow("&Code:", self.code)
        form.addRow("&Name:", self.name)
        layout.addLayout(form)
        self.table = QTableWidget(len(LeafletWording.keys()), 2)
        self.table.setObjectName("phrases")
        self.table.setAccessibleName("Phrases: English and this language")
        self.table.setHorizontalHeaderLabels(["English", "In this language"])
        self.table.setVerticalHeaderLabels(list(LeafletWording.keys()))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        for row, key in enumerate(LeafletWording.keys()):
            english = QTableWidgetItem(str(getattr(ENGLISH, key)))
            english.setFlags(english.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, english)
            self.table.setItem(row, 1, QTableWidgetItem(""))
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.save_button = self._button("&Save wording", self.save, "save_wording")
        self.import_button = self._button("&Import file…", self.import_file, "import_wording")
        self.export_button = self._button("E&xport file…", self.export_file, "export_wording")
        for b in (self.save_button, self.import_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.load()

    def _button(self, text: str, slot: object, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    # ---- data
    def load(self, select: str | None = None) -> None:
        load_off_ui(self.loader, self.service.languages, lambda choices: self._list(choices, select),
                    key="languages")

    def _list(self, choices: list[Any], select: str | None) -> None:
        self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.addItem(NEW, "")
        for choice in choices:
            self.chooser.addItem(f"{choice.name} ({choice.code})", choice.code)
        index = max(0, self.chooser.findData(select)) if select else 0
        self.chooser.setCurrentIndex(index)
        self.chooser.blockSignals(False)
        self._show()

    def _show(self) -> None:
        """The chosen language's wording, read off the UI thread on the practice server (the
        fields keep the language shown before until it is read)."""
        code = self.chooser.currentData() or ""
        label = self.chooser.currentText()
        service = self.service
        load_off_ui(self.loader, lambda: service.wording(code) if code else None,
                    lambda wording: self._show_wording(code, label, wording), key="wording")

    def _show_wording(self, code: str, label: str, wording: Any) -> None:
        if code != (self.chooser.currentData() or ""):
            return  # another language was chosen meanwhile: its own read shows it
        self.code.setText(code)
        self.code.setReadOnly(bool(code))
        self.name.setText(label.rsplit(" (", 1)[0] if code else "")
        for row, key in enumerate(LeafletWording.keys()):
            typed = "" if wording is None else str(getattr(wording, key))
            self.table.item(row, 1).setText("" if typed == str(getattr(ENGLISH, key)) else typed)

    def phrases(self) -> dict[str, str]:
        return {key: self.table.item(row, 1).text() for row, key in enumerate(LeafletWording.keys())}

    # ---- actions
    def save(self) -> bool:
        try:
            choice = self.service.save_language(self.code.text(), self.name.text(), self.phrases())
        except BadInput as exc:
            messages.warn(self, "Wording not saved", str(exc))
            return False
        except PermissionDenied as exc:
            messages.warn(self, "Wording not saved", str(exc))
            return False
        self.load(choice.code)
        messages.inform(self, "Wording saved", f"Leaflets can now be made in {choice.name}.")
        return True

    def import_file(self) -> None:
        path = messages.open_file(self, "Import leaflet wording", "Leaflet wording (*.json)")
        if not path:
            return
        try:
            choice = self.service.import_file(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            messages.warn(self, "Not imported", f"The file could not be read: {exc}")
            return
        except Refused as exc:
            messages.refused(self, "Not imported", exc)
            return
        self.load(choice.code)

    def export_file(self) -> None:
        code = self.chooser.currentData() or ""
        if not code:
            messages.warn(self, "Nothing to export", "Choose a saved language first.")
            return
        path = messages.save_file(self, "Export leaflet wording", f"leaflet-wording-{code}.json",
                                  "Leaflet wording (*.json)")
        if not path:
            return
        from sp_desktop.files import write_atomically

        try:
            write_atomically(Path(path), self.service.export_file(code).encode("utf-8"))
        except (OSError, NotFound) as exc:
            messages.warn(self, "Not exported", str(exc))


__all__ = ["LeafletLanguagesWidget"]
