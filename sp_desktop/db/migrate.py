"""Run Alembic migrations in code at start-up.

Before upgrading an existing SQLite database it is copied with SQLite's online backup API; if
the upgrade fails the copy is put back. A database whose revision this app does not know (made
by a newer version) is refused and never touched.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect

from sp_desktop.db.engine import Database, long_work

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (and through it Mako and every SQLAlchemy dialect) is imported only when a migration
# has to run: an up-to-date database is recognised without it, which keeps start-up quick.

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseTooNew(RuntimeError):
    """The database was written by a newer sp_desktop."""


class MigrationFailed(RuntimeError):
    """An upgrade failed; the database was restored from the copy taken before it."""


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def sqlite_backup(source: Path, dest: Path) -> Path:
    """Copy a live SQLite database with the online backup API (safe while it is in use)."""
    from sp_desktop.files import atomic_path
    from sp_desktop.private_files import make_private

    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        tmp.unlink(missing_ok=True)  # a copy left by a crash is not added to
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        make_private(tmp)
    return dest


def _head_from_files() -> str | None:
    """The head revision read straight from the revision files, without importing Alembic.

    None when that is not certain (a branch, an unusual file): then Alembic decides.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
            text = path.read_text(encoding="utf-8")
            rev = re.search(r"^revision\s*(?::[^=\n]*)?=\s*['\"]([^'\"]+)['\"]", text, re.M)
            down = re.search(r"^down_revision\s*(?::[^=\n]*)?=\s*(.+)$", text, re.M)
            if rev is None or down is None:
                return None
            revisions.add(rev.group(1))
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    except OSError:
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _known_revisions() -> set[str]:
    """Every revision this version has, read from the revision files (Alembic if that is unsure)."""
    revisions: set[str] = set()
    try:
        for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
            text = path.read_text(encoding="utf-8")
            rev = re.search(r"^revision\s*(?::[^=\n]*)?=\s*['\"]([^'\"]+)['\"]", text, re.M)
            if rev is None:
                raise ValueError(path)
            revisions.add(rev.group(1))
    except (OSError, ValueError):
        from alembic.script import ScriptDirectory

        revisions = {r.revision for r in ScriptDirectory.from_config(_config()).walk_revisions()}
    return revisions


def _too_new_message(where: str, current: str, head: str) -> str:
    return (f"This database ({where}) was last used by a newer version of sp_desktop "
            f"(schema {current}; this version knows up to {head}). It has not been changed. "
            "Install the newer version of sp_desktop to open it.")


def refuse_if_too_new(path: Path) -> None:
    """Raise DatabaseTooNew for a SQLite file written by a newer sp_desktop, BEFORE it is opened for
    use: opening switches a file to WAL, and a newer version's file must stay byte for byte as it is
    (journal mode included). Read with a read-only connection that writes nothing."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return  # not readable this way (damaged, locked, no table yet): the usual checks decide
    if row is None or row[0] is None:
        return
    stored = str(row[0])
    if stored not in _known_revisions():
        head = _head_from_files() or head_revision()
        raise DatabaseTooNew(_too_new_message(str(path), stored, head))


def _stored_revisions(db: Database) -> list[str] | None:
    try:
        with db.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    except Exception:  # no table yet (a new database) or not readable: Alembic will say
        return None


def migrate(db: Database, backup_dir: Path | None, now: datetime | None = None) -> MigrationResult:
    quick_head = _head_from_files()
    if quick_head is not None and _stored_revisions(db) == [quick_head]:
        return MigrationResult(quick_head, quick_head, None)  # up to date: nothing to import or run

    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config())
    head = head_revision()
    current = current_revision(db)
    if current is not None and current != head:
        try:
            script.get_revision(current)
        except Exception:
            raise DatabaseTooNew(_too_new_message(db.describe(), current, head)) from None
    if current == head:
        return MigrationResult(current, head, None)

    backup: Path | None = None
    path = db.sqlite_path
    has_tables = current is not None or bool(inspect(db.engine).get_table_names())
    if path is not None and path.exists() and has_tables and backup_dir is not None:
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        name = f"before-upgrade-{current or 'none'}-to-{head}-{stamp}.sqlite3"
        backup = sqlite_backup(path, backup_dir / name)

    cfg = _config()
    try:
        with long_work("upgrade"), db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except Exception as exc:
        if backup is not None and path is not None:
            db.dispose()
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            shutil.copyfile(backup, path)
            raise MigrationFailed(
                f"Upgrading the database failed ({exc}). It has been put back as it was, from "
                f"{backup}. Please report this problem.") from exc
        raise
    return MigrationResult(current, head, backup)
