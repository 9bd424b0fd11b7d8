"""What went wrong with the database, in one plain message per cause. Qt-free.

The window (`ui/crash.py`, the server banner) and the command line (`cli.run_command`) both call
`explain(exc, where)`; nothing else turns a driver error into words, so a cause always reads the
same wherever it is met, and no driver text, SQL or parameters ever reach the person.

Causes (`Fault.cause`):

========== ==================================================== ===========================
cause      when                                                 command-line exit code
========== ==================================================== ===========================
unreachable the server refused the connection / name unknown     3 cannot open the database
no_answer  the server accepted nothing within the connect timeout 3
lost       the connection dropped part-way (restart, network)   3
read_only  maintenance or a standby: writes are refused          1 refused
locked     another PC holds the record (lock_timeout) / deadlock 1
timed_out  a statement ran longer than its statement_timeout     1
disk_full  the server's disk, or this PC's, is full              1
permission the server's user, or the data folder, may not do it  4 needs sign-in or permission
damaged    SQLite or the server reports damaged data             3
========== ==================================================== ===========================
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from sp_desktop.db.engine import LOCK_TIMEOUT_MS
from sp_desktop.db.errors import is_damage, storage_problem
from sp_desktop.domain.errors import ExitCode

READ_ONLY_TEXT = "The practice server is read-only just now; nothing was changed."


@dataclass(frozen=True)
class Fault:
    cause: str
    title: str
    message: str
    exit_code: ExitCode
    #: the server is away (not a refusal of this one change): the window shows the banner with Retry
    server_away: bool = False


class ServerReadOnly(RuntimeError):
    """A write was refused because the practice server is read-only just now."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]


def _sqlstate(e: BaseException) -> str:
    return str(getattr(e, "sqlstate", "") or getattr(getattr(e, "diag", None), "sqlstate", "") or "")


_LOST = ("server closed the connection", "connection already closed", "consuming input failed",
         "the connection is closed", "terminating connection", "connection reset", "broken pipe",
         "ssl connection has been closed", "lost synchronization", "sending query failed",
         "connection timed out", "server conn crashed", "no connection to the server",
         "connection is lost", "user timeout")
_RESTARTING = ("the database system is starting up", "the database system is shutting down",
               "the database system is in recovery mode", "not yet accepting connections",
               "the database system is not accepting connections")
_NO_ANSWER = ("timeout expired", "connection timeout", "timed out")
_UNREACHABLE = ("connection refused", "could not translate host name", "name or service not known",
                "no route to host", "network is unreachable", "could not connect to server",
                "nodename nor servname", "host is down", "temporary failure in name resolution")


_CONNECTION_ERRORS = {"OperationalError", "InterfaceError", "DisconnectionError"}


def explain(exc: BaseException, where: str | None = None) -> Fault | None:
    """The plain-words `Fault` for a database failure, or None when `exc` is not one."""
    server = f" ({where})" if where else ""
    for e in _chain(exc):  # the error itself first, then what it was raised from or during
        if isinstance(e, ServerReadOnly):
            return _read_only()
        state = _sqlstate(e)
        if state:
            fault = _from_sqlstate(state, server)
            if fault is not None:
                return fault
        name = type(e).__module__ + "." + type(e).__name__
        if not (name.startswith("psycopg") or name.startswith("sqlalchemy")):
            continue
        if not any(c.__name__ in _CONNECTION_ERRORS for c in type(e).__mro__):
            continue  # e.g. an IntegrityError: its text holds the person's data, never read as a cause
        text = str(getattr(e, "orig", None) or e).lower()  # the driver's words, not the SQL
        if "read-only transaction" in text:
            return _read_only()
        if any(t in text for t in _RESTARTING):
            return _no_answer(server)
        if any(t in text for t in _UNREACHABLE) and "timeout" not in text:
            return Fault("unreachable", "Cannot reach the practice server",
                         f"Cannot reach the practice server{server}. Check that this PC is connected to the "
                         "practice network and that the server is switched on, then try again. Nothing "
                         "was changed.", ExitCode.CANNOT_OPEN, server_away=True)
        if "connection" in text and any(t in text for t in _NO_ANSWER) and "failed" in text \
                and "server closed" not in text:
            return _no_answer(server)
        if any(t in text for t in _LOST):
            return _lost(server)
        if any(t in text for t in _NO_ANSWER):
            return _no_answer(server)
    # SQLite (this PC's database file) and files on disk: db/errors.storage_problem's sentences
    problem = storage_problem(exc, where)
    if problem is not None:
        for e in _chain(exc):
            if isinstance(e, sqlite3.DatabaseError) or isinstance(e, OSError):
                text = str(e).lower()
                name = getattr(e, "sqlite_errorname", "") or ""
                if is_damage(e):
                    return Fault("damaged", "The database is damaged", problem, ExitCode.CANNOT_OPEN)
                if "full" in text or name == "SQLITE_FULL" or getattr(e, "errno", None) == 28:
                    return Fault("disk_full", "The disk is full", problem, ExitCode.REFUSED)
                if "locked" in text or name.startswith("SQLITE_BUSY"):
                    return Fault("locked", "The database is busy", problem, ExitCode.REFUSED)
                if "readonly" in text or "read-only" in text or name.startswith("SQLITE_READONLY") \
                        or getattr(e, "errno", None) in (1, 13, 30):
                    return Fault("permission", "Cannot change the database", problem, ExitCode.NEEDS_SIGN_IN)
        title = "The database is damaged" if is_damage(exc) else "Could not save"
        return Fault("damaged" if is_damage(exc) else "storage", title, problem,
                     ExitCode.CANNOT_OPEN if is_damage(exc) else ExitCode.REFUSED)
    return None


def _read_only() -> Fault:
    return Fault("read_only", "The practice server is read-only",
                 READ_ONLY_TEXT + " It is probably being maintained: you can still look things up. Try the "
                 "change again later, or ask whoever looks after the server.", ExitCode.REFUSED)


def _no_answer(server: str) -> Fault:
    return Fault("no_answer", "The practice server is not answering",
                 f"The practice server{server} is not answering. It may be restarting, or the network "
                 "between this PC and the server may be down. Nothing was changed. Wait a minute and try "
                 "again; if it keeps happening, tell whoever looks after the server.",
                 ExitCode.CANNOT_OPEN, server_away=True)


def _lost(server: str) -> Fault:
    return Fault("lost", "The connection to the practice server was lost",
                 f"The connection to the practice server{server} was lost (the server restarted, or the "
                 "network dropped). Anything not confirmed as saved was not changed. Try again when the "
                 "server is back: sp_desktop checks what was saved before saving anything twice.",
                 ExitCode.CANNOT_OPEN, server_away=True)


def _from_sqlstate(state: str, server: str) -> Fault | None:
    if state == "25006":  # read_only_sql_transaction
        return _read_only()
    if state in ("55P03", "40P01", "40001"):  # lock_not_available, deadlock, serialization failure
        return Fault("locked", "Someone else is changing this",
                     "Another PC is busy with the same records just now (sp_desktop waited "
                     f"{LOCK_TIMEOUT_MS // 1000} seconds for them), so this was not done and nothing was "
                     "changed. Wait a few seconds and try again.", ExitCode.REFUSED)
    if state == "57014":  # query_canceled (statement_timeout, or Cancel)
        return Fault("timed_out", "The practice server took too long",
                     f"The practice server{server} took too long to answer, so this was stopped and nothing "
                     "was changed. Try again; if it keeps happening, tell whoever looks after the server "
                     "that it is slow.", ExitCode.REFUSED)
    if state in ("57P03", "57P01", "57P02"):  # cannot_connect_now (starting up), admin/crash shutdown
        return _no_answer(server) if state == "57P03" else _lost(server)
    if state == "25P03":  # idle_in_transaction_session_timeout
        return _lost(server)
    if state in ("57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"):
        # admin_shutdown, crash_shutdown, cannot_connect_now, connection exceptions
        return _lost(server) if state not in ("08001", "08004", "57P03") else _no_answer(server)
    if state.startswith("53"):  # insufficient resources: disk full, out of memory, too many connections
        what = "disk is full" if state == "53100" else "is short of resources (memory or connections)"
        return Fault("disk_full" if state == "53100" else "no_answer", "The practice server cannot save",
                     f"The practice server{server} {what}, so nothing was changed. Tell whoever looks after "
                     "the server; then try again.", ExitCode.REFUSED)
    if state in ("42501", "28000", "28P01"):  # insufficient_privilege, invalid authorisation
        return Fault("permission", "The practice server refused",
                     f"The practice server{server} does not allow this PC's database user to do that, so "
                     "nothing was changed. Ask whoever looks after the server to check the user's rights.",
                     ExitCode.NEEDS_SIGN_IN)
    if state in ("XX001", "XX002"):  # data_corrupted, index_corrupted
        return Fault("damaged", "The practice server reports damaged data",
                     f"The practice server{server} reports that part of the directory's data is damaged. "
                     "Nothing was changed. Tell whoever looks after the server straight away; they can "
                     "restore it from the server's backup.", ExitCode.CANNOT_OPEN)
    return None


__all__ = ["READ_ONLY_TEXT", "Fault", "ServerReadOnly", "explain"]
