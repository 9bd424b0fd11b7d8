"""Disk full and read-only data folders: a plain message, nothing half-written, nothing lost.

Simulated failures (SQLite's own ``max_page_count`` limit gives a real SQLITE_FULL; a
``mode=ro`` connection a real SQLITE_READONLY) run everywhere. Where this machine lets the
tests mount file systems (root in a sandbox that allows it), the same is done for real with a
tiny tmpfs and a read-only bind mount; elsewhere those tests are skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from sp_desktop.db.engine import Database
from sp_desktop.db.errors import StorageError, storage_problem
from sp_desktop.runtime import StartupError, open_runtime
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.directory import ContactForm, DirectoryService, OrganisationForm

NOW = datetime(2026, 11, 24, 10, 0, 0)


def _big_org(n: int) -> OrganisationForm:
    return OrganisationForm(name=f"Big organisation {n}", description=f"{n} " + "x" * 19_000,
                            contacts=[ContactForm(name=f"Person {n}.{i}", role="r" * 150) for i in range(5)])


def _state(path: Path) -> tuple[str, list[str], int, int]:
    con = sqlite3.connect(path)
    try:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        names = sorted(r[0] for r in con.execute("SELECT name FROM organisation"))
        contacts = con.execute("SELECT count(*) FROM contact").fetchone()[0]
        audit = con.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    finally:
        con.close()
    return check, names, contacts, audit


def _args(data_dir: Path) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir), demo=False, database_url=None)


# --------------------------------------------------------------------------- simulated
def test_disk_full_gives_a_plain_message_and_keeps_what_was_saved(db: Database, clock: FixedClock) -> None:
    directory = DirectoryService(ServiceContext(db, clock, SYSTEM))
    directory.save_organisation(OrganisationForm(name="Kept food bank", contacts=[ContactForm(name="Ann")]))
    db.dispose()

    def limit_size(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 3}")

    event.listen(db.engine, "connect", limit_size)
    try:
        with pytest.raises(StorageError) as caught:
            for n in range(20):
                directory.save_organisation(_big_org(n))
    finally:
        event.remove(db.engine, "connect", limit_size)
        db.dispose()
    message = str(caught.value)
    assert "is full" in message and "not saved" in message and "Free some space" in message
    assert str(db.sqlite_path) in message
    assert isinstance(caught.value.__cause__, Exception)  # the technical error is kept for the log

    check, names, contacts, _ = _state(db.sqlite_path)
    assert check == "ok"
    assert "Kept food bank" in names
    # whole transactions only: each saved big organisation has all five contacts, none has fewer
    big = [n for n in names if n.startswith("Big organisation")]
    assert contacts == 1 + 5 * len(big)
    # and the app carries on once space is back
    directory.save_organisation(OrganisationForm(name="After the disk was cleared"))


def test_read_only_database_gives_a_plain_message(db: Database, clock: FixedClock) -> None:
    DirectoryService(ServiceContext(db, clock, SYSTEM)).save_organisation(OrganisationForm(name="Kept"))
    db.dispose()
    path = db.sqlite_path
    assert path is not None
    before = _state(path)
    ro = Database.open(f"sqlite+pysqlite:///file:{path}?mode=ro&uri=true")
    try:
        with pytest.raises(StorageError) as caught:
            directory = DirectoryService(ServiceContext(ro, clock, SYSTEM))
            directory.save_organisation(OrganisationForm(name="Lost"))
    finally:
        ro.dispose()
    assert "read-only" in str(caught.value) and "not saved" in str(caught.value)
    assert _state(path) == before and before[0] == "ok"


@pytest.mark.parametrize(("error", "expected"), [
    (sqlite3.OperationalError("database or disk is full"), "is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
    (sqlite3.OperationalError("disk I/O error"), "disk or network drive error"),
    (sqlite3.OperationalError("unable to open database file"), "cannot be opened"),
    (sqlite3.OperationalError("database is locked"), "try again"),
    (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
    (OSError(28, "No space left on device", "/backups/x.sqlite3"), "disk is full (/backups/x.sqlite3)"),
    (OSError(30, "Read-only file system", "/mnt/x"), "read-only drive"),
])
def test_storage_errors_map_to_plain_messages(error: BaseException, expected: str) -> None:
    from sqlalchemy.exc import OperationalError

    wrapped = OperationalError("INSERT ...", {}, error) if isinstance(error, sqlite3.Error) else error
    message = storage_problem(wrapped, "C:/Practice/directory.sqlite3")
    assert message is not None and expected in message
    assert storage_problem(ValueError("something else")) is None


# --------------------------------------------------------------------------- real file systems
def _run(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True).returncode == 0


@contextlib.contextmanager
def _mounted(*mount_args: str, target: Path) -> Iterator[None]:
    if not _run("mount", *mount_args, str(target)):
        pytest.skip("cannot mount file systems here (needs root and a sandbox that allows mount)")
    try:
        yield
    finally:
        _run("umount", "-l", str(target))


def test_a_tiny_file_system_filling_up(tmp_path: Path) -> None:
    data = tmp_path / "tiny"
    data.mkdir()
    with _mounted("-t", "tmpfs", "-o", "size=3m", "tmpfs", target=data):
        rt = open_runtime(_args(data), FixedClock(NOW))
        directory = DirectoryService(rt.context(SYSTEM))
        directory.save_organisation(OrganisationForm(name="Kept food bank"))
        # leave only a little room, as a nearly full disk would
        filler = data / "filler.bin"
        free = _free_bytes(data)
        with filler.open("wb") as fh:
            fh.write(b"\0" * max(0, free - 96 * 1024))
        try:
            with pytest.raises(StorageError) as caught:
                for n in range(200):
                    directory.save_organisation(_big_org(n))
            assert "is full" in str(caught.value)
        finally:
            rt.close()
        filler.unlink()
        check, names, contacts, _ = _state(data / "directory.sqlite3")
        assert check == "ok" and "Kept food bank" in names
        assert contacts == 5 * len([n for n in names if n.startswith("Big organisation")])
        rt = open_runtime(_args(data), FixedClock(NOW))  # and it opens again normally
        rt.close()


def _free_bytes(path: Path) -> int:
    import os

    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def test_read_only_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "practice"
    rt = open_runtime(_args(data), FixedClock(NOW))
    DirectoryService(rt.context(SYSTEM)).save_organisation(OrganisationForm(name="Kept food bank"))
    rt.close()
    before = _state(data / "directory.sqlite3")
    with _mounted("--bind", str(data), target=data):
        assert _run("mount", "-o", "remount,ro,bind", str(data))
        with pytest.raises(StartupError) as caught:
            open_runtime(_args(data), FixedClock(NOW))
        message = str(caught.value)
        assert str(data) in message and "read-only" in message
    assert _state(data / "directory.sqlite3") == before and before[0] == "ok"


def test_data_folder_turning_read_only_while_open(tmp_path: Path) -> None:
    data = tmp_path / "practice"
    data.mkdir()
    with _mounted("--bind", str(data), target=data):
        rt = open_runtime(_args(data), FixedClock(NOW))
        directory = DirectoryService(rt.context(SYSTEM))
        directory.save_organisation(OrganisationForm(name="Kept food bank"))
        rt.db.dispose()  # a remount to read-only needs no file open for writing
        assert _run("mount", "-o", "remount,ro,bind", str(data))
        try:
            with pytest.raises(StorageError) as caught:
                directory.save_organisation(OrganisationForm(name="Lost"))
            message = str(caught.value)
            assert "not saved" in message or "nothing was read or saved" in message
            assert "read-only" in message
        finally:
            rt.close()
    check, names, _, _ = _state(data / "directory.sqlite3")
    assert check == "ok" and "Kept food bank" in names and "Lost" not in names
