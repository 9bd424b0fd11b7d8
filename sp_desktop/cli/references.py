"""`sp-desktop acknowledge CODE`, `sp-desktop reference CODE` and `sp-desktop meeting-pack`:
closing the loop with organisations and taking it to the practice meeting.

When an organisation tells the practice that a patient quoted a leaflet's reference (K7M-2QX),
anyone at the desk records it; `reference` shows what a code was given for.
"""

from __future__ import annotations

import argparse
import io
from datetime import date, timedelta
from typing import TextIO

from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.domain.enums import AckOutcome
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.references import ReferenceService

#: What the command line accepts for --outcome (hyphens, as people type them).
OUTCOMES = {o.value.replace("_", "-"): o for o in AckOutcome if o is not AckOutcome.ARRIVED}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(sub, "acknowledge", "record that an organisation quoted a leaflet reference back",
                       "An organisation told the practice that reference CODE (e.g. K7M-2QX) reached them. "
                       "Records it against the leaflet's signposting record (an outcome a clinician has "
                       "recorded is never overwritten), or against the leaflet alone. Needs --user.")
    p.add_argument("code", metavar="CODE", help="the reference on the leaflet, e.g. K7M-2QX")
    p.add_argument("--service", type=_service_id, metavar="SERVICE_ID",
                   help="the service whose organisation told you (needed when the leaflet had several)")
    p.add_argument("--outcome", choices=sorted(OUTCOMES),
                   help="what they said happened (default: only that the reference arrived)")
    p.set_defaults(run=run_acknowledge)

    p = add_subcommand(sub, "reference", "show what a leaflet reference was given for",
                       "Print the date, the services and any acknowledgements of reference CODE.")
    p.add_argument("code", metavar="CODE", help="the reference on the leaflet, e.g. K7M-2QX")
    p.set_defaults(run=run_reference)
    register_meeting_pack(sub)


def _service_id(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"“{text[:40]}” is not a service id (a number, as `search` shows)")
    return int(text)


def run_acknowledge(args: argparse.Namespace, out: TextIO) -> int:
    outcome = OUTCOMES[args.outcome] if args.outcome else AckOutcome.ARRIVED
    with runtime_for(args) as (_rt, ctx):
        done = ReferenceService(ctx).acknowledge(args.code, args.service, outcome)
    print(done.message, file=out)
    return 0


def run_reference(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (_rt, ctx):
        info = ReferenceService(ctx).lookup(args.code)
    print(f"{info.shown}: given on {show_date(info.issued_on)} ({info.form})"
          f"{', with a signposting record' if info.signposting_id else ''}", file=out)
    for s in info.services:
        state = s.acknowledged.label.lower() if s.acknowledged else "not acknowledged yet"
        print(f"{s.id:>6}  {s.name}: {state}", file=out)
    return 0


def register_meeting_pack(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(
        sub, "meeting-pack", "make the practice meeting pack (PDF) for a period",
        "One PDF for the practice meeting: organisations added and changed, vetting decisions, reviews due "
        "and overdue, concerns raised and resolved, signposting and leaflet-reference counts by category "
        "with a chart, face-to-face contact in the period, follow-ups planned, and organisations no one has "
        "met. No patient details. Needs --user (vetting lead or administrator); audited.")
    p.add_argument("--from", dest="date_from", metavar="DATE",
                   help="first day of the period (default: the first day of last month)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day of the period (default: today)")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write the PDF")
    p.set_defaults(run=run_meeting_pack)


def last_month_to_today(today: date) -> tuple[date, date]:
    """The default period of a monthly meeting: from the first day of last month to today."""
    first_this = today.replace(day=1)
    first_last = (first_this - timedelta(days=1)).replace(day=1)
    return first_last, today


def run_meeting_pack(args: argparse.Namespace, out: TextIO) -> int:
    from pypdf import PdfReader

    from sp_desktop.cli import CommandError
    from sp_desktop.cli.reports import _failed, _save, parse_date
    from sp_desktop.output.meeting_pack_pdf import render_meeting_pack
    from sp_desktop.services.base import ValidationFailed
    from sp_desktop.services.meeting_pack import MeetingPackService

    with runtime_for(args) as (_rt, ctx):
        start, end = last_month_to_today(ctx.today())
        if args.date_to:
            end = parse_date(args.date_to, "--to")
        if args.date_from:
            start = parse_date(args.date_from, "--from")
        service = MeetingPackService(ctx)
        try:
            pack = service.build(start, end)
        except ValidationFailed as exc:
            raise CommandError(_failed(exc)) from exc
        pdf = render_meeting_pack(pack)
        path = _save(args.output, pdf, "meeting pack")
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        service.record_made(pack, pages)
    print(f"Practice meeting pack for {pack.period_text}: {pages} page{'s' if pages != 1 else ''}, "
          f"{pack.signposting_records} signposting records, {pack.references_acknowledged} of "
          f"{pack.references_issued} leaflet references quoted back. Saved to {path}", file=out)
    return 0
