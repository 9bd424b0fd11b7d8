"""The daily backup on a large directory: run with
``pytest tests/benchmarks/test_backup_speed.py -m benchmark -s -p no:randomly -o addopts=""``.

On a copy of the synthetic directory (tests/benchmarks/synthetic.py; a 350 MB file at 50,000
services), opened by the app (WAL mode):

* closing the main window when the day's backup is due — what someone shutting the PC down
  waits for (the backup API copy, ``quick_check`` of the copy, fsync, rename, rotation);
* the same backup made by the service with each check — ``quick_check`` (the closing backup)
  and the full ``integrity_check`` ("Back up now…", the hourly background backup) — with the
  check alone timed on the copy.

Wall-clock seconds with the process's CPU seconds beside them (steadier on a busy machine).
Target: closing in a couple of seconds at 50,000 services (it was ~9 s with integrity_check).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sp_desktop.db.engine import Database, sqlite_url  # noqa: E402
from sp_desktop.paths import AppPaths  # noqa: E402
from sp_desktop.services.backups import BackupService  # noqa: E402
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext  # noqa: E402
from tests.benchmarks.synthetic import synthetic_database  # noqa: E402

pytestmark = [pytest.mark.benchmark, pytest.mark.backends("sqlite")]

NOW = datetime(2026, 11, 24, 17, 30, 0)


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _fmt(wall: float, cpu: float) -> str:
    return f"{wall:.2f} s (CPU {cpu:.2f} s)"


def _data_dir(size: int, root: Path) -> AppPaths:
    paths = AppPaths.from_options(root).ensure()
    shutil.copyfile(synthetic_database(size), paths.database_file)
    return paths


@pytest.mark.parametrize("size", [50_000], ids=lambda n: f"{n}")
def test_closing_the_window_with_the_days_backup_due(size: int, tmp_path: Path, qtbot: Any) -> None:
    from sp_desktop.db.migrate import MigrationResult, head_revision
    from sp_desktop.domain.enums import AppRole
    from sp_desktop.runtime import Runtime
    from sp_desktop.services.base import Actor
    from sp_desktop.ui.main_window import MainWindow

    paths = _data_dir(size, tmp_path / "data")
    db = Database.open(sqlite_url(paths.database_file))
    migrated = MigrationResult(head_revision(), head_revision(), None)
    runtime = Runtime(paths, db, FixedClock(NOW), False, migrated)
    window = MainWindow(runtime, runtime.context(Actor(1, "Bench Admin", AppRole.ADMINISTRATOR)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wall, cpu, _ = _timed(window.close)
    backups = BackupService(runtime.context(SYSTEM), paths).list_backups()
    size_mb = synthetic_database(size).stat().st_size / 1e6
    print(f"\n[benchmark] closing the window at {size:,} services ({size_mb:.0f} MB file), the day's backup "
          f"due: {_fmt(wall, cpu)} (target: a couple of seconds)", flush=True)
    db.dispose()
    assert len(backups) == 1
    assert wall < 2 * 5  # loose: the printed figure is the point


@pytest.mark.parametrize("size", [50_000], ids=lambda n: f"{n}")
def test_backup_with_each_check(size: int, tmp_path: Path) -> None:
    paths = _data_dir(size, tmp_path / "data")
    db = Database.open(sqlite_url(paths.database_file))
    clock = FixedClock(NOW)
    figures = []
    try:
        for full in (False, True):
            for p in paths.backup_dir.glob("*"):
                p.unlink()
            service = BackupService(ServiceContext(db, clock, SYSTEM), paths)
            wall, cpu, info = _timed(lambda s=service, f=full: s.automatic_backup(full_check=f))
            assert info is not None and info.full_check is full
            conn = sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)
            try:
                pragma = "integrity_check" if full else "quick_check"
                check_wall, check_cpu, rows = _timed(
                    lambda c=conn, p=pragma: c.execute(f"PRAGMA {p}").fetchall())
            finally:
                conn.close()
            assert rows == [("ok",)]
            figures.append(f"with {pragma} {_fmt(wall, cpu)} (the check alone {_fmt(check_wall, check_cpu)})")
    finally:
        db.dispose()
    print(f"\n[benchmark] daily backup at {size:,} services: " + "; ".join(figures), flush=True)
