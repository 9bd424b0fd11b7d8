"""`sp-desktop report` and `sp-desktop partner-report` on the demo database, read back."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from sp_desktop.cli import build_parser, run_command
from sp_desktop.cli.reports import default_period, parse_date
from sp_desktop.demo.signposting import DEMO_STAFF
from sp_desktop.demo.vetting import DEMO_PASSWORD


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command(build_parser().parse_args(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _text(path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


def test_report_writes_the_pdf_and_csv_with_the_same_totals(tmp_path):
    today = date.today()
    start = date(today.year - 2, 1, 1)
    code, out, err = _run(["report", "--demo", "--data-dir", str(tmp_path / "data"),
                           "--from", start.isoformat(), "--to", today.strftime("%d/%m/%Y"),
                           "-o", str(tmp_path / "report.pdf"),
                           "--csv", str(tmp_path / "report.csv")])
    assert code == 0, err
    records = int(re.search(r": (\d+) records", out).group(1))
    assert records >= 300  # the demo's 18 months of signposting
    text = re.sub(r"\s+", " ", _text(tmp_path / "report.pdf"))
    assert f"People signposted (records) {records}" in text
    rows = list(csv.reader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8-sig"))))
    assert ["People signposted (records)", str(records), str(records)] in rows


def test_partner_report_needs_a_manager_signed_in(tmp_path, monkeypatch):
    """It leaves the practice: without --user (or as front desk) nothing is made, exit code 4."""
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", DEMO_PASSWORD)
    data = str(tmp_path / "data")
    for who in ([], ["--user", "Rachel Reception"]):
        code, _out, err = _run(["partner-report", "Stagedoor", "--demo", "--data-dir", data,
                                "-o", str(tmp_path / "partner.pdf"), *who])
        assert code == 4, err
        assert not (tmp_path / "partner.pdf").exists()


def test_partner_report_by_name_has_no_staff_names(tmp_path, monkeypatch):
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", DEMO_PASSWORD)
    data = str(tmp_path / "data")
    code, out, err = _run(["partner-report", "Stagedoor", "--demo", "--data-dir", data,
                           "-o", str(tmp_path / "partner.pdf"), "--user", "Lena Link"])
    assert code == 0, err
    assert "Partner report for Stagedoor Southside Theatre Company" in out
    text = re.sub(r"\s+", " ", _text(tmp_path / "partner.pdf"))
    assert "Signposting to Stagedoor Southside Theatre Company" in text
    for name, _role, _job in DEMO_STAFF:
        assert name not in text


@pytest.mark.parametrize(("argv", "message"), [
    (["report", "--from", "31/11/2026", "-o", "x.pdf"], "is not a date"),
    (["report", "--from", "1/2/26", "-o", "x.pdf"], "year in full"),
    (["report", "--from", "2026-11-30", "--to", "2026-01-01", "-o", "x.pdf"], "swap the dates"),
    (["partner-report", "No Such Organisation", "-o", "x.pdf"], "No organisation is called"),
    (["partner-report", "Community", "-o", "x.pdf"], "matches several organisations"),
])
def test_mistakes_are_explained_with_exit_code_1(tmp_path, argv, message):
    argv = [*argv[:-1], str(tmp_path / argv[-1]), "--demo", "--data-dir", str(tmp_path / "data")]
    code, out, err = _run(argv)
    assert code == 1
    assert message in err
    assert not (tmp_path / "x.pdf").exists()


def test_dates_in_the_ways_people_write_them():
    for text in ("2026-11-30", "30/11/2026", "30-11-2026", "30 Nov 2026", "30 November 2026"):
        assert parse_date(text, "--to") == date(2026, 11, 30)
    assert default_period(date(2026, 11, 24)) == (date(2025, 12, 1), date(2026, 11, 24))
    assert default_period(date(2026, 3, 5)) == (date(2025, 4, 1), date(2026, 3, 5))
