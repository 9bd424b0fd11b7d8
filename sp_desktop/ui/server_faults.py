"""The practice server at start-up, as the person sees it: what happened, and Retry / Change server / Quit.

`open_runtime` fails within seconds when the server does not answer (bounded connect, one attempt:
`db/engine.py`, `services/bootstrap.py`) and says why in plain words (`db/faults.py`). This dialog
names the server and offers the three ways on. It never switches to this PC's own database by itself:
only "Change server" (and, in that dialog, a confirmed "Use this PC's own database") can do that.
"""

from __future__ import annotations

import argparse
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from sp_desktop.diagnostics import log
from sp_desktop.paths import AppPaths

RETRY, CHANGE, QUIT = "retry", "change", "quit"


def ask_at_start(parent: QWidget | None, title: str, message: str, server: str, can_change: bool) -> str:
    """RETRY, CHANGE or QUIT. Replaced in tests (like `sp_desktop.ui.messages`)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, f"{message}\n\nServer: {server}",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("server_unreachable")
    retry = box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole)
    retry.setObjectName("retry")
    change = None
    if can_change:
        change = box.addButton("&Change server…", QMessageBox.ButtonRole.ActionRole)
        change.setObjectName("change_server")
    quit_ = box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
    quit_.setObjectName("quit")
    box.setDefaultButton(retry)
    box.setEscapeButton(quit_)
    box.exec()
    clicked = box.clickedButton()
    if clicked is retry:
        return RETRY
    if change is not None and clicked is change:
        return CHANGE
    return QUIT


def change_server(parent: QWidget | None, args: argparse.Namespace) -> str:
    from sp_desktop.ui.dialogs.server_dialog import ServerDialog

    return ServerDialog.ask(parent, AppPaths.from_options(getattr(args, "data_dir", None)))


def after_start_failure(parent: QWidget | None, exc: Any, args: argparse.Namespace) -> bool:
    """After the server could not be used at start-up: True to try again, False to quit."""
    fault = exc.fault
    can_change = not getattr(args, "database_url", None)  # --database-url is fixed for this start
    while True:
        choice = ask_at_start(parent, fault.title, fault.message, exc.server or "", can_change)
        log.info("start-up: the practice server could not be used (%s); the person chose %s",
                 fault.cause, choice)
        if choice == RETRY:
            return True
        if choice == CHANGE:
            if change_server(parent, args):
                return True
            continue  # cancelled: ask again
        return False


__all__ = ["CHANGE", "QUIT", "RETRY", "after_start_failure", "ask_at_start", "change_server"]
