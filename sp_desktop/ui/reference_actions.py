"""Closing the loop from anywhere in the window: Ctrl+K acknowledges a leaflet reference."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction

from sp_desktop.ui.actions import make_action


def install_reference_actions(window: Any) -> QAction:
    def open_dialog() -> None:
        from sp_desktop.ui.dialogs.acknowledge_dialog import AcknowledgeDialog

        dialog = AcknowledgeDialog(window.ctx, window)
        dialog.acknowledged.connect(lambda done: window.statusBar().showMessage(done.message, 10000))
        dialog.acknowledged.connect(lambda _done: window.data_changed.emit("references"))
        dialog.exec()

    action = make_action(window, "Ac&knowledge a leaflet reference…", open_dialog,
                         name="acknowledge_reference_action", shortcut="Ctrl+K", scope=None,
                         add_to_owner=True,
                         tip="An organisation told you a leaflet reference reached them: record it.")
    window.go_menu.addSeparator()
    window.go_menu.addAction(action)
    window.acknowledge_action = action
    return action


__all__ = ["install_reference_actions"]
