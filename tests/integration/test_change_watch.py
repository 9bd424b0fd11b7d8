"""Other PCs' changes are noticed: SQLite's data_version poll and PostgreSQL's LISTEN/NOTIFY say
"changed" after a commit elsewhere (another process), tell our own saves apart, and stay quiet
for reads. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from sp_desktop.db.engine import Database
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import Actor, ServiceContext, SystemClock
from sp_desktop.services.concurrency import PostgresChangeWatcher, watcher_for
from sp_desktop.services.directory import DirectoryService, OrganisationForm

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from sp_desktop.db.engine import Database
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import Actor, ServiceContext, SystemClock
from sp_desktop.services.directory import DirectoryService, OrganisationForm
db = Database.open(sys.argv[1])
ctx = ServiceContext(db, SystemClock(), Actor(None, "Other PC", AppRole.ADMINISTRATOR))
DirectoryService(ctx).save_organisation(OrganisationForm(name=sys.argv[2]))
db.dispose()
"""


def _url(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def _wait_for_change(watcher, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if watcher.poll():
            return True
        time.sleep(0.05)
    return False


def _settle(watcher) -> None:
    """Let notifications already on their way arrive, then forget them."""
    time.sleep(0.6)
    watcher.poll()


def test_changes_from_another_process_are_noticed_and_ours_are_told_apart(db, clock):
    watcher = watcher_for(db)
    assert watcher is not None
    try:
        assert watcher.poll() is False
        d = DirectoryService(ServiceContext(db, clock, Actor(None, "This PC", AppRole.ADMINISTRATOR)))

        d.search("anything")  # reads change nothing
        d.organisations()
        time.sleep(0.6 if not db.is_sqlite else 0)
        assert watcher.poll() is False

        d.save_organisation(OrganisationForm(name="Saved here"))  # our own save
        assert _wait_for_change(watcher)
        assert watcher.elsewhere is False
        _settle(watcher)

        result = subprocess.run([sys.executable, "-c", WRITER, _url(db), "Saved on another PC"], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert _wait_for_change(watcher)
        assert watcher.elsewhere is True
        assert "Saved on another PC" in [name for _, name in d.organisations()]
        _settle(watcher)
        assert watcher.poll() is False
    finally:
        watcher.close()


def test_a_second_connection_pool_counts_as_elsewhere(db, clock):
    """Another window on this PC (its own engine) is "elsewhere" too."""
    watcher = watcher_for(db)
    other = Database.open(db.url)
    try:
        ctx = ServiceContext(other, SystemClock(), Actor(None, "Second window", AppRole.ADMINISTRATOR))
        DirectoryService(ctx).save_organisation(OrganisationForm(name="From the second window"))
        assert _wait_for_change(watcher) and watcher.elsewhere
    finally:
        other.dispose()
        watcher.close()


@pytest.mark.backends("postgresql")
def test_the_listener_reconnects_after_the_server_drops_it_and_reports_a_change(db, clock):
    watcher = PostgresChangeWatcher(db.url, retry_seconds=0.2, db=db)
    try:
        assert watcher.connected.wait(10)
        _settle(watcher)
        from sqlalchemy import text

        with db.engine.begin() as conn:  # the server ends the listening session (restart, network...)
            ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                      "WHERE application_name LIKE 'sp_desktop (listening%'")).scalar()
        assert ended == 1
        assert _wait_for_change(watcher), "a reconnect reports that something may have changed"
        assert not watcher.elsewhere, "but not that another PC changed it: nobody did (issue 24)"
        assert watcher.connected.wait(10)
        _settle(watcher)
        other = Database.open(db.url)
        ctx = ServiceContext(other, SystemClock(), Actor(None, "Other", AppRole.ADMINISTRATOR))
        try:
            DirectoryService(ctx).save_organisation(OrganisationForm(name="After the reconnect"))
        finally:
            ctx.db.dispose()
        assert _wait_for_change(watcher) and watcher.elsewhere
    finally:
        watcher.close()


def _open_files() -> set[str]:
    import os

    out = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            out.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return out


@pytest.mark.backends("sqlite")
@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to list open files")
def test_the_watcher_lets_go_of_the_file_when_the_database_is_closed(db, clock):
    """A restore replaces the file after closing the database; Windows cannot replace a file
    that anything (such as the watcher) still holds open."""
    path = str(db.sqlite_path)
    watcher = watcher_for(db)
    try:
        assert path in _open_files()
        db.dispose()
        assert not {f for f in _open_files() if f.startswith(path)}, "nothing holds the file open"
        assert watcher.poll() is False and not {f for f in _open_files() if f.startswith(path)}
        ctx = ServiceContext(db, clock, Actor(None, "This PC", AppRole.ADMINISTRATOR))
        DirectoryService(ctx).save_organisation(OrganisationForm(name="After reopening"))
        assert _wait_for_change(watcher), "watching again once the database is in use again"
    finally:
        watcher.close()
