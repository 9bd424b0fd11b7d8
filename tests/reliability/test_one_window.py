"""One window per data folder, and nothing opens the database file behind SQLite's back (issue 24, point 8).

A double-click too many used to start a second window on the same SQLite folder; closing it deleted
the first window's -wal and -shm files while the first was still open and writing. Two causes, both
tested here with real processes and real files:

* the second start ran its start-up check and opened the database: it now takes the folder's lock
  first, brings the open window forward and exits without touching the database;
* the header check read the file with a plain open(); on POSIX, closing any descriptor of a file
  drops every lock the process holds on it, so the open window lost its SQLite locks and another
  program's close took them as "last one out" and removed the -wal file.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from sp_desktop import instance_lock
from sp_desktop.db import integrity
from sp_desktop.db.engine import Database
from sp_desktop.paths import AppPaths
from sp_desktop.services.base import FixedClock
from tests.conftest import FIXED_NOW

ROOT = Path(__file__).resolve().parents[2]

_OTHER_PROGRAM = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=5)
con.execute("SELECT count(*) FROM sqlite_master").fetchone()
con.close()
"""

_FIRST_WINDOW = """
import runpy, sys
import sp_desktop.app as app_module
from sp_desktop.services.base import SYSTEM
app_module.sign_in_function = lambda: (lambda runtime, app: SYSTEM)  # the sign-in dialog is tested elsewhere
import sp_desktop.ui.recovery as recovery
import sp_desktop.ui.single_instance as single
shown = recovery.after_show
def after_show(window, app):
    print("WINDOW SHOWN", flush=True)
    shown(window, app)
recovery.after_show = after_show
raise_ = single.bring_forward
def bring_forward(app):
    print("BROUGHT FORWARD", flush=True)
    raise_(app)
single.bring_forward = bring_forward
sys.argv = ["sp_desktop", "--data-dir", sys.argv[1]]
runpy.run_module("sp_desktop", run_name="__main__")
"""


def _companions(path: Path) -> tuple[Path, Path]:
    return Path(str(path) + "-wal"), Path(str(path) + "-shm")


def _write(db: Database, n: int) -> None:
    with db.write(FixedClock(FIXED_NOW)) as s:
        s.execute(text("CREATE TABLE IF NOT EXISTS fault_probe (n INTEGER)"))
        s.execute(text("INSERT INTO fault_probe (n) VALUES (:n)"), {"n": n})


@pytest.mark.skipif(os.name == "nt", reason="POSIX advisory locks")
def test_the_quick_check_in_an_open_window_keeps_its_sqlite_locks(db: Database, app_paths: AppPaths) -> None:
    path = app_paths.database_file
    _write(db, 1)
    wal, shm = _companions(path)
    assert wal.exists() and shm.exists()
    # what the open window does a few seconds after start for a large file (and weekly for any)
    assert integrity.background_quick_check(path, path.parent, FIXED_NOW).ok
    assert integrity.check_file(path, full=True).ok
    # another program (a second copy, a backup tool) opens the database and closes it
    subprocess.run([sys.executable, "-c", _OTHER_PROGRAM, str(path)], check=True, timeout=60)
    assert wal.exists() and shm.exists(), "another program's close removed the open window's WAL"
    _write(db, 2)  # and the window carries on writing to the same WAL
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM fault_probe")).scalar() == 2


def test_a_damaged_header_is_still_found_without_a_plain_open(tmp_path: Path) -> None:
    bad = tmp_path / "directory.sqlite3"
    bad.write_bytes(b"this is not a database at all" * 200)
    result = integrity.check_file(bad)
    assert not result.ok and "not an SQLite database" in result.problems[0]
    assert not integrity.light_check(bad).ok


def test_the_folder_lock_lets_one_holder_in_and_frees_itself(tmp_path: Path) -> None:
    first = instance_lock.try_lock(tmp_path)
    assert first is not None
    assert instance_lock.try_lock(tmp_path) is None  # the same folder, a second window
    other = instance_lock.try_lock(tmp_path / "elsewhere")  # another folder is independent
    assert other is not None
    first.release()
    again = instance_lock.try_lock(tmp_path)
    assert again is not None
    again.release()
    other.release()


def test_a_crashed_window_leaves_no_lock_behind(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from sp_desktop import instance_lock as l; "
        "k = l.try_lock(__import__('pathlib').Path(sys.argv[1])); print('HELD', flush=True); time.sleep(60)"),
        str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        assert instance_lock.try_lock(tmp_path) is None
    finally:
        holder.kill()  # as if the PC's power went
        holder.communicate(timeout=30)
    lock = instance_lock.try_lock(tmp_path)
    assert lock is not None
    lock.release()


@pytest.mark.timeout(180)
def test_a_second_start_brings_the_first_window_forward_and_leaves_its_files_alone(
        db: Database, app_paths: AppPaths, tmp_path: Path) -> None:
    db.dispose()  # the windows open the (migrated) database file themselves
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("SP_DESKTOP_BENCH_EXIT", None)
    errors = (tmp_path / "first-window.err").open("w")
    first = subprocess.Popen([sys.executable, "-c", _FIRST_WINDOW, str(app_paths.data_dir)], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
    lines: queue.Queue[str] = queue.Queue()
    out = first.stdout
    assert out is not None
    threading.Thread(target=lambda: [lines.put(x.strip()) for x in out], daemon=True).start()
    try:
        try:
            assert lines.get(timeout=90) == "WINDOW SHOWN"
        except queue.Empty:
            why = (tmp_path / "first-window.err").read_text()[-2000:]
            pytest.fail("the first window did not open: " + why)
        wal, shm = _companions(app_paths.database_file)
        assert wal.exists() and shm.exists()
        before = (wal.stat().st_ino, shm.stat().st_ino)

        started = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "sp_desktop", "--data-dir", str(app_paths.data_dir)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        took = time.monotonic() - started
        assert second.returncode == 0, second.stderr[-2000:]
        assert lines.get(timeout=10) == "BROUGHT FORWARD"
        assert took < 20
        # the second start and its close left the first window's files exactly where they were
        assert wal.exists() and shm.exists()
        assert (wal.stat().st_ino, shm.stat().st_ino) == before
        assert first.poll() is None  # the first window is still open
        con = sqlite3.connect(app_paths.database_file)
        try:
            assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            con.close()
    finally:
        first.kill()
        first.wait(30)
        out.close()
        errors.close()
