"""`sp-desktop import`, `export`, `backup` and `restore`: data exchange and backups for practice IT.

`import` prints the same validation report and "what changed" summary as the import wizard;
with problems it writes nothing and exits 1. `--dry-run` stops after the report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.domain.errors import ExitCode
from sp_desktop.interop.spreadsheet import FIELDS, IGNORE, memory_key

FIELD_HELP = ", ".join(f.key for f in FIELDS)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(
        sub, "import", "import a spreadsheet or an Open Referral feed (all or nothing)",
        "Import organisations and services from a spreadsheet (CSV or XLSX) or an Open Referral feed "
        "(HSDS 3.0 / ORUK: JSON, or a data package folder or zip). Prints every problem by row and column "
        "and what would change; with problems nothing is written. New organisations arrive not vetted.")
    p.add_argument("source", metavar="FILE_OR_FOLDER", help="the file, or the folder of a data package")
    p.add_argument("--format", default="auto", choices=("auto", "csv", "xlsx", "hsds-json", "hsds-csv"),
                   help="what the file is (default: worked out from the name)")
    p.add_argument("--dry-run", action="store_true", help="check and report only; change nothing")
    p.add_argument("--sheet", help="the sheet of an Excel workbook to read (default: the first with data)")
    p.add_argument("--map", action="append", default=[], metavar="HEADING=FIELD",
                   help="say which field a spreadsheet column holds (repeatable); FIELD empty to leave the "
                        f"column out. Fields: {FIELD_HELP}")
    p.add_argument(
        "--new-categories",
        action="store_true",
        help="add spreadsheet categories that are not in the practice's list (default: report them)",
    )
    p.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows and leave out rows with problems (default: import nothing)",
    )
    p.add_argument(
        "--skip-bad-fields",
        action="store_true",
        help="import rows with a bad field (a phone that is not one, an unknown category...) without that "
             "field; each is listed (rows without an organisation name still need fixing or --skip-bad-rows)",
    )
    p.add_argument("--duplicates", choices=("merge", "skip", "add"), default=None,
                   help="what to do with organisations that look like ones already in the directory (or like "
                        "another in the same file): merge (fill in blanks, add missing services), skip, or "
                        "add as new. Needed when there are any: nothing is merged without a choice")
    p.add_argument("--feed-changes", choices=("keep", "take-unedited", "take-all"), default="keep",
                   help="fields an updated feed changed: keep ours (the default: nothing changes without a "
                        "choice), take the feed's where nobody here edited the field since the last "
                        "import, or take them all; each field is listed old -> new")
    p.add_argument("--local-edits", choices=("keep", "overwrite"), default="keep",
                   help="fields edited here since the feed was last imported: keep ours (default) or take "
                        "the feed's (the same as --feed-changes take-all)")
    p.add_argument("--unmatched-terms", choices=("new", "ignore"), default="new",
                   help="feed categories that match none of the practice's: add them (default) or leave out")
    p.add_argument("--assume-access",
                   choices=("self_referral", "professional_referral", "drop_in", "appointment"),
                   help="how people get to services whose file does not say (default: left empty, as nothing "
                        "is assumed)")
    p.add_argument("--archive-missing", action="store_true",
                   help="archive records that came from this feed but are no longer in it")
    p.add_argument(
        "--feed", metavar="NAME", help="the feed's name, to tell feeds apart (default: worked out)"
    )
    p.set_defaults(run=run_import)

    p = add_subcommand(
        sub, "import-categories", "add a taxonomy file's terms to the practice's categories",
        "Read an Open Referral (HSDS 3.0 / ORUK) taxonomy file (taxonomy terms as JSON) and add its terms to "
        "the practice's categories, two levels deep, in one go. Categories already in the list are kept.")
    p.add_argument("source", metavar="FILE", help="the taxonomy terms file (JSON)")
    p.set_defaults(run=run_import_categories)

    p = add_subcommand(
        sub,
        "export",
        "export the directory (CSV for Excel, or Open Referral)",
        "Write the directory as a CSV for Excel (one row per service) or as Open Referral HSDS 3.0 (JSON, or "
        "a data package: a zip when OUT ends in .zip, else a new folder). Internal records (vetting evidence,"
        " trust notes, contact history, referrals) are never exported. Needs --user: every export is "
        "written to the audit trail (who, when, format, how many records).",
    )
    p.add_argument("out", metavar="OUT", help="the file (or new folder) to write")
    p.add_argument("--format", choices=("csv", "hsds-json", "hsds-csv", "shared-directory"),
                   help="csv, hsds-json, hsds-csv or shared-directory (Open Referral JSON for neighbouring "
                        "practices: approved organisations with who vetted them and when, no named contacts; "
                        "default: from OUT: .csv, .json, else a data package)")
    p.add_argument("--include-contacts", action="store_true",
                   help="include named contacts (people at organisations); left out by default")
    p.add_argument(
        "--approved-only", action="store_true", help="only organisations whose vetting is approved"
    )
    p.add_argument("--include-declined", action="store_true",
                   help="include organisations whose vetting was declined or that are suspended; left out by "
                        "default")
    p.set_defaults(run=run_export)

    p = add_subcommand(
        sub, "backup", "make a checked backup of the database now",
        "Copy the database with SQLite's online backup API (safe while the app is open) and check the copy. "
        "Without DEST the backup goes to the practice's backup folder and old backups are rotated.")
    p.add_argument("dest", metavar="DEST", nargs="?", help="a folder or file name for the backup")
    p.add_argument("--list", action="store_true", help="list the backups in the backup folder instead")
    p.set_defaults(run=run_backup)

    p = add_subcommand(
        sub, "restore", "replace the database with a backup (the current data is backed up first)",
        "Check a backup (undamaged, an sp_desktop database, not from a newer version), show what it holds, "
        "back up the current database, then put the backup in its place. Close sp_desktop on every PC first.")
    p.add_argument("file", metavar="FILE", nargs="?",
                   help="the backup file (may be left out when the database is damaged or missing: then "
                        "the newest backup that checks out is restored)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation (for scripts)")
    p.set_defaults(run=run_restore)


# --------------------------------------------------------------------------- import
def _mapping(loaded: object, pairs: list[str]) -> dict[int, str]:
    from sp_desktop.cli import CommandError
    from sp_desktop.interop.spreadsheet import FIELD_BY_KEY

    mapping = dict(loaded.mapping)  # type: ignore[attr-defined]
    headers = loaded.table.headers  # type: ignore[attr-defined]
    by_key = {memory_key(h): i for i, h in enumerate(headers)}
    for pair in pairs:
        heading, sep, field = pair.partition("=")
        if not sep:
            raise CommandError(f"--map “{pair}”: write it as HEADING=FIELD, e.g. --map \"Tel No=phone\".")
        field = field.strip()
        if field and field not in FIELD_BY_KEY:
            raise CommandError(f"--map “{pair}”: “{field}” is not a field. Fields: {FIELD_HELP}")
        index = by_key.get(memory_key(heading))
        if index is None:
            raise CommandError(
                f"--map “{pair}”: the file has no column “{heading.strip()}”. Its columns are: "
                + ", ".join(headers)
            )
        if field:
            for i, k in list(mapping.items()):
                if k == field and i != index:
                    mapping[i] = IGNORE
        mapping[index] = field or IGNORE
    return mapping


def _refusal(feed: Any, is_spreadsheet: bool, skipping: bool, skipping_fields: bool = False) -> str:
    """Why nothing was imported, naming only the options that would work for this file."""
    errors = feed.errors
    bad = sorted({p.row for p in errors if p.row is not None})
    rows = f" (rows {', '.join(map(str, bad[:20]))}{'…' if len(bad) > 20 else ''})" if bad else ""
    text = f"nothing was imported: {len(errors)} problem(s){rows} must be fixed first (each is listed above)."
    if skipping:  # what is left cannot be left out row by row
        return text + " Fix the file and import it again."
    if is_spreadsheet:
        if not bad:
            return text + " Fix the file and import it again."
        options = []
        if not feed.whole_row_errors and not skipping_fields:  # every error is about one field
            options.append("--skip-bad-fields to import those rows without the bad fields")
        options.append("--skip-bad-rows to leave those rows out")
        return text + " Fix the file, or use " + ", or ".join(options) + ", and import the rest."
    return text + (" Fix the feed, or use --skip-bad-rows to leave those items out (services without an "
                   "organisation, records without a name) and import the rest.")


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.domain.enums import AccessRoute
    from sp_desktop.interop.spreadsheet import FIELD_BY_KEY
    from sp_desktop.services.imports import (
        FORMAT_LABELS,
        ImportChoices,
        ImportFailed,
        ImportService,
        report_lines,
    )
    from sp_desktop.services.tasks import Cancelled

    source = Path(args.source)
    with runtime_for(args) as (_rt, ctx):
        service = ImportService(ctx)
        try:
            loaded = service.open(source, args.format, args.sheet)
            print(f"Reading {source} ({FORMAT_LABELS[loaded.format]})", file=out)
            mapping: dict[int, str] = {}
            if loaded.table is not None:
                mapping = _mapping(loaded, args.map)
                print(
                    f"{loaded.table.describe}; headings on row {loaded.table.header_row}. Columns:", file=out
                )
                for i, heading in enumerate(loaded.table.headers):
                    key = mapping.get(i, IGNORE)
                    target = FIELD_BY_KEY[key].label if key else "(not imported)"
                    print(f"  {heading} -> {target}", file=out)
            feed = service.read_feed(loaded, mapping or None, create_missing_categories=args.new_categories,
                                     skip_bad_rows=args.skip_bad_rows, skip_bad_fields=args.skip_bad_fields)
            choices = ImportChoices(
                default_duplicate=args.duplicates,
                default_conflict="take" if args.local_edits == "overwrite" or args.feed_changes == "take-all"
                else "keep",
                default_field="take_unedited" if args.feed_changes == "take-unedited" else "keep",
                unmatched_terms=args.unmatched_terms,
                archive_missing=args.archive_missing,
                feed_name=args.feed,
                assume_access=AccessRoute(args.assume_access) if args.assume_access else None,
                remember_columns=(
                    {loaded.table.headers[i]: k for i, k in mapping.items()}
                    if loaded.table is not None
                    else None
                ),
            )
            plan = service.plan(feed, choices)
            print("", file=out)
            for line in report_lines(plan):
                print(line, file=out)
            if plan.has_errors:
                raise CommandError(_refusal(feed, loaded.table is not None, args.skip_bad_rows,
                                            args.skip_bad_fields))
            if plan.undecided and not args.dry_run:
                raise CommandError(
                    f"{len(plan.undecided)} organisation(s) look like ones you already have (listed above "
                    "side by side). Say what to do with them: --duplicates merge, --duplicates skip or "
                    "--duplicates add. Nothing was imported.")
            if args.dry_run:
                print("\nDry run: nothing was changed.", file=out)
                return 0
            result = service.commit(feed, choices)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        except Cancelled as exc:
            raise CommandError(str(exc), 130) from None
    print("", file=out)
    print(result.describe(), file=out)
    return 0


def run_import_categories(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.services.categories import CategoryService, TaxonomyFileError

    with runtime_for(args) as (_rt, ctx):
        try:
            result = CategoryService(ctx).import_taxonomy(Path(args.source))
        except TaxonomyFileError as exc:
            raise CommandError(str(exc)) from None
    for label in result.added:
        print(f"  + {label}", file=out)
    for label in result.left_out:
        print(f"  left out: {label}", file=out)
    print(result.describe(), file=out)
    return 0


# --------------------------------------------------------------------------- export
def run_export(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.services.exports import ExportFailed, ExportService

    target = Path(args.out)
    fmt: Any = args.format or {".csv": "csv", ".json": "hsds-json"}.get(target.suffix.lower(), "hsds-csv")
    with runtime_for(args) as (_rt, ctx):
        try:
            result = ExportService(ctx).export(fmt, target, include_contacts=args.include_contacts,
                                               approved_only=args.approved_only,
                                               include_declined=args.include_declined)
        except ExportFailed as exc:
            raise CommandError(str(exc)) from None
    print(result.describe(), file=out)
    return 0


# --------------------------------------------------------------------------- backups
def run_backup(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.domain.formatting import show_datetime
    from sp_desktop.services.backups import BackupFailed, BackupService, BackupUnavailable

    with runtime_for(args) as (rt, ctx):
        service = BackupService(ctx, rt.paths)
        try:
            if args.list:
                backups = service.list_backups()
                folder, _ = service.folder()
                if not backups:
                    print(f"No backups yet in {folder}.", file=out)
                for b in backups:
                    print(
                        f"{show_datetime(b.taken_at)}  {b.size / (1024 * 1024):6.1f} MB  {b.path}", file=out
                    )
                return 0
            info = service.back_up_now(dest=Path(args.dest) if args.dest else None)
        except (BackupFailed, BackupUnavailable) as exc:
            raise CommandError(str(exc)) from None
    print(info.describe(), file=out)
    return 0


def _confirm_restore(args: argparse.Namespace, out: TextIO) -> bool:
    from sp_desktop.cli import CommandError

    if args.yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError("add --yes to restore without being asked (the current data is backed up first).")
    answer = input("Replace the current directory with this backup? Type yes to go ahead: ")
    if answer.strip().lower() != "yes":
        print("Nothing was changed.", file=out)
        return False
    return True


def _restore_after_damage(args: argparse.Namespace, out: TextIO, damage: object) -> int:
    """The database is damaged (put aside) or missing, so it cannot be opened or signed in to: put a
    checked backup in its place. Needs only access to the data folder on this PC (as copying the file
    by hand would); the window offers the same."""
    from sp_desktop.cli import CommandError
    from sp_desktop.db import integrity
    from sp_desktop.services.health import DamagedDatabase

    assert isinstance(damage, DamagedDatabase)
    report = damage.report
    print(report.message.split("\n\n")[0], file=out)
    if args.file:
        chosen = Path(args.file).expanduser().resolve()
        try:
            ok = integrity.looks_like_app_database(chosen) and \
                integrity.check_file(chosen, full=True, read_only=True).ok
        except (OSError, ValueError) as exc:
            raise CommandError(f"{chosen} cannot be read ({exc}). Choose another backup.") from None
        if not ok:
            raise CommandError(f"{chosen} is not an sp_desktop backup that checks out (damaged, or another "
                               "program's file). Nothing was changed. Choose another backup.")
    elif report.backup is not None:
        chosen = report.backup.path
    else:
        raise CommandError("No backup that checks out was found, so there is nothing to restore. Give the "
                           "backup file: sp-desktop restore FILE. Nothing was changed.")
    print(f"Backup to restore: {chosen}", file=out)
    if not _confirm_restore(args, out):
        return 1
    try:
        integrity.restore_after_damage(report, report.database.parent, backup=chosen)
    except OSError as exc:
        raise CommandError(f"The backup could not be copied into place ({exc}). "
                           "Nothing was changed.") from None
    print(f"The directory was restored from {chosen}. Changes made after that backup was taken will need "
          "to be made again.", file=out)
    return 0


def run_restore(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.services.backups import BackupFailed, BackupService, BackupUnavailable, RestoreRefused
    from sp_desktop.services.health import DamagedDatabase

    try:
        from sp_desktop.runtime import open_runtime

        open_runtime(args).close()
    except DamagedDatabase as damage:
        return _restore_after_damage(args, out, damage)
    if not args.file:
        raise CommandError("Name the backup file to restore: sp-desktop restore FILE (see sp-desktop backup "
                           "--list). The database itself is fine.")
    with runtime_for(args) as (rt, ctx):
        service = BackupService(ctx, rt.paths)
        try:
            summary = service.inspect(Path(args.file))
            print(f"{args.file}:", file=out)
            print(summary.describe(), file=out)
            if not _confirm_restore(args, out):
                return int(ExitCode.REFUSED)
            result = service.restore(Path(args.file))
        except (RestoreRefused, BackupFailed, BackupUnavailable) as exc:
            raise CommandError(str(exc)) from None
    print(result.describe(), file=out)
    return 0
