"""Issue 18 on the Directory page, in the Edit menu and the results' context menu: "Taking new
people…" (every role that logs contacts),
"Closures…" (every role that may edit the directory) and "Why this helps…" (vetting lead and
above), acting on the selected service. The detail pane's "Before you suggest it" section is the
page's own (directory_page), so it shows for every role."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction

from sp_desktop.services.base import Permission, ServiceContext, can
from sp_desktop.ui.actions import make_action

SOURCE_KEY = "confidence"


class ConfidenceActions:
    """The actions added to the Directory page; kept alive by the window."""

    def __init__(self, window: Any, page: Any) -> None:
        self.window = window
        self.page = page
        self.ctx: ServiceContext = window.ctx
        self.actions: list[QAction] = []
        if can(self.ctx.actor, Permission.LOG_CONTACT):
            self.capacity_action = self._action("Taking new people…", "set_capacity",
                                                "Record whether the selected service is taking new people, "
                                                "and when that was confirmed", self.set_capacity)
        if can(self.ctx.actor, Permission.EDIT_DIRECTORY):
            self.closures_action = self._action("Closures…", "closures",
                                                "Dated closures of the selected service (printed on leaflets "
                                                "made within four weeks of one)", self.edit_closures)
        if can(self.ctx.actor, Permission.VET):
            self.note_action = self._action("Why this helps…", "why_this_helps",
                                            "Write the clinician-facing note on why the selected service "
                                            "(or its category) helps (vetting lead)", self.edit_note)
        for action in self.actions:  # Edit menu and context menu (the buttons above the table are full)
            if hasattr(page, "add_menu_action"):
                page.add_menu_action(action)
            else:
                page.add_selection_action(action)

    def _action(self, text: str, name: str, tip: str, slot: Any) -> QAction:
        action = make_action(self.page, text, slot, name=name, tip=tip)
        self.actions.append(action)
        return action

    def _selected(self) -> tuple[int, str] | None:
        row = self.page.selected_row()
        return (row.id, row.name) if row is not None else None

    def _changed(self, message: str) -> None:
        self.window.data_changed.emit(SOURCE_KEY)
        if hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(message, 6000)

    def set_capacity(self) -> None:
        from sp_desktop.ui.dialogs.capacity_dialog import CapacityDialog

        chosen = self._selected()
        if chosen is None:
            return
        saved = CapacityDialog.ask(self.page, self.ctx, *chosen)
        if saved is not None:
            self._changed(f"{chosen[1]}: {saved.text(self.ctx.today())}")

    def edit_closures(self) -> None:
        from sp_desktop.ui.dialogs.closures_dialog import ClosuresDialog

        chosen = self._selected()
        if chosen is not None and ClosuresDialog.ask(self.page, self.ctx, *chosen):
            self._changed(f"Closures changed for {chosen[1]}")

    def edit_note(self) -> None:
        from sp_desktop.ui.dialogs.help_note_dialog import HelpNoteDialog

        chosen = self._selected()
        if chosen is not None and HelpNoteDialog.ask(self.page, self.ctx, chosen[0]):
            self._changed(f"“Why this helps” saved for {chosen[1]}")


def install_confidence_actions(window: Any) -> ConfidenceActions | None:
    page = getattr(window, "pages", {}).get("directory")
    if page is None or not hasattr(page, "add_selection_action"):
        return None
    actions = ConfidenceActions(window, page)
    window.confidence_actions = actions  # keep a reference for the window's lifetime
    return actions


__all__ = ["ConfidenceActions", "install_confidence_actions"]
