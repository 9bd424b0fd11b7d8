"""Retention: patient-related data is kept only as long as the practice has said, then removed for good.

Runs by itself: at every start (`runtime.open_runtime`) and once a day while the window is open
(`ui.retention_timer`). Nothing to do is the common case and costs three counts.

What goes, by the practice settings (Settings > Practice; defaults and reasons in
docs/data-safety.md):

* patient references, `patient_reference_retention_days` after the signposting date (the record stays);
* outcome notes and feedback, `outcome_note_retention_days` after it (the outcome itself stays);
* whole signposting (referral) records with their services and reasons, `signposting_retention_days`
  after it.

"For good" means: SQLite's ``secure_delete`` is on for every connection (db/engine.py), so freed
space is overwritten with zeros; after a purge the file is rebuilt (``VACUUM``) and the write-ahead
log checkpointed and truncated, so no old copy is left in free pages or the -wal. The audit trail never
held the text (services/audit.PATIENT_FIELDS). Backups are treated the same way (`clean_backups`):
every kind this app makes (daily and manual ``sp_desktop-backup-*``, ``before-restore-*``,
``before-upgrade-*``) older than the longest retention period is deleted, and in the others the same
purge is applied to a copy that is checked and then put in place atomically. On PostgreSQL the rows
are deleted the same way; freeing the space is the server's VACUUM (its administrator's job).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from sp_desktop.db.engine import Database
from sp_desktop.db.models import Signposting, SignpostingItem, signposting_reason
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.formatting import show_date
from sp_desktop.paths import AppPaths
from sp_desktop.services import audit
from sp_desktop.services.base import Permission, ServiceContext, require
from sp_desktop.services.settings import PracticeSettings, read_settings

#: Backups made by this app, of every kind (daily/manual, before a restore, before an upgrade).
BACKUP_PATTERNS = ("sp_desktop-backup-*.sqlite3", "before-restore-*.sqlite3", "before-upgrade-*.sqlite3")
_STAMPS = ((re.compile(r"(\d{4}-\d{2}-\d{2}-\d{6})"), "%Y-%m-%d-%H%M%S"),
           (re.compile(r"(\d{8}-\d{6})"), "%Y%m%d-%H%M%S"))


@dataclass(frozen=True)
class Cutoffs:
    """Records dated before these days have passed their retention period."""

    references: date
    notes: date
    records: date

    @classmethod
    def of(cls, settings: PracticeSettings, today: date) -> Cutoffs:
        return cls(today - timedelta(days=settings.patient_reference_retention_days),
                   today - timedelta(days=settings.outcome_note_retention_days),
                   today - timedelta(days=settings.signposting_retention_days))


@dataclass(frozen=True)
class RetentionResult:
    references_removed: int = 0
    notes_removed: int = 0
    records_deleted: int = 0
    compacted: bool = False
    backups_deleted: tuple[Path, ...] = ()
    backups_cleaned: tuple[Path, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def purged(self) -> int:
        return self.references_removed + self.notes_removed + self.records_deleted

    def describe(self) -> str:
        parts = []
        if self.references_removed:
            parts.append(f"{self.references_removed} patient reference(s) removed")
        if self.notes_removed:
            parts.append(f"{self.notes_removed} outcome note(s) removed")
        if self.records_deleted:
            parts.append(f"{self.records_deleted} signposting record(s) deleted")
        if self.backups_deleted:
            parts.append(f"{len(self.backups_deleted)} old backup(s) deleted")
        if self.backups_cleaned:
            parts.append(f"{len(self.backups_cleaned)} backup(s) cleaned")
        return ("; ".join(parts) or "nothing had passed its retention period") + "."


def _rows_changed(result: Any) -> int:
    """How many rows an UPDATE changed (a CursorResult's rowcount; 0 when the driver cannot say)."""
    return int(result.rowcount or 0)


def _counts_sql() -> tuple[str, str, str]:
    return ("SELECT count(*) FROM signposting WHERE patient_ref IS NOT NULL AND occurred_on < ?",
            "SELECT count(*) FROM signposting_item WHERE experience_note IS NOT NULL AND signposting_id IN "
            "(SELECT id FROM signposting WHERE occurred_on < ?)",
            "SELECT count(*) FROM signposting WHERE occurred_on < ?")


def _purge_sqlite_file(con: sqlite3.Connection, cut: Cutoffs) -> int:
    """The same purge as `RetentionService.run`, on a backup file (plain SQL; dates are ISO text there)."""
    con.execute("PRAGMA secure_delete = ON")
    con.execute("PRAGMA foreign_keys = ON")
    n = 0
    records, refs, notes = cut.records.isoformat(), cut.references.isoformat(), cut.notes.isoformat()
    with con:
        old = "(SELECT id FROM signposting WHERE occurred_on < ?)"
        con.execute(f"DELETE FROM signposting_reason WHERE signposting_id IN {old}", (records,))
        con.execute(f"DELETE FROM signposting_item WHERE signposting_id IN {old}", (records,))
        n += con.execute("DELETE FROM signposting WHERE occurred_on < ?", (records,)).rowcount
        n += con.execute("UPDATE signposting SET patient_ref = NULL WHERE patient_ref IS NOT NULL "
                         "AND occurred_on < ?", (refs,)).rowcount
        n += con.execute("UPDATE signposting_item SET experience_note = NULL, share_feedback = 0 "
                         "WHERE experience_note IS NOT NULL AND signposting_id IN "
                         "(SELECT id FROM signposting WHERE occurred_on < ?)", (notes,)).rowcount
    con.execute("VACUUM")
    return n


def _expired_in_file(path: Path, cut: Cutoffs) -> int:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"signposting", "signposting_item"} <= tables:
            return 0
        ref_q, note_q, rec_q = _counts_sql()
        return sum(int(con.execute(q, (d.isoformat(),)).fetchone()[0])
                   for q, d in ((ref_q, cut.references), (note_q, cut.notes), (rec_q, cut.records)))
    finally:
        con.close()


def taken_at(path: Path) -> datetime:
    """When a backup was made: the time in its name, else the file's modification time."""
    for pattern, fmt in _STAMPS:
        m = pattern.search(path.name)
        if m:
            try:
                return datetime.strptime(m.group(1), fmt)
            except ValueError:
                continue
    return datetime.fromtimestamp(path.stat().st_mtime)


def compact(db: Database) -> bool:
    """After a purge: rebuild the SQLite file (VACUUM) and empty the -wal, so nothing purged stays in
    free pages or the log. True when done; False on PostgreSQL (the server's own VACUUM frees space)."""
    if not db.is_sqlite or db.sqlite_path is None:
        return False
    raw = db.write_engine.raw_connection()
    try:
        con = raw.driver_connection
        assert con is not None
        con.execute("PRAGMA secure_delete = ON")
        con.execute("VACUUM")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    return True


class RetentionService:
    """Applies the practice's retention periods to the database and to every backup this app made."""

    def __init__(self, ctx: ServiceContext, paths: AppPaths | None = None) -> None:
        self.ctx = ctx
        self.paths = paths

    def cutoffs(self) -> Cutoffs:
        with self.ctx.db.read() as s:
            return Cutoffs.of(read_settings(s), self.ctx.today())

    def run(self) -> RetentionResult:
        """Purge what has passed its retention period, compact, then clean the backups. Administrators
        (or the app itself at start-up and daily, acting as services.base.SYSTEM)."""
        require(self.ctx.actor, Permission.SETTINGS)
        with self.ctx.write(Permission.SETTINGS) as s:
            settings = read_settings(s)
            cut = Cutoffs.of(settings, self.ctx.today())
            now = self.ctx.now()
            # whole records first, so what is left is counted once
            old = select(Signposting.id).where(Signposting.occurred_on < cut.records)
            records = int(s.scalar(select(func.count()).select_from(old.subquery())) or 0)
            if records:
                s.execute(delete(signposting_reason).where(signposting_reason.c.signposting_id.in_(old)))
                s.execute(delete(SignpostingItem).where(SignpostingItem.signposting_id.in_(old))
                          .execution_options(synchronize_session=False))
                s.execute(delete(Signposting).where(Signposting.occurred_on < cut.records)
                          .execution_options(synchronize_session=False))
            refs = _rows_changed(s.execute(update(Signposting)
                             .where(Signposting.patient_ref.is_not(None),
                                    Signposting.occurred_on < cut.references)
                             .values(patient_ref=None, version=Signposting.version + 1, updated_at=now)
                             .execution_options(synchronize_session=False)))
            old_notes = select(Signposting.id).where(Signposting.occurred_on < cut.notes)
            notes = _rows_changed(s.execute(update(SignpostingItem)
                              .where(SignpostingItem.experience_note.is_not(None),
                                     SignpostingItem.signposting_id.in_(old_notes))
                              .values(experience_note=None, share_feedback=False,
                                      version=SignpostingItem.version + 1, updated_at=now)
                              .execution_options(synchronize_session=False)))
            if refs or notes or records:
                audit.record(
                    s, self.ctx, AuditAction.PURGE, "retention", None, "Retention",
                    {"references_removed": [None, refs], "outcome_notes_removed": [None, notes],
                     "records_deleted": [None, records]},
                    summary=f"retention: removed {refs} patient reference(s) dated before "
                            f"{show_date(cut.references)}, {notes} outcome note(s) dated before "
                            f"{show_date(cut.notes)}; deleted {records} signposting record(s) dated before "
                            f"{show_date(cut.records)}")
        compacted = compact(self.ctx.db) if (refs or notes or records) else False
        deleted, cleaned, problems = self.clean_backups(settings, cut)
        return RetentionResult(int(refs), int(notes), records, compacted, tuple(deleted), tuple(cleaned),
                               tuple(problems))

    # ---- backups
    def backup_folders(self, settings: PracticeSettings) -> list[Path]:
        folders: list[Path] = []
        if self.paths is not None:
            folders.append(self.paths.backup_dir)
        chosen = settings.backup_folder.strip()
        if chosen:
            folders.append(Path(chosen).expanduser())
        out: list[Path] = []
        for f in folders:
            if f.is_dir() and f.resolve() not in [o.resolve() for o in out]:
                out.append(f)
        return out

    def backups(self, settings: PracticeSettings) -> list[Path]:
        found: list[Path] = []
        for folder in self.backup_folders(settings):
            for pattern in BACKUP_PATTERNS:
                found += [p for p in folder.glob(pattern) if p.is_file()]
        return sorted(set(found))

    def clean_backups(self, settings: PracticeSettings | None = None,
                      cut: Cutoffs | None = None) -> tuple[list[Path], list[Path], list[str]]:
        """Delete backups older than the longest retention period; purge expired data in the rest.
        Returns (deleted, cleaned, problems); a backup that cannot be cleaned is left as it was."""
        if settings is None:
            with self.ctx.db.read() as s:
                settings = read_settings(s)
        cut = cut or Cutoffs.of(settings, self.ctx.today())
        oldest = self.ctx.now() - timedelta(days=settings.longest_retention_days)
        deleted: list[Path] = []
        cleaned: list[Path] = []
        problems: list[str] = []
        for path in self.backups(settings):
            try:
                if taken_at(path) < oldest:
                    path.unlink()
                    deleted.append(path)
                elif _expired_in_file(path, cut):
                    _clean_copy(path, cut)
                    cleaned.append(path)
            except (OSError, sqlite3.Error) as exc:
                problems.append(f"{path}: {exc}")
        return deleted, cleaned, problems


def _clean_copy(path: Path, cut: Cutoffs) -> None:
    """Purge a backup through a checked copy put in place atomically (the original stays on failure)."""
    from sp_desktop.private_files import make_private

    tmp = path.with_name(path.name + ".cleaning")
    tmp.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        make_private(tmp)
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = DELETE")
            _purge_sqlite_file(con, cut)
            if str(con.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                raise sqlite3.DatabaseError("the cleaned copy did not pass SQLite's check")
        finally:
            con.close()
        stat = path.stat()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.utime(tmp, (stat.st_atime, stat.st_mtime))  # keeps its place among the backups
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


__all__ = ["BACKUP_PATTERNS", "Cutoffs", "RetentionResult", "RetentionService", "compact", "taken_at"]
