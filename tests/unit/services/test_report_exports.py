"""The report PDF, the partner report PDF and the CSV, read back: right totals, no internal text."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import time
from datetime import date

import pytest
from pypdf import PdfReader
from signposting_cases import (
    OUT_OF_RANGE_NOTE,
    PATIENT_REF_SENTINEL,
    PERIOD,
    SHARED_GOOD,
    SHARED_POOR,
    STAFF_ONLY_SENTINEL,
    TRUST_NOTE_SENTINEL,
    build_small_history,
)

from sp_desktop.db.models import Organisation, Service
from sp_desktop.demo.seed import demo_file, load_directory
from sp_desktop.demo.signposting import generate_signposting
from sp_desktop.domain.enums import SignpostingMethod
from sp_desktop.output.report_csv import practice_report_csv, save_practice_report_csv
from sp_desktop.output.report_pdf import PDF_LIST_LIMIT, render_partner_report, render_practice_report
from sp_desktop.services.reports import ReportService
from sp_desktop.services.signposting import SignpostingForm, SignpostingService

INTERNAL = (PATIENT_REF_SENTINEL, STAFF_ONLY_SENTINEL, TRUST_NOTE_SENTINEL)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def metadata(data: bytes) -> str:
    return json.dumps({k: str(v) for k, v in (PdfReader(io.BytesIO(data)).metadata or {}).items()})


@pytest.fixture
def small(db, clock, ctx, ctx_as):
    return build_small_history(db, clock, ctx_as, ctx)


def test_practice_report_pdf_has_the_totals_and_no_internal_text(small, ctx):
    data = render_practice_report(ReportService(ctx).practice_report(*PERIOD))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    flat = squash(text)
    assert "Signposting report" in text and "1 Sep 2026 to 30 Nov 2026" in text
    assert squash("People signposted (records) 12") in flat
    assert squash("Services signposted to (a record can name several) 13") in flat
    assert squash("Attended (engaged or once), of known outcomes 55% (6 of 11)") in flat
    # Per service: small numbers as counts, larger as percentages; the repeated-poor flag in words.
    assert squash("Debt advice drop-in Renfrew Money Matters 5 4 3 of 4 2 of 4 ! Repeated poor (2)") in flat
    assert squash("Benefits check Renfrew Money Matters 7 6 50% —") in flat
    assert squash("Total 12") in flat  # the month table adds up
    assert squash("Life satisfaction 4.5 6.5 +2.0 (better)") in flat
    assert squash("Anxiety yesterday 7.0 4.5 -2.5 (better)") in flat
    for sentinel in (*INTERNAL, SHARED_GOOD, SHARED_POOR):  # no notes at all in the practice report
        assert squash(sentinel) not in flat, sentinel
        assert sentinel not in metadata(data)


def test_partner_report_pdf_shares_only_what_the_practice_chose(small, ctx):
    data = render_partner_report(ReportService(ctx).partner_report(small.money_id, *PERIOD))
    text = pdf_text(data)
    flat = squash(text)
    assert squash("Signposting to Renfrew Money Matters") in flat
    assert squash("12 people in total") in flat
    assert squash("Benefits check 7 3 2 1 1") in flat  # signposted, went, did not go, other, not known yet
    assert squash("Debt advice drop-in 5 3 0 1 1") in flat
    assert squash("All services 12 6 2 2 2") in flat
    assert squash(SHARED_GOOD) in flat and squash(SHARED_POOR) in flat
    assert "Sep 2026" in text and "2 Sep 2026" not in text  # feedback dated by month only
    for forbidden in (*INTERNAL, OUT_OF_RANGE_NOTE, "Rachel Test", "Dr Clare Test", "Alex Admin",
                      "Canal walk", "Paisley Walkers"):
        assert squash(forbidden) not in flat, forbidden
        assert forbidden not in metadata(data)


def test_partner_report_for_an_organisation_with_nothing_shared(small, ctx):
    text = pdf_text(render_partner_report(ReportService(ctx).partner_report(small.walkers_id, *PERIOD)))
    assert "1 person in total" in text
    assert "No feedback was shared for this period." in text


def test_empty_period_still_gives_a_readable_report(ctx):
    report = ReportService(ctx).practice_report(date(2026, 1, 1), date(2026, 1, 31))
    text = pdf_text(render_practice_report(report))
    assert "No signposting was recorded in this period." in text


def test_csv_has_the_same_figures_and_no_internal_text(small, ctx, tmp_path):
    report = ReportService(ctx).practice_report(*PERIOD)
    path = save_practice_report_csv(report, tmp_path / "report.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel-friendly UTF-8
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    by_title = {}
    current = None
    for row in rows:
        if len(row) == 1:
            current = row[0]
            by_title[current] = []
        elif row and current:
            by_title[current].append(row)
    summary = {r[0]: r[1:] for r in by_title["Summary"][1:]}
    assert summary["People signposted (records)"][0] == "12"
    assert summary["Attended share (%)"] == ["54.5", "55% (6 of 11)"]
    services = {r[0]: r for r in by_title["Outcomes by service"][1:]}
    header = by_title["Outcomes by service"][0]
    debt = dict(zip(header, services["Debt advice drop-in"], strict=True))
    assert (debt["Signposted"], debt["Attended share (%)"], debt["Attended shown as"]) == ("5", "", "3 of 4")
    assert debt["Repeated poor"] == "yes" and debt["Not suitable"] == "1"
    months = by_title["Signposting per month by main reason"]
    assert [r[:2] for r in months[1:]] == [["Sep 2026", "2"], ["Oct 2026", "2"], ["Nov 2026", "8"]]
    for sentinel in (*INTERNAL, SHARED_GOOD, SHARED_POOR):
        assert sentinel not in text


def test_csv_cells_cannot_run_as_spreadsheet_formulas(db, clock, ctx):
    with db.write(clock) as s:
        org = Organisation(name="@Evil Org")
        s.add(org)
        s.flush()
        svc = Service(organisation_id=org.id, name='=HYPERLINK("http://x.example","click")')
        s.add(svc)
        s.flush()
        svc_id = svc.id
    SignpostingService(ctx).record(SignpostingForm([svc_id], SignpostingMethod.LEAFLET))
    text = practice_report_csv(ReportService(ctx).practice_report(date(2026, 11, 1), date(2026, 11, 30)))
    assert "'=HYPERLINK" in text and "'@Evil Org" in text
    assert ",=HYPERLINK" not in text


def test_report_pdf_over_a_generated_history_of_thousands_of_records(db, clock, ctx):
    with db.write(clock) as s:
        load_directory(s, json.loads(demo_file().read_text(encoding="utf-8")), clock)
        generate_signposting(s, clock, random.Random(11), count=2200, patient_refs=True)
    report = ReportService(ctx).practice_report(date(2025, 1, 1), date(2026, 11, 30))
    assert report.records == 2200
    started = time.perf_counter()
    data = render_practice_report(report)
    took = time.perf_counter() - started
    flat = squash(pdf_text(data))
    assert squash(f"People signposted (records) {report.records}") in flat
    assert squash(f"Total {report.records}") in flat
    assert squash(f"{report.by_service[0].service_name}") in flat
    assert not re.search(r"R\d{6}", pdf_text(data))  # no generated patient reference anywhere
    assert took < 10, f"rendering took {took:.1f}s"
    # A year at a large practice lists thousands of services: the PDF shows the leading ones and says
    # truly where the rest are; the CSV has every one.
    assert len(report.by_service) > PDF_LIST_LIMIT
    more = len(report.by_service) - PDF_LIST_LIMIT
    assert squash(f"The {PDF_LIST_LIMIT} services with the most records are shown; the other {more:,} are in "
                  "the CSV export") in flat
    least = report.by_service[-1].service_name
    assert least in practice_report_csv(report)
