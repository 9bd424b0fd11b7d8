"""`sp-desktop migrate-to URL`: move this PC's directory onto a PostgreSQL server.
`sp-desktop server [--forget]`: show (or forget) the practice server this PC is set up for."""

from __future__ import annotations

import argparse
import getpass
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


def run_migrate_to(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy.engine import make_url

    from sp_desktop.services.migrate_to import MigrateToError, migrate_to

    try:
        url = make_url(args.url)
    except Exception as exc:
        raise CommandError(f"“{args.url}” is not a database URL. Give one like "
                           "postgresql+psycopg://sp_desktop@server/practice") from exc
    if args.ask_password:
        url = url.set(password=getpass.getpass(f"Password for {url.username or 'the server'}: "))
    with runtime_for(args) as (rt, ctx):
        def progress(done: int, total: int, text: str = "") -> bool:
            if text:
                print(f"[{done}/{total}] {text}", file=out, flush=True)
            return True

        try:
            report = migrate_to(ctx, url, progress)
        except MigrateToError as exc:
            raise CommandError(str(exc)) from exc
    print(f"\nCopied {report.source}\n    to {report.target}\n", file=out)
    print(f"{'table':<24}{'rows':>8}  checksum (SHA-256, identical on both)", file=out)
    for t in report.tables:
        print(f"{t.table:<24}{t.rows:>8}  {t.checksum[:16]}…", file=out)
    print(f"{'total':<24}{report.total_rows:>8}\n", file=out)
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
