"""Backups and restore of the practice's SQLite database.

- A backup is a copy made with SQLite's online backup API (safe while the app is in use), turned
  into a plain single file (journal mode DELETE), checked, and only then renamed into place: a
  backup that exists is a backup that opens.
- Every automatic backup gets the full ``PRAGMA integrity_check`` of its copy (~2.5 s of CPU for
  a 350 MB file), as do "Back up now…" and `sp-desktop backup`. It runs in the background during
  the day (ui/data_menu.py: a minute after the window opens, then every hour while it is open),
  never as the window closes: someone leaving, perhaps shutting the PC down, must not wait for
  seconds of copying and checking (a close that takes seconds invites "Shut down anyway").
- A backup can be abandoned safely at any point (the window closing cancels it): the copy is made
  in a ``.part`` file that is renamed into place only once it has been checked and flushed to
  disk, so the previous good backups are untouched, and older backups are rotated only after a
  new one is in place. Cancelling stops the copy between steps and interrupts the check through
  SQLite's progress handler (tens of milliseconds). A ``.part`` left by a process that was killed
  is removed by the next backup once it is a day old (another PC may be writing to a shared folder).
- The copy is one consistent snapshot: the source is read in a single read transaction, so a
  change saved while the backup runs is either wholly in it or wholly out, and never restarts it.
- ``PRAGMA quick_check`` (every page and b-tree read, indexes not cross-checked against their
  tables) remains available (`full_check=False`) for callers that ask for it.
  quick_check still reads every page of the copy and checks every b-tree, record and free page,
  so a copy damaged on its way to the disk (a torn write, a bad USB stick, a full share) is
  refused. What it leaves out, whether each index holds exactly its table's rows, is a property
  of the live database, not of the copying, and is checked where it matters: the live database
  gets the full check every week (db/integrity.py), and a backup gets it before it is restored
  (`inspect`) or offered after damage (`integrity.newest_good_backup`), which falls back to an
  older backup (7 daily and 4 weekly are kept) if it fails.
- Automatic backups are made at most once a day and rotate: the newest of each of the last
  `backups_keep_daily` days and of each of the `backups_keep_weekly` weeks before those are kept
  (the rule borg and restic call "prune").
  Only files this app named ``sp_desktop-backup-*.sqlite3`` are ever deleted.
- They go to the folder chosen in the practice settings (a practice share, a USB drive) or,
  when none is chosen or it cannot be reached, beside the data.
- Restore checks the file (is it a database, undamaged, made by sp_desktop, not by a newer
  version), shows its date and what it holds, keeps the current database as a backup first,
  then swaps the file in atomically. The app must then restart, so every window opens the
  restored data cleanly.
- On PostgreSQL backups are the server's job (``pg_dump``); these functions say so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date, show_datetime
from sp_desktop.files import atomic_path
from sp_desktop.paths import AppPaths
from sp_desktop.private_files import make_private
from sp_desktop.services.base import Permission, ServiceContext, require
from sp_desktop.services.settings import PracticeSettings, SettingsService
from sp_desktop.services.tasks import Cancelled, Progress

BACKUP_PREFIX = "sp_desktop-backup-"
BEFORE_RESTORE_PREFIX = "before-restore-"
STAMP = "%Y-%m-%d-%H%M%S"
SQLITE_HEADER = b"SQLite format 3\x00"
_STAMP_RE = re.compile(r"(\d{4}-\d{2}-\d{2}-\d{6})")
#: Copied per step of the backup API. A step is where Cancel (or the window closing) is noticed:
#: 8 MB is ~10-40 ms, so closing never waits long for a backup it abandons; 2 MB steps cost ~0.2 s
#: more CPU at 350 MB (now that the source stays in one read transaction, a step re-reads nothing).
_STEP_BYTES = 8 * 1024 * 1024
_SINGULAR = {"organisations": "organisation", "services": "service", "contacts logged": "contact logged",
             "signposting records": "signposting record"}

SERVER_MESSAGE = (
    "This directory is kept on a PostgreSQL server, so backups are the server's job: ask whoever "
    "looks after the server to schedule pg_dump (and to test restoring it). sp_desktop's own "
    "backup and restore work only with the single-file (SQLite) database."
)


class BackupUnavailable(RuntimeError):
    """Backups are not made by sp_desktop for this database (PostgreSQL, or an in-memory database)."""


class BackupFailed(RuntimeError):
    """A backup could not be made or did not check out; nothing half-made was left behind."""


class RestoreRefused(Refused, ValueError):
    """The chosen file will not be restored; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size: int
    note: str = ""  # e.g. the chosen folder could not be reached, so the data folder was used
    full_check: bool = True  # integrity_check of the copy (False: quick_check, when asked for)

    def describe(self) -> str:
        mb = self.size / (1024 * 1024)
        checked = "checked: OK" if self.full_check else "quick check: OK"
        text = f"Backed up to {self.path} at {show_datetime(self.taken_at)} ({mb:.1f} MB, {checked})."
        return f"{text} {self.note}" if self.note else text


@dataclass(frozen=True)
class BackupSummary:
    """What a backup file holds, for the person deciding whether to restore it."""

    path: Path
    taken_at: datetime
    last_change: datetime | None
    schema: str
    needs_upgrade: bool
    counts: dict[str, int]
    size: int

    def describe(self) -> str:
        lines = [f"Backup taken {show_datetime(self.taken_at)}"]
        if self.last_change:
            lines.append(f"Last change recorded in it: {show_datetime(self.last_change)}")
        lines.append(", ".join(f"{n:,} {label if n != 1 else _SINGULAR.get(label, label)}"
                               for label, n in self.counts.items()))
        if self.needs_upgrade:
            lines.append(
                "It was made by an earlier version of sp_desktop and will be upgraded when it is opened."
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous_saved_to: Path
    summary: BackupSummary

    def describe(self) -> str:
        return (f"The directory was restored from {self.restored_from.name} (taken "
                f"{show_datetime(self.summary.taken_at)}). The data it replaced was kept as "
                f"{self.previous_saved_to}. sp_desktop must now restart.")


def _stamp_of(path: Path) -> datetime | None:
    m = _STAMP_RE.search(path.name)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), STAMP)
    except ValueError:
        return None


def _integrity(conn: sqlite3.Connection, full: bool = True) -> str:
    """'ok' or the first problem SQLite reports (``integrity_check``, or ``quick_check``), also
    when the check stops at a page it cannot read ("database disk image is malformed")."""
    try:
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc) or "the check could not finish"
    first = str(rows[0][0]) if rows else "no answer"
    return "ok" if first == "ok" and len(rows) == 1 else first


def copy_database(source: Path, dest: Path, progress: Progress | None = None,
                  full_check: bool = True) -> Path:
    """Online-backup `source` to `dest` as a checked single file. Atomic: temp file, fsync, rename.
    `full_check`: ``integrity_check`` the copy; False: ``quick_check`` (see the module notes).

    `progress` returning False (Cancel, or the window closing) stops the work at the next step of
    the copy or within the check, raising `Cancelled`; nothing is left behind and `dest`, if it
    existed, is as it was."""
    dest.parent.mkdir(parents=True, exist_ok=True)

    def stop() -> None:
        raise Cancelled("Backup cancelled: no backup was made.")

    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None and not progress(
            max(total - remaining, 0), max(total, 1), "Copying the database…"
        ):
            stop()

    with atomic_path(dest) as tmp:
        tmp.unlink(missing_ok=True)  # a copy left by a crash is not added to
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
        try:
            # one read transaction for the whole copy: a consistent snapshot, and a change saved
            # meanwhile (another connection) does not make the backup API start again
            src.execute("BEGIN")
            page_size = int(src.execute("PRAGMA page_size").fetchone()[0]) or 4096
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            out = sqlite3.connect(tmp)
            try:
                src.backup(out, pages=max(_STEP_BYTES // page_size, 1), progress=step)
                src.execute("COMMIT")
                out.execute("PRAGMA journal_mode=DELETE")
                if progress is not None and not progress(1, 1, "Checking the copy…"):
                    stop()
                problem = _checked(out, full_check, progress)
                if problem != "ok":
                    raise BackupFailed(
                        f"The copy did not pass SQLite's integrity check ({problem}). The database "
                        "itself may be damaged: do not delete older backups, and ask for help."
                    )
            finally:
                out.close()
        finally:
            src.close()
        if progress is not None and not progress(1, 1, "Saving the copy…"):
            stop()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        make_private(tmp)  # user-only (private_files.py), also on a share or USB drive where possible
    return dest


def _checked(conn: sqlite3.Connection, full: bool, progress: Progress | None) -> str:
    """`_integrity`, stopped (`Cancelled`) within ~0.1 s when `progress` answers False. SQLite calls
    the progress handler during the check; `progress` itself is asked at most every 0.1 s."""
    if progress is None:
        return _integrity(conn, full)
    state = {"asked": 0.0, "stop": False}  # the first turn asks at once

    def handler() -> int:
        now = time.monotonic()
        if now - state["asked"] >= 0.1:
            state["asked"] = now
            state["stop"] = not progress(1, 1, "Checking the copy…")
        return 1 if state["stop"] else 0

    conn.set_progress_handler(handler, 10_000)
    try:
        problem = _integrity(conn, full)
    finally:
        conn.set_progress_handler(None, 0)
    if state["stop"]:
        raise Cancelled("Backup cancelled: no backup was made.")
    return problem


def _remove_stale_parts(folder: Path) -> None:
    """Unfinished copies (``sp_desktop-backup-*.sqlite3.part``) a killed process left behind, once a
    day old: a younger one may be another PC's backup still being written to a shared folder."""
    for part in folder.glob(f"{BACKUP_PREFIX}*.sqlite3.part"):
        try:
            if time.time() - part.stat().st_mtime > 24 * 3600:  # file times are wall-clock times
                part.unlink()
        except OSError:
            pass


def prune(paths: list[tuple[Path, datetime]], keep_daily: int, keep_weekly: int) -> list[Path]:
    """Which backups to delete: keep the newest of each of `keep_daily` days, then of `keep_weekly` weeks."""
    ordered = sorted(paths, key=lambda p: p[1], reverse=True)
    keep: set[Path] = set()

    def apply(rule: Callable[[datetime], object], count: int) -> None:
        # borg's rule: the newest backup of each period counts, unless an earlier rule kept it already
        last: object = None
        kept = 0
        for path, when in ordered:
            if kept >= count:
                break
            period = rule(when)
            if period == last:
                continue
            last = period
            if path not in keep:
                keep.add(path)
                kept += 1

    apply(lambda d: d.date(), keep_daily)
    apply(lambda d: d.isocalendar()[:2], keep_weekly)
    if ordered:
        keep.add(ordered[0][0])  # never delete the newest backup
    return [p for p, _ in ordered if p not in keep]


class BackupService:
    def __init__(
        self, ctx: ServiceContext, paths: AppPaths, settings: PracticeSettings | None = None
    ) -> None:
        self.ctx = ctx
        self.paths = paths
        self._settings = settings

    # ---- where
    @property
    def available(self) -> bool:
        return self.ctx.db.sqlite_path is not None

    def _require_sqlite(self) -> Path:
        path = self.ctx.db.sqlite_path
        if path is None:
            raise BackupUnavailable(
                SERVER_MESSAGE
                if self.ctx.db.dialect == "postgresql"
                else "This database is not a file, so it cannot be backed up or restored here."
            )
        return path

    def settings(self) -> PracticeSettings:
        if self._settings is None:
            self._settings = SettingsService(self.ctx).get()
        return self._settings

    def folder(self) -> tuple[Path, str]:
        """(folder, note). The chosen folder when it can be written to, else the data folder."""
        chosen = self.settings().backup_folder.strip()
        if chosen:
            folder = Path(chosen).expanduser()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                probe = folder / ".sp_desktop-write-test"
                probe.write_bytes(b"")
                probe.unlink()
                return folder, ""
            except OSError:
                return self.paths.backup_dir, (
                    f"The backup folder {folder} could not be reached (is the drive "
                    "connected?), so the backup was saved in the data folder instead."
                )
        return self.paths.backup_dir, ""

    def list_backups(self) -> list[BackupInfo]:
        """This app's automatic and manual backups in the backup folder, newest first."""
        folder, _ = self.folder()
        out = []
        for p in folder.glob(f"{BACKUP_PREFIX}*.sqlite3"):
            when = _stamp_of(p)
            if when is not None and p.is_file():
                out.append(BackupInfo(p, when, p.stat().st_size))
        return sorted(out, key=lambda b: b.taken_at, reverse=True)

    def last_backup(self) -> BackupInfo | None:
        backups = self.list_backups()
        return backups[0] if backups else None

    def is_due(self) -> bool:
        last = self.last_backup()
        return last is None or last.taken_at.date() < self.ctx.today()

    def status_text(self) -> str:
        """For the status bar: text and a symbol, never colour alone."""
        if not self.available:
            return "Backups: by the server"
        last = self.last_backup()
        if last is None:
            return "! Not backed up yet"
        if last.taken_at.date() == self.ctx.today():
            return "✓ Backed up today"
        return f"! Last backup {show_date(last.taken_at)}"

    # ---- making backups
    def back_up_now(self, progress: Progress | None = None, dest: Path | None = None) -> BackupInfo:
        """A checked backup now ("Back up now…", `sp-desktop backup`). `dest` may be a file or a folder."""
        require(self.ctx.actor, Permission.BACKUP_RESTORE)
        return self._backup(progress, dest)

    def automatic_backup(self, progress: Progress | None = None,
                         full_check: bool = True) -> BackupInfo | None:
        """The day's backup, in the background: a backup unless there is one from today already.
        `progress` answering False abandons it safely (the previous backups stay as they were)."""
        if not self.available or not self.is_due():
            return None
        return self._backup(progress, None, full_check)

    def _backup(self, progress: Progress | None, dest: Path | None, full_check: bool = True) -> BackupInfo:
        source = self._require_sqlite()
        now = self.ctx.now()
        name = f"{BACKUP_PREFIX}{now.strftime(STAMP)}.sqlite3"
        note = ""
        rotate = dest is None
        if dest is None:
            folder, note = self.folder()
            target = folder / name
        elif dest.is_dir() or not dest.suffix:
            target = dest / name
        else:
            target = dest
        if target.resolve() == source.resolve():
            raise BackupFailed("A backup cannot be written over the database itself: choose another place.")
        if rotate:
            _remove_stale_parts(target.parent)
        try:
            copy_database(source, target, progress, full_check)
        except (sqlite3.Error, OSError) as exc:
            raise BackupFailed(
                f"The backup to {target.parent} failed: {exc}. Check the folder exists, has space "
                "and that you may save there."
            ) from None
        if rotate:
            self.rotate()
        return BackupInfo(target, now, target.stat().st_size, note, full_check)

    def rotate(self) -> list[Path]:
        settings = self.settings()
        backups = [(b.path, b.taken_at) for b in self.list_backups()]
        doomed = prune(backups, settings.backups_keep_daily, settings.backups_keep_weekly)
        for p in doomed:
            p.unlink(missing_ok=True)
        # every kind of backup (before-restore and before-upgrade too) goes once it is older than the
        # longest retention period, so purged data does not live on in old copies (services.retention)
        from sp_desktop.services.retention import RetentionService

        deleted, _cleaned, _problems = RetentionService(self.ctx, self.paths).clean_backups(settings)
        return doomed + [p for p in deleted if p not in doomed]

    # ---- restore
    def inspect(self, path: Path) -> BackupSummary:
        """Check a backup file and say what it holds. Raises RestoreRefused with the reason."""
        from alembic.script import ScriptDirectory

        from sp_desktop.db.migrate import _config, head_revision

        path = Path(path)
        if not path.is_file():
            raise RestoreRefused(f"{path} does not exist or is not a file.")
        live = self.ctx.db.sqlite_path
        if live is not None and live.exists() and path.resolve() == live.resolve():
            # checked before reading it: a plain open() and close() of the database file would drop
            # SQLite's locks in this process (see db/integrity._header_ok)
            raise RestoreRefused("That is the database in use now; choose a backup file.")
        with path.open("rb") as fh:
            header = fh.read(16)
        if header != SQLITE_HEADER:
            raise RestoreRefused(
                f"{path.name} is not an sp_desktop backup: it is not a database file at all."
            )
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as exc:
            raise RestoreRefused(f"{path.name} could not be opened ({exc}).") from None
        try:
            try:
                problem = _integrity(conn)
            except sqlite3.DatabaseError as exc:
                problem = str(exc)
            if problem != "ok":
                raise RestoreRefused(
                    f"{path.name} is damaged and cannot be restored (SQLite says: {problem}). "
                    "Choose an older backup."
                )
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "organisation", "service", "audit_event"} <= tables:
                raise RestoreRefused(f"{path.name} is a database, but not an sp_desktop directory.")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            schema = str(row[0]) if row else ""
            try:
                known = ScriptDirectory.from_config(_config()).get_revision(schema) is not None
            except Exception:
                known = False
            if not known:
                raise RestoreRefused(
                    f"{path.name} was made by a newer version of sp_desktop (schema {schema}). "
                    "Install that version first, or choose an older backup."
                )
            counts = {}
            for label, table, where in (("organisations", "organisation", "archived_at IS NULL"),
                                        ("services", "service", "archived_at IS NULL"),
                                        ("staff", "staff", "1"), ("contacts logged", "contact_event", "1"),
                                        ("signposting records", "signposting", "1")):
                if table in tables:
                    counts[label] = int(
                        conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
                    )
            last = conn.execute("SELECT max(at) FROM audit_event").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise RestoreRefused(
                f"{path.name} is damaged and cannot be restored ({exc}). Choose an older backup."
            ) from None
        finally:
            conn.close()
        taken = _stamp_of(path) or datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        last_change = datetime.fromisoformat(str(last)).replace(microsecond=0) if last else None
        return BackupSummary(path, taken, last_change, schema, schema != head_revision(), counts,
                             path.stat().st_size)

    def restore(self, path: Path, progress: Progress | None = None) -> RestoreResult:
        """Replace the database with a checked backup. The current one is backed up first.

        Afterwards the open database is closed; the caller must restart the app.
        """
        require(self.ctx.actor, Permission.BACKUP_RESTORE)
        live = self._require_sqlite()
        path = Path(path)
        summary = self.inspect(path)
        if path.resolve() == live.resolve():
            raise RestoreRefused("That is the database in use now; choose a backup file.")
        folder, _ = self.folder()
        now = self.ctx.now()
        safety = folder / f"{BEFORE_RESTORE_PREFIX}{now.strftime(STAMP)}.sqlite3"
        try:
            copy_database(live, safety, progress)
        except (sqlite3.Error, OSError) as exc:
            raise BackupFailed(f"The current data could not be backed up first ({exc}), so nothing was "
                               "restored.") from None
        tmp = live.with_name(live.name + ".restore-part")
        try:
            shutil.copyfile(path, tmp)
            make_private(tmp)
            conn = sqlite3.connect(tmp)
            try:
                conn.execute("PRAGMA journal_mode=DELETE")
                if _integrity(conn) != "ok":
                    raise RestoreRefused(f"The copy of {path.name} did not check out; nothing was restored.")
                conn.execute(
                    "INSERT INTO audit_event (at, staff_id, staff_name, action, entity_type, entity_id,"
                    " entity_label, organisation_id, changes, summary)"
                    " VALUES (?, NULL, ?, 'restore', 'database', NULL, ?, NULL, ?, ?)",
                    (
                        now.isoformat(sep=" "),
                        self.ctx.actor.name,
                        path.name[:300],
                        json.dumps({}),
                        f"restored from the backup {path.name} taken {show_datetime(summary.taken_at)}; "
                        f"the data it replaced was kept as {safety.name}",
                    ),
                )
                conn.commit()
            finally:
                conn.close()
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            if progress is not None:
                progress(1, 1, "Replacing the database…")
            self.ctx.db.dispose()
            for suffix in ("-wal", "-shm"):
                Path(str(live) + suffix).unlink(missing_ok=True)
            tmp.replace(live)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return RestoreResult(path, safety, summary)
