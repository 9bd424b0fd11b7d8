"""Runtime: the opened database plus the paths and clock, built once from the command line.

Shared by the window and the headless commands so that both run the same services on the same
database with the same rules. Qt-free.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sp_desktop.db.engine import Clock, Database
from sp_desktop.db.migrate import MigrationResult
from sp_desktop.paths import AppPaths
from sp_desktop.services.base import NOT_SIGNED_IN, Actor, NotSignedInContext, ServiceContext, SystemClock
from sp_desktop.services.bootstrap import database_url, open_database
from sp_desktop.services.health import StartupError as StartupError  # re-exported for the window and CLI


@dataclass
class Runtime:
    paths: AppPaths
    db: Database
    clock: Clock
    demo: bool
    migration: MigrationResult

    def context(self, actor: Actor) -> ServiceContext:
        """Services acting as `actor` (always named: there is no default, see services.base.SYSTEM)."""
        return ServiceContext(self.db, self.clock, actor)

    def sign_in_context(self) -> ServiceContext:
        """For signing in: reads accounts and settings, refuses every permission-checked call."""
        return NotSignedInContext(self.db, self.clock, NOT_SIGNED_IN)

    def close(self) -> None:
        self.db.dispose()


def add_common_options(parser: argparse.ArgumentParser, for_subcommand: bool = False) -> None:
    """Options every command accepts. On a subcommand they default to SUPPRESS so that a value
    given before the command (`sp-desktop --demo search x`) is not reset by the subparser."""
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if for_subcommand else {}
    parser.add_argument("--data-dir", metavar="DIR", **extra,
                        help="folder for the database, backups and logs (default: your user data folder; "
                             "or set SP_DESKTOP_HOME)")
    parser.add_argument("--database-url", metavar="URL", **extra,
                        help="SQLAlchemy database URL, e.g. postgresql+psycopg://user@server/practice "
                             "(default: a SQLite file in the data folder)")
    parser.add_argument("--user", metavar="NAME", **extra,
                        help="headless commands: act as this member of staff (password from "
                             "SP_DESKTOP_PASSWORD, or asked for); without it a command can only read")
    parser.add_argument("--demo", action="store_true", **extra,
                        help="open the separate demo directory (fictional data; never mixed with yours)")
    parser.add_argument("--i-understand-network-risk", action="store_true", dest="network_risk_ok", **extra,
                        help=argparse.SUPPRESS)


def open_runtime(args: argparse.Namespace, clock: Clock | None = None) -> Runtime:
    """Open (and if needed create, migrate and seed) the database the options point at."""
    from sp_desktop.db.migrate import DatabaseTooNew, MigrationFailed
    from sp_desktop.services import health

    clock = clock or SystemClock()
    paths = health.prepare_folders(AppPaths.from_options(getattr(args, "data_dir", None)))
    demo = bool(getattr(args, "demo", False))
    url_text = getattr(args, "database_url", None)
    if demo and url_text:
        raise StartupError("--demo opens the built-in demo directory; it cannot be combined with "
                           "--database-url.")
    if not url_text and not demo:  # this PC may have been set up for the practice server
        from sp_desktop.services.server_connection import stored_server_url

        stored = stored_server_url(paths)
        url_text = stored.render_as_string(hide_password=False) if stored is not None else None
    data_file = paths.demo_database_file if demo else paths.database_file
    try:
        if url_text and (len(url_text) > 2000 or not url_text.isprintable()):
            raise ValueError("too long, or holds control characters")
        url = database_url(data_file, url_text)
    except Exception as exc:  # sqlalchemy's ArgumentError, or a port that is not a number
        raise StartupError(f"--database-url is not a database address ({type(exc).__name__}). Write it as "
                           "postgresql+psycopg://USER@HOST:5432/DATABASE, or leave it out to use this PC's "
                           "directory file.") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        from sp_desktop.db.storage_check import NetworkStorageRefused, refuse_network_sqlite

        try:  # SQLite on a network drive gets corrupted: refuse unless told otherwise
            refuse_network_sqlite(url.database, allow=bool(getattr(args, "network_risk_ok", False)))
        except NetworkStorageRefused as exc:
            raise StartupError(str(exc)) from exc
    if not url_text:  # quick_check; a damaged file is put aside (health.DamagedDatabase)
        health.check_before_open(paths, data_file, clock.now(), demo)
    try:
        db, result = open_database(url, clock, paths.backup_dir)
    except (DatabaseTooNew, MigrationFailed) as exc:
        raise StartupError(str(exc)) from exc
    except Exception as exc:  # connection refused, bad URL, unreadable file...
        from sp_desktop.db.faults import explain

        where = describe_url(url_text, data_file)
        fault = explain(exc, where)
        if fault is not None and url_text:
            raise StartupError(fault.message, fault, where) from exc
        raise StartupError(health.open_failure_message(exc, where)
                           or f"Could not open the database at {where}: {_first_line(exc)}") from exc
    runtime = Runtime(paths, db, clock, demo, result)
    if not url_text and not demo:
        health.after_open(runtime)
    if not demo:  # retention runs by itself at every start (and daily while the window is open)
        health.run_retention(runtime)
    if demo:
        from sp_desktop.demo.seed import seed_demo

        seed_demo(db, clock)
    return runtime


def _first_line(exc: BaseException) -> str:
    """The driver's own words, without SQLAlchemy's "Background on this error" link or SQL."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(exc).__name__


def describe_url(url_text: str | None, data_file: Path) -> str:
    if not url_text:
        return str(data_file)
    from sqlalchemy.engine import make_url

    try:
        url = make_url(url_text)
    except Exception:
        return "the given --database-url"
    if url.get_backend_name() == "postgresql" and url.host:  # the server as people know it
        return f"{url.host}:{url.port or 5432}/{url.database or ''}"
    return url.render_as_string(hide_password=True)


def describe_target(args: argparse.Namespace) -> str:
    """Where these options point, for people: the server (host:port/database) or the data file."""
    paths = AppPaths.from_options(getattr(args, "data_dir", None))
    url_text = getattr(args, "database_url", None)
    if getattr(args, "demo", False):
        return str(paths.demo_database_file)
    if url_text:
        return describe_url(url_text, paths.database_file)
    from sp_desktop.services.server_connection import load_server

    loaded = load_server(paths)
    if loaded is not None:
        server = loaded[0]
        return f"{server.host}:{server.port}/{server.database}"
    return str(paths.database_file)
