"""Issue 21 point 7: the practice report and the meeting pack for a year, on the largest synthetic
directory (50,000 services, 200,000 signposting records over 2024-2026; ~73,000 of them in 2025).

Run with ``pytest tests/benchmarks/test_year_reports_speed.py -m benchmark -s -p no:randomly -o addopts=""``.
Each figure is the whole job someone waits for: the figures read from the database and the PDF
drawn. Floor, measured in the same run: one plain aggregate over the same year's records (a
count of items per service and outcome), the least any report of that year has to read.
"""

from __future__ import annotations

import shutil
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import Actor, FixedClock, ServiceContext
from tests.benchmarks.synthetic import SIZES, synthetic_database

pytestmark = [pytest.mark.benchmark, pytest.mark.backends("sqlite")]

NOW = datetime(2026, 11, 24, 10, 0, 0)
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def _best(work, runs: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


@pytest.mark.timeout(1800)  # the practice report's PDF lists every service signposted (18,450 here)
def test_year_report_and_meeting_pack_at_200000_records(tmp_path: Path) -> None:
    from sp_desktop.output.meeting_pack_pdf import render_meeting_pack
    from sp_desktop.output.report_pdf import render_practice_report
    from sp_desktop.services.meeting_pack import MeetingPackService
    from sp_desktop.services.reports import ReportService
    from tests.benchmarks.results import record

    path = tmp_path / "directory.sqlite3"
    shutil.copyfile(synthetic_database(SIZES[-1]), path)
    db = Database.open(sqlite_url(path))
    try:
        ctx = ServiceContext(db, FixedClock(NOW), Actor(1, "Bench Lead", AppRole.ADMINISTRATOR))
        with db.read() as s:
            con = s.connection().connection.dbapi_connection
            total = con.execute("SELECT count(*) FROM signposting").fetchone()[0]
            in_year = con.execute("SELECT count(*) FROM signposting WHERE occurred_on BETWEEN ? AND ?",
                                  [d.isoformat() for d in YEAR]).fetchone()[0]

            def floor_query() -> int:
                return len(con.execute(
                    "SELECT i.service_id, i.outcome, count(*) FROM signposting_item AS i"
                    " JOIN signposting AS p"
                    " ON p.id = i.signposting_id WHERE p.occurred_on BETWEEN ? AND ?"
                    " GROUP BY i.service_id, i.outcome", [d.isoformat() for d in YEAR]).fetchall())

            floor, _ = _best(floor_query)
        reports = ReportService(ctx)
        figures_s, report = _best(lambda: reports.practice_report(*YEAR), runs=1)
        record("7. practice report for a year: the figures",
               f"{figures_s:.2f} s over {in_year:,} of {total:,} signposting records, {SIZES[-1]:,} services",
               f"plain aggregate {floor:.2f} s", "< 3 s with the PDF", figures_s < 3)
        pdf_s, pdf, pdf_error = _attempt(lambda: render_practice_report(report))
        packs = MeetingPackService(ctx)
        pack_s, pack = _best(lambda: packs.build(*YEAR), runs=1)
        pack_pdf_s, pack_pdf, pack_error = _attempt(lambda: render_meeting_pack(pack))
    finally:
        db.dispose()
    assert total >= 200_000 and in_year > 50_000
    report_s, meeting_s = figures_s + pdf_s, pack_s + pack_pdf_s
    record("7. practice report for a year",
           f"{report_s:.2f} s (figures {figures_s:.2f} s, PDF {pdf_s:.2f} s{pdf_error}) over {in_year:,} of "
           f"{total:,} signposting records, {SIZES[-1]:,} services", f"plain aggregate {floor:.2f} s",
           "< 3 s", report_s < 3 and not pdf_error)
    record("7. meeting pack for a year",
           f"{meeting_s:.2f} s (figures {pack_s:.2f} s, PDF {pack_pdf_s:.2f} s{pack_error}), the same year",
           f"plain aggregate {floor:.2f} s", "< 3 s", meeting_s < 3 and not pack_error)
    assert not pdf_error and not pack_error, (pdf_error, pack_error)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF") and isinstance(pack_pdf, bytes)


def _attempt(work) -> tuple[float, object, str]:
    """(seconds, result, "" or "; FAILED: <error>"): a PDF that cannot be drawn is a figure too."""
    start = time.perf_counter()
    try:
        result = work()
    except Exception as exc:  # recorded, then the test fails
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        return time.perf_counter() - start, None, f"; FAILED: {type(exc).__name__}: {first}"
    return time.perf_counter() - start, result, ""
