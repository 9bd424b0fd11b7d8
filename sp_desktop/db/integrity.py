"""Checking the SQLite database file, and what to do when it is damaged. Qt-free.

* At every start (`startup_check`): ``PRAGMA quick_check``. A damaged file is renamed aside
  with a timestamp (``directory.damaged-20261124-100000.sqlite3``, with its ``-wal``/``-shm``),
  never overwritten or deleted, and a `DamageReport` names the newest backup that passes a full
  ``PRAGMA integrity_check``. The person chooses: restore it (`restore_backup` copies it, never
  moves it) or start with an empty directory (`start_empty`). Until they choose, the report is
  kept in a small state file in the data folder, so quitting does not silently open an empty
  directory next time.
* Never silently replaced: a database that is missing or empty (0 bytes) in a data folder that
  has held a directory before (`evidence_of_data`: the marker file written after every opening,
  backups, a leftover ``-wal``, damaged files put aside, logs of earlier openings) is reported
  (`DamageReport.kind` "missing" / "damaged") with the newest checked backup, exactly like a damaged
  one. A new, empty database is made only on a truly first run, or once after the person chose
  "Start a new, empty directory" (`start_empty`).
* Weekly, or from the administrator's "Check the database": a full ``integrity_check`` plus the
  search index's own check (`full_check`). The date of the last full check lives in the same
  state file (`database-check.json`); a failed full check makes the next start run the full
  check too, so the damaged file is put aside then.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sp_desktop.db.errors import is_damage
from sp_desktop.files import write_atomically

STATE_FILE = "database-check.json"
#: Written in the data folder whenever the practice database has been opened: proof that this
#: folder has held a directory, so a missing database is never quietly replaced by an empty one.
MARKER_FILE = ".sp_desktop-holds-a-directory"
#: A line the app logs each time it opens the practice database (a second proof, in the logs).
OPENED_LOG_LINE = "opened the practice database"
FULL_CHECK_EVERY = timedelta(days=7)
BACKUP_SUFFIXES = (".sqlite3", ".sqlite", ".db")
_SQLITE_HEADER = b"SQLite format 3\x00"
_MAX_BACKUPS_CHECKED = 12
#: How long a check waits for another program that has the file locked (seconds).
BUSY_SECONDS = 15.0
#: Databases up to this size get their quick_check before opening (~20 ms for a typical practice);
#: bigger ones get it in the background once the window is open.
SYNC_QUICK_CHECK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problems: tuple[str, ...] = ()
    full: bool = False

    @property
    def summary(self) -> str:
        if self.ok:
            return "No problems found."
        shown = "; ".join(self.problems[:3])
        more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        return f"{shown}{more}"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    modified: datetime

    @property
    def when(self) -> str:
        from sp_desktop.domain.formatting import show_datetime

        return show_datetime(self.modified)


@dataclass(frozen=True)
class DamageReport:
    """The database is damaged (put aside) or missing. `backup` is the newest good backup, if any.

    `kind`: "damaged" (the file was put aside as `moved_to`) or "missing" (there is no file, or only
    leftovers, in a folder that has held a directory; `moved_to` is None or the leftovers put aside).
    """

    database: Path
    moved_to: Path | None
    problems: tuple[str, ...]
    found_at: datetime
    backup: BackupInfo | None = None
    searched: tuple[Path, ...] = field(default=())
    kind: str = "damaged"

    @property
    def title(self) -> str:
        return "The directory database is missing" if self.kind == "missing" else \
            "The directory database is damaged"

    @property
    def message(self) -> str:
        if self.kind == "missing":
            text = (f"The directory database {self.database} is missing, but this data folder has held the "
                    f"practice's directory before ({'; '.join(self.problems) or 'backups were found'}). "
                    "sp_desktop has not started a new, empty directory in its place.\n\n")
            if self.moved_to is not None:
                text += f"Files left behind by the missing database were kept as\n{self.moved_to}\n\n"
        else:
            text = (f"The directory database is damaged, so sp_desktop has not opened it. Nothing has been "
                    f"deleted: the damaged file has been kept as\n{self.moved_to}\n\n")
        if self.backup is not None:
            text += (f"The newest backup that checks out is from {self.backup.when}:\n{self.backup.path}\n\n"
                     "Restoring it brings the directory back as it was then (the backup file itself is "
                     "kept). Changes made after that time will need to be made again. From the command "
                     "line: sp-desktop restore --yes")
        else:
            where = ", ".join(str(p) for p in self.searched) or "the backups folder"
            text += (f"No backup that checks out was found (looked in {where}). If the practice keeps "
                     "backups elsewhere (a USB drive, a shared folder), connect it and start sp_desktop "
                     "again, or restore one with: sp-desktop restore FILE. Otherwise you can start a new, "
                     "empty directory, or ask IT for help recovering the file.")
        return text

    def to_json(self) -> dict[str, object]:
        return {"database": str(self.database), "moved_to": str(self.moved_to) if self.moved_to else None,
                "problems": list(self.problems), "found_at": self.found_at.isoformat(),
                "searched": [str(p) for p in self.searched], "kind": self.kind}


# --------------------------------------------------------------------------- checking
def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:  # backups: never create -wal/-shm beside them, never lock them
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    return sqlite3.connect(path, timeout=BUSY_SECONDS)


def _header_ok(path: Path, read_only: bool) -> bool:
    """Whether the file starts with SQLite's header.

    Read through SQLite, never with a plain open(): on POSIX systems closing *any* file descriptor
    of the database file drops every lock this process holds on it, so a plain read while the window
    has the database open would let another program (a second window, a backup tool) think it was
    the last user and delete the -wal and -shm files from under us. SQLite itself keeps its
    descriptors open until this process's last connection to the file has closed. A wrong header
    is reported by SQLite as "file is not a database" (SQLITE_NOTADB).
    """
    if read_only:  # a backup file, not in use by anyone: a plain read is safe
        with path.open("rb") as fh:
            return fh.read(16) == _SQLITE_HEADER
    try:
        con = sqlite3.connect(path, timeout=15)
        try:
            con.execute("PRAGMA schema_version").fetchone()  # reads page 1, header included
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return False
        raise
    return True


class CheckStopped(Exception):
    """A check was stopped before it finished (the window closed): it found nothing and nothing
    about it was recorded, so the next start (or week) runs it again."""


def check_file(path: Path, full: bool = False, read_only: bool = False, max_errors: int = 50,
               stop: Callable[[], bool] | None = None) -> CheckResult:
    """``quick_check`` (or ``integrity_check`` plus the FTS5 index check when `full`).

    Only damage counts as a failed check; a file that cannot be opened at all (locked, missing
    folder, permissions) raises the underlying error, because putting it aside would not help.
    `stop`, polled while SQLite works, ends the check early with `CheckStopped` (a full check of a
    large practice takes seconds, and closing the window should not wait for it).
    """
    if not path.exists():
        raise FileNotFoundError(path)
    if not _header_ok(path, read_only):
        return CheckResult(False, ("The file is not an SQLite database (its first bytes are wrong).",), full)
    try:
        con = _connect(path, read_only)
        if stop is not None:
            con.set_progress_handler(lambda: 1 if stop() else 0, 1_000)  # non-zero interrupts SQLite
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}({int(max_errors)})")]
            problems = [r for r in rows if r != "ok"]
            if full and not problems:
                problems += _fts_problems(con, read_only)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if stop is not None and stop():
            raise CheckStopped(str(path)) from exc
        if is_damage(exc):
            return CheckResult(False, (str(exc),), full)
        raise
    return CheckResult(not problems, tuple(problems), full)


def _fts_problems(con: sqlite3.Connection, read_only: bool) -> list[str]:
    has_fts = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'service_fts'").fetchone()
    if not has_fts or read_only:
        return []
    try:
        con.execute("INSERT INTO service_fts(service_fts, rank) VALUES ('integrity-check', 1)")
        con.rollback()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return [f"search index: {exc}"]
        raise
    return []


def light_check(path: Path) -> CheckResult:
    """What can be checked in milliseconds: the header and that the schema can be read."""
    if not path.stat().st_size or not _header_ok(path, read_only=False):
        return CheckResult(False, ("The file is not an SQLite database (its first bytes are wrong).",))
    try:
        con = sqlite3.connect(path, timeout=BUSY_SECONDS)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            con.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return CheckResult(False, (str(exc),))
        raise
    return CheckResult(True)


def needs_background_quick_check(database: Path, data_dir: Path) -> bool:
    """True when start-up skipped the quick_check because the file is large."""
    return (database.exists() and database.stat().st_size > SYNC_QUICK_CHECK_BYTES
            and load_state(data_dir).get("last_full_check_ok") is not False)


def background_quick_check(database: Path, data_dir: Path, now: datetime,
                           stop: Callable[[], bool] | None = None) -> CheckResult:
    """The start-up quick_check of a large database, run while the window is open. A failure is
    remembered, so the next start checks fully and puts the damaged file aside."""
    result = check_file(database, full=False, stop=stop)
    if not result.ok:
        save_state(data_dir, last_full_check=now.isoformat(), last_full_check_ok=False,
                   last_full_check_problems=list(result.problems[:20]))
    return result


def looks_like_app_database(path: Path) -> bool:
    """A readable SQLite file with sp_desktop's tables (not some other program's database)."""
    try:
        con = _connect(path, read_only=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return {"alembic_version", "organisation", "service"} <= names


# --------------------------------------------------------------------------- putting aside, backups
def _companions(path: Path) -> list[Path]:
    return [Path(str(path) + suffix) for suffix in ("-wal", "-shm", "-journal")]


def move_aside(path: Path, now: datetime) -> Path:
    """Rename a damaged database (and its -wal/-shm/-journal) with a timestamp. Never overwrites."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        tag = f"damaged-{stamp}" + (f"-{n}" if n else "")
        dest = path.with_name(f"{path.stem}.{tag}{path.suffix}")
        if not dest.exists() and not any(c.exists() for c in _companions(dest)):
            break
    else:  # pragma: no cover - a thousand damaged files in one second
        raise FileExistsError(dest)
    # Companions first: if a rename fails half-way the main file is still where it was.
    for src, dst in zip(_companions(path), _companions(dest), strict=True):
        if src.exists():
            os.rename(src, dst)
    os.rename(path, dest)
    return dest


def backup_candidates(folders: Iterable[Path]) -> list[Path]:
    """SQLite files in the backup folders, newest first (damaged-aside files excluded)."""
    found: dict[Path, float] = {}
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for p in entries:
            try:
                if (p.suffix.lower() in BACKUP_SUFFIXES and ".damaged-" not in p.name and p.is_file()
                        and p.stat().st_size > 0):
                    found[p.resolve()] = p.stat().st_mtime
            except OSError:
                continue
    return sorted(found, key=lambda p: found[p], reverse=True)


def newest_good_backup(folders: Sequence[Path], limit: int = _MAX_BACKUPS_CHECKED) -> BackupInfo | None:
    """The newest backup that is an sp_desktop database and passes ``integrity_check``."""
    for path in backup_candidates(folders)[:limit]:
        try:
            if looks_like_app_database(path) and check_file(path, full=True, read_only=True).ok:
                return BackupInfo(path, datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0))
        except (OSError, sqlite3.Error):
            continue
    return None


def restore_backup(backup: Path, database: Path) -> Path:
    """Copy (never move) a backup into place as the database, atomically. The backup is untouched."""
    if database.exists():
        raise FileExistsError(f"{database} exists; put it aside before restoring a backup over it.")
    for companion in _companions(database):
        if companion.exists():  # stale -wal/-shm of another file would be applied to the copy
            raise FileExistsError(f"{companion} exists; put it aside before restoring.")
    database.parent.mkdir(parents=True, exist_ok=True)
    tmp = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup, tmp)
    from sp_desktop.private_files import make_private

    make_private(tmp)
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, database)
    return database


# --------------------------------------------------------------------------- remembered state
def _state_path(data_dir: Path) -> Path:
    return data_dir / STATE_FILE


def load_state(data_dir: Path) -> dict[str, object]:
    try:
        value = json.loads(_state_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def save_state(data_dir: Path, **changes: object) -> None:
    """Merge `changes` into the state file (temp file + atomic rename). Best effort on a read-only folder."""
    state = load_state(data_dir)
    state.update(changes)
    state = {k: v for k, v in state.items() if v is not None}
    try:
        write_atomically(_state_path(data_dir), json.dumps(state, indent=2), make_folder=False)
    except OSError:
        pass


def full_check_due(data_dir: Path, now: datetime) -> bool:
    last = load_state(data_dir).get("last_full_check")
    try:
        return not isinstance(last, str) or now - datetime.fromisoformat(last) >= FULL_CHECK_EVERY
    except ValueError:
        return True


def full_check(database: Path, data_dir: Path, now: datetime,
               stop: Callable[[], bool] | None = None) -> CheckResult:
    """Run ``integrity_check`` (and the search index check) and remember when and how it went
    (a stopped check, `CheckStopped`, is not remembered: it is still due)."""
    result = check_file(database, full=True, stop=stop)
    save_state(data_dir, last_full_check=now.isoformat(), last_full_check_ok=result.ok,
               last_full_check_problems=list(result.problems[:20]) or None)
    return result


def remember_backup_folder(data_dir: Path, folder: str | None) -> None:
    """Remember the practice's backup folder outside the database, to find backups if it is damaged."""
    if (load_state(data_dir).get("backup_folder") or "") != (folder or ""):
        save_state(data_dir, backup_folder=folder or None)


# --------------------------------------------------------------------------- has this folder held data?
def mark_holds_data(data_dir: Path) -> None:
    """Record that the practice database has been opened in `data_dir` (and forget a one-off
    "start a new, empty directory" choice, which has now been used). Best effort."""
    marker = data_dir / MARKER_FILE
    if not marker.exists():
        try:
            marker.write_text("sp_desktop has kept the practice's directory in this folder. If the database "
                              "goes missing, sp_desktop offers a backup instead of starting an empty one.\n",
                              encoding="utf-8")
        except OSError:
            pass
    if load_state(data_dir).get("new_empty_allowed"):
        save_state(data_dir, new_empty_allowed=None)


def evidence_of_data(database: Path, data_dir: Path, folders: Iterable[Path],
                     log_dir: Path | None = None) -> list[str]:
    """Why we believe this folder has held a directory (empty list: a truly first run)."""
    found: list[str] = []
    if (data_dir / MARKER_FILE).exists():
        found.append(f"the marker file {MARKER_FILE} is there")
    leftovers = [c.name for c in _companions(database) if c.exists()]
    if leftovers:
        found.append("its own " + ", ".join(leftovers) + " file is still there")
    aside = sorted(database.parent.glob(f"{database.stem}.damaged-*{database.suffix}"))
    if aside:
        found.append(f"a damaged copy was put aside earlier ({aside[-1].name})")
    backups = backup_candidates(folders)
    if backups:
        found.append(f"{len(backups)} backup file{'s' if len(backups) != 1 else ''} found")
    if log_dir is not None:
        for log_file in sorted(log_dir.glob("sp_desktop.log*")):
            try:
                if OPENED_LOG_LINE in log_file.read_text(encoding="utf-8", errors="replace"):
                    found.append(f"the log {log_file.name} records it being opened")
                    break
            except OSError:
                continue
    return found


def _put_leftovers_aside(database: Path, now: datetime) -> Path | None:
    """Move a missing database's -wal/-shm/-journal aside (they must never be applied to another file)."""
    leftovers = [c for c in _companions(database) if c.exists()]
    if not leftovers:
        return None
    stamp = now.strftime("%Y%m%d-%H%M%S")
    first: Path | None = None
    for src in leftovers:
        tail = src.name[len(database.name):]
        dest = src.with_name(f"{database.stem}.orphan-{stamp}{database.suffix}{tail}")
        n = 0
        while dest.exists():
            n += 1
            dest = src.with_name(f"{database.stem}.orphan-{stamp}-{n}{database.suffix}{tail}")
        os.rename(src, dest)
        first = first or dest
    return first


# --------------------------------------------------------------------------- start-up
def _folders(data_dir: Path, backup_dir: Path, extra: Iterable[Path]) -> tuple[Path, ...]:
    folders: list[Path] = [backup_dir]
    remembered = load_state(data_dir).get("backup_folder")
    if isinstance(remembered, str) and remembered:
        folders.append(Path(remembered))
    folders += list(extra)
    out: list[Path] = []
    for f in folders:
        if f not in out:
            out.append(f)
    return tuple(out)


def _backup_folder_setting(database: Path) -> Path | None:
    """PracticeSettings.backup_folder read straight from a (possibly damaged) file, if it can be."""
    try:
        con = _connect(database, read_only=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = 'backup_folder'").fetchone()
        finally:
            con.close()
        value = json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError, TypeError):
        return None
    return Path(value) if isinstance(value, str) and value.strip() else None


def startup_check(database: Path, data_dir: Path, backup_dir: Path, now: datetime,
                  extra_backup_folders: Iterable[Path] = (), guard_missing: bool = True,
                  log_dir: Path | None = None) -> DamageReport | None:
    """Check the database before opening it. Returns None when it is fine (or on a first run).

    A damaged file is put aside and a `DamageReport` returned (and remembered until the person
    restores a backup or chooses to start empty). With `guard_missing` (the practice database), a
    missing or empty file in a folder that has held a directory is reported too, never replaced.
    """
    state = load_state(data_dir)
    pending = state.get("damaged")
    if isinstance(pending, dict) and not database.exists():
        folders = _folders(data_dir, backup_dir, extra_backup_folders)
        problems = tuple(str(p) for p in pending.get("problems") or ())
        moved = pending.get("moved_to")
        return DamageReport(database, Path(str(moved)) if moved else None, problems,
                            datetime.fromisoformat(str(pending.get("found_at"))),
                            newest_good_backup(folders), folders, str(pending.get("kind") or "damaged"))
    if pending is not None:
        save_state(data_dir, damaged=None)  # someone put a database back by hand: check that one
    if guard_missing and not state.get("new_empty_allowed") and \
            (not database.exists() or database.stat().st_size == 0):
        folders = _folders(data_dir, backup_dir, extra_backup_folders)
        evidence = evidence_of_data(database, data_dir, folders, log_dir)
        if evidence:
            if database.exists():  # 0 bytes: an emptied file is damage (put it aside like any other)
                moved = move_aside(database, now)
                emptied = ("The file is empty (0 bytes): its contents are gone.",)
                report = DamageReport(database, moved, emptied, now, newest_good_backup(folders), folders)
            else:
                leftovers = _put_leftovers_aside(database, now)
                report = DamageReport(database, leftovers, tuple(evidence), now, newest_good_backup(folders),
                                      folders, "missing")
            save_state(data_dir, damaged=report.to_json())
            return report
    if not database.exists():
        return None
    full = state.get("last_full_check_ok") is False
    if not full and database.stat().st_size > SYNC_QUICK_CHECK_BYTES:
        # quick_check reads every page: ~2 s for a 350 MB file. Check the header and the schema
        # now; the window runs the quick_check in the background right after it opens
        # (`background_quick_check`), and a failure makes the next start put the file aside.
        result = light_check(database)
    else:
        result = check_file(database, full=full)
    if full:
        save_state(data_dir, last_full_check=now.isoformat(), last_full_check_ok=result.ok,
                   last_full_check_problems=list(result.problems[:20]) or None)
    if result.ok:
        return None
    extra = list(extra_backup_folders)
    setting = _backup_folder_setting(database)
    if setting is not None:
        extra.append(setting)
    moved = move_aside(database, now)
    folders = _folders(data_dir, backup_dir, extra)
    report = DamageReport(database, moved, result.problems, now, newest_good_backup(folders), folders)
    save_state(data_dir, damaged=report.to_json())
    return report


def restore_after_damage(report: DamageReport, data_dir: Path, backup: Path | None = None) -> Path:
    """Copy the chosen (default: the newest good) backup into place and forget the damage."""
    chosen = backup or (report.backup.path if report.backup else None)
    if chosen is None:
        raise FileNotFoundError("There is no backup to restore.")
    restore_backup(chosen, report.database)
    save_state(data_dir, damaged=None, last_full_check_ok=None, last_full_check_problems=None)
    return report.database


def start_empty(data_dir: Path) -> None:
    """The person chose "Start a new, empty directory" (the damaged file stays where it was put).

    Allows one new, empty database to be made in this folder; opening it clears the permission."""
    save_state(data_dir, damaged=None, last_full_check_ok=None, last_full_check_problems=None,
               new_empty_allowed=True)


__all__ = [
    "BackupInfo", "CheckResult", "DamageReport", "backup_candidates", "check_file", "full_check",
    "full_check_due", "looks_like_app_database", "move_aside", "newest_good_backup", "remember_backup_folder",
    "restore_after_damage", "restore_backup", "start_empty", "startup_check", "evidence_of_data",
    "mark_holds_data", "MARKER_FILE",
]
