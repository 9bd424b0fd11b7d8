""""Connect to practice server…": administrators only; Test connection runs in the background
against the real throw-away server and says what happened; Save remembers it for this PC and
says where the password is kept; "Use this PC's own database" forgets it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt

from sp_desktop.domain.enums import AppRole
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.services.server_connection import FileStore, load_server
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.server_dialog import SAVED, ServerDialog, install_server_action
from sp_desktop.ui.main_window import MainWindow


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, yes="Yes", no="No": said.append(text) or True)
    return said


def _dialog(qtbot: Any, paths: AppPaths) -> ServerDialog:
    dialog = ServerDialog(paths, store=FileStore(), current_database=str(paths.database_file))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.postgres
def test_test_connection_then_save_for_this_pc(qtbot: Any, pg_cluster: Any, app_paths: AppPaths,
                                               told: list[str]) -> None:
    d = _dialog(qtbot, app_paths)
    assert d.database.text() == "practice" and d.user.text() == "sp_desktop" and d.port.value() == 5432
    assert str(app_paths.settings_file) in d.where.text() and "only your" in d.where.text()
    qtbot.keyClicks(d.host, "127.0.0.1")
    d.port.setValue(pg_cluster.port)
    d.database.setText("postgres")
    d.user.setText("sp_app")
    qtbot.keyClicks(d.password, "wrong")
    qtbot.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.test_result.text().startswith("✗"), timeout=15000)
    assert "refused the user name or password" in d.test_result.text()

    d.password.setText(pg_cluster.app_password)
    qtbot.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.test_result.text().startswith("✓"), timeout=15000)
    assert "Connected to PostgreSQL" in d.test_result.text()
    d.grab().save("/tmp/server_dialog.png")

    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.outcome == SAVED and not d.isVisible()
    assert "from the next start" in told[-1] and str(app_paths.settings_file) in told[-1]
    loaded = load_server(app_paths)
    assert loaded is not None and loaded[0].port == pg_cluster.port and loaded[0].user == "sp_app"
    assert json.loads(app_paths.settings_file.read_text())["server"]["password"] == pg_cluster.app_password

    again = _dialog(qtbot, app_paths)  # opens with what was saved
    assert again.host.text() == "127.0.0.1" and again.password.text() == pg_cluster.app_password
    assert again.forget_button.isEnabled()
    qtbot.mouseClick(again.forget_button, Qt.MouseButton.LeftButton)
    assert load_server(app_paths) is None


def test_missing_details_are_named_without_connecting(qtbot: Any, app_paths: AppPaths,
                                                      told: list[str]) -> None:
    d = _dialog(qtbot, app_paths)
    d.database.clear()
    qtbot.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
    assert d.test_result.text().startswith("✗") and "server's name or address" in d.test_result.text()
    assert "database name" in d.test_result.text()
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.isVisible() and load_server(app_paths) is None
    for w in (d.host, d.port, d.database, d.user, d.password, d.test_button, d.save_button, d.forget_button):
        assert w.accessibleName()
    assert not d.forget_button.isEnabled()


def test_only_administrators_get_the_menu_item(qtbot: Any, runtime: Runtime) -> None:
    for role, expected in ((AppRole.ADMINISTRATOR, True), (AppRole.VETTING_LEAD, False),
                           (AppRole.FRONT_DESK, False)):
        window = MainWindow(runtime, runtime.context(Actor(None, role.label, role)))
        qtbot.addWidget(window)
        action = install_server_action(window)
        assert (action is not None) == expected
        if action is not None:
            assert action in window.file_menu.actions()
            assert window.file_menu.actions()[-1].text() == "E&xit"
