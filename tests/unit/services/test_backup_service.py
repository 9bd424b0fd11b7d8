"""Backups and restore on real files: checked copies, rotation, the chosen folder, restore with
a safety copy, and damaged or foreign files refused."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.models import AuditEvent, Organisation
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.backups import (
    BackupFailed,
    BackupService,
    BackupUnavailable,
    RestoreRefused,
    copy_database,
    prune,
)
from sp_desktop.services.base import SYSTEM, PermissionDenied, ServiceContext
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.services.settings import PracticeSettings, SettingsService

pytestmark = pytest.mark.backends("sqlite")


def _orgs(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Organisation.name).order_by(Organisation.name)))


def _add(ctx, name):
    DirectoryService(ctx).save_organisation(OrganisationForm(name=name))


def test_back_up_now_makes_a_checked_single_file_copy(ctx, app_paths):
    _add(ctx, "Knit and Natter")
    service = BackupService(ctx, app_paths)
    assert service.status_text() == "! Not backed up yet"
    info = service.back_up_now()
    assert info.path.parent == app_paths.backup_dir and info.path.name.startswith(
        "sp_desktop-backup-2026-11-24"
    )
    assert not Path(str(info.path) + ".part").exists()
    conn = sqlite3.connect(info.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        assert conn.execute("SELECT name FROM organisation").fetchall() == [("Knit and Natter",)]
    finally:
        conn.close()
    assert service.status_text() == "✓ Backed up today"
    assert "checked: OK" in info.describe()


def test_automatic_backups_at_most_daily_and_rotated(ctx, app_paths, clock):
    service = BackupService(ctx, app_paths, PracticeSettings(backups_keep_daily=7, backups_keep_weekly=4))
    app_paths.backup_dir.mkdir(parents=True, exist_ok=True)
    keep_me = [
        app_paths.backup_dir / "notes.txt",
        app_paths.backup_dir / "before-restore-2026-01-01-000000.sqlite3",
    ]
    for p in keep_me:
        p.write_text("not ours to delete")
    assert service.automatic_backup() is not None
    clock.advance(hours=3)
    assert service.automatic_backup() is None  # already one today
    for _ in range(45):
        clock.advance(days=1)
        assert service.automatic_backup() is not None
    days = sorted(b.taken_at.date() for b in service.list_backups())
    today = clock.now().date()
    assert days[-7:] == [today - timedelta(days=n) for n in range(6, -1, -1)]  # the last 7 days
    assert len(days) == 11  # and one from each of the 4 weeks before
    weekly = days[:4]
    assert len({d.isocalendar()[:2] for d in weekly}) == 4
    assert all(p.exists() for p in keep_me)


def test_prune_keeps_the_newest_even_with_no_rules():
    from datetime import datetime

    backups = [(Path(f"b{i}"), datetime(2026, 1, 1 + i)) for i in range(5)]
    assert prune(backups, 0, 0) == [Path("b3"), Path("b2"), Path("b1"), Path("b0")]


def test_backups_go_to_the_chosen_folder_or_beside_the_data_when_it_is_missing(ctx, app_paths, tmp_path):
    share = tmp_path / "practice share" / "sp backups"
    SettingsService(ctx).update(backup_folder=str(share))
    info = BackupService(ctx, app_paths).back_up_now()
    assert info.path.parent == share and not info.note
    blocker = tmp_path / "usb-drive-not-plugged-in"
    blocker.write_text("a file where the folder should be")
    SettingsService(ctx).update(backup_folder=str(blocker / "backups"))
    info = BackupService(ctx, app_paths).back_up_now()
    assert info.path.parent == app_paths.backup_dir and "could not be reached" in info.note


def test_restore_puts_the_backup_back_and_keeps_the_current_data(ctx, app_paths, db):
    _add(ctx, "Knit and Natter")
    backup = BackupService(ctx, app_paths).back_up_now().path
    ctx.clock.advance(hours=2)
    _add(ctx, "Added after the backup")
    service = BackupService(ctx, app_paths)
    summary = service.inspect(backup)
    assert summary.counts["organisations"] == 1 and summary.taken_at.date().isoformat() == "2026-11-24"
    assert not summary.needs_upgrade and "1 organisation," in summary.describe()
    result = service.restore(backup)
    assert "must now restart" in result.describe()
    # the app restarts: open the database file afresh
    fresh = Database.open(sqlite_url(app_paths.database_file))
    try:
        assert _orgs(fresh) == ["Knit and Natter"]
        with fresh.read() as s:
            events = s.execute(select(AuditEvent.staff_name, AuditEvent.summary)
                               .where(AuditEvent.entity_type == "database")).all()
        assert [e.staff_name for e in events] == ["Alex Admin"]
        assert backup.name in events[0].summary
    finally:
        fresh.dispose()
    kept = Database.open(sqlite_url(result.previous_saved_to))
    try:
        assert _orgs(kept) == ["Added after the backup", "Knit and Natter"]  # nothing was lost
    finally:
        kept.dispose()


def _damaged(src: Path, dest: Path, how: str) -> Path:
    data = bytearray(src.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 3]
    else:
        for offset in range(4096, len(data), 4096):  # scribble over the start of every page after the first
            data[offset: offset + 64] = b"\xa5" * 64
    dest.write_bytes(bytes(data))
    return dest


@pytest.mark.parametrize("how", ["truncated", "scribbled"])
def test_a_damaged_backup_is_refused_and_nothing_changes(ctx, app_paths, tmp_path, how):
    _add(ctx, "Knit and Natter")
    good = BackupService(ctx, app_paths).back_up_now().path
    bad = _damaged(good, tmp_path / f"{how}.sqlite3", how)
    _add(ctx, "Still here")
    before = sorted(p.name for p in app_paths.backup_dir.iterdir())
    with pytest.raises(RestoreRefused, match="damaged and cannot be restored"):
        BackupService(ctx, app_paths).restore(bad)
    assert _orgs(ctx.db) == ["Knit and Natter", "Still here"]
    assert sorted(p.name for p in app_paths.backup_dir.iterdir()) == before  # no safety copy needed


def test_files_that_are_not_sp_desktop_backups_are_refused(ctx, app_paths, tmp_path):
    service = BackupService(ctx, app_paths)
    text = tmp_path / "notes.sqlite3"
    text.write_text("hello")
    with pytest.raises(RestoreRefused, match="not a database file at all"):
        service.inspect(text)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(RestoreRefused, match="not an sp_desktop directory"):
        service.inspect(other)
    newer = BackupService(ctx, app_paths).back_up_now(dest=tmp_path / "newer.sqlite3").path
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    with pytest.raises(RestoreRefused, match="newer version of sp_desktop"):
        service.inspect(newer)
    with pytest.raises(RestoreRefused, match="does not exist"):
        service.inspect(tmp_path / "missing.sqlite3")


def test_only_an_administrator_backs_up_or_restores(ctx_as, app_paths):
    lead = ctx_as(AppRole.VETTING_LEAD, "Vera Vetting")
    service = BackupService(lead, app_paths)
    with pytest.raises(PermissionDenied):
        service.back_up_now()
    with pytest.raises(PermissionDenied):
        service.restore(app_paths.database_file)
    assert service.automatic_backup() is not None  # the automatic one runs whoever is signed in


def test_on_postgresql_backups_are_the_servers_job(app_paths, clock):
    db = Database.open("postgresql+psycopg://practice@db-server.example/sp")  # never connected
    try:
        service = BackupService(ServiceContext(db, clock, SYSTEM), app_paths, PracticeSettings())
        assert service.status_text() == "Backups: by the server"
        assert service.automatic_backup() is None
        with pytest.raises(BackupUnavailable, match="pg_dump"):
            service.back_up_now()
        with pytest.raises(BackupUnavailable, match="pg_dump"):
            service.restore(app_paths.database_file)
    finally:
        db.dispose()


def test_the_copy_is_made_while_the_database_is_in_use(ctx, app_paths):
    _add(ctx, "Knit and Natter")
    with ctx.db.read() as s:  # an open reader (another window, say) does not block the backup
        assert s.scalar(select(func.count()).select_from(Organisation)) == 1
        info = BackupService(ctx, app_paths).back_up_now()
    assert BackupService(ctx, app_paths).inspect(info.path).counts["organisations"] == 1


def test_the_backup_on_closing_reads_every_page_of_the_copy(ctx, app_paths, tmp_path):
    # The window closing asks for quick_check rather than integrity_check (seconds on a large
    # file): still a checked, self-contained copy, and a copy with damaged pages is never kept.
    _add(ctx, "Knit and Natter")
    info = BackupService(ctx, app_paths).automatic_backup(full_check=False)
    assert info is not None and not info.full_check and "quick check: OK" in info.describe()
    conn = sqlite3.connect(info.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert BackupService(ctx, app_paths).status_text() == "✓ Backed up today"

    data = bytearray(info.path.read_bytes())
    data[-4096:-4096 + 64] = b"\xa5" * 64  # the header of the last page: the schema still reads
    scribbled = tmp_path / "scribbled.sqlite3"
    scribbled.write_bytes(bytes(data))
    dest = tmp_path / "out" / "copy.sqlite3"
    with pytest.raises(BackupFailed, match="integrity check"):
        copy_database(scribbled, dest, full_check=False)
    assert not dest.exists() and not Path(str(dest) + ".part").exists()


def _index_out_of_step(path: Path) -> Path:
    """A file whose pages are all sound but whose index no longer matches its table (one index
    entry's text changed on disk): only the full integrity_check notices."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("CREATE INDEX t_name ON t (name)")
    conn.executemany("INSERT INTO t (name) VALUES (?)", [(f"name-{i:04d}",) for i in range(1, 101)])
    conn.commit()
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 't_name'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    at = data.index(b"name-0100", start, start + page_size)  # the last entry: order is kept
    data[at:at + 9] = b"name-0199"
    path.write_bytes(bytes(data))
    return path


def test_the_index_cross_check_is_left_to_the_full_checks(ctx, app_paths, tmp_path):
    source = _index_out_of_step(tmp_path / "source.sqlite3")
    quick = copy_database(source, tmp_path / "quick.sqlite3", full_check=False)
    assert quick.exists()  # quick_check: every page is sound
    with pytest.raises(BackupFailed, match="integrity check"):  # "Back up now…" and the hourly backup
        copy_database(source, tmp_path / "full.sqlite3")
    assert not (tmp_path / "full.sqlite3").exists()
    with pytest.raises(RestoreRefused, match="damaged"):  # and nothing restores the quick copy unchecked
        BackupService(ctx, app_paths).inspect(quick)


@pytest.mark.parametrize("stop_at", ["Copying the database…", "in the check", "Saving the copy…"])
def test_an_abandoned_backup_leaves_the_last_good_one_as_it_was(ctx, app_paths, clock, stop_at):
    # The window closing abandons the day's background backup (ui/data_menu.py): wherever it is
    # stopped, yesterday's backup is untouched, nothing half-made is left, and nothing is rotated.
    import hashlib
    import os
    import time

    from sp_desktop.services.tasks import Cancelled

    _add(ctx, "Knit and Natter")
    with ctx.db.write(ctx.clock) as s:  # enough rows for the check to take many progress-handler turns
        s.execute(Organisation.__table__.insert(), [
            {"uid": f"bulk-{i}", "name": f"Bulk group {i}", "version": 1, "created_at": clock.now(),
             "updated_at": clock.now()} for i in range(3000)])
    service = BackupService(ctx, app_paths)
    good = service.automatic_backup()
    assert good is not None
    before = hashlib.sha256(good.path.read_bytes()).hexdigest()
    stale = good.path.with_name("sp_desktop-backup-2026-11-01-120000.sqlite3.part")  # a killed process's
    stale.write_bytes(b"half a copy")
    week_old = time.time() - 7 * 24 * 3600
    os.utime(stale, (week_old, week_old))
    clock.advance(days=1)
    asked: list[str] = []

    def progress(_done: int, _total: int, text: str) -> bool:
        asked.append(text)
        if stop_at == "in the check":  # the first ask comes before the check, the next from within it
            return asked.count("Checking the copy…") < 2
        return text != stop_at

    with pytest.raises(Cancelled, match="no backup was made"):
        service.automatic_backup(progress)
    assert stop_at in asked or asked.count("Checking the copy…") >= 2
    [kept] = service.list_backups()
    assert kept.path == good.path and hashlib.sha256(kept.path.read_bytes()).hexdigest() == before
    assert not list(app_paths.backup_dir.glob("*.part"))  # this one's and the killed process's
    assert service.status_text() == "! Last backup 24 Nov 2026"
    info = service.automatic_backup()  # the next try makes today's backup as usual
    assert info is not None and info.full_check and len(service.list_backups()) == 2

