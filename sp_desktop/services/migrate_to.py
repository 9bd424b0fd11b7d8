"""Move a practice from its SQLite file to a PostgreSQL server (`sp-desktop migrate-to URL`).

1. A consistent snapshot of the SQLite file is taken with SQLite's online backup API (the file
   is only read; it is left exactly as it was) and, if it is from an older version, the
   snapshot — never the original — is upgraded to the current schema.
2. The server database is brought to the same schema by the same Alembic migrations. It must
   hold no data: migrate-to never merges into or overwrites a directory.
3. Every table is copied in dependency order (parents before children; a table that refers to
   itself, like categories, gets those links in a second pass) in ONE transaction; the id
   sequences are moved past the copied ids.
4. Before committing, every table is read back from the server and compared with the snapshot:
   the same number of rows and the same SHA-256 checksum over its rows in primary-key order,
   each value in a canonical form (dates as ISO text, JSON with sorted keys...). Any difference
   rolls the whole copy back.

Only an administrator may do this. Qt-free.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, inspect, select, text, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from sp_desktop.db.engine import Database, long_work, sqlite_url
from sp_desktop.db.migrate import DatabaseTooNew, migrate, sqlite_backup
from sp_desktop.db.models import Base
from sp_desktop.db.sequences import reset_sequences
from sp_desktop.services.base import Permission, ServiceContext, require
from sp_desktop.services.tasks import Progress, check

BATCH = 500
#: Tables in the SQLite file that belong to the SQLite search index or to Alembic, not copied.
_SQLITE_ONLY = ("alembic_version", "service_fts", "sqlite_")


class MigrateToError(RuntimeError):
    """migrate-to cannot go ahead or failed; nothing was committed on the server."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    checksum: str  # SHA-256 of the canonical rows, the same on both sides


@dataclass(frozen=True)
class MigrateToReport:
    source: str
    target: str  # the URL without the password
    tables: tuple[TableCopy, ...]
    #: NUL characters left out of text (PostgreSQL cannot store them; SQLite files from before the
    #: app refused them may hold a few, e.g. pasted from a damaged file). Nothing else is changed.
    nul_characters_dropped: int = 0

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


# --------------------------------------------------------------------------- checksums
def canonical(value: Any) -> Any:
    """A JSON-able form of a column value that is the same whichever database it came from (NUL
    characters aside: PostgreSQL cannot store them, so the copy leaves them out, see `_without_nul`)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "bytes:" + bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return str(value)


def _pk_key(table: Table, row: Sequence[Any]) -> tuple[Any, ...]:
    cols = list(table.columns)
    return tuple(row[cols.index(c)] for c in table.primary_key.columns)


def table_rows(conn: Connection, table: Table) -> list[tuple[Any, ...]]:
    """Every row of `table`, as the ORM types read it, in primary-key order (sorted in Python, so
    that text keys sort the same whatever the database's collation)."""
    rows = [tuple(r) for r in conn.execute(select(table))]
    rows.sort(key=lambda r: _pk_key(table, r))
    return rows


def checksum(rows: Iterable[Sequence[Any]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps([canonical(v) for v in row], sort_keys=True, ensure_ascii=False,
                                 separators=(",", ":")).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def table_checksums(conn: Connection, tables: Sequence[Table] | None = None) -> dict[str, tuple[int, str]]:
    """{table: (rows, checksum)} for the app's tables on an open connection."""
    out: dict[str, tuple[int, str]] = {}
    for table in tables or Base.metadata.sorted_tables:
        rows = table_rows(conn, table)
        out[table.name] = (len(rows), checksum(rows))
    return out


# --------------------------------------------------------------------------- the copy
def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert a batch; if it fails, find and name the first row the server refuses."""
    savepoint = conn.begin_nested()
    try:
        conn.execute(table.insert(), rows)
        savepoint.commit()
        return
    except SQLAlchemyError:
        savepoint.rollback()
    for row in rows:
        savepoint = conn.begin_nested()
        try:
            conn.execute(table.insert(), [row])
            savepoint.commit()
        except SQLAlchemyError as exc:
            savepoint.rollback()
            key = ", ".join(f"{c.name}={row[c.name]!r}" for c in table.primary_key.columns)
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise MigrateToError(f"The server refused row {key} of table “{table.name}”: {reason}. "
                                 "Nothing was copied. Correct that record in the app on this PC, then run "
                                 "migrate-to again.") from exc
    raise MigrateToError(f"Copying table “{table.name}” failed, but no single row was refused; nothing was "
                         "copied. Try again; if it keeps failing, report this problem.")


def _without_nul(value: Any, dropped: list[int]) -> Any:
    """`value` with NUL characters left out of every string in it (counted in `dropped[0]`)."""
    if isinstance(value, str):
        if "\x00" in value:
            dropped[0] += value.count("\x00")
            return value.replace("\x00", "")
        return value
    if isinstance(value, list):
        return [_without_nul(v, dropped) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k, dropped): _without_nul(v, dropped) for k, v in value.items()}
    return value


def _copy_table(src: Connection, dst: Connection, table: Table, dropped: list[int] | None = None) -> int:
    self_refs = _self_references(table)
    names = [c.name for c in table.columns]
    rows = table_rows(src, table)
    batch: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    dropped = dropped if dropped is not None else [0]
    for row in rows:
        values = {k: _without_nul(v, dropped) for k, v in zip(names, row, strict=True)}
        if self_refs and any(values[c] is not None for c in self_refs):
            later.append({f"new_{c}": values[c] for c in self_refs}
                         | {f"pk_{c.name}": values[c.name] for c in table.primary_key.columns})
            values = values | {c: None for c in self_refs}
        batch.append(values)
        if len(batch) >= BATCH:
            _insert(dst, table, batch)
            batch = []
    if batch:
        _insert(dst, table, batch)
    if later:  # second pass: links between rows of the same table (e.g. category -> parent)
        stmt = update(table).where(*[c == bindparam(f"pk_{c.name}") for c in table.primary_key.columns]) \
            .values({c: bindparam(f"new_{c}") for c in self_refs})
        dst.execute(stmt, later)
    return len(rows)


def _pause_triggers(conn: Connection, tables: Sequence[Table]) -> bool:
    """Switch off the search-index and change-notification triggers for the copy (the index is
    then built once, instead of once per row: minutes become seconds for a large directory).
    Needs the tables' owner — normally so, as migrate-to made them; otherwise the triggers
    simply stay on. Inside the copy's transaction, so nobody else ever sees them off."""
    savepoint = conn.begin_nested()
    try:
        for table in tables:
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER')
        savepoint.commit()
        return True
    except SQLAlchemyError:
        savepoint.rollback()
        return False


def _resume_triggers(conn: Connection, tables: Sequence[Table]) -> None:
    for table in tables:
        conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER')
    conn.execute(text("SELECT sp_refresh_service_search(ARRAY(SELECT id FROM service))"))
    conn.execute(text("SELECT pg_notify('sp_desktop_changes', 'migrate-to')"))


def _check_source_tables(src: Database) -> None:
    known = set(Base.metadata.tables)
    unknown = sorted(t for t in inspect(src.engine).get_table_names()
                     if t not in known and not t.startswith(_SQLITE_ONLY))
    if unknown:
        raise MigrateToError(f"The SQLite database has tables this version of sp_desktop does not know "
                             f"({', '.join(unknown)}); it may have been made by a newer version. Nothing was "
                             "copied. Use the newest sp_desktop for migrate-to.")


def _check_target_empty(dst: Database) -> None:
    with dst.engine.connect() as conn:
        busy = [(t.name, n) for t in Base.metadata.sorted_tables
                if (n := conn.execute(select(func.count()).select_from(t)).scalar() or 0)]
    if busy:
        listing = ", ".join(f"{name} ({n} rows)" for name, n in busy[:6])
        raise MigrateToError(f"The server database already holds data: {listing}. migrate-to only copies "
                             "into an empty database, so nothing was copied. Create a new, empty database "
                             "(see the administrator guide) and run migrate-to again with its URL.")


def migrate_to(ctx: ServiceContext, target_url: str | URL, progress: Progress | None = None,
               workdir: Path | None = None, source: Path | None = None) -> MigrateToReport:
    """Copy this PC's SQLite directory into an empty PostgreSQL database (see module docstring).

    The SQLite file is `ctx.db`'s, or `source` when given (the command signs in on a copy, so
    that recording the sign-in does not touch the original)."""
    require(ctx.actor, Permission.MOVE_TO_SERVER)
    source_path = source or ctx.db.sqlite_path
    if source_path is None:
        raise MigrateToError(f"migrate-to copies a SQLite database, but this one is {ctx.db.describe()}. "
                             "Run it on the PC that holds the SQLite file (without --database-url).")
    try:
        target = make_url(target_url)
    except Exception as exc:
        raise MigrateToError(f"“{target_url}” is not a database URL. Give one like "
                             "postgresql+psycopg://sp_desktop@server/practice.") from exc
    if target.get_backend_name() != "postgresql":
        raise MigrateToError(f"The target must be a PostgreSQL database (postgresql+psycopg://…), not "
                             f"{target.get_backend_name()}.")
    where = URL.create(target.drivername, target.username, None, target.host, target.port, target.database,
                       target.query).render_as_string()  # the password is never shown, not even as ***
    tables = list(Base.metadata.sorted_tables)
    check(progress, 0, len(tables) + 2, "Taking a snapshot of this PC's database…")
    with tempfile.TemporaryDirectory(prefix="sp-migrate-to-", dir=workdir) as tmp:
        snapshot = sqlite_backup(source_path, Path(tmp) / "snapshot.sqlite3")
        src = Database.open(sqlite_url(snapshot))
        dst: Database | None = None
        try:
            migrate(src, None)  # the snapshot, not the original, is upgraded if it is older
            _check_source_tables(src)
            check(progress, 1, len(tables) + 2, "Preparing the server database…")
            try:
                dst = Database.open(target)
                migrate(dst, None)
            except DatabaseTooNew as exc:
                raise MigrateToError(str(exc)) from exc
            except SQLAlchemyError as exc:
                reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
                raise MigrateToError(f"Could not prepare the server database {where}: {reason}") from exc
            _check_target_empty(dst)
            copies: list[TableCopy] = []
            dropped = [0]
            with long_work("migrate-to"), src.engine.connect() as sconn, dst.engine.begin() as dconn:
                quiet = _pause_triggers(dconn, tables)
                for i, table in enumerate(tables):
                    check(progress, 2 + i, len(tables) + 2, f"Copying {table.name}…")
                    _copy_table(sconn, dconn, table, dropped)
                if quiet:
                    _resume_triggers(dconn, tables)
                reset_sequences(dconn, tables)
                check(progress, len(tables) + 2, len(tables) + 2, "Checking every table…")
                theirs = table_checksums(dconn, tables)
                mine = table_checksums(sconn, tables)
                for table in tables:
                    if mine[table.name] != theirs[table.name]:
                        raise MigrateToError(
                            f"Table “{table.name}” did not copy exactly ({mine[table.name][0]} rows here, "
                            f"{theirs[table.name][0]} on the server, or different contents). Nothing was "
                            "committed. Please report this problem.")
                    copies.append(TableCopy(table.name, *mine[table.name]))
                # Fresh statistics for the planner: without them a search right after a large copy
                # can pick a plan that takes seconds instead of milliseconds.
                dconn.exec_driver_sql("ANALYZE")
            return MigrateToReport(str(source_path), where, tuple(copies), dropped[0])
        finally:
            src.dispose()
            if dst is not None:
                dst.dispose()
