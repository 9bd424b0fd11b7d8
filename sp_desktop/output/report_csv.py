"""The practice report as CSV: the same figures as the PDF, one titled section after another.

Each section is a title row, a header row, its rows and a blank row, so the file opens cleanly
in a spreadsheet. Written as UTF-8 with a byte-order mark (Excel then reads accents and "—"
correctly), through a temporary file and a rename. Cells that a spreadsheet would run as a
formula (starting with = + - @) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sp_desktop.domain.enums import Outcome
from sp_desktop.domain.formatting import show_date, show_datetime
from sp_desktop.domain.safe_text import guard_spreadsheet_cell
from sp_desktop.files import write_atomically
from sp_desktop.output.report_rules import Rate, outcome_label

if TYPE_CHECKING:  # the report dataclass a service builds: in; text out
    from sp_desktop.services.reports import PracticeReport

__all__ = ["practice_report_csv", "save_practice_report_csv"]


def _safe(value: Any) -> Any:
    return guard_spreadsheet_cell(value) if isinstance(value, str) else value


def _share(rate: Rate) -> str:
    """The percentage (one decimal place) or blank when the number is too small for one."""
    return "" if rate.percent is None else f"{rate.percent:.1f}"


def practice_report_csv(report: PracticeReport) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")

    def section(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        w.writerow([title])
        w.writerow(header)
        for row in rows:
            w.writerow([_safe(v) for v in row])
        w.writerow([])

    w.writerow(["Signposting report"])
    w.writerow(["Practice", _safe(report.practice_name)])
    w.writerow(["Period", show_date(report.date_from), show_date(report.date_to)])
    w.writerow(["Produced", show_datetime(report.generated_at)])
    w.writerow(["Note", "Contains no patient references. Shares over fewer than 5 are left blank; "
                        "the count columns give the figures."])
    w.writerow([])
    t = report.totals
    section("Summary", ["Measure", "Value", "Shown as"], [
        ["People signposted (records)", report.records, report.records],
        ["Services signposted to", report.services_signposted, report.services_signposted],
        ["Different services", report.distinct_services, report.distinct_services],
        ["Different organisations", report.distinct_organisations, report.distinct_organisations],
        ["Outcomes known", t.known, f"{t.known} of {t.signposted}"],
        ["Attended share (%)", _share(t.attended_rate), t.attended_rate.text],
        ["Poor experience share (%)", _share(t.poor_rate), t.poor_rate.text],
        ["Services with repeated poor experiences", len(report.flagged_services),
         len(report.flagged_services)],
    ])
    mc = report.month_category
    section("Signposting per month by main reason", ["Month", "Records", "Services", *mc.categories],
            [[m.label, m.records, m.services, *mc.counts[i]] for i, m in enumerate(mc.months)])
    section("Outcomes", ["Outcome", "Number", "Share (%)"],
            [[label, n, _share(Rate(n, t.signposted))] for label, n in t.outcome_mix()])
    outcome_cols = [outcome_label(o) for o in (*Outcome, None)]
    section("Outcomes by service",
            ["Service", "Organisation", "Signposted", "Known outcome", "Attended", "Attended share (%)",
             "Attended shown as", "Experiences recorded", "Poor experiences", "Poor share (%)",
             "Poor shown as",
             "Repeated poor", *outcome_cols],
            [[f.service_name, f.organisation_name, f.counts.signposted, f.counts.known, f.counts.attended,
              _share(f.counts.attended_rate), f.counts.attended_rate.text, f.counts.with_experience,
              f.counts.poor, _share(f.counts.poor_rate), f.counts.poor_rate.text,
              "yes" if f.counts.repeated_poor else "", *[f.counts.count(o) for o in (*Outcome, None)]]
             for f in report.by_service])
    section("By organisation",
            ["Organisation", "People", "Services signposted", "Known outcome", "Attended",
             "Attended share (%)",
             "Attended shown as", "Poor experiences", "Poor share (%)", "Poor shown as"],
            [[o.organisation_name, o.records, o.counts.signposted, o.counts.known, o.counts.attended,
              _share(o.counts.attended_rate), o.counts.attended_rate.text, o.counts.poor,
              _share(o.counts.poor_rate), o.counts.poor_rate.text] for o in report.by_organisation])
    section("By reason (a record with reasons in two categories counts in both)", ["Reason", "Records"],
            [[c.label, c.records] for c in report.by_category])
    section("By staff member", ["Staff member", "Records", "Services"],
            [[c.label, c.records, c.services] for c in report.by_staff])
    section("By method", ["Method", "Records"], [[c.label, c.records] for c in report.by_method])
    section(f"Personal wellbeing (ONS4): {report.ons4.pairs} records with scores before and after",
            ["Question", "Average before", "Average after", "Change", "Better or worse"],
            [[c.question, f"{c.average_before:.2f}", f"{c.average_after:.2f}", f"{c.change:+.2f}",
              "no change" if abs(c.change) < 0.005 else "better" if c.improved else "worse"]
             for c in report.ons4.changes])
    return out.getvalue()


def save_practice_report_csv(report: PracticeReport, path: str | Path) -> Path:
    return write_atomically(path, practice_report_csv(report).encode("utf-8-sig"))
