"""Report speed (issue 6): the practice report over 50,000 signposting records, on a real SQLite file.

Run with ``pytest tests/benchmarks/test_report_speed.py -m benchmark -s``. Every figure is a
GROUP BY query, so the time grows with the number of services and months, not of records; the
PDF is drawn from the aggregated figures.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date

import pytest

from sp_desktop.demo.seed import demo_file, load_directory
from sp_desktop.demo.signposting import generate_signposting
from sp_desktop.output.report_pdf import render_partner_report, render_practice_report
from sp_desktop.services.reports import ReportService
from sp_desktop.services.signposting import SignpostingService

pytestmark = [pytest.mark.benchmark, pytest.mark.backends("sqlite")]

RECORDS = 50_000


def test_practice_report_over_fifty_thousand_records(db, clock, ctx):
    with db.write(clock) as s:
        load_directory(s, json.loads(demo_file().read_text(encoding="utf-8")), clock)
        started = time.perf_counter()
        generate_signposting(s, clock, random.Random(3), count=RECORDS, months=36, patient_refs=True)
        generated = time.perf_counter() - started
    svc = ReportService(ctx)
    period = (date(2023, 1, 1), date(2026, 11, 30))
    started = time.perf_counter()
    report = svc.practice_report(*period)
    figures = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render_practice_report(report)
    drawn = time.perf_counter() - started
    org = max(svc.organisations_signposted(*period), key=lambda o: o.signposted)
    started = time.perf_counter()
    render_partner_report(svc.partner_report(org.id, *period))
    partner = time.perf_counter() - started
    started = time.perf_counter()
    log = SignpostingService(ctx).log(date(2026, 9, 1), date(2026, 11, 30))
    logged = time.perf_counter() - started
    print(f"\n{RECORDS} records generated in {generated:.1f}s; practice report figures {figures:.2f}s, "
          f"PDF {drawn:.2f}s ({len(pdf) // 1024} KB); partner report {partner:.2f}s; "
          f"log of {log.total} rows for three months {logged:.2f}s")
    assert report.records == RECORDS
    assert figures < 5.0
    assert logged < 3.0
