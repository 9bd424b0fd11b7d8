"""Engines and sessions for SQLite (default) and PostgreSQL.

SQLite connections get WAL, ``synchronous=FULL``, foreign keys and a busy timeout. pysqlite's
own transaction handling is switched off and SQLAlchemy emits BEGIN itself (the recipe in
SQLAlchemy's pysqlite documentation, "Serializable isolation / Savepoints / Transactional
DDL"), so that write transactions can start with ``BEGIN IMMEDIATE``: a writer takes the write
lock up front and waits (busy_timeout) instead of failing half-way with "database is locked".
Read-only sessions keep a plain deferred BEGIN so they never block writers.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 15_000


class Clock(Protocol):
    def now(self) -> datetime: ...


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form used by search ("Café" -> "cafe")."""
    if not text:
        return ""
    if text.isascii():  # the common case: nothing to strip (the search triggers call this per field)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see module docstring)
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")  # deleted data is overwritten, not left in free pages
    cur.close()
    dbapi_connection.create_function("sp_fold", 1, fold, deterministic=True)


def _on_sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path))


@dataclass
class Database:
    """An open database: an engine for reads, one for writes, and session factories.

    Build one with `Database.open(url)`; `dispose()` closes every pooled connection.
    """

    url: URL
    engine: Engine
    write_engine: Engine
    _read_factory: sessionmaker[Session] = field(repr=False)
    _write_factory: sessionmaker[Session] = field(repr=False)

    @classmethod
    def open(cls, url: str | URL, *, echo: bool = False) -> Database:
        url = make_url(url)
        if url.get_backend_name() == "sqlite":
            # a "file:..." URI (read-only opening, tests) names an existing file: create nothing for it
            if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
                from sp_desktop.private_files import create_private_file

                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
                create_private_file(Path(url.database))  # 0600; SQLite gives its -wal/-shm the same mode
            engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                                 "check_same_thread": False})
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
            write_engine = engine.execution_options(sqlite_immediate=True)
        else:
            # A server that does not answer fails within seconds instead of libpq's default of
            # waiting for the operating system's TCP timeout (minutes); the URL may override both.
            connect_args = {"connect_timeout": 10, "application_name": "sp_desktop"} \
                if url.get_backend_name() == "postgresql" else {}
            connect_args = {k: v for k, v in connect_args.items() if k not in url.query}
            engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)
            write_engine = engine
        read_factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
        write_factory = sessionmaker(bind=write_engine, expire_on_commit=False, autoflush=False)
        return cls(url, engine, write_engine, read_factory, write_factory)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    def describe(self) -> str:
        """The database location for people (no password)."""
        if self.sqlite_path:
            return str(self.sqlite_path)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (rolled back at the end)."""
        session = self._read_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def write(self, clock: Clock) -> Iterator[Session]:
        """One write transaction: committed if the block succeeds, rolled back if it raises."""
        session = self._write_factory()
        session.info["clock"] = clock
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            # Disk full, read-only folder, I/O error: one plain message (db/errors.py).
            from sp_desktop.db.errors import StorageError, storage_problem

            problem = storage_problem(exc, self.describe()) if isinstance(exc, Exception) else None
            if problem is not None and not isinstance(exc, StorageError):
                raise StorageError(problem) from exc
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
