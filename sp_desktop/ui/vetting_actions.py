"""Hooks vetting, history and the signed-in person's own account into the main window.

`install_vetting_actions(window)` (called once by MainWindow) adds:
  - on the Directory page (through its extension points): "Vetting record…" (Ctrl+Shift+V) and
    "Change history…" for the selected service's organisation, and a detail-pane section with
    the checklist progress, expiring evidence and, for organisations that are not approved,
    the leaflet rule;
  - a status-bar note of overdue reviews ("! 6 reviews overdue"; click to open Reviews due),
    shown on start and kept up to date after changes here (``window.data_changed``) and on
    other PCs (``window.changed_elsewhere``, emitted by ui/change_watcher.py);
  - File > "Change my password…".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from sp_desktop.domain.enums import VettingStatus
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.safe_text import escape_markup as escape
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.directory import ServiceDetail
from sp_desktop.services.vetting import VettingService
from sp_desktop.ui.actions import make_action

SOURCE_KEY = "vetting"


def vetting_html(ctx: ServiceContext, detail: ServiceDetail) -> str:
    """The detail-pane section about the organisation's vetting checks (HTML, escaped)."""
    record = VettingService(ctx).record(detail.organisation.id)
    required = [r for r in record.rows if r.item.mandatory and not r.not_applicable]
    done = sum(1 for r in required if r.counts(record.today))
    not_applying = sum(1 for r in record.rows if r.item.mandatory and r.not_applicable)
    parts = ["<h3>Vetting checks</h3>",
             f"<p>{done} of {len(required)} required checks done {'✓' if done == len(required) else '✗'}"]
    if not_applying:
        verb = "does" if not_applying == 1 else "do"
        parts.append(f" ({not_applying} more {verb} not apply, with a reason)")
    if record.approved_on and record.approved_by:
        parts.append(f"<br>Last approved {show_date(record.approved_on)} by {escape(record.approved_by)}")
    expiring = [r for r in record.rows if r.complete and r.expires_on
                and (r.expired(record.today) or r.expiring(record.today))]
    for r in expiring:
        verb = "expired" if r.expired(record.today) else "expires"
        parts.append(f"<br>! {escape(r.item.label)} {verb} {show_date(r.expires_on)}")
    parts.append("</p>")
    if record.status is not VettingStatus.APPROVED:
        parts.append("<p><b>Not approved:</b> its services go on a patient leaflet only if a clinician gives "
                     "a reason.</p>")
    parts.append("<p class='muted'><i>Ctrl+Shift+V opens the vetting record.</i></p>")
    return "".join(parts)


def overdue_text(count: int) -> str:
    if count <= 0:
        return ""
    return f"! {count} vetting review{'s' if count != 1 else ''} overdue"


class VettingActions:
    """What install_vetting_actions adds; kept alive by the window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.ctx: ServiceContext = window.ctx
        self.page = getattr(window, "pages", {}).get("directory")
        self.record_action: QAction | None = None
        self.history_action: QAction | None = None
        if self.page is not None and hasattr(self.page, "add_selection_action"):
            self.record_action = self._action("Vetting record…", "Ctrl+Shift+V", "vetting_record",
                                              "The vetting record of the selected service's organisation: "
                                              "checks, evidence, decisions (Ctrl+Shift+V)", self.open_record)
            self.history_action = self._action("Change history…", None, "change_history",
                                               "Every change to the organisation and its services, newest "
                                               "first, with who made it", self.open_history)
            self.page.add_selection_action(self.record_action)
            self.page.add_selection_action(self.history_action)
            if hasattr(self.page, "add_detail_section"):
                self.page.add_detail_section(lambda detail: vetting_html(self.ctx, detail))
        # the overdue reviews note in the status bar
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("overdue_reviews")
        self.overdue_label.setAccessibleName("Overdue vetting reviews")
        self.overdue_label.setTextFormat(Qt.TextFormat.RichText)
        self.overdue_label.linkActivated.connect(lambda _link: self.show_reviews())
        window.statusBar().addPermanentWidget(self.overdue_label)
        window.data_changed.connect(lambda *_: self.update_overdue())
        changed_elsewhere = getattr(window, "changed_elsewhere", None)
        if changed_elsewhere is not None:
            changed_elsewhere.connect(self.update_overdue)
        self.update_overdue()
        # File > Change my password…
        self.password_action: QAction | None = None
        file_menu = getattr(window, "file_menu", None)
        if file_menu is not None and self.ctx.actor.id is not None:
            self.password_action = QAction("Change my &password…", window)
            self.password_action.setObjectName("change_my_password")
            self.password_action.triggered.connect(lambda _c=False: self.change_password())
            switch = getattr(window, "switch_user_action", None)
            actions = file_menu.actions()
            at = actions.index(switch) + 1 if switch in actions else len(actions)
            before = actions[at] if at < len(actions) else None
            if before is not None:
                file_menu.insertAction(before, self.password_action)
            else:
                file_menu.addAction(self.password_action)

    def _action(self, text: str, shortcut: str | None, name: str, tip: str, slot: Any) -> QAction:
        return make_action(self.page or self.window, text, slot, name=name, shortcut=shortcut, tip=tip)

    # ---- status bar
    def overdue_count(self) -> int:
        try:
            return VettingService(self.ctx).overdue_count()
        except Exception:  # never let a status note stop the window
            return 0

    def update_overdue(self) -> None:
        count = self.overdue_count()
        text = overdue_text(count)
        has_reviews = "reviews" in getattr(self.window, "pages", {})
        shown = f"<a href='reviews'>{escape(text)}</a>" if text and has_reviews else escape(text)
        self.overdue_label.setText(shown)
        self.overdue_label.setToolTip("Open Reviews due" if has_reviews else "")
        self.overdue_label.setVisible(bool(text))

    def show_reviews(self) -> None:
        try:
            self.window.show_page("reviews")
        except KeyError:
            pass

    # ---- directory actions
    def _selection(self) -> tuple[int, int | None, str, str] | None:
        page = self.page
        if page is None:
            return None
        row = page.selected_row()
        if row is None:
            return None
        return row.organisation_id, row.id, row.organisation_name, row.name

    def open_record(self) -> None:
        from sp_desktop.ui.dialogs.vetting_dialog import VettingDialog

        sel = self._selection()
        if sel is None:
            return
        if VettingDialog.show_for(self.page, self.ctx, sel[0]):
            self.window.data_changed.emit(SOURCE_KEY)

    def open_history(self) -> None:
        from sp_desktop.ui.dialogs.history_dialog import HistoryDialog

        sel = self._selection()
        if sel is None:
            return
        HistoryDialog.show_for(self.page, self.ctx, sel[2], organisation_id=sel[0], service_id=sel[1],
                               service_name=sel[3])

    def change_password(self) -> None:
        from sp_desktop.ui.dialogs.change_password_dialog import ChangePasswordDialog

        if ChangePasswordDialog.ask(self.window, self.ctx):
            self.window.statusBar().showMessage("Your password has been changed.", 6000)


def install_vetting_actions(window: Any) -> VettingActions:
    """Add the vetting actions, detail section, overdue note and password action to `window`."""
    actions = VettingActions(window)
    window.vetting_actions = actions  # keep a reference for the window's lifetime
    return actions


__all__ = ["VettingActions", "install_vetting_actions", "overdue_text", "vetting_html"]
