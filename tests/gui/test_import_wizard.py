"""The import wizard driven like a person would: choose the file (dialog answered by the test), check
the columns, read the problems by row and column, decide, import in the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QProgressDialog, QPushButton, QWizard
from sqlalchemy import func, select

from sp_desktop.db.models import Organisation, Service
from sp_desktop.services.directory import DirectoryService, LocationForm, OrganisationForm
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.import_wizard import (
    PAGE_CATEGORIES,
    PAGE_COLUMNS,
    PAGE_IMPORT,
    PAGE_MATCHES,
    PAGE_PREVIEW,
    ImportWizard,
)
from sp_desktop.ui.tasks import TaskRunner

HSDS = Path(__file__).parents[2] / ".." / "shared" / "reference" / "hsds-3.0"
EXAMPLES = HSDS / "examples"


def messy_csv(path: Path) -> Path:
    rows = [
        "Community directory 2026;;;;;",
        ";;;;;",
        "Name of Organisation;Activity;Tel No.;Opening Hours;Catagory;Post Code",
        "Café Connect;Lunch club;0141 496 0123;Mon 10-12, Wed 2pm-4pm;Lunch clubs;PA1 1AA",
        ";;;;;",
        "Café Connect;Walking group;0141 496 0123;Tuesdays 10.30-12;Walking groups;PA1 1AA",
        "Renfrew Debt Help;Debt clinic;not a phone;Thu 9-5;Debt advice;PA4 8AA",
        ";Orphan;0141 496 0000;;;",
        "Men’s Shed;Shed;01632 960123;Sat 10am–1pm;Unicorn grooming;PA2 7HN",
    ]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def _count(db, model) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def answered(monkeypatch):
    """Record what the wizard would have told the person, instead of showing message boxes."""
    said: list[tuple[str, str, str]] = []
    for kind in ("inform", "warn", "error"):
        monkeypatch.setattr(
            messages, kind, lambda parent, title, text, *a, _k=kind: said.append((_k, title, text))
        )
    return said


@pytest.fixture
def wizard(qtbot, ctx) -> ImportWizard:
    w = ImportWizard(ctx, TaskRunner())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _choose(qtbot, wizard: ImportWizard, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(messages, "open_file", lambda *a, **k: str(path))
    buttons = [b for b in wizard.file_page.findChildren(type(wizard.button(QWizard.WizardButton.NextButton)))
               if "Choose a file to import" in (b.accessibleName(), b.accessibleDescription())]
    qtbot.mouseClick(buttons[0], qtbot_button())
    assert wizard.file_page.path.text() == str(path)


def qtbot_button() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def _next(qtbot, wizard: ImportWizard) -> None:
    """Press Next and wait while the wizard reads or compares in the background."""
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, qtbot_button())
    qtbot.waitUntil(lambda: wizard.busy is None, timeout=20000)


def test_messy_spreadsheet_problems_by_row_then_import_the_good_rows(
    qtbot, wizard, monkeypatch, tmp_path, ctx, answered
):
    _choose(qtbot, wizard, monkeypatch, messy_csv(tmp_path / "Community directory.csv"))
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_COLUMNS
    table = wizard.columns_page.table
    chosen = {table.item(r, 0).text(): table.cellWidget(r, 2).currentData() for r in range(table.rowCount())}
    assert chosen == {"Name of Organisation": "organisation", "Activity": "service", "Tel No.": "phone",
                      "Opening Hours": "opening_times", "Catagory": "categories", "Post Code": "postcode"}
    assert "Windows-1252, separated by semicolons" in wizard.columns_page.info.text()
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_PREVIEW
    page = wizard.preview_page
    rows = [
        (page.problems.item(r, 0).text(), page.problems.item(r, 1).text(), page.problems.item(r, 2).text())
        for r in range(page.problems.rowCount())
    ]
    assert ("✗ Error", "7", "Tel No.") in rows
    assert ("✗ Error", "8", "Name of Organisation") in rows
    assert ("✗ Error", "9", "Catagory") in rows
    assert "must be fixed before importing" in page.blocked.text() and "7, 8, 9" in page.blocked.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # nothing can be imported yet
    wizard.grab().save(str(tmp_path / "preview.png"))
    before = _count(ctx.db, Organisation)

    page.skip_bad.setChecked(True)  # leave the bad rows out (checked again in the background)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(lambda: wizard.busy is None and next_button.isEnabled(), timeout=20000)
    assert not page.blocked.isVisible()
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_IMPORT
    assert _count(ctx.db, Organisation) == before  # still nothing written
    with qtbot.waitSignal(wizard.imported, timeout=20000) as got:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), qtbot_button())
    result = got.args[0]
    assert (result.organisations_added, result.services_added) == (1, 2)
    assert _count(ctx.db, Service) == 2
    assert answered[-1][0] == "inform" and "not vetted" in answered[-1][2]
    # the column choices are remembered
    assert wizard.service.column_memory()["catagory"] == "categories"


def test_choosing_a_possible_duplicate_merges_it(qtbot, wizard, monkeypatch, tmp_path, ctx, answered):
    existing = DirectoryService(ctx).save_organisation(
        OrganisationForm(
            name="Cafe Connect",
            locations=[LocationForm(name="Hall", address_1="1 High St", postcode="PA1 1AA")],
        )
    )
    path = tmp_path / "clean.csv"
    path.write_text(
        "Organisation,Service,Postcode\nCafé Connect,Lunch club,PA1 1AA\nKnit and Natter,Knitting,PA3 2BB\n",
        encoding="utf-8",
    )
    _choose(qtbot, wizard, monkeypatch, path)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_PREVIEW
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MATCHES
    dups = wizard.matches_page.dups
    # side by side: what the file says and what the directory holds
    assert dups.rowCount() == 1 and dups.item(0, 2).text() == "Cafe Connect (in the directory)"
    assert dups.item(0, 1).text() == "postcode PA1 1AA; 1 service: Lunch club"
    assert dups.item(0, 3).text() == "postcode PA1 1AA"
    assert "same postcode PA1 1AA" in dups.item(0, 4).text()
    combo: QComboBox = dups.cellWidget(0, 5)
    assert combo.currentData() is None and combo.currentText() == "Choose…"  # nothing merged unasked
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()
    assert wizard.matches_page.choose_all.isVisible()
    wizard.grab().save(str(tmp_path / "duplicates.png"))
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("merge"))  # as the keyboard's arrow keys would
    assert next_button.isEnabled()
    _next(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported, timeout=20000) as got:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), qtbot_button())
    assert got.args[0].merged == 1 and got.args[0].organisations_added == 1
    assert DirectoryService(ctx).get_organisation(existing.id).service_names == ("Lunch club",)


def test_cancelling_the_import_changes_nothing(qtbot, wizard, monkeypatch, tmp_path, ctx, answered):
    path = tmp_path / "big.csv"
    lines = ["Organisation,Service,Phone,Opening times"]
    lines += [f"Group {i // 2},Activity {i},01632 960{i % 1000:03d},Mon 10-12" for i in range(4000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _choose(qtbot, wizard, monkeypatch, path)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_IMPORT
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), qtbot_button())
    [progress] = [d for d in wizard.findChildren(QProgressDialog) if d.isVisible()]
    [cancel] = progress.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    qtbot.waitUntil(lambda: wizard.task is None, timeout=20000)
    assert wizard.isVisible() and wizard.import_result is None
    assert _count(ctx.db, Organisation) == 0 and _count(ctx.db, Service) == 0
    assert not any(kind == "error" for kind, *_ in answered)  # cancelling is not an error


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"the HSDS 3.0 reference copy is not at {HSDS.resolve()}")
def test_open_referral_feed_with_its_categories(qtbot, wizard, monkeypatch, ctx, answered):
    _choose(qtbot, wizard, monkeypatch, EXAMPLES / "organization_full.json")
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CATEGORIES
    terms = wizard.categories_page.table
    assert terms.rowCount() == 1 and terms.item(0, 0).text() == "name"
    assert terms.cellWidget(0, 3).currentData() == "new"
    wizard.categories_page.leave_out_unmatched()
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_PREVIEW
    assert wizard.plan.new_categories == ()
    page = wizard.preview_page
    wheres = {page.problems.item(r, 2).text() for r in range(page.problems.rowCount())}
    assert "venue “MyCity Civic Center”, latitude" in wheres
    _next(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), qtbot_button())
    [row] = DirectoryService(ctx).search("counselling").rows
    assert row.organisation_name == "Example Organization Inc." and row.categories == ""


def test_a_file_that_cannot_be_read_says_why_and_stays_on_the_first_page(qtbot, wizard, monkeypatch, tmp_path,
                                                                          answered):
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"not a workbook")
    _choose(qtbot, wizard, monkeypatch, bad)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), qtbot_button())
    qtbot.waitUntil(lambda: wizard.busy is None and bool(answered), timeout=20000)
    assert wizard.currentId() == 0
    assert answered == [("error", "This file cannot be imported", answered[0][2])]
    assert "Excel 97-2003" in answered[0][2]


def test_a_feed_update_is_decided_field_by_field(qtbot, wizard, monkeypatch, tmp_path, ctx, answered):
    """Issue 17.5: each changed field old -> new, edited-here ones marked, kept unless taken; one button takes
    the feed's value for the fields nobody here edited."""
    import copy
    import json

    from sp_desktop.services.concurrency import organisation_form_from
    from sp_desktop.services.imports import ImportService
    from tests.unit.services.test_import_service import _org, _svc

    first = [_org("11111111-1111-4111-8111-111111111111", "Age Well Renfrew",
                  [_svc("33333333-3333-4333-8333-333333333333", "Lunch club")])]
    path = tmp_path / "council-feed.json"
    path.write_text(json.dumps({"contents": first}), encoding="utf-8")
    service = ImportService(ctx)
    service.commit(service.read_feed(service.open(path)))
    d = DirectoryService(ctx)
    row = d.search("lunch club").rows[0]
    org = d.get_organisation(row.organisation_id)
    form = organisation_form_from(org)  # as the edit dialog shows it
    form.description = "Our own words about Age Well."
    d.save_organisation(form, org.id, org.version)  # edited here
    second = copy.deepcopy(first)
    second[0]["description"] = "The feed's new words."
    second[0]["services"][0]["description"] = "Lunch on Mondays, now with soup."
    path.write_text(json.dumps({"contents": second}), encoding="utf-8")
    _choose(qtbot, wizard, monkeypatch, path)
    while wizard.currentId() != PAGE_MATCHES:
        _next(qtbot, wizard)
    table = wizard.matches_page.conflicts
    assert table.rowCount() == 2  # only what the feed changed
    by_record = {(table.item(r, 0).text(), table.item(r, 1).text()): r for r in range(table.rowCount())}
    org_row = by_record[("Organisation “Age Well Renfrew”", "description")]
    svc_row = by_record[("Service “Lunch club” (Age Well Renfrew)", "description")]
    assert table.item(org_row, 2).text() == "Our own words about Age Well."  # here now
    assert table.item(org_row, 3).text() == "The feed's new words."  # the feed says
    assert table.item(org_row, 4).text() == "! Edited here"
    assert table.item(svc_row, 4).text() == "No"
    assert all(table.cellWidget(r, 5).currentData() == "keep" for r in range(table.rowCount()))
    button = wizard.matches_page.take_unedited
    assert button.isVisible() and button.accessibleName()
    qtbot.mouseClick(button, qtbot_button())
    assert table.cellWidget(svc_row, 5).currentData() == "take"
    assert table.cellWidget(org_row, 5).currentData() == "keep"  # ours, edited here, stays
    wizard.grab().save(str(tmp_path / "field_by_field.png"))
    _next(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), qtbot_button())
    assert d.get_service(row.id).description == "Lunch on Mondays, now with soup."
    assert d.get_organisation(org.id).description == "Our own words about Age Well."
