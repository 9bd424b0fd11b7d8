"""The one spreadsheet-formula rule and the one markup escape (domain/safe_text.py).

Each export (directory CSV, relationship tables, practice report CSV) guards its cells with this
rule; the directory import removes exactly the apostrophe it adds. The files themselves are
checked in tests/unit/services/test_export_service.py, test_relationships_service.py and
test_report_exports.py.
"""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from sp_desktop.domain.safe_text import escape_markup, guard_spreadsheet_cell, unguard_spreadsheet_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "-2+3",
                                  "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "+441632960123", "-5"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert guard_spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Paisley Food Bank", "", "0141 496 0123", "5", "1.5", "+0.50", "-1.25",
                                  "'quoted", "Tom = Jerry"])
def test_plain_text_and_signed_decimals_are_left_as_written(text):
    assert guard_spreadsheet_cell(text) == text


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+441632960123", "@Evil Org", "Plain", "+0.50", "'quoted",
                                  "", "'"])
def test_reading_back_undoes_exactly_the_guard(text):
    assert unguard_spreadsheet_cell(guard_spreadsheet_cell(text)) == text


def test_a_guarded_row_survives_a_csv_round_trip():
    row = ["=HYPERLINK(\"x\")", "Tom & Jerry", "+0.50", "@Evil"]
    buffer = io.StringIO()
    csv.writer(buffer).writerow([guard_spreadsheet_cell(c) for c in row])
    read = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert read == ["'=HYPERLINK(\"x\")", "Tom & Jerry", "+0.50", "'@Evil"]
    assert [unguard_spreadsheet_cell(c) for c in read] == row


def test_markup_is_shown_as_written_in_a_pdf_paragraph():
    """The same escaping serves Qt labels, the accessible HTML and reportlab (read back with pypdf)."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    written = "Tom & Jerry <Ltd> \"quoted\" it's <b>not bold</b>"
    assert escape_markup(written) == ("Tom &amp; Jerry &lt;Ltd&gt; &quot;quoted&quot; it&#x27;s "
                                      "&lt;b&gt;not bold&lt;/b&gt;")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph(escape_markup(written), getSampleStyleSheet()["Normal"])])
    assert PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text().strip() == written
