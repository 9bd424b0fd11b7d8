"""Issue 17, point 3: the right file. An import checks what the file is and refuses the wrong kind with a
message saying what it is and what to choose (nothing written: every table is compared before and after);
a taxonomy file can be imported as categories; large cells are reported by row, column and size."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, Category
from sp_desktop.services.categories import CategoryService, TaxonomyFileError
from sp_desktop.services.imports import ImportFailed, ImportService
from tests.unit.services.test_import_service import dump

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + b"word/document.xml" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(40)

TERMS = [
    {
        "id": "t-money",
        "code": "M",
        "name": "Money",
        "description": "Money matters",
        "parent_id": None,
        "taxonomy": "Renfrewshire",
    },
    {"id": "t-debt", "code": "M1", "name": "Debt advice", "parent_id": "t-money", "taxonomy": "Renfrewshire"},
    {"id": "t-fuel", "code": "M1a", "name": "Fuel debt", "parent_id": "t-debt", "taxonomy": "Renfrewshire"},
    {"id": "t-blank", "code": "X", "name": " ", "parent_id": None, "taxonomy": "Renfrewshire"},
]


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "data", "looks_like"),
    [
        ("directory.csv", PNG, "a PNG image"),
        ("directory.xlsx", PNG, "a PNG image"),
        ("directory.csv", PDF, "a PDF document"),
        ("directory.xlsx", DOCX, "a Word document"),
        ("photo.csv", JPEG, "a JPEG photo"),
    ],
)
@pytest.mark.backends("sqlite")
def test_a_file_that_is_not_a_spreadsheet_says_what_it_looks_like(ctx, db, tmp_path, name, data, looks_like):
    path = tmp_path / name
    path.write_bytes(data)
    before = dump(db)
    with pytest.raises(ImportFailed) as exc:
        ImportService(ctx).open(path)
    assert str(exc.value).startswith(f"{name} is not a spreadsheet (it looks like {looks_like}).")
    assert "Choose a CSV file or an Excel workbook" in str(exc.value)
    assert "column" not in str(exc.value)
    assert dump(db) == before


@pytest.mark.backends("sqlite")
def test_a_huge_cell_is_reported_by_row_column_and_size_and_nothing_is_written(ctx, db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        'Organisation,Service,Description\nKnit and Natter,Knitting,"' + "word " * 40_000 + '"\n'
        "Men's Shed,Shed,Woodwork\n",
        encoding="utf-8",
    )
    before = dump(db)
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    [error] = feed.errors
    assert error.text() == "Error: Row 2, Description: is too long (199,999 characters; at most 20,000)."
    with pytest.raises(ImportFailed):
        service.commit(feed)
    assert dump(db) == before


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (TERMS, "is a taxonomy (a list of categories)"),
        ({"total_items": 4, "page_number": 1, "contents": TERMS}, "is a taxonomy (a list of categories)"),
        (
            {
                "name": "renfrewshire",
                "profile": "tabular-data-package",
                "resources": [{"name": "organization", "path": "organizations.csv"}],
            },
            "is the description of a data package",
        ),
    ],
)
def test_an_open_referral_import_refuses_the_wrong_kind_saying_what_to_choose(ctx, db, tmp_path, data, says):
    path = _write(tmp_path / "thing.json", data)
    before = dump(db)
    with pytest.raises(ImportFailed) as exc:
        ImportService(ctx).open(path)
    assert says in str(exc.value)
    if "taxonomy" in says:
        assert "“Import categories…” in the File menu" in str(exc.value)
    assert dump(db) == before


def test_a_taxonomy_file_becomes_categories_two_levels_deep(ctx, db, tmp_path):
    service = CategoryService(ctx)
    service.save("Money")  # already in the practice's list: kept, not doubled
    result = service.import_taxonomy(
        _write(tmp_path / "taxonomy_terms.json", {"total_items": 4, "contents": TERMS})
    )
    assert result.added == ("Money › Debt advice", "Money › Fuel debt")
    assert result.already_there == ("Money",)
    assert result.left_out == ("term t-blank: has no name",)
    assert result.describe() == (
        "Imported categories from taxonomy_terms.json: 2 categories added; 1 already in the list; 1 left out."
    )
    [money] = [n for n in service.tree() if n.name == "Money"]
    assert sorted(c.name for c in money.children) == [
        "Debt advice",
        "Fuel debt",
    ]  # deeper terms go up a level
    with db.read() as s:
        audit = s.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.entity_type == "category", AuditEvent.summary.like("%taxonomy%")
            )
        ).all()
        assert len(audit) == 2
    again = service.import_taxonomy(tmp_path / "taxonomy_terms.json")
    assert again.added == () and len(again.already_there) == 3


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            {
                "id": "x",
                "name": "Renfrewshire",
                "description": "d",
                "uri": "http://example.com",
                "version": "1",
            },
            "holds no terms",
        ),
        ([{"id": "o1", "name": "Age UK", "services": []}], "holds organisations or services"),
    ],
)
def test_a_file_that_is_not_taxonomy_terms_is_refused_and_nothing_is_added(ctx, db, tmp_path, data, says):
    before = dump(db)
    with pytest.raises(TaxonomyFileError) as exc:
        CategoryService(ctx).import_taxonomy(_write(tmp_path / "taxonomy.json", data))
    assert says in str(exc.value)
    assert dump(db) == before
    with db.read() as s:
        assert not s.scalars(select(Category).where(Category.name == "Renfrewshire")).all()


@pytest.mark.backends("sqlite")
def test_command_line_refuses_a_taxonomy_as_data_and_imports_it_as_categories(tmp_path, monkeypatch):
    from sp_desktop.cli import build_parser, run_command

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", "admin password 1")
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "admin password 1")

    def run(argv):
        out, err = io.StringIO(), io.StringIO()
        return run_command(build_parser().parse_args(argv), out, err), out.getvalue(), err.getvalue()

    data = ["--data-dir", str(tmp_path / "data")]
    assert run(["staff", "add", "Mary Manager", "--role", "administrator", *data])[0] == 0
    home = [*data, "--user", "Mary Manager"]
    path = _write(tmp_path / "taxonomy_terms.json", TERMS)
    code, _out, err = run(["import", str(path), *home])
    assert code == 1 and "is a taxonomy" in err and "sp-desktop import-categories" in err
    code, out, err = run(["import-categories", str(path), *home])
    assert code == 0, err
    assert "+ Money › Debt advice" in out and "left out: term t-blank: has no name" in out
