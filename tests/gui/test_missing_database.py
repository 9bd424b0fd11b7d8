"""The window's start-up, when the practice database has gone: the real message says it is missing
(not "damaged"), offers the newest checked backup, and restoring it opens the practice's data. A new,
empty directory is never made without the explicit choice."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from sp_desktop.db.migrate import sqlite_backup
from sp_desktop.runtime import Runtime, open_runtime
from sp_desktop.services.base import SYSTEM, FixedClock
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.ui import messages, recovery

NOW = datetime(2026, 12, 7, 9, 0, 0)


def _opener(args: argparse.Namespace) -> Runtime:
    return open_runtime(args, FixedClock(NOW))


def test_missing_database_offers_the_backup_and_restoring_opens_the_data(
        qtbot: Any, qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = argparse.Namespace(data_dir=str(tmp_path / "data"), demo=False, database_url=None)
    rt = _opener(args)
    DirectoryService(rt.context(SYSTEM)).save_organisation(OrganisationForm(name="Paisley Food Bank"))
    rt.close()
    database = tmp_path / "data" / "directory.sqlite3"
    sqlite_backup(database, tmp_path / "data" / "backups" / "sp_desktop-backup-2026-12-06-180000.sqlite3")
    database.unlink()  # deleted by mistake, or a sync tool lost it
    informed: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: informed.append(title))
    seen: dict[str, Any] = {}

    def choose_restore() -> None:
        box = next(w for w in qapp.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        seen["buttons"] = [b.text() for b in box.buttons()]
        restore = next(b for b in box.buttons() if b.text().startswith("Restore the backup from"))
        assert box.defaultButton() is restore  # Enter restores; nothing destructive is the default
        restore.click()

    QTimer.singleShot(100, choose_restore)
    runtime = recovery.open_runtime_interactive(args, opener=_opener)
    assert runtime is not None
    try:
        assert "Paisley Food Bank" in dict(DirectoryService(runtime.context(SYSTEM)).organisations()).values()
    finally:
        runtime.close()
    assert seen["title"] == "The directory database is missing"
    assert "has not started a new, empty directory" in seen["text"]
    assert "Start a new, empty directory" in seen["buttons"] and "Quit" in seen["buttons"]
    assert informed == ["Backup restored"]
