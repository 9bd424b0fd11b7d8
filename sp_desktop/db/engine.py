"""Engines and sessions for SQLite (default) and PostgreSQL.

SQLite connections get WAL, ``synchronous=FULL``, foreign keys and a busy timeout. pysqlite's
own transaction handling is switched off and SQLAlchemy emits BEGIN itself (the recipe in
SQLAlchemy's pysqlite documentation, "Serializable isolation / Savepoints / Transactional
DDL"), so that write transactions can start with ``BEGIN IMMEDIATE``: a writer takes the write
lock up front and waits (busy_timeout) instead of failing half-way with "database is locked".
Read-only sessions keep a plain deferred BEGIN so they never block writers.
"""

from __future__ import annotations

import contextvars
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 15_000

# ------------------------------------------------------------------ bounded waits on the practice server
# Every value and its reason: docs/server-faults.md. Together they make sure that no fault at the
# server or on the network leaves the person waiting without being told.
#: libpq's connect_timeout: a server that does not answer is reported within seconds (s). A server on
#: the practice network answers in milliseconds; 4 s leaves room for a slow VPN.
CONNECT_TIMEOUT_S = 4
#: TCP keepalives: an idle connection whose link died is noticed within 5 + 3 x 2 = 11 s.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}
#: Data sent but not acknowledged for this long closes the connection (ms; Linux, ignored elsewhere).
TCP_USER_TIMEOUT_MS = 10_000
#: A statement that runs longer is cancelled (ms) — per kind of work, see `long_work()`.
STATEMENT_TIMEOUT_MS = {"interactive": 10_000, "report": 120_000, "export": 120_000, "import": 300_000,
                        "upgrade": 600_000, "migrate-to": 600_000}
#: Waiting for a row or table lock that another PC holds ends after this long (ms).
LOCK_TIMEOUT_MS = 5_000
#: The server ends a session that sits inside a transaction doing nothing for this long (ms), so a PC
#: that dies half-way through a save never keeps its locks for long.
IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000

_work_kind: ContextVar[str] = ContextVar("sp_desktop_work_kind", default="interactive")


@contextmanager
def long_work(kind: str) -> Iterator[None]:
    """Transactions begun inside this block (on this thread) get the longer statement timeout for
    `kind` ("report", "export", "import", "upgrade", "migrate-to") instead of the interactive one."""
    if kind not in STATEMENT_TIMEOUT_MS:
        raise ValueError(f"unknown kind of work: {kind!r}")
    token = _work_kind.set(kind)
    try:
        yield
    finally:
        _work_kind.reset(token)


def server_connect_args() -> dict[str, Any]:
    """libpq connection parameters that bound every wait (see the constants above)."""
    options = (f"-c statement_timeout={STATEMENT_TIMEOUT_MS['interactive']} "
               f"-c lock_timeout={LOCK_TIMEOUT_MS} "
               f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_TIMEOUT_MS}")
    return {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "sp_desktop", **KEEPALIVES,
            "tcp_user_timeout": TCP_USER_TIMEOUT_MS, "options": options}


#: The PC's own limit on one wait for the server, beyond the server's statement_timeout (s). The server
#: enforces statement_timeout itself, but a link that loses packets while the far end still
#: acknowledges (a half-dead router or VPN) would leave the PC waiting for an answer for ever.
CLIENT_GRACE_S = 5.0
#: The check that a pooled connection still works may take this long (s): on a LAN it takes a millisecond.
PING_S = 5.0
#: A COMMIT (or ROLLBACK) may take this long (s).
PING_AND_COMMIT_S = 10.0


class Deadlines:
    """A background thread that ends a wait on the server that has gone on too long.

    Every statement, COMMIT and pool check is armed with a deadline; if it is still waiting when
    the deadline passes, the connection's socket is shut down, so the waiting call returns at once
    with "connection lost" (`db/faults.py`) instead of blocking until the operating system gives up
    (many minutes). The connection is then thrown away and the next use makes a new one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[float, int]] = {}
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, dbapi_connection: Any, seconds: float) -> None:
        try:
            fd = int(dbapi_connection.fileno())
        except Exception:  # already closed: nothing can block on it
            return
        with self._lock:
            self._armed[id(dbapi_connection)] = (time.monotonic() + seconds, fd)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sp-db-deadlines", daemon=True)
                self._thread.start()

    def disarm(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._armed.pop(id(dbapi_connection), None)

    def fire_all(self) -> None:
        """End every wait now (the person pressed Cancel)."""
        with self._lock:
            armed = list(self._armed.values())
            self._armed.clear()
        for _due, fd in armed:
            self.fired += 1
            _shut_down_socket(fd)

    def _run(self) -> None:
        while True:
            time.sleep(0.2)
            now = time.monotonic()
            with self._lock:
                late = [(key, fd) for key, (due, fd) in self._armed.items() if due <= now]
                for key, _fd in late:
                    del self._armed[key]
                if not self._armed and not late:
                    self._thread = None
                    return
            for _key, fd in late:
                self.fired += 1
                _shut_down_socket(fd)


# ------------------------------------------------------------------ waits made on the window's thread
#: Set by the window (`ui/server_wait.install_ui_wait`): `hook(wait, cancel)` makes one wait for the
#: server (a round trip, or connecting) without stopping the window's event loop; `cancel()` ends the
#: wait at once (the connection's socket is shut, as a deadline does; None when connecting: the wait
#: is simply given up). None (the command line, tests without a window): wait in place.
UiWait = Callable[[Callable[[], Any], Callable[[], None] | None], Any]
_ui_wait: UiWait | None = None


def set_ui_wait(hook: UiWait | None) -> None:
    """Make every wait for the practice server that code on the window's thread makes go through
    `hook`: a save, opening a record, any service called from a click, not only the reads already
    made off the UI thread (`ui/page_loader.py`, `ui/server_wait.call_waiting`)."""
    global _ui_wait
    _ui_wait = hook


def current_ui_wait() -> UiWait | None:
    return _ui_wait


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _server_connection_class() -> Any:
    import psycopg

    class ServerConnection(psycopg.Connection):
        """psycopg's connection, whose every wait for the server made on the window's thread goes
        through the window's hook (one place for every click that reads or writes the server)."""

        def wait(self, *args: Any, **kwargs: Any) -> Any:
            hook = _ui_wait
            if hook is None or not _on_main_thread():
                return super().wait(*args, **kwargs)
            context = contextvars.copy_context()
            wait = super().wait
            socket_fd = self.pgconn.socket
            return hook(lambda: context.run(wait, *args, **kwargs), lambda: _shut_down_socket(socket_fd))

    return ServerConnection


def _install_ui_wait(engine: Engine) -> None:
    connection_class = _server_connection_class()

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        hook = _ui_wait
        if hook is None or not _on_main_thread():
            return connection_class.connect(*cargs, **cparams)
        return hook(lambda: connection_class.connect(*cargs, **cparams), None)


def _shut_down_socket(fd: int) -> None:
    import socket

    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


def _statement_seconds() -> float:
    return STATEMENT_TIMEOUT_MS[_work_kind.get()] / 1000 + CLIENT_GRACE_S


def _install_deadlines(engine: Engine, deadlines: Deadlines) -> None:
    from sqlalchemy.exc import DisconnectionError

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
        deadlines.arm(conn.connection.dbapi_connection, _statement_seconds())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
        deadlines.disarm(conn.connection.dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _error(context: Any) -> None:
        if context.connection is not None and context.connection.connection is not None:
            dbapi = context.connection.connection.dbapi_connection
            if dbapi is not None:
                deadlines.disarm(dbapi)

    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        deadlines.arm(conn.connection.dbapi_connection, PING_AND_COMMIT_S)

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Any) -> None:
        deadlines.arm(conn.connection.dbapi_connection, PING_AND_COMMIT_S)

    @event.listens_for(engine.pool, "reset")
    def _reset(dbapi_connection: Any, record: Any, state: Any) -> None:
        if dbapi_connection is not None:  # the pool's own ROLLBACK on returning a connection
            deadlines.arm(dbapi_connection, PING_AND_COMMIT_S)

    @event.listens_for(engine.pool, "checkin")
    def _checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None:
            deadlines.disarm(dbapi_connection)

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        # Instead of pool_pre_ping (which cannot be bounded): a pooled connection whose server
        # restarted, or whose link died, is replaced here, within PING_S.
        deadlines.arm(dbapi_connection, PING_S)
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            if dbapi_connection.info.transaction_status != 0:  # IDLE: end the ping's own transaction
                dbapi_connection.rollback()
        except Exception as exc:
            raise DisconnectionError(f"the pooled connection no longer works: {exc}") from exc
        finally:
            deadlines.disarm(dbapi_connection)


def _on_server_begin(conn: Any) -> None:
    kind = _work_kind.get()
    if kind != "interactive":
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(STATEMENT_TIMEOUT_MS[kind])}")


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
    deadlines: Deadlines = field(default_factory=lambda: Deadlines(), repr=False)

    @classmethod
    def open(cls, url: str | URL, *, echo: bool = False) -> Database:
        url = make_url(url)
        deadlines = Deadlines()
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
            write_engine: Engine = engine.execution_options(sqlite_immediate=True)
        else:
            # Bounded waits (see above and docs/server-faults.md) instead of libpq's defaults of
            # waiting for the operating system's TCP timeouts (minutes); the URL may override each.
            is_pg = url.get_backend_name() == "postgresql"
            connect_args = server_connect_args() if is_pg else {}
            connect_args = {k: v for k, v in connect_args.items() if k not in url.query}
            engine = create_engine(url, echo=echo, pool_pre_ping=not is_pg, connect_args=connect_args)
            if is_pg:
                event.listen(engine, "begin", _on_server_begin)
                _install_deadlines(engine, deadlines)
                if engine.dialect.driver == "psycopg":
                    _install_ui_wait(engine)
            write_engine = engine
        read_factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
        write_factory = sessionmaker(bind=write_engine, expire_on_commit=False, autoflush=False)
        return cls(url, engine, write_engine, read_factory, write_factory, deadlines)

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
