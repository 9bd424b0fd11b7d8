"""`sp-desktop report` and `sp-desktop partner-report`: the same reports as the Reports page.

Both read only (any member of staff may run them; no --user needed). Reports never contain
patient references; the partner report also leaves out staff names, trust notes and feedback
the practice did not choose to share.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.domain.bounds import check_date
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.base import NotFound, ValidationFailed

DATE_HELP = "a date such as 2026-11-30, 30/11/2026 or \"30 Nov 2026\""


def parse_date(text: str, option: str) -> date:
    """ISO (2026-11-30), UK (30/11/2026 or 30-11-2026) or written (30 Nov 2026 / 30 November 2026)."""
    from sp_desktop.cli import CommandError

    raw = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y"):
        try:
            parsed = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return check_date(parsed, option)
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", raw):
        hint = " Give the year in full (2026, not 26)."
    else:
        hint = ""
    raise CommandError(f"{option} “{text}” is not a date: use {DATE_HELP}.{hint}")


def default_period(today: date) -> tuple[date, date]:
    """The last 12 calendar months, this month included."""
    y, m = today.year, today.month - 11
    if m <= 0:
        y, m = y - 1, m + 12
    return date(y, m, 1), today


def _period(args: argparse.Namespace, today: date) -> tuple[date, date]:
    start, end = default_period(today)
    if args.date_to:
        end = parse_date(args.date_to, "--to")
        if not args.date_from:
            start = default_period(end)[0]
    if args.date_from:
        start = parse_date(args.date_from, "--from")
    return start, end


def _add_period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", metavar="DATE",
                   help=f"first day of the period, {DATE_HELP} (default: 12 months before --to)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day of the period (default: today)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(
        sub, "report", "make the signposting report (PDF, and CSV if asked) for a period",
        "Make the practice's signposting report for a period, as on the Reports page: counts by service, "
        "organisation, reason, month and staff member, outcome rates, services with repeated poor "
        "experiences, wellbeing (ONS4) change, with charts. Contains no patient references.")
    _add_period(p)
    p.add_argument("-o", "--output", metavar="FILE", required=True,
                   help="where to write the PDF, e.g. report.pdf")
    p.add_argument("--csv", metavar="FILE", help="also write the same figures as CSV, e.g. report.csv")
    p.set_defaults(run=run_report)

    p = add_subcommand(
        sub, "partner-report", "make a report for one community organisation (PDF)",
        "Make a partner report to give to a community organisation: how many people the practice "
        "signposted to each of its services in the period, what happened, and the feedback the practice "
        "chose to share. Never contains names, patient references, trust notes or staff comments.")
    p.add_argument("organisation", metavar="ORGANISATION",
                   help="the organisation's name (or part of it, if that is unique) or its number")
    _add_period(p)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write the PDF")
    p.set_defaults(run=run_partner_report)


def _save(path_text: str, data: bytes, what: str) -> Path:
    from sp_desktop.cli import CommandError
    from sp_desktop.files import write_atomically

    path = Path(path_text).expanduser()
    try:
        return write_atomically(path, data)
    except OSError as exc:
        raise CommandError(f"Could not save the {what} to {path}: {exc.strerror or exc}. Check the folder "
                           "exists and you may write to it.") from exc


def _failed(exc: ValidationFailed) -> str:
    names = {"date_from": "--from", "date_to": "--to"}
    return " ".join(f"{names.get(k, k)}: {v}" for k, v in exc.errors.items())


def run_report(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.output.report_csv import practice_report_csv
    from sp_desktop.output.report_pdf import render_practice_report
    from sp_desktop.services.reports import ReportService

    with runtime_for(args) as (rt, ctx):
        start, end = _period(args, ctx.today())
        try:
            report = ReportService(ctx).practice_report(start, end)
        except ValidationFailed as exc:
            raise CommandError(_failed(exc)) from exc
    pdf = _save(args.output, render_practice_report(report), "report")
    print(f"Signposting report for {report.period_text}: {report.records} record"
          f"{'' if report.records == 1 else 's'}, {report.services_signposted} service"
          f"{'' if report.services_signposted == 1 else 's'} signposted to. Saved to {pdf}", file=out)
    if args.csv:
        csv_path = _save(args.csv, practice_report_csv(report).encode("utf-8-sig"), "CSV")
        print(f"The same figures as CSV: {csv_path}", file=out)
    if report.is_empty:
        print(f"No signposting was recorded between {show_date(start)} and {show_date(end)}.", file=out)
    return 0


def run_partner_report(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.output.report_pdf import render_partner_report
    from sp_desktop.services.reports import ReportService

    with runtime_for(args) as (rt, ctx):
        start, end = _period(args, ctx.today())
        svc = ReportService(ctx)
        try:
            org = svc.find_organisation(args.organisation)
            report = svc.partner_report(org.id, start, end)
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        except ValidationFailed as exc:
            raise CommandError(_failed(exc)) from exc
    path = _save(args.output, render_partner_report(report), "partner report")
    for item in report.removed:  # for the person giving the report (standard error, never printed)
        print(f"Removed from shared feedback: {item.kind}: {item.text}", file=sys.stderr)
    shared = len(report.feedback)
    print(f"Partner report for {report.organisation_name}, {report.period_text}: {report.people} "
          f"{'person' if report.people == 1 else 'people'} signposted, {shared} piece"
          f"{'' if shared == 1 else 's'} of shared feedback. Saved to {path}", file=out)
    return 0


__all__ = ["default_period", "parse_date", "register", "run_partner_report", "run_report"]
