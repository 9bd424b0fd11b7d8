"""Help > About: version, data folder and database location."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from sp_desktop import __version__
from sp_desktop.runtime import Runtime


class AboutDialog(QDialog):
    def __init__(self, runtime: Runtime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About sp_desktop")
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>sp_desktop {__version__}</b><br>"
                         "Social prescribing directory for a GP practice.")
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        form = QFormLayout()
        kind = "SQLite (this PC)" if runtime.db.is_sqlite else "PostgreSQL server"
        directory = "DEMO (fictional data)" if runtime.demo else "Practice directory"
        for label, value in (("Data folder", str(runtime.paths.data_dir)),
                             ("Database", runtime.db.describe()),
                             ("Database type", kind),
                             ("Schema version", runtime.migration.to_revision),
                             ("Directory", directory)):
            field = QLabel(value)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            field.setAccessibleName(label)
            field.setObjectName(label.lower().replace(" ", "_"))
            form.addRow(label + ":", field)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
