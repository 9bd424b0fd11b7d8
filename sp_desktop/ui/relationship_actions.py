"""Hooks the relationship features into the Directory page through its extension points.

`install_relationship_actions(window)` (called once by MainWindow) adds to the Directory page:
  - Ctrl+L "Log contact…" for the selected service's organisation (everyone),
  - "Contact history…" (Ctrl+Shift+H) — the organisation's timeline and health,
  - "Trust note…" (clinicians and above only),
and a staff-only detail section: relationship health in words and a symbol
(``Relationship: Strong ●``), who has met them, the last few contacts, and any open concern
(without its private text). After a save the window's `data_changed` signal is emitted so the
Directory, Follow-ups and Network pages refresh.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction

from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.safe_text import escape_markup as escape
from sp_desktop.services.base import Permission, ServiceContext, can
from sp_desktop.services.directory import DirectoryService, ServiceDetail
from sp_desktop.services.relationships import ContactLogService, RelationshipService, TrustNoteService
from sp_desktop.ui.actions import make_action

LAST_CONTACTS = 3
SOURCE_KEY = "relationships"


def relationship_html(ctx: ServiceContext, detail: ServiceDetail) -> str:
    """The detail-pane section for the organisation running `detail` (HTML, escaped)."""
    org = detail.organisation
    health = RelationshipService(ctx).health_of(org.id)
    parts = ["<h3>Relationship</h3>",
             f"<p><b>{escape(health.text)}</b><br>{escape(health.describe())}</p>"]
    concerns = TrustNoteService(ctx).open_concerns([org.id])
    if org.id in concerns:
        parts.append(f"<p><b>{escape(concerns[org.id].warning)}</b></p>")
    recent = ContactLogService(ctx).timeline(org.id, limit=LAST_CONTACTS)
    if recent:
        lines = [f"{escape(show_date(e.occurred_at))} · {escape(e.kind.label)} · {escape(e.staff_names)}: "
                 f"{escape(e.summary)}" for e in recent]
        parts.append("<p><b>Last contacts:</b><br>" + "<br>".join(lines) + "</p>")
    parts.append("<p class='muted'><i>Ctrl+L logs a contact; Ctrl+Shift+H shows the full history.</i></p>")
    return "".join(parts)


class RelationshipActions:
    """The actions added to the Directory page; kept alive by the window."""

    def __init__(self, window: Any, page: Any) -> None:
        self.window = window
        self.page = page
        self.ctx: ServiceContext = window.ctx
        self.log_action = self._action("Log contact…", "Ctrl+L", "log_contact",
                                       "Log a call, meeting or visit with the selected service's "
                                       "organisation (Ctrl+L)", self.log_contact)
        self.history_action = self._action("Contact history…", "Ctrl+Shift+H", "contact_history",
                                           "Contact history, trust notes and relationship health of the "
                                           "selected service's organisation (Ctrl+Shift+H)",
                                           self.show_history)
        self.note_action: QAction | None = None
        if can(self.ctx.actor, Permission.TRUST_NOTES):
            self.note_action = self._action("Trust note…", None, "trust_note",
                                            "Write a private trust note about the organisation "
                                            "(clinicians and above)", self.add_trust_note)
        for action in (self.log_action, self.history_action, self.note_action):
            if action is not None:
                page.add_selection_action(action)
        page.add_detail_section(lambda detail: relationship_html(self.ctx, detail))

    def _action(self, text: str, shortcut: str | None, name: str, tip: str, slot: Any) -> QAction:
        return make_action(self.page, text, slot, name=name, shortcut=shortcut, tip=tip)

    def _organisation(self) -> tuple[int, str] | None:
        org_id = self.page.selected_organisation_id()
        if org_id is None:
            return None
        row = self.page.selected_row()
        if row is not None:
            return org_id, row.organisation_name
        name = DirectoryService(self.ctx).get_organisation(org_id).name
        return org_id, name

    def _changed(self, message: str = "") -> None:
        self.window.data_changed.emit(SOURCE_KEY)
        if message and hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(message, 6000)

    def log_contact(self) -> None:
        from sp_desktop.ui.dialogs.log_contact_dialog import LogContactDialog

        org = self._organisation()
        if org is None:
            return
        saved = LogContactDialog.ask(self.page, self.ctx, org[0], org[1])
        if saved is not None:
            self._changed(f"Logged: {saved.kind.label.lower()} with {org[1]}")

    def show_history(self) -> None:
        from sp_desktop.ui.dialogs.organisation_relationship_dialog import OrganisationRelationshipDialog

        org = self._organisation()
        if org is None:
            return
        if OrganisationRelationshipDialog.show_for(self.page, self.ctx, org[0]):
            self._changed()

    def add_trust_note(self) -> None:
        from sp_desktop.ui.dialogs.trust_note_dialog import TrustNoteDialog

        org = self._organisation()
        if org is None:
            return
        detail = DirectoryService(self.ctx).get_organisation(org[0])
        services = list(zip(detail.service_ids, detail.service_names, strict=True))
        if TrustNoteDialog.ask(self.page, self.ctx, org[0], org[1], services) is not None:
            self._changed(f"Trust note saved for {org[1]}")


def install_relationship_actions(window: Any) -> RelationshipActions | None:
    """Add the relationship actions and detail section to the window's Directory page, if any."""
    page = getattr(window, "pages", {}).get("directory")
    if page is None or not hasattr(page, "add_selection_action") or not hasattr(page, "add_detail_section"):
        return None
    actions = RelationshipActions(window, page)
    window.relationship_actions = actions  # keep a reference for the window's lifetime
    return actions


__all__ = ["RelationshipActions", "install_relationship_actions", "relationship_html"]
