"""Start-up check: a damaged database is put aside (never deleted), the newest good backup offered
and restored by copying; the weekly full check is remembered."""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sp_desktop.db import integrity
from sp_desktop.db.engine import Database
from sp_desktop.db.migrate import sqlite_backup
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import StartupError, open_runtime
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.services.health import DamagedDatabase
from sp_desktop.services.settings import SettingsService
from tests.reliability.damage import checkpoint as _checkpoint
from tests.reliability.damage import corrupt

NOW = datetime(2026, 11, 24, 10, 0, 0)


def _args(paths: AppPaths, demo: bool = False) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(paths.data_dir), demo=demo, database_url=None)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_org(db: Database, name: str) -> None:
    directory = DirectoryService(ServiceContext(db, FixedClock(NOW), SYSTEM))
    directory.save_organisation(OrganisationForm(name=name))


def _org_names(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM organisation")}
    finally:
        con.close()


def _backup(source: Path, dest: Path, mtime: float) -> Path:
    sqlite_backup(source, dest)
    os.utime(dest, (mtime, mtime))
    return dest


@pytest.fixture
def practice(db: Database, app_paths: AppPaths) -> Path:
    """The practice database (a real file in the data folder) with two organisations, closed."""
    _add_org(db, "Paisley Food Bank")
    _add_org(db, "Renfrew Carers Centre")
    db.dispose()
    _checkpoint(app_paths.database_file)
    return app_paths.database_file


def test_healthy_database_opens_and_is_left_alone(practice: Path, app_paths: AppPaths) -> None:
    rt = open_runtime(_args(app_paths), FixedClock(NOW))
    rt.close()
    assert practice.exists()
    assert not list(app_paths.data_dir.glob("*.damaged-*"))


def test_damaged_database_is_put_aside_and_newest_good_backup_offered(practice: Path,
                                                                      app_paths: AppPaths) -> None:
    now = time.time()
    old_good = _backup(practice, app_paths.backup_dir / "daily-2026-11-20.sqlite3", now - 3 * 86400)
    newer_good = _backup(practice, app_paths.backup_dir / "daily-2026-11-22.sqlite3", now - 86400)
    newest_bad = _backup(practice, app_paths.backup_dir / "daily-2026-11-23.sqlite3", now - 3600)
    corrupt(newest_bad)
    os.utime(newest_bad, (now - 3600, now - 3600))
    (app_paths.backup_dir / "notes.sqlite3").write_text("not a database")  # ignored
    corrupt(practice)
    damaged_hash = _sha(practice)

    with pytest.raises(DamagedDatabase) as caught:
        open_runtime(_args(app_paths), FixedClock(NOW))
    report = caught.value.report
    assert isinstance(caught.value, StartupError)
    # moved aside, byte for byte, with a timestamp; nothing at the old path
    assert not practice.exists()
    assert report.moved_to == app_paths.data_dir / "directory.damaged-20261124-100000.sqlite3"
    assert _sha(report.moved_to) == damaged_hash
    assert report.backup is not None and report.backup.path == newer_good.resolve()
    message = str(caught.value)
    assert "damaged" in message and str(report.moved_to) in message and str(newer_good.resolve()) in message
    assert "Nothing has been deleted" in message

    # restoring copies the backup (it stays, unchanged) and the app opens with the data
    backup_hash = _sha(newer_good)
    integrity.restore_after_damage(report, app_paths.data_dir)
    assert newer_good.exists() and _sha(newer_good) == backup_hash and old_good.exists()
    rt = open_runtime(_args(app_paths), FixedClock(NOW))
    try:
        names = {r.organisation_name for r in DirectoryService(rt.context(SYSTEM)).search("").rows} | \
            set(dict(DirectoryService(rt.context(SYSTEM)).organisations()).values())
    finally:
        rt.close()
    assert {"Paisley Food Bank", "Renfrew Carers Centre"} <= names
    assert report.moved_to.exists()  # the damaged file is still kept


def test_quitting_without_choosing_does_not_open_an_empty_directory(practice: Path,
                                                                    app_paths: AppPaths) -> None:
    _backup(practice, app_paths.backup_dir / "daily.sqlite3", time.time() - 60)
    corrupt(practice)
    with pytest.raises(DamagedDatabase):
        open_runtime(_args(app_paths), FixedClock(NOW))
    # the person closed the dialog; next start asks again instead of creating a new empty file
    with pytest.raises(DamagedDatabase) as again:
        open_runtime(_args(app_paths), FixedClock(NOW + timedelta(minutes=5)))
    assert again.value.report.backup is not None
    assert not app_paths.database_file.exists()
    assert len(list(app_paths.data_dir.glob("directory.damaged-*.sqlite3"))) == 1


def test_starting_empty_keeps_the_damaged_file(practice: Path, app_paths: AppPaths) -> None:
    corrupt(practice)
    with pytest.raises(DamagedDatabase) as caught:
        open_runtime(_args(app_paths), FixedClock(NOW))
    assert caught.value.report.backup is None
    assert "No backup that checks out was found" in str(caught.value)
    integrity.start_empty(app_paths.data_dir)
    rt = open_runtime(_args(app_paths), FixedClock(NOW))
    try:
        assert DirectoryService(rt.context(SYSTEM)).counts()["organisations"] == 0
    finally:
        rt.close()
    assert caught.value.report.moved_to.exists()


def test_a_file_that_is_not_a_database_is_treated_as_damaged(app_paths: AppPaths) -> None:
    app_paths.database_file.write_bytes(b"PK\x03\x04 this is a zip file, copied over by mistake" * 100)
    with pytest.raises(DamagedDatabase) as caught:
        open_runtime(_args(app_paths), FixedClock(NOW))
    assert caught.value.report.moved_to.read_bytes().startswith(b"PK\x03\x04")


def test_backup_folder_from_practice_settings_is_searched(practice: Path, app_paths: AppPaths,
                                                          tmp_path: Path) -> None:
    usb = tmp_path / "usb-stick"
    usb.mkdir()
    rt = open_runtime(_args(app_paths), FixedClock(NOW))
    SettingsService(rt.context(SYSTEM)).update(backup_folder=str(usb))
    rt.close()
    rt = open_runtime(_args(app_paths), FixedClock(NOW))  # remembers the folder outside the database
    rt.close()
    _checkpoint(practice)
    good = _backup(practice, usb / "sp_desktop-backup.sqlite3", time.time() - 60)
    corrupt(practice)
    with pytest.raises(DamagedDatabase) as caught:
        open_runtime(_args(app_paths), FixedClock(NOW))
    assert caught.value.report.backup is not None and caught.value.report.backup.path == good.resolve()


def test_damaged_demo_database_is_rebuilt_quietly(app_paths: AppPaths) -> None:
    rt = open_runtime(_args(app_paths, demo=True), FixedClock(NOW))
    rt.close()
    corrupt(app_paths.demo_database_file)
    rt = open_runtime(_args(app_paths, demo=True), FixedClock(NOW))
    try:
        assert DirectoryService(rt.context(SYSTEM)).counts()["services"] > 0
    finally:
        rt.close()
    assert list(app_paths.demo_database_file.parent.glob("*.damaged-*"))


def test_full_check_runs_weekly_and_a_failed_one_makes_the_next_start_check_fully(
        practice: Path, app_paths: AppPaths) -> None:
    data = app_paths.data_dir
    assert integrity.full_check_due(data, NOW)
    result = integrity.full_check(practice, data, NOW)
    assert result.ok and result.full
    assert not integrity.full_check_due(data, NOW + timedelta(days=6))
    assert integrity.full_check_due(data, NOW + timedelta(days=7))

    corrupt(practice, table="ix_organisation_name")  # an index: quick_check may not notice
    assert not integrity.full_check(practice, data, NOW + timedelta(days=7)).ok
    with pytest.raises(DamagedDatabase):
        open_runtime(_args(app_paths), FixedClock(NOW + timedelta(days=7, hours=1)))


def test_a_check_stopped_as_the_window_closes_is_not_recorded_and_stays_due(
        practice: Path, app_paths: AppPaths) -> None:
    data = app_paths.data_dir
    polled: list[bool] = []

    def stop() -> bool:  # the window closed while SQLite was checking
        polled.append(True)
        return True

    with pytest.raises(integrity.CheckStopped):
        integrity.full_check(practice, data, NOW, stop=stop)
    assert polled, "SQLite asked whether to stop while it worked"
    assert integrity.full_check_due(data, NOW), "a stopped check is not a check"
    with pytest.raises(integrity.CheckStopped):
        integrity.background_quick_check(practice, data, NOW, stop=stop)
    assert integrity.load_state(data).get("last_full_check_ok") is None, "nothing recorded as failed"
    assert integrity.full_check(practice, data, NOW, stop=lambda: False).ok  # not stopped: a normal check


def test_restore_never_overwrites_an_existing_database(practice: Path, tmp_path: Path) -> None:
    backup = _backup(practice, tmp_path / "b.sqlite3", time.time())
    with pytest.raises(FileExistsError):
        integrity.restore_backup(backup, practice)
    assert _org_names(practice) == {"Paisley Food Bank", "Renfrew Carers Centre"}


def test_large_database_is_quick_checked_after_opening_and_put_aside_next_start(
        practice: Path, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integrity, "SYNC_QUICK_CHECK_BYTES", 0)  # every file counts as large
    corrupt(practice)
    rt = open_runtime(_args(app_paths), FixedClock(NOW))  # header and schema are fine: it opens
    rt.close()
    assert integrity.needs_background_quick_check(practice, app_paths.data_dir)
    result = integrity.background_quick_check(practice, app_paths.data_dir, NOW)  # as the window runs it
    assert not result.ok
    with pytest.raises(DamagedDatabase):
        open_runtime(_args(app_paths), FixedClock(NOW + timedelta(minutes=1)))
    assert not practice.exists()
