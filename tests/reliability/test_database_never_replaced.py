"""The practice database is never silently replaced: every kind of damage either opens correctly or
is refused with the newest checked backup offered; a newer version's file is left byte for byte.

Each case damages a real file in a real data folder (which has held a directory: it has a backup);
nothing is mocked. The locked case holds a real lock from another process."""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db import engine, integrity
from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.migrate import sqlite_backup
from sp_desktop.domain.errors import ExitCode
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import StartupError, open_runtime
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.services.health import DamagedDatabase
from tests.reliability.damage import checkpoint, corrupt

NOW = datetime(2026, 12, 7, 10, 0, 0)
KEPT = {"Paisley Food Bank", "Renfrew Carers Centre"}


def _args(paths: AppPaths) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(paths.data_dir), demo=False, database_url=None)


def _names(path: Path) -> set[str]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT name FROM organisation")}
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def practice(app_paths: AppPaths) -> dict[str, Path]:
    """A practice data folder: the database (two organisations, opened once by the app so the folder is
    marked), a checked backup of it, and a snapshot of the database with its -wal holding a third
    organisation that was never checkpointed."""
    rt = open_runtime(_args(app_paths), FixedClock(NOW))
    try:
        d = DirectoryService(rt.context(SYSTEM))
        for name in sorted(KEPT):
            d.save_organisation(OrganisationForm(name=name))
    finally:
        rt.close()
    db_file = app_paths.database_file
    checkpoint(db_file)
    backup = sqlite_backup(db_file, app_paths.backup_dir / "sp_desktop-backup-2026-12-06-180000.sqlite3")
    snap = app_paths.data_dir.parent / "snapshot"
    snap.mkdir()
    db = Database.open(sqlite_url(db_file))  # keeps its connection: the -wal is not checkpointed
    try:
        con = db.engine.raw_connection()
        try:
            con.execute("PRAGMA wal_autocheckpoint = 0")
            DirectoryService(ServiceContext(db, FixedClock(NOW), SYSTEM)).save_organisation(
                OrganisationForm(name="Only in the WAL"))
            for f in (db_file, Path(f"{db_file}-wal")):
                shutil.copyfile(f, snap / f.name)
        finally:
            con.close()
    finally:
        db.dispose()
    # back to the checkpointed two-organisation state, closed
    for suffix in ("-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, db_file)
    return {"db": db_file, "backup": backup, "snap_db": snap / db_file.name,
            "snap_wal": snap / f"{db_file.name}-wal"}


def _missing(p: dict[str, Path]) -> None:
    p["db"].unlink()


def _zero_length(p: dict[str, Path]) -> None:
    p["db"].write_bytes(b"")


def _truncated(p: dict[str, Path]) -> None:
    size = p["db"].stat().st_size
    with p["db"].open("r+b") as fh:
        fh.truncate(size // 2)


def _garbage_header(p: dict[str, Path]) -> None:
    with p["db"].open("r+b") as fh:
        fh.write(os.urandom(100))


def _overwritten_page(p: dict[str, Path]) -> None:
    corrupt(p["db"])


def _wal_without_database(p: dict[str, Path]) -> None:
    p["db"].unlink()
    shutil.copyfile(p["snap_wal"], Path(f"{p['db']}-wal"))


def _database_without_wal(p: dict[str, Path]) -> None:
    shutil.copyfile(p["snap_db"], p["db"])  # its -wal (the third organisation) was not copied


def _another_file_type(p: dict[str, Path]) -> None:
    p["db"].write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" * 200)


def _newer_schema(p: dict[str, Path]) -> None:
    con = sqlite3.connect(p["db"])
    con.execute("PRAGMA journal_mode = DELETE")  # a rollback-journal file, as an older SQLite set-up makes
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()


CASES: dict[str, tuple[Callable[[dict[str, Path]], None], str]] = {
    "missing": (_missing, "restore"),
    "zero-length": (_zero_length, "restore"),
    "truncated": (_truncated, "restore"),
    "garbage header": (_garbage_header, "restore"),
    "overwritten page": (_overwritten_page, "restore"),
    "WAL without its database": (_wal_without_database, "restore"),
    "database without its WAL": (_database_without_wal, "opens"),
    "another file type": (_another_file_type, "restore"),
    "newer schema": (_newer_schema, "untouched"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_each_kind_of_damage_opens_or_is_refused_with_a_backup_offered(
        kind: str, practice: dict[str, Path], app_paths: AppPaths) -> None:
    damage, expected = CASES[kind]
    damage(practice)
    before = practice["db"].read_bytes() if practice["db"].exists() else None
    if expected == "opens":
        rt = open_runtime(_args(app_paths), FixedClock(NOW))
        rt.close()
        assert _names(practice["db"]) == KEPT  # the checkpointed data; the lost -wal is not invented
        return
    if expected == "untouched":
        with pytest.raises(StartupError) as caught:
            open_runtime(_args(app_paths), FixedClock(NOW))
        assert "newer version of sp_desktop" in str(caught.value) and "not been changed" in str(caught.value)
        assert practice["db"].read_bytes() == before  # byte for byte, journal mode included
        assert before is not None and before[18:20] == b"\x01\x01"  # still a rollback-journal file
        assert not Path(f"{practice['db']}-wal").exists()
        return
    with pytest.raises(DamagedDatabase) as caught:
        open_runtime(_args(app_paths), FixedClock(NOW))
    report = caught.value.report
    assert report.backup is not None and report.backup.path == practice["backup"].resolve()
    message = str(caught.value)
    assert ("missing" in message or "damaged" in message) and str(practice["backup"].resolve()) in message
    assert "not started a new, empty" in message or "has not opened it" in message
    assert not practice["db"].exists()  # nothing new was made in its place
    if before:
        assert report.moved_to is not None and report.moved_to.read_bytes() == before  # kept, not deleted
    # the next start asks again rather than quietly making an empty directory
    with pytest.raises(DamagedDatabase):
        open_runtime(_args(app_paths), FixedClock(NOW))
    assert not practice["db"].exists()
    # restoring the offered backup brings the practice's directory back
    integrity.restore_after_damage(report, app_paths.data_dir)
    rt = open_runtime(_args(app_paths), FixedClock(NOW))
    try:
        assert set(dict(DirectoryService(rt.context(SYSTEM)).organisations()).values()) == KEPT
    finally:
        rt.close()


def test_read_only_database_is_refused_plainly_and_left_alone(practice: dict[str, Path],
                                                              app_paths: AppPaths) -> None:
    db_file = practice["db"]
    if os.geteuid() == 0:  # root ignores file modes; an immutable file is read-only even for root
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db_file)],
                                                            capture_output=True).returncode != 0:
            pytest.skip("running as root on a file system without chattr +i: cannot make a read-only file")
    else:
        db_file.chmod(0o444)
    before = db_file.read_bytes()
    try:
        with pytest.raises(StartupError) as caught:
            open_runtime(_args(app_paths), FixedClock(NOW))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db_file)], check=True)
        else:
            db_file.chmod(0o600)
    message = str(caught.value)
    assert not isinstance(caught.value, DamagedDatabase)  # not damaged: nothing to restore
    assert str(db_file) in message and "read-only" in message.lower()
    assert db_file.read_bytes() == before


LOCK_HOLDER = r'''
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA locking_mode = EXCLUSIVE")
con.execute("BEGIN EXCLUSIVE")
con.execute("CREATE TABLE IF NOT EXISTS held_by_another_program (x)")
print("locked", flush=True)
sys.stdin.read()
'''


def test_database_locked_by_another_process_is_refused_plainly(practice: dict[str, Path], app_paths: AppPaths,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 1_000)  # wait one second, not fifteen
    monkeypatch.setattr(integrity, "BUSY_SECONDS", 1.0)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(practice["db"])], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StartupError) as caught:
            open_runtime(_args(app_paths), FixedClock(NOW))
    finally:
        holder.communicate("", timeout=30)
    message = str(caught.value)
    assert not isinstance(caught.value, DamagedDatabase)
    assert "in use" in message and str(practice["db"]) in message
    assert practice["db"].exists() and not list(app_paths.data_dir.glob("*.damaged-*"))
    rt = open_runtime(_args(app_paths), FixedClock(NOW))  # once the other program lets go, it opens
    rt.close()


def test_a_truly_first_run_makes_a_new_directory(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "brand-new")
    rt = open_runtime(_args(paths), FixedClock(NOW))
    rt.close()
    assert paths.database_file.exists() and (paths.data_dir / integrity.MARKER_FILE).exists()


def test_the_marker_alone_is_enough_and_a_new_empty_directory_needs_the_explicit_choice(
        practice: dict[str, Path], app_paths: AppPaths) -> None:
    practice["backup"].unlink()  # no backups at all: only the marker says a directory lived here
    practice["db"].unlink()
    with pytest.raises(DamagedDatabase) as caught:
        open_runtime(_args(app_paths), FixedClock(NOW))
    assert caught.value.report.kind == "missing" and caught.value.report.backup is None
    assert integrity.MARKER_FILE in str(caught.value) and "sp-desktop restore FILE" in str(caught.value)
    integrity.start_empty(app_paths.data_dir)  # "Start a new, empty directory"
    rt = open_runtime(_args(app_paths), FixedClock(NOW))
    try:
        assert DirectoryService(rt.context(SYSTEM)).counts()["organisations"] == 0
    finally:
        rt.close()
    # the choice was used up: losing this new database is refused again
    app_paths.database_file.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{app_paths.database_file}{suffix}").unlink(missing_ok=True)
    with pytest.raises(DamagedDatabase):
        open_runtime(_args(app_paths), FixedClock(NOW))


def test_restore_command_brings_back_a_missing_database(practice: dict[str, Path],
                                                        app_paths: AppPaths) -> None:
    practice["db"].unlink()
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(["restore", "--yes", "--data-dir", str(app_paths.data_dir)])
    assert run_command(args, out, err) == ExitCode.DONE, err.getvalue()
    assert "is missing" in out.getvalue() and str(practice["backup"].resolve()) in out.getvalue()
    assert _names(practice["db"]) == KEPT
    # and without a backup, the command says there is nothing to restore (exit 1), changing nothing
    practice["db"].unlink()
    practice["backup"].unlink()
    args = build_parser().parse_args(["restore", "--yes", "--data-dir", str(app_paths.data_dir)])
    assert run_command(args, io.StringIO(), err := io.StringIO()) == ExitCode.REFUSED
    assert "No backup that checks out" in err.getvalue() and not practice["db"].exists()
