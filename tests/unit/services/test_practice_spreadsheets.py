"""Issue 17, point 4 (and issue 26, point 5 for spreadsheets): practices' real spreadsheets. "not known",
"n/a", "tbc", "-" and "none" in a contact column mean no value (a note, not an error); a row with one bad
field can be imported without that field, listed; names that differ only in capitals and punctuation are
shown before anything is written; the same service twice is flagged. Real SQLite file, real CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.imports import ImportFailed, ImportService, report_lines
from tests.unit.services.test_import_service import dump

pytestmark = pytest.mark.backends("sqlite")


def _sheet(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "practice list.csv"
    path.write_text(
        "Organisation,Service,Phone,Email,Website,Categories\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


@pytest.mark.parametrize("word", ["not known", "n/a", "N/A", "tbc", "TBC.", "-", "none", "None", "unknown"])
def test_no_value_words_in_contact_columns_are_notes_not_errors(ctx, tmp_path, word):
    path = _sheet(tmp_path, f"Knit and Natter,Knitting,{word},{word},{word},")
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    assert not feed.errors
    notes = [p for p in feed.problems if "taken to mean no value" in p.message]
    assert sorted(p.column for p in notes) == ["Email", "Phone", "Website"]
    assert all(p.row == 2 and not p.is_error for p in notes)
    result = service.commit(feed)
    assert result.services_added == 1
    d = DirectoryService(ctx).get_service(DirectoryService(ctx).search("knitting").rows[0].id)
    assert d.phones == () and d.email is None and d.organisation.website is None


def test_a_row_with_a_bad_field_is_imported_without_it_when_chosen(ctx, db, tmp_path):
    path = _sheet(
        tmp_path,
        "Knit and Natter,Knitting,01632 960777,,,",
        "Men's Shed,Shed sessions,not a phone,bad@,,Unicorn grooming",
    )
    service = ImportService(ctx)
    before = dump(db)
    with pytest.raises(ImportFailed):
        service.commit(service.read_feed(service.open(path)))
    assert dump(db) == before  # all or nothing without the choice
    feed = service.read_feed(service.open(path), skip_bad_fields=True)
    assert not feed.errors
    kept = [p.text() for p in feed.problems if "imported without it" in p.message]
    assert len(kept) == 3 and all(t.startswith("Warning: Row 3, ") for t in kept)
    assert {t.split(", ")[1].split(":")[0] for t in kept} == {"Phone", "Email", "Categories"}
    result = service.commit(feed)
    assert result.services_added == 2
    [row] = DirectoryService(ctx).search("shed sessions").rows
    shed = DirectoryService(ctx).get_service(row.id)
    assert shed.phones == () and shed.email is None and shed.categories == ()


def test_names_that_differ_only_in_spelling_are_shown_before_writing(ctx, db, tmp_path):
    path = _sheet(
        tmp_path,
        "Paisley Carers' Centre,Carers café,01632 960777,,,",
        "PAISLEY CARERS CENTRE,Support group,01632 960777,,,",
        "Paisley Carers' Centre,Carers café,01632 960777,,,",
    )
    service = ImportService(ctx)
    before = dump(db)
    plan = service.plan(service.read_feed(service.open(path)))
    assert dump(db) == before
    [dup] = plan.duplicates  # shown side by side, in the file
    assert dup.in_file and dup.name == "PAISLEY CARERS CENTRE" and dup.rows == (3,)
    assert dup.existing_name == "Paisley Carers' Centre (row 2)" and dup.choice is None
    assert "Support group" in dup.details and "Carers café" in dup.existing_details
    lines = report_lines(plan)
    assert any("“PAISLEY CARERS CENTRE” (row 3) looks like “Paisley Carers' Centre (row 2)” in this file "
               "(the same name apart from capitals, spaces or punctuation): waits for your choice" in line
               for line in lines)
    assert any("Row 4" in line and "repeats row 2 exactly" in line for line in lines)


@pytest.mark.parametrize(("choice", "organisations", "services"),
                         [("merge", 1, 2), ("add", 2, 2), ("skip", 1, 1)])
def test_a_likely_duplicate_in_the_file_is_merged_only_when_chosen(ctx, db, tmp_path, choice, organisations,
                                                                     services):
    from sp_desktop.services.imports import ImportChoices

    path = _sheet(tmp_path, "Paisley Carers' Centre,Carers café,01632 960777,,,",
                  "PAISLEY CARERS CENTRE,Support group,01632 960778,,,")
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    before = dump(db)
    with pytest.raises(ImportFailed, match="PAISLEY CARERS CENTRE.*looks like.*Say for each whether"):
        service.commit(feed)  # no choice, no merge, nothing written
    assert dump(db) == before
    [dup] = service.plan(feed).duplicates
    result = service.commit(feed, ImportChoices(duplicates={dup.key: choice}))
    assert (result.organisations_added, result.services_added) == (organisations, services)
    from sqlalchemy import select

    from sp_desktop.db.models import Organisation

    with db.read() as s:
        names = sorted(s.scalars(select(Organisation.name)))
    assert names == {"merge": ["Paisley Carers' Centre"], "skip": ["Paisley Carers' Centre"],
                     "add": ["PAISLEY CARERS CENTRE", "Paisley Carers' Centre"]}[choice]


def test_the_same_service_twice_is_flagged(ctx, tmp_path):
    path = _sheet(
        tmp_path, "Knit and Natter,Knitting,01632 960777,,,", "Knit and Natter,Knitting,01632 960778,,,"
    )
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    assert any(
        "“Knitting” appears again for “Knit and Natter” (first on row 2)" in p.message
        for p in feed.problems
        if p.row == 3
    )


def _cli(tmp_path, monkeypatch):
    from sp_desktop.cli import build_parser, run_command

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", "admin password 1")
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "admin password 1")

    def run(argv):
        out, err = io.StringIO(), io.StringIO()
        return run_command(build_parser().parse_args(argv), out, err), out.getvalue(), err.getvalue()

    data = ["--data-dir", str(tmp_path / "data")]
    assert run(["staff", "add", "Mary Manager", "--role", "administrator", *data])[0] == 0
    return run, [*data, "--user", "Mary Manager"]


def test_cli_offers_skip_bad_fields_only_where_it_works(tmp_path, monkeypatch):
    run, home = _cli(tmp_path, monkeypatch)
    fields_only = _sheet(tmp_path, "Men's Shed,Shed sessions,not a phone,,,")
    code, _out, err = run(["import", str(fields_only), *home])
    assert code == 1 and "--skip-bad-fields" in err and "--skip-bad-rows" in err
    code, out, err = run(["import", str(fields_only), "--skip-bad-fields", *home])
    assert code == 0, err
    assert "The row is imported without it." in out and "1 service added" in out
    no_name = tmp_path / "no name.csv"
    no_name.write_text("Organisation,Service,Phone\n,Orphan,not a phone\n", encoding="utf-8")
    code, _out, err = run(["import", str(no_name), *home])
    assert code == 1 and "--skip-bad-fields" not in err and "--skip-bad-rows" in err


def test_nearly_the_same_names_in_one_file_are_shown_not_merged(ctx, tmp_path):
    path = _sheet(tmp_path, "Paisley Carers Centre,Carers café,01632 960777,,,",
                  "Paisley Carer Centre,Support group,01632 960778,,,",
                  "Paisley Credit Union,Loans,01632 960779,,,")
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    [warning] = [p for p in feed.problems if "looks like" in p.message]
    assert (warning.row, warning.column) == (3, "Organisation")
    assert "“Paisley Carer Centre” looks like “Paisley Carers Centre” (row 2; nearly the same name)" in \
        warning.message
    assert len(feed.organisations) == 3  # nothing merged without the person's say
    [dup] = service.plan(feed).duplicates
    assert dup.in_file and dup.reason == "nearly the same name" and dup.choice is None




def test_numbered_groups_are_not_taken_for_duplicates(ctx, tmp_path):
    path = _sheet(tmp_path, "Walking Group 1,Walk,01632 960777,,,", "Walking Group 2,Walk,01632 960778,,,")
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    assert service.plan(feed).duplicates == () and not [p for p in feed.problems if "looks like" in p.message]
    assert service.commit(feed).organisations_added == 2
