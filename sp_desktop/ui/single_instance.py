"""One window per data folder, as the person sees it: a second start brings the open window forward.

`claim(args, app)` runs before anything touches the database (`app.run_gui`). It takes the
folder's lock (`sp_desktop.instance_lock`); when another window already holds it, it asks that
window — over a local socket named after the folder — to come to the front, and this start exits
without ever opening the database. If the open window cannot be reached (it is still starting, or
busy), the person is told plainly that sp_desktop is already open.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

from sp_desktop import instance_lock
from sp_desktop.diagnostics import log
from sp_desktop.paths import AppPaths

SHOW = b"show\n"
#: How long a second start waits for the open window to acknowledge (ms).
HANDOVER_MS = 2_000


def database_folder(args: argparse.Namespace) -> Path:
    """The folder whose database this start would open (the demo keeps its own)."""
    paths = AppPaths.from_options(getattr(args, "data_dir", None))
    if getattr(args, "demo", False):
        return paths.demo_database_file.parent
    return paths.data_dir


class FirstWindow(QObject):
    """Held by the running window: the lock, and the channel later starts use to bring it forward."""

    def __init__(self, lock: instance_lock.InstanceLock | None, app: QApplication) -> None:
        super().__init__(app)
        self.lock = lock
        self.app = app
        self.server: QLocalServer | None = None
        self.forward_requests = 0
        if lock is None:
            return
        name = instance_lock.channel_name(lock.folder)
        QLocalServer.removeServer(name)  # left by a crashed window (we hold the lock, so it is stale)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if server.listen(name):
            server.newConnection.connect(self._on_connection)
            self.server = server
        else:
            log.warning("cannot listen for later starts on %s: %s", name, server.errorString())
        app.aboutToQuit.connect(self.release)

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_request(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_request(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if SHOW.strip() in data:
            self.forward_requests += 1
            log.info("another start on this data folder: bringing this window forward")
            bring_forward(self.app)
            socket.write(b"ok\n")
            socket.flush()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock is not None:
            self.lock.release()


def bring_forward(app: QApplication) -> None:
    """Raise the window the person should see: an open dialog first, else the main window."""
    target = app.activeModalWidget()
    if target is None:
        visible = [w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()]
        target = next((w for w in visible if w.objectName() == "MainWindow"), visible[0] if visible else None)
    if target is None:
        return
    if target.windowState() & Qt.WindowState.WindowMinimized:
        target.setWindowState(target.windowState() & ~Qt.WindowState.WindowMinimized)
    target.show()
    target.raise_()
    target.activateWindow()


def ask_open_window_to_show(folder: Path, wait_ms: int = HANDOVER_MS) -> bool:
    """True when the window already open on `folder` answered and came forward."""
    socket = QLocalSocket()
    socket.connectToServer(instance_lock.channel_name(folder))
    if not socket.waitForConnected(wait_ms):
        return False
    socket.write(SHOW)
    socket.flush()
    answered = socket.waitForReadyRead(wait_ms) and b"ok" in bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answered


def claim(args: argparse.Namespace, app: QApplication) -> FirstWindow | None:
    """The lock for this start's data folder, or None when another window has it (it was brought
    forward, or the person was told) and this start should exit without opening the database."""
    folder = database_folder(args)
    try:
        lock = instance_lock.try_lock(folder)
    except OSError as exc:  # read-only or missing folder: opening the database will say what is wrong
        log.warning("cannot take the window lock in %s: %s", folder, exc)
        return FirstWindow(None, app)
    if lock is not None:
        return FirstWindow(lock, app)
    log.info("sp_desktop is already open on %s; this start exits without opening the database", folder)
    if not ask_open_window_to_show(folder):
        from sp_desktop.ui import messages

        messages.inform(None, "sp_desktop is already open",
                        "sp_desktop is already open on this computer for this directory "
                        f"({folder}). Use the window that is open — look for it in the taskbar. "
                        "Opening a second copy could damage the directory, so this one will close.")
    return None


__all__ = ["FirstWindow", "ask_open_window_to_show", "bring_forward", "claim", "database_folder"]
