"""Spreadsheets as practices really keep them: Excel's encodings and delimiters, odd headings,
blank rows, repeated organisations, and every problem reported by row and column."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from sp_desktop.domain.enums import RegisterKind
from sp_desktop.interop.spreadsheet import (
    IGNORE,
    MappingError,
    SpreadsheetError,
    feed_from_table,
    guess_mapping,
    read_table,
)
from sp_desktop.interop.textparse import CategoryChoice

CATEGORIES = [
    CategoryChoice(1, "lunch-clubs", "Lunch clubs", "Loneliness and social connection"),
    CategoryChoice(2, "walking-groups", "Walking groups", "Physical activity"),
    CategoryChoice(3, "debt-advice", "Debt advice", "Money, debt and benefits"),
    CategoryChoice(4, "money-debt-benefits", "Money, debt and benefits"),
]


def messy_csv(path: Path) -> Path:
    """What Excel on a UK PC saves: Windows-1252, semicolons, a title row, blank rows, CRLF."""
    rows = [
        "Community directory – Paisley 2026;;;;;;;;",
        ";;;;;;;;",
        "Name of Organisation;Activity;Tel No.;E-mail address;Opening Hours;Catagory;Post Code;Age;Cost",
        "Café Connect;Lunch club;0141 496 0123;hello@cafe.example.org;Mon 10-12, Wed 2pm-4pm;Lunch clubs;"
        "pa1 1aa;65+;£3 a meal",
        ";;;;;;;;",
        "Café Connect;Walking group;0141 496 0123;hello@cafe.example.org;Tuesdays 10.30-12;Walking groups;"
        "PA1 1AA;;Free",
        "Café Connect;Walking group;0141 496 0123;hello@cafe.example.org;Tuesdays 10.30-12;Walking groups;"
        "PA1 1AA;;Free",
        "Renfrew Debt Help;;not a phone;bad@;First Tuesday of the month;Debt advise;PA4 8AA;twelve;",
        ";Orphan service;0141 496 0000;;;;;;",
        "Men’s Shed;Shed;01632 960123;;Sat 10am–1pm;Unicorn grooming;XX;;",
    ]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def test_messy_windows_csv_is_read_with_excel_row_numbers(tmp_path):
    table = read_table(messy_csv(tmp_path / "directory.csv"))
    assert table.encoding == "cp1252" and table.delimiter == ";"
    assert table.header_row == 3  # the title row and the blank row above the headings are skipped
    assert table.headers[:3] == ("Name of Organisation", "Activity", "Tel No.")
    assert table.rows[0][0] == 4 and table.rows[0][1][0] == "Café Connect"
    mapping = guess_mapping(table.headers)
    named = {table.headers[i]: key for i, key in mapping.items()}
    assert named == {"Name of Organisation": "organisation", "Activity": "service", "Tel No.": "phone",
                     "E-mail address": "email", "Opening Hours": "opening_times", "Catagory": "categories",
                     "Post Code": "postcode", "Age": "age", "Cost": "cost"}


def test_every_problem_is_reported_by_row_and_column(tmp_path):
    table = read_table(messy_csv(tmp_path / "directory.csv"))
    feed = feed_from_table(table, guess_mapping(table.headers), CATEGORIES)
    errors = {(p.row, p.column) for p in feed.errors}
    assert errors == {(8, "Tel No."), (8, "E-mail address"), (9, "Name of Organisation"), (10, "Catagory")}
    texts = [p.text() for p in feed.problems]
    assert (
        "Error: Row 8, Tel No.: “not a phone” is not a phone number: use digits, e.g. 0141 496 0123." in texts
    )
    assert any(
        t.startswith("Error: Row 10, Catagory: “Unicorn grooming” is not one of the practice's")
        for t in texts
    )
    warnings = {(p.row, p.column) for p in feed.warnings}
    assert (7, None) in warnings  # the exact duplicate row
    assert (8, "Opening Hours") in warnings and (8, "Age") in warnings and (10, "Post Code") in warnings
    assert (8, "Catagory") in warnings  # "Debt advise" is taken to mean Debt advice, and says so


def test_repeated_organisation_names_make_one_organisation_with_several_services(tmp_path):
    table = read_table(messy_csv(tmp_path / "directory.csv"))
    feed = feed_from_table(table, guess_mapping(table.headers), CATEGORIES)
    cafe = next(o for o in feed.organisations if o.name == "Café Connect")
    assert cafe.rows == [4, 6]
    assert [s.name for s in cafe.services] == ["Lunch club", "Walking group"]
    # the phone and email are the same on every row, so they belong to the organisation
    assert [p.number for p in cafe.phones] == ["+441414960123"] and cafe.email == "hello@cafe.example.org"
    lunch, walk = cafe.services
    assert [(s.weekday, s.opens, s.closes) for s in lunch.schedule] == [
        (0, "10:00", "12:00"),
        (2, "14:00", "16:00"),
    ]
    assert lunch.min_age == 65 and lunch.is_free is False and lunch.fee_description == "£3 a meal"
    assert walk.is_free is True and [(s.weekday, s.opens, s.closes) for s in walk.schedule] == [
        (1, "10:30", "12:00")
    ]
    # the file does not say how people get there: nothing is assumed (issue 17)
    assert lunch.term_ids == ["category:lunch-clubs"] and lunch.access == []
    assert [loc.postcode for loc in cafe.locations] == ["PA1 1AA"]  # one venue, written two ways
    debt = next(o for o in feed.organisations if o.name == "Renfrew Debt Help")
    assert debt.services[0].name == "Renfrew Debt Help"  # no service name: the organisation's
    assert debt.services[0].schedule_notes == "First Tuesday of the month"  # kept, not lost


def test_skipping_bad_rows_keeps_the_good_ones_and_says_which_were_left_out(tmp_path):
    table = read_table(messy_csv(tmp_path / "directory.csv"))
    feed = feed_from_table(table, guess_mapping(table.headers), CATEGORIES, skip_bad_rows=True)
    assert not feed.errors
    assert [o.name for o in feed.organisations] == ["Café Connect"]
    assert any(p.row == 8 and p.message.endswith("This row is left out.") for p in feed.warnings)


def test_unknown_categories_can_be_added_instead_of_refused(tmp_path):
    table = read_table(messy_csv(tmp_path / "directory.csv"))
    feed = feed_from_table(table, guess_mapping(table.headers), CATEGORIES, create_missing_categories=True)
    assert (10, "Catagory") not in {(p.row, p.column) for p in feed.errors}
    assert any(t.name == "Unicorn grooming" for t in feed.terms.values())


def test_a_category_name_with_commas_is_not_split(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Organisation,Categories\nMoney Matters,\"Money, debt and benefits; Debt advice\"\n",
                    encoding="utf-8")
    table = read_table(path)
    feed = feed_from_table(table, guess_mapping(table.headers), CATEGORIES)
    assert not feed.problems
    assert feed.organisations[0].services[0].term_ids == [
        "category:money-debt-benefits",
        "category:debt-advice",
    ]


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t"),
                                                     ("cp1252", "|"), ("utf-8", "\t")])
def test_encodings_and_delimiters_excel_writes(tmp_path, encoding, delimiter):
    text = delimiter.join(["Organisation", "Phone", "Town"]) + "\r\n" + delimiter.join(
        ["Café Crème", "01632 960123", "Paisley"]) + "\r\n"
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode(encoding))
    table = read_table(path)
    assert table.delimiter == delimiter
    assert table.rows == ((2, ("Café Crème", "01632 960123", "Paisley")),)


def test_remembered_columns_win_over_guesses():
    headers = ("Group", "Number", "Notes")
    assert guess_mapping(headers)[0] == IGNORE or guess_mapping(headers)[0] != "organisation"
    memory = {"group": "organisation", "number": "phone", "notes": ""}
    assert guess_mapping(headers, memory) == {0: "organisation", 1: "phone", 2: ""}


def test_no_organisation_column_is_a_mapping_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Colour,Shape\nred,round\n", encoding="utf-8")
    table = read_table(path)
    with pytest.raises(MappingError, match="organisation name"):
        feed_from_table(table, guess_mapping(table.headers), CATEGORIES)


def test_xlsx_with_numbers_dates_and_times_as_excel_stores_them(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Directory"
    ws.append(["Organisation", "Service", "Telephone", "Charity number", "Last checked", "Opens", "Ages"])
    ws.append(["Hearth Carers", "Carers café", 1414960123, "SC012345", datetime(2026, 3, 12), "Thu 1pm-3pm",
               "18+"])
    ws.append([None, None, None, None, None, None, None])
    ws.append(["Hearth Carers", "Carers walk", 1414960123, None, date(2026, 4, 1), time(10, 0), "16-25"])
    path = tmp_path / "directory.xlsx"
    wb.save(path)
    table = read_table(path)
    assert table.sheet == "Directory" and table.header_row == 1
    assert table.rows[0] == (2, ("Hearth Carers", "Carers café", "1414960123", "SC012345", "2026-03-12",
                                 "Thu 1pm-3pm", "18+"))
    assert table.rows[-1][0] == 4  # the empty row 3 keeps its number
    feed = feed_from_table(table, guess_mapping(table.headers), CATEGORIES)
    org = feed.organisations[0]
    assert org.register_kind is RegisterKind.OSCR and org.registration_number == "SC012345"
    assert [p.number for p in org.phones] == ["+441414960123"]  # Excel dropped the leading 0; it is put back
    cafe, walk = org.services
    assert cafe.last_verified_on == date(2026, 3, 12) and cafe.min_age == 18
    assert [(s.weekday, s.opens, s.closes) for s in cafe.schedule] == [(3, "13:00", "15:00")]
    assert (walk.min_age, walk.max_age) == (16, 25)
    assert any(p.row == 4 and p.column == "Opens" for p in feed.warnings)  # "10:00" alone has no day


def test_old_excel_files_are_refused_with_what_to_do(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(SpreadsheetError, match="Excel 97-2003.*save it as"):
        read_table(path)
