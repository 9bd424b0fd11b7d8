"""Crash safety: a process writing through the services is killed with SIGKILL at random moments.

After every kill the database file must pass ``PRAGMA integrity_check`` (and the FTS5 search
index its own integrity check), and every change the writer reported as committed must be
there, complete. The random seed is printed; rerun a failure with ``SP_KILL_SEED=<seed>``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.bootstrap import open_database
from sp_desktop.services.directory import DirectoryService

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("writer_child.py")
KILLS = 20
TIME_BUDGET_S = 75.0  # all kills together; each round is ~1-2 s on a quiet machine


class _Reader(threading.Thread):
    """Collects the writer's stdout lines as they arrive."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.proc = proc
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.first_number = threading.Event()

    def run(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            self.lines.append(line)
            if line == "ready":
                self.ready.set()
            elif line.isdigit():
                self.first_number.set()
        self.ready.set()
        self.first_number.set()

    def numbers(self) -> list[int]:
        return [int(x) for x in self.lines if x.isdigit()]


def _check_database(path: Path, reported: set[int]) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        # the FTS5 index agrees with its content (raises SQLITE_CORRUPT if not)
        con.execute("INSERT INTO service_fts(service_fts, rank) VALUES ('integrity-check', 1)")
        con.commit()
        assert con.execute("SELECT count(*) FROM service_fts").fetchone()[0] == \
            con.execute("SELECT count(*) FROM service").fetchone()[0]
        orgs = {int(name.rsplit(" ", 1)[1]): oid for oid, name in
                con.execute("SELECT id, name FROM organisation WHERE name LIKE 'Writer org %'")}
        services = {int(name.rsplit(" ", 1)[1]): (sid, oid) for sid, name, oid in
                    con.execute("SELECT id, name, organisation_id FROM service"
                                " WHERE name LIKE 'Writer service %'")}

        def count(sql: str, ident: int) -> int:
            return int(con.execute(sql, (ident,)).fetchone()[0])

        missing = sorted(n for n in reported if n not in orgs or n not in services)
        assert not missing, f"changes reported as committed but missing after the kill: {missing[:20]}"
        for n in reported:
            oid = orgs[n]
            sid, s_org = services[n]
            assert s_org == oid
            assert count("SELECT count(*) FROM contact WHERE organisation_id = ?", oid) == 1
            assert count("SELECT count(*) FROM location WHERE organisation_id = ?", oid) == 1
            assert count("SELECT count(*) FROM service_at_location WHERE service_id = ?", sid) == 1
            assert count("SELECT count(*) FROM audit_event WHERE entity_type = 'service' AND entity_id = ?"
                         " AND action = 'create'", sid) == 1
    finally:
        con.close()


def test_killed_writer_never_corrupts_or_loses_committed_changes(tmp_path: Path) -> None:
    seed = int(os.environ.get("SP_KILL_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\nkill-writer seed: {seed} (rerun with SP_KILL_SEED={seed})")
    rng = random.Random(seed)
    path = tmp_path / "directory.sqlite3"
    db, _ = open_database(sqlite_url(path), FixedClock(datetime(2026, 11, 24, 10)), None)
    db.dispose()

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    reported: set[int] = set()
    started = time.monotonic()
    kills = 0
    for round_no in range(1, KILLS + 1):
        assert time.monotonic() - started < TIME_BUDGET_S, \
            f"only {kills} kills fitted in {TIME_BUDGET_S:.0f} s (machine too busy?)"
        proc = subprocess.Popen([sys.executable, str(CHILD), str(path), str(round_no * 100_000)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        reader = _Reader(proc)
        reader.start()
        try:
            # Mostly kill while writes are under way; now and then during start-up.
            if rng.random() < 0.15:
                assert reader.ready.wait(60), "writer did not start"
                time.sleep(rng.uniform(0.0, 0.05))
            else:
                assert reader.first_number.wait(60), "writer made no change"
                time.sleep(rng.uniform(0.0, 0.6))
            if proc.poll() is not None:
                pytest.fail(f"writer stopped by itself (exit {proc.returncode}):\n{proc.stderr.read()}")
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reader.join(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
        assert proc.returncode == -signal.SIGKILL
        kills += 1
        numbers = reader.numbers()
        reported.update(numbers)
        _check_database(path, reported)

    # The app still opens the survivor and finds the last change through its own search.
    db = Database.open(sqlite_url(path))
    try:
        last = max(reported)
        result = DirectoryService(ServiceContext(db, FixedClock(datetime(2026, 11, 24)),
                                                 SYSTEM)).search(f"Writer service {last}")
        assert any(r.name == f"Writer service {last}" for r in result.rows)
    finally:
        db.dispose()
    elapsed = time.monotonic() - started
    print(f"{kills} kills, {len(reported)} committed changes checked, {elapsed:.1f} s")
    assert kills >= 20
    assert len(reported) >= 20, "too few changes were made to mean anything"
