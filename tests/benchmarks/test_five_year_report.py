"""Bounded work (issue 16, point 5): the signposting report over five years at 50,000 records, on a
real SQLite file, in under 2 s (figures and PDF) and in flat memory: the peak while making the
five-year report is no bigger than for six months (every figure is a GROUP BY in the database; no
record is loaded into Python).

Run with ``pytest tests/benchmarks/test_five_year_report.py -m benchmark -s -o addopts=""``; it prints
the figures.
"""

from __future__ import annotations

import json
import random
import time
import tracemalloc
from datetime import date

import pytest

from sp_desktop.demo.seed import demo_file, load_directory
from sp_desktop.demo.signposting import generate_signposting
from sp_desktop.output.report_pdf import render_practice_report
from sp_desktop.services.reports import ReportService

pytestmark = [pytest.mark.benchmark, pytest.mark.backends("sqlite")]

RECORDS = 50_000


def _measure(svc: ReportService, start: date, end: date) -> tuple[float, float, int, int, int]:
    """(wall seconds, CPU seconds for figures and PDF, peak bytes Python allocated for them, records,
    PDF bytes). Timed without tracemalloc (it slows Python several times), then run again to trace
    memory. SQLite runs in this process, so the CPU time includes the database's work; it is the
    figure asserted because the wall time on a shared CI machine mostly measures the other jobs."""
    times = []
    for _ in range(3):  # the best of three: other jobs on the machine only ever add time
        wall, cpu = time.perf_counter(), time.process_time()
        report = svc.practice_report(start, end)
        pdf = render_practice_report(report)
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(t[0] for t in times), min(t[1] for t in times)
    tracemalloc.start()
    render_practice_report(svc.practice_report(start, end))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return wall, cpu, peak, report.records, len(pdf)


def test_five_year_report_at_fifty_thousand_records_is_quick_and_flat(db, clock, ctx):
    with db.write(clock) as s:
        load_directory(s, json.loads(demo_file().read_text(encoding="utf-8")), clock)
        generate_signposting(s, clock, random.Random(16), count=RECORDS, months=60, patient_refs=False)
    svc = ReportService(ctx)
    svc.practice_report(date(2026, 1, 1), date(2026, 1, 31))  # warm the page cache and imports
    short = _measure(svc, date(2026, 6, 1), date(2026, 11, 30))
    long = _measure(svc, date(2021, 11, 1), date(2026, 11, 30))  # five years (the 60 months generated)
    print(f"\nsix months: {short[3]:,} records, {short[0]:.2f} s ({short[1]:.2f} s CPU), peak "
          f"{short[2] / 2**20:.1f} MB; five years: {long[3]:,} records, {long[0]:.2f} s "
          f"({long[1]:.2f} s CPU), peak {long[2] / 2**20:.1f} MB, PDF {long[4] // 1024} KB")
    assert long[3] == RECORDS
    assert long[1] < 2.0
    # flat: eight times the records, and ten times the months on the chart, cost no more than a few MB
    assert long[2] < short[2] + 8 * 2**20
