"""One organisation's relationship with the practice: health, contact history and trust notes.

The header shows relationship health in words and a symbol (``Relationship: Strong ●``), who
has met them and when, and any open concern (without its private text). Tabs: the contact
timeline (everyone) and trust notes (clinicians and above only — the tab is not there for
front desk, and the service refuses them anyway).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.base import NotFound, ServiceContext
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.relationships import RelationshipService, TrustNoteEntry, TrustNoteService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.trust_note_dialog import REMINDER
from sp_desktop.ui.models.relationship_models import TrustNoteTableModel
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table, empty_note
from sp_desktop.ui.widgets.timeline_widget import TimelineWidget

HISTORY, NOTES = "history", "notes"


def _e(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class TrustNotesWidget(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, organisation_id: int, organisation_name: str,
                 services: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = TrustNoteService(ctx)
        self.organisation_id = organisation_id
        self.organisation_name = organisation_name
        self.services = services
        self.setObjectName("trust_notes")
        self.setAccessibleName(f"Trust notes about {organisation_name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        note = QLabel(f"Private to clinicians and above; never on leaflets or exports. {REMINDER}")
        note.setWordWrap(True)
        bar.addWidget(note, 1)
        self.add_button = QPushButton("&Add trust note…")
        self.add_button.setObjectName("add_note")
        self.edit_button = QPushButton("C&orrect…")
        self.edit_button.setObjectName("correct_note")
        self.resolve_button = QPushButton("Mark &resolved")
        self.resolve_button.setObjectName("resolve_note")
        for b in (self.add_button, self.edit_button, self.resolve_button):
            bar.addWidget(b)
        layout.addLayout(bar)
        self.model = TrustNoteTableModel(self)
        self.table = configure_table(
            QTableView(), name="notes_table", accessible_name="Trust notes, newest first", model=self.model,
            rows_fit_contents=True, column_modes={3: ResizeMode.Stretch},
            column_widths=(95, 170, 150, 0, 120, 90))
        layout.addWidget(self.table, 1)
        self.empty = empty_note("notes_empty", "No trust notes yet. Add one after something worth "
                                "remembering — good or bad.")
        layout.addWidget(self.empty)
        self.add_button.clicked.connect(self.add_note)
        self.edit_button.clicked.connect(self.correct_selected)
        self.resolve_button.clicked.connect(self.toggle_resolved)
        self.table.doubleClicked.connect(lambda _i: self.correct_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        rows = self.service.notes(self.organisation_id)
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self._update_buttons()

    def selected(self) -> TrustNoteEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _may_change(self, note: TrustNoteEntry) -> bool:
        return self.service.may_change(note)

    def _update_buttons(self) -> None:
        note = self.selected()
        allowed = note is not None and self._may_change(note)
        self.edit_button.setEnabled(allowed)
        self.resolve_button.setEnabled(allowed)
        self.resolve_button.setText("Open &again" if note is not None and note.resolved else "Mark &resolved")

    def add_note(self) -> None:
        from sp_desktop.ui.dialogs.trust_note_dialog import TrustNoteDialog

        if TrustNoteDialog.ask(self, self.ctx, self.organisation_id, self.organisation_name,
                               self.services) is not None:
            self.refresh()
            self.changed.emit()

    def correct_selected(self) -> None:
        from sp_desktop.ui.dialogs.trust_note_dialog import TrustNoteDialog

        note = self.selected()
        if note is None or not self._may_change(note):
            return
        if TrustNoteDialog.ask(self, self.ctx, self.organisation_id, self.organisation_name, self.services,
                               note) is not None:
            self.refresh()
            self.changed.emit()

    def toggle_resolved(self) -> None:
        note = self.selected()
        if note is None:
            return
        try:
            self.service.set_resolved(note.id, not note.resolved)
        except (PermissionError, NotFound) as exc:
            messages.error(self, "Could not change the note", str(exc))
            return
        self.refresh()
        self.changed.emit()


class OrganisationRelationshipDialog(QDialog):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, organisation_id: int, tab: str = HISTORY,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.organisation_id = organisation_id
        org = DirectoryService(ctx).get_organisation(organisation_id)
        self.organisation_name = org.name
        services = list(zip(org.service_ids, org.service_names, strict=True))
        self.setObjectName("organisation_relationship_dialog")
        self.setWindowTitle(f"Relationship — {org.name}")
        self.setAccessibleName(self.windowTitle())
        self.resize(1000, 620)

        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setObjectName("relationship_header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("relationship_tabs")
        self.timeline = TimelineWidget(ctx, organisation_id, org.name, self)
        self.tabs.addTab(self.timeline, "Contact &history")
        self.notes: TrustNotesWidget | None = None
        if TrustNoteService(ctx).allowed:
            self.notes = TrustNotesWidget(ctx, organisation_id, org.name, services, self)
            self.tabs.addTab(self.notes, "&Trust notes")
            self.notes.changed.connect(self._changed)
        self.timeline.changed.connect(self._changed)
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        if tab == NOTES and self.notes is not None:
            self.tabs.setCurrentWidget(self.notes)
        self.refresh_header()
        self.timeline.table.setFocus()

    def _changed(self) -> None:
        self.refresh_header()
        self.changed.emit()

    def refresh_header(self) -> None:
        health = RelationshipService(self.ctx).health_of(self.organisation_id)
        concerns = TrustNoteService(self.ctx).open_concerns([self.organisation_id])
        parts = [f"<h2 style='margin:0'>{_e(self.organisation_name)}</h2>",
                 f"<p><b>{_e(health.text)}</b> — {_e(health.describe())}</p>"]
        if self.organisation_id in concerns:
            parts.append(f"<p><b>{_e(concerns[self.organisation_id].warning)}</b></p>")
        self.header.setText("".join(parts))
        self.header.setAccessibleName(f"{health.text}. {health.describe()}")
        n = self.timeline.model.rowCount()
        self.tabs.setTabText(0, f"Contact &history ({n})" if n else "Contact &history")
        if self.notes is not None:
            m = self.notes.model.rowCount()
            self.tabs.setTabText(1, f"&Trust notes ({m})" if m else "&Trust notes")

    @classmethod
    def show_for(cls, parent: QWidget | None, ctx: ServiceContext, organisation_id: int,
                 tab: str = HISTORY) -> bool:
        """Open the dialog (modal). Returns True if anything was changed. Tests replace this."""
        dialog = cls(ctx, organisation_id, tab, parent)
        changed: list[bool] = []
        dialog.changed.connect(lambda: changed.append(True))
        dialog.exec()
        return bool(changed)


__all__ = ["HISTORY", "NOTES", "OrganisationRelationshipDialog", "TrustNotesWidget"]
