"""Closing the loop from anywhere in the window: Ctrl+K acknowledges a leaflet reference."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence


def install_reference_actions(window: Any) -> QAction:
    action = QAction("Ac&knowledge a leaflet reference…", window)
    action.setObjectName("acknowledge_reference_action")
    action.setShortcut(QKeySequence("Ctrl+K"))
    action.setStatusTip("An organisation told you a leaflet reference reached them: record it.")

    def open_dialog() -> None:
        from sp_desktop.ui.dialogs.acknowledge_dialog import AcknowledgeDialog

        dialog = AcknowledgeDialog(window.ctx, window)
        dialog.acknowledged.connect(lambda done: window.statusBar().showMessage(done.message, 10000))
        dialog.acknowledged.connect(lambda _done: window.data_changed.emit("references"))
        dialog.exec()

    action.triggered.connect(open_dialog)
    window.addAction(action)
    window.go_menu.addSeparator()
    window.go_menu.addAction(action)
    window.acknowledge_action = action
    return action


__all__ = ["install_reference_actions"]
