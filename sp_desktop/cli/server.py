"""`sp-desktop migrate-to URL`: move this PC's directory onto a PostgreSQL server.
`sp-desktop server [--forget]`: show (or forget) the practice server this PC is set up for."""

from __future__ import annotations

import argparse
import getpass
import tempfile
from pathlib import Path
from typing import TextIO

from sp_desktop.cli import CommandError
from sp_desktop.cli.common import add_subcommand, runtime_for


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(
        sub, "migrate-to", "copy this PC's directory into an empty PostgreSQL database (administrators)",
        "Copy everything in this PC's SQLite database into an empty PostgreSQL database, in one "
        "transaction, then check every table (row counts and checksums). The SQLite file is only read "
        "and is left exactly as it was. Afterwards start every PC with --database-url URL (or File > "
        "Connect to practice server…).")
    p.add_argument("url", metavar="URL",
                   help="the server database, e.g. postgresql+psycopg://sp_desktop@server/practice")
    p.add_argument("--ask-password", action="store_true",
                   help="ask for the server password (instead of the URL, PGPASSWORD or .pgpass)")
    p.set_defaults(run=run_migrate_to)

    p = add_subcommand(
        sub, "server", "show the practice server this PC connects to (or --forget it)",
        "Show the PostgreSQL server this PC was set up for with File > Connect to practice server… "
        "(never the password). With --forget, go back to this PC's own database from the next start.")
    p.add_argument("--forget", action="store_true", help="forget the server (and its stored password)")
    p.set_defaults(run=run_server)


def _source_file(args: argparse.Namespace) -> Path:
    """This PC's SQLite file: --database-url sqlite:///…, the demo (--demo) or the practice's own."""
    from sqlalchemy.engine import make_url

    from sp_desktop.paths import AppPaths

    url_text = getattr(args, "database_url", None)
    if url_text:
        source = make_url(url_text)
        if source.get_backend_name() != "sqlite" or not source.database:
            raise CommandError("migrate-to copies this PC's SQLite database; --database-url already points "
                               "at a server. Run it without --database-url on the PC that holds the SQLite "
                               "file.")
        path = Path(source.database)
    else:
        paths = AppPaths.from_options(getattr(args, "data_dir", None))
        path = paths.demo_database_file if getattr(args, "demo", False) else paths.database_file
    if not path.is_file():
        raise CommandError(f"There is no SQLite database at {path} to copy.")
    return path


def run_migrate_to(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy.engine import make_url

    from sp_desktop.db.engine import sqlite_url
    from sp_desktop.db.migrate import sqlite_backup
    from sp_desktop.services.migrate_to import MigrateToError, migrate_to

    try:
        url = make_url(args.url)
    except Exception as exc:
        raise CommandError(f"“{args.url}” is not a database URL. Give one like "
                           "postgresql+psycopg://sp_desktop@server/practice") from exc
    if args.ask_password:
        url = url.set(password=getpass.getpass(f"Password for {url.username or 'the server'}: "))
    source = _source_file(args)

    def progress(done: int, total: int, text: str = "") -> bool:
        if text:
            print(f"[{done}/{total}] {text}", file=out, flush=True)
        return True

    # The original file is only ever read (SQLite's online backup API, read-only). Signing in
    # records the sign-in, so it happens on a throw-away copy; migrate_to() then copies a fresh
    # snapshot of the original, exactly.
    with tempfile.TemporaryDirectory(prefix="sp-migrate-to-") as tmp:
        sign_in_copy = sqlite_backup(source, Path(tmp) / "sign-in.sqlite3")
        on_copy = argparse.Namespace(**vars(args))
        on_copy.database_url = sqlite_url(sign_in_copy).render_as_string()
        on_copy.demo = False
        with runtime_for(on_copy) as (_rt, ctx):
            try:
                report = migrate_to(ctx, url, progress, source=source)
            except MigrateToError as exc:
                raise CommandError(str(exc)) from exc
    print(f"\nCopied {report.source}\n    to {report.target}\n", file=out)
    print(f"{'table':<24}{'rows':>8}  checksum (SHA-256, identical on both)", file=out)
    for t in report.tables:
        print(f"{t.table:<24}{t.rows:>8}  {t.checksum[:16]}…", file=out)
    print(f"{'total':<24}{report.total_rows:>8}\n", file=out)
    if report.nul_characters_dropped:
        print(f"{report.nul_characters_dropped} NUL character(s) were left out of text (PostgreSQL cannot "
              "store them; the app no longer accepts them).\n", file=out)
    print("Every table was checked and matches. The SQLite file has not been changed.\n"
          f"Next: start sp_desktop on every PC with --database-url {report.target}\n"
          "(or File > Connect to practice server…).", file=out)
    return 0


def run_server(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.paths import AppPaths
    from sp_desktop.services.server_connection import forget_server, load_server

    paths = AppPaths.from_options(getattr(args, "data_dir", None))
    loaded = load_server(paths)
    if loaded is None:
        print("This PC is not set up for a practice server; it uses its own database "
              f"({paths.database_file}).", file=out)
        return 0
    server, kind = loaded
    if args.forget:
        forget_server(paths)
        print(f"Forgotten: {server.describe()}. From the next start this PC uses its own database.", file=out)
        return 0
    where = "the computer's password store" if kind == "keyring" else str(paths.settings_file)
    print(f"This PC connects to {server.describe()} (password kept in {where}).", file=out)
    return 0
