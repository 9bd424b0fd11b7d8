"""`sp-desktop leaflet` and `sp-desktop booklet`: the same leaflets, rules and booklets as the window.

Services whose organisation is not approved are refused unless `--override-reason` is given by
someone allowed to (clinician or above); the reason is recorded in the audit trail. So are services
with a problem reported (any role may give the reason, recorded the same way). Warnings for
the person printing (details out of date, an open concern) go to standard error, never on paper.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any, TextIO

from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.files import write_atomically
from sp_desktop.leaflets import LeafletError, LeafletFormat
from sp_desktop.services.base import NotFound, ValidationFailed

FORMATS = {f.value: f for f in LeafletFormat}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(
        sub, "leaflet", "make a patient leaflet (PDF, or plain text) for one or more services",
        "Make a patient leaflet for the given services (ids as shown by `sp-desktop search`), in the "
        "order given. Only services of approved organisations go on a leaflet; a clinician may include "
        "another with --override-reason (recorded in the audit trail). Nothing about the patient is stored.")
    p.add_argument("service_ids", nargs="+", type=int, metavar="SERVICE_ID", help="service ids, e.g. 12 40")
    p.add_argument("--format", choices=sorted(FORMATS), default="standard",
                   help="standard (A4), large (A4 large print) or compact (A5 card, both sides, one "
                        "service); default standard")
    p.add_argument("--note", default="", metavar="TEXT",
                   help='a personal note printed at the top, e.g. '
                        '"Your doctor suggests you call them this week"')
    p.add_argument("--sign", action="store_true", help="sign the note with your name")
    p.add_argument("--referred", action="store_true",
                   help="say on the leaflet that the practice has referred the patient to these services")
    p.add_argument("--override-reason", default="", metavar="TEXT",
                   help="why a service that is not approved is right for this patient (clinician or above; "
                        "recorded; do not name the patient)")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the PDF, e.g. leaflet.pdf")
    p.add_argument("--text", action="store_true",
                   help="print the plain-text version (for pasting into a message) to standard output")
    p.add_argument("--language", metavar="CODE", default=None,
                   help="make the leaflet in another language, e.g. pl, with the practice's own wording "
                        "table for it (Settings, or `leaflet-wording import`); services without a "
                        "translation are printed in English and marked so")
    p.add_argument("--sms", action="store_true",
                   help="print a short form for a text message (at most three SMS: 459 characters, or 201 "
                        "when the text needs Unicode) to standard output")
    p.add_argument("--print-anyway", action="store_true",
                   help='make the leaflet even if some characters cannot be printed (they show as "?"; '
                        "without this the leaflet is not made and the characters are listed)")
    p.set_defaults(run=run_leaflet)

    p = add_subcommand(
        sub, "booklet", "make a booklet of approved services by category (PDF)",
        "Make a booklet of every approved service in the chosen categories (or all), for the waiting "
        "room or a newsletter: cover, contents, one section per category and an index of organisations.")
    p.add_argument("--category", action="append", default=[], metavar="NAME",
                   help='a category to include (repeat for more), e.g. --category "Mental wellbeing"; '
                        "default: all categories")
    p.add_argument("--format", choices=["standard", "large"], default="standard",
                   help="standard (A4) or large (A4 large print); default standard")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write the PDF")
    p.add_argument("--keep-flagged", action="store_true",
                   help="keep services whose details are overdue for checking or whose organisation has an "
                        'open concern (marked "please phone before you go"); without this they are left '
                        "out and listed")
    p.add_argument("--print-anyway", action="store_true",
                   help='make the booklet even if some characters cannot be printed (they show as "?")')
    p.set_defaults(run=run_booklet)

    p = add_subcommand(
        sub, "leaflet-wording", "export or import a leaflet wording table (one language) as a file",
        "A wording table holds every fixed phrase of a leaflet in one language, typed by a person (no "
        "machine translation). Export one to share it; import one made elsewhere (administrators).")
    p.add_argument("action", choices=["export", "import", "list", "translate"])
    p.add_argument("target", nargs="?", default="", metavar="CODE_OR_FILE",
                   help="export: the language code (e.g. pl); import: the file to read")
    p.add_argument("-o", "--output", metavar="FILE", help="export: where to write the file")
    p.add_argument("--service", type=int, metavar="SERVICE_ID",
                   help="translate: the service whose name and description are given in CODE")
    p.add_argument("--name", default="", help="translate: the service's name in that language")
    p.add_argument("--description", default="", help="translate: its description in that language")
    p.set_defaults(run=run_wording)

def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file, so a failure never leaves half a file."""
    from sp_desktop.cli import CommandError

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"The folder {folder} does not exist. Create it or choose another file with -o.")
    try:
        write_atomically(path, data, make_folder=False)
    except OSError as exc:
        raise CommandError(f"Could not write {path}: {exc.strerror or exc}. Check the file is not open "
                           "in another program and that you may write to that folder.") from exc


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _undrawable_message(missing: tuple[str, ...], what: str) -> str:
    lines = "\n".join(f"  {line}" for line in missing)
    return (f"The {what} was not made: these characters cannot be printed with the leaflet's fonts "
            f"and would show as \u201c?\u201d:\n{lines}\n"
            "Correct them in the directory, or add --print-anyway to make it with "
            "\u201c?\u201d in their place.")


def _refuse_undrawable(service: Any, ids: list[int], note: str, what: str) -> None:
    """Raise CommandError naming every character the leaflet could not draw (service, character,
    code point)."""
    from sp_desktop.cli import CommandError
    from sp_desktop.leaflets import Leaflet
    from sp_desktop.leaflets.render import undrawable

    leaflet = Leaflet(practice=service.practice_header(), services=tuple(service.contents(ids)),
                      printed_on=service.ctx.today(), personal_note=note or None)
    missing = undrawable(leaflet)
    if missing:
        raise CommandError(_undrawable_message(missing, what))


def run_leaflet(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.services.leaflets import BasketItem, LeafletRefused, LeafletService

    if not args.output and not args.text and not args.sms:
        raise CommandError("Say where to write the leaflet with -o FILE.pdf, or use --text for the "
                           "plain text or --sms for a text message.")
    fmt = FORMATS[args.format]
    reason = " ".join(args.override_reason.split())
    with runtime_for(args) as (_rt, ctx):
        service = LeafletService(ctx)
        known = {c.service_id: c for c in service.check(args.service_ids)}
        items = [BasketItem(sid, reason if (known[sid].needs_override and reason) else "", args.referred,
                            problem_reason=reason if known[sid].problem else "")
                 for sid in dict.fromkeys(args.service_ids)]
        try:
            printable = [sid for sid in dict.fromkeys(args.service_ids) if known[sid].can_add]
            if printable and not args.print_anyway:  # asked before anything (an override) is recorded
                _refuse_undrawable(service, printable, args.note, "leaflet")
            prepared = service.build_leaflet(items, fmt=fmt, note=args.note, sign=args.sign,
                                             record_overrides=True, language=args.language)
            # Leaving the practice: the leaflet gets its own reference (one for every form made now).
            prepared = service.hand_over(prepared, "pdf" if args.output else "text" if args.text else "sms")
            pdf = prepared.pdf() if args.output else b""
        except LeafletRefused as exc:
            lines = []
            for sid, why in exc.problems.items():
                c = known.get(sid)
                lines.append(f"  {sid}: {c.label}: {why}" if c is not None else f"  {why}")
            hint = ""
            if any(known[sid].needs_override for sid in exc.problems if sid in known):
                hint = ("\nA clinician can include a service that is not approved with "
                        '--override-reason "why it suits this patient" (recorded; do not name the patient).')
            if any(known[sid].problem for sid in exc.problems if sid in known):
                hint += ('\nA problem has been reported with a service: to make the leaflet anyway, give '
                         '--override-reason "why it is right anyway" (recorded; do not name the patient); '
                         "the vetting lead resolves problems with `sp-desktop problem SERVICE_ID --resolve`.")
            raise CommandError("The leaflet was not made:\n" + "\n".join(lines) + hint) from exc
        except ValidationFailed as exc:
            raise CommandError("The leaflet was not made: " + " ".join(exc.errors.values())) from exc
        except (NotFound, LeafletError) as exc:
            raise CommandError(str(exc)) from exc
    for warning in prepared.warnings:
        print(f"Check before giving this leaflet: {warning}", file=sys.stderr)
    if args.output:
        path = Path(args.output)
        _write_atomically(path, pdf)
        names = ", ".join(s.service_name for s in prepared.leaflet.services)
        target = sys.stderr if (args.text or args.sms) else out
        print(f"Leaflet ({fmt.label}, {_pages(pdf)} pages) for {names} written to {path}; "
              f"its reference is {prepared.reference}", file=target)
    if args.text:
        out.write(prepared.text())
    if args.sms:
        out.write(prepared.sms() + "\n")
    return 0


def run_wording(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.services.leaflet_languages import LeafletLanguageService

    with runtime_for(args) as (_rt, ctx):
        service = LeafletLanguageService(ctx)
        if args.action == "list":
            for choice in service.languages():
                print(f"{choice.code}\t{choice.name}\t{choice.phrases} phrases", file=out)
            return 0
        if not args.target:
            raise CommandError("Give the language code to export, or the file to import.")
        if args.action == "translate":
            if args.service is None:
                raise CommandError("Say which service with --service SERVICE_ID.")
            try:
                service.set_translation(args.service, args.target, args.name, args.description)
            except NotFound as exc:
                raise CommandError(str(exc)) from exc
            print(f"Translation of service {args.service} into {args.target} saved.", file=out)
            return 0
        if args.action == "export":
            if not args.output:
                raise CommandError("Say where to write the file with -o FILE.json.")
            try:
                text = service.export_file(args.target)
            except NotFound as exc:
                raise CommandError(str(exc)) from exc
            _write_atomically(Path(args.output), text.encode("utf-8"))
            print(f"Leaflet wording for {args.target} written to {args.output}", file=out)
            return 0
        try:
            raw = Path(args.target).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"The file {args.target} could not be read ({exc}).") from exc
        choice = service.import_file(raw)  # BadInput -> exit 1, PermissionError -> exit 4
    print(f"Leaflet wording for {choice.name} ({choice.code}) imported: {choice.phrases} phrases.", file=out)
    return 0


def run_booklet(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.services.leaflets import LeafletRefused, LeafletService

    fmt = FORMATS[args.format]
    with runtime_for(args) as (_rt, ctx):
        service = LeafletService(ctx)
        ids: list[int] | None = None
        if args.category:
            choices = service.booklet_choices()
            by_name = {c.name.casefold(): c for c in choices}
            ids = []
            for name in args.category:
                choice = by_name.get(" ".join(name.split()).casefold())
                if choice is None:
                    tops = ", ".join(f"“{c.name}”" for c in choices if c.parent_id is None)
                    raise CommandError(f"There is no category called “{name}”. Categories: {tops}.")
                ids.append(choice.id)
        flagged = service.booklet_flagged(ids)
        for c in flagged:
            why = "; ".join(w.lstrip("! ") for w in c.warnings) or "details not confirmed recently"
            action = ("kept, marked \u201cplease phone before you go\u201d" if args.keep_flagged
                      else "left out")
            print(f"{c.label}: {action}. {why}", file=sys.stderr)
        if flagged and not args.keep_flagged:
            print("Add --keep-flagged to keep them, marked \u201cplease phone before you go\u201d.",
                  file=sys.stderr)
        keep = [c.service_id for c in flagged] if args.keep_flagged else []
        try:
            if not args.print_anyway:
                from sp_desktop.leaflets.render import undrawable

                missing = undrawable(service.build_booklet(ids, keep_flagged=keep))
                if missing:
                    raise CommandError(_undrawable_message(missing, "booklet"))
            result = service.booklet_pdf(ids, fmt=fmt, keep_flagged=keep)
        except LeafletRefused as exc:
            raise CommandError(str(exc)) from exc
        except (NotFound, LeafletError) as exc:
            raise CommandError(str(exc)) from exc
    path = Path(args.output)
    _write_atomically(path, result.pdf)
    sections = len(result.section_names)
    entries = f"{result.service_count} service entr{'y' if result.service_count == 1 else 'ies'}"
    print(f"Booklet of {entries} in {sections} categor{'y' if sections == 1 else 'ies'} "
          f"({_pages(result.pdf)} pages) written to {path}", file=out)
    return 0
