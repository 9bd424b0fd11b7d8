"""Reviews due page, vetting record and history, driven with qtbot on the demo directory."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from sp_desktop.db.models import Organisation
from sp_desktop.domain.enums import VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM, Actor
from sp_desktop.services.staff import Authenticator
from sp_desktop.services.vetting import DueKind, VettingService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.history_dialog import HistoryDialog
from sp_desktop.ui.dialogs.vetting_dialog import ApproveDialog, ReasonDialog, VettingDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.models.reviews_table_model import COL_DUE, COL_ORGANISATION, COL_STATE, ReviewsTableModel
from sp_desktop.ui.pages import page_specs
from sp_desktop.ui.pages.reviews_page import ReviewsPage

# Screenshots go to a temporary folder; set SP_DESKTOP_SCREENSHOT_DIR=resources/screenshots to refresh the
# README pictures (running the tests must not change the checkout).
SCREENSHOT_DIR_ENV = "SP_DESKTOP_SCREENSHOT_DIR"


def _actor(runtime: Runtime, name: str) -> Actor:
    return Authenticator(runtime.sign_in_context()).sign_in(name, "demo")


def _org_id(runtime: Runtime, name: str) -> int:
    with runtime.db.read() as s:
        return int(s.query(Organisation.id).filter(Organisation.name == name).scalar())


@pytest.fixture
def messages_seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    seen: list[tuple[str, str, str]] = []
    for kind in ("inform", "warn", "error"):
        monkeypatch.setattr(messages, kind, lambda parent, title, text, *a, k=kind, **kw:
                            seen.append((k, title, text)))
    return seen


def test_reviews_table_model_passes_qtmodeltester(qtmodeltester: Any, demo_runtime: Runtime) -> None:
    model = ReviewsTableModel()
    model.set_rows(VettingService(demo_runtime.context(SYSTEM)).reviews_due())
    assert model.rowCount() >= 10
    qtmodeltester.check(model)
    model.sort(COL_ORGANISATION, Qt.SortOrder.AscendingOrder)
    names = [model.data(model.index(r, COL_ORGANISATION)) for r in range(model.rowCount())]
    assert names == sorted(names, key=str.casefold)
    model.sort(COL_STATE, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, COL_STATE)) == "Never vetted ○"  # most urgent: never checked at all
    qtmodeltester.check(model)


def test_reviews_page_lists_what_is_due_most_urgent_first(qtbot: Any, demo_runtime: Runtime) -> None:
    ctx = demo_runtime.context(_actor(demo_runtime, "Rachel Reception"))
    page = ReviewsPage(ctx)
    qtbot.addWidget(page)
    due = VettingService(ctx).reviews_due()
    assert page.count() == len(due) and page.model.rowCount() == 0  # counted before the list loads
    page.show()  # a page loads its data when shown (ui/pages/lazy.py)
    assert page.count() == len(due) and page.model.rowCount() == len(due)
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    # never vetted, suggested and changed come first; then by date, the overdue at the top
    firsts = [r for r in rows if r.kind.first]
    assert rows[:len(firsts)] == firsts and firsts[0].kind is DueKind.NEVER_VETTED
    first = rows[len(firsts)]
    assert first is not None and first.kind is DueKind.OVERDUE and first.days < 0
    dues = [r.due_on for r in rows[len(firsts):]]
    assert dues == sorted(dues)
    dues = [r.due_on for r in rows]
    assert "6 reviews overdue" in page.intro.text()
    assert page.checklist_button is None  # front desk cannot edit the checklist
    # the filter narrows to one kind
    page.filter.setCurrentIndex(3)
    kinds = {page.model.row_at(r).kind for r in range(page.model.rowCount())}
    assert kinds <= {DueKind.EXPIRING, DueKind.EXPIRED} and kinds
    # sorting by clicking a header
    page.filter.setCurrentIndex(0)
    page.table.sortByColumn(COL_DUE, Qt.SortOrder.DescendingOrder)
    assert page.model.row_at(0).due_on == max(r.due_on for r in rows if not r.kind.first)


def _complete(dialog: VettingDialog, qtbot: Any, expiry: date) -> None:
    for row in dialog.rows:
        if row.row.item.mandatory and not row.tick.isChecked():
            row.tick.setFocus()
            qtbot.keyClick(row.tick, Qt.Key.Key_Space)
            qtbot.keyClicks(row.notes, f"Seen at the visit: {row.row.item.label}")
        if row.row.item.has_expiry:
            row.expiry.setDate(QDate(expiry.year, expiry.month, expiry.day))


def test_approving_from_the_reviews_page_leaves_one_fewer(qtbot: Any, demo_runtime: Runtime,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          messages_seen) -> None:
    lena = _actor(demo_runtime, "Lena Link")
    window = MainWindow(demo_runtime, demo_runtime.context(lena),
                        specs=[s for s in page_specs() if s.key in ("directory", "reviews")])
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("reviews")
    before = page.count()
    assert window.nav.item(1).text() == f"Reviews due ({before})"
    overdue_before = VettingService(demo_runtime.context(SYSTEM)).overdue_count()
    label = window.vetting_actions.overdue_label
    assert label.text().endswith(f"{overdue_before} vetting reviews overdue</a>")
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).kind is DueKind.OVERDUE)
    first = page.model.row_at(row)  # the first overdue one, below the never-vetted ones
    assert first.kind is DueKind.OVERDUE
    proposed: list[date] = []  # the next review date the approval offers (the lead keeps it)
    monkeypatch.setattr(ApproveDialog, "ask", classmethod(
        lambda cls, parent, record, approver: proposed.append(record.proposed_next_review)
        or record.proposed_next_review))
    # evidence checked over a year ago: approved saying it was not re-checked
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, **kw: True)
    opened: list[VettingDialog] = []

    def drive(dialog: VettingDialog) -> int:  # what the person does in the modal dialog
        opened.append(dialog)
        assert dialog.record.organisation_name == first.organisation_name
        _complete(dialog, qtbot, date(2027, 9, 30))
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
        assert dialog.record.status is VettingStatus.APPROVED
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(VettingDialog, "exec", drive)
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the record
    assert opened and proposed == [date(2027, 9, 30)]  # the insurance expiry
    assert page.count() == before - 1
    assert first.organisation_id not in [r.organisation_id for r in page.all_rows]
    assert window.nav.item(1).text() == f"Reviews due ({before - 1})"
    assert label.text().endswith(f"{overdue_before - 1} vetting reviews overdue</a>")

    # One click on a row opens its record too.
    clicked: list[str] = []
    monkeypatch.setattr(VettingDialog, "exec",
                        lambda dialog: clicked.append(dialog.record.organisation_name) or 0)
    second = page.model.row_at(0)
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked == [second.organisation_name]


def test_front_desk_reads_the_record_but_cannot_change_it(qtbot: Any, demo_runtime: Runtime) -> None:
    rachel = _actor(demo_runtime, "Rachel Reception")
    org_id = _org_id(demo_runtime, "Steady Ground Chronic Pain Group")
    dialog = VettingDialog(demo_runtime.context(rachel), org_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Only a vetting lead or administrator can make vetting decisions" in dialog.notice.text()
    assert "Rachel Reception (Front desk)" in dialog.notice.text()
    for b in (dialog.approve_button, dialog.save_button, dialog.suspend_button, dialog.decline_button):
        assert not b.isVisible()
    assert all(not r.tick.isEnabled() and r.notes.isReadOnly() for r in dialog.rows)
    assert dialog.print_button.isVisible()  # reading and printing are fine
    assert "In review" in dialog.header.text()


def test_vetting_record_checklist_approval_suspension_and_history(qtbot: Any, demo_runtime: Runtime,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  messages_seen, tmp_path: Path) -> None:
    lena = _actor(demo_runtime, "Lena Link")
    org_id = _org_id(demo_runtime, "Steady Ground Chronic Pain Group")
    dialog = VettingDialog(demo_runtime.context(lena), org_id)
    qtbot.addWidget(dialog)
    dialog.resize(980, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "Still to do before approval" in dialog.notice.text()
    # approving too early says exactly what is missing
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: pytest.fail("should not ask"))
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    kind, title, text = messages_seen[-1]
    assert title == "Not ready to approve"
    assert "PVG/DBS checks" in text and "Complaints procedure" in text
    assert dialog.record.status is VettingStatus.IN_REVIEW
    # tick an insurance certificate without its expiry: the row says what is wrong
    rows = {r.row.item.code: r for r in dialog.rows}
    rows["insurance"].expiry.setDate(QDate(2000, 1, 1))
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "enter the expiry date" in rows["insurance"].error.text()
    rows["insurance"].expiry.setDate(QDate(2027, 2, 28))
    _complete(dialog, qtbot, date(2027, 2, 28))
    assert dialog.grab().save(str(tmp_path / "ticked.png"))
    monkeypatch.setattr(ApproveDialog, "ask", classmethod(
        lambda cls, parent, record, approver: record.proposed_next_review))  # Enter: the date offered
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    record = dialog.record
    assert record.status is VettingStatus.APPROVED and record.approved_by == "Lena Link"
    assert record.next_review_on == date(2027, 2, 28)  # the insurance expiry brings it forward
    assert "Approved ✓" in dialog.header.text() and "Next review 28 Feb 2027" in dialog.header.text()
    rows = {r.row.item.code: r for r in dialog.rows}
    assert rows["pvg"].state.text() == "✓ Lena Link, 24 Nov 2026"
    # history, newest first, with the right person
    dialog.tabs.setCurrentIndex(1)
    texts = dialog.history.texts()
    assert texts[0].startswith("Approved; next review 28 Feb 2027 (brought forward by an expiry date)")
    assert dialog.history.table.item(0, 1).text() == "Lena Link"
    assert any(t.startswith("Ticked “Complaints procedure”") for t in texts[:6])
    # print the summary for the practice meeting
    target = tmp_path / "summary.pdf"
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: str(target))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert messages_seen[-1][1] == "Vetting summary saved"
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(target).pages).split())
    assert "Vetting summary: Steady Ground Chronic Pain Group" in text and "Approved ✓" in text
    # suspend with a reason (asked for through ReasonDialog)
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt:
                                                         "Group leader on leave; sessions paused"))
    qtbot.mouseClick(dialog.suspend_button, Qt.MouseButton.LeftButton)
    assert dialog.record.status is VettingStatus.SUSPENDED
    assert "Reason: Group leader on leave" in dialog.header.text()
    assert dialog.history.texts()[0].startswith("Suspended: Group leader on leave; sessions paused\n")
    assert dialog.made_changes


def test_unsaved_ticks_are_not_lost_on_close(qtbot: Any, demo_runtime: Runtime,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    lena = _actor(demo_runtime, "Lena Link")
    org_id = _org_id(demo_runtime, "Threadwork Crafters")
    dialog = VettingDialog(demo_runtime.context(lena), org_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.rows[0].tick.setChecked(True)
    monkeypatch.setattr(messages, "ask_save_discard_cancel", lambda *a: "cancel")
    dialog.reject()
    assert dialog.isVisible()
    monkeypatch.setattr(messages, "ask_save_discard_cancel", lambda *a: "save")
    dialog.reject()
    assert not dialog.isVisible()
    record = VettingService(demo_runtime.context(SYSTEM)).record(org_id)
    assert record.rows[0].complete and record.rows[0].checked_by == "Lena Link"
    assert record.status is VettingStatus.IN_REVIEW  # the first evidence starts the review


def test_history_dialog_per_organisation_and_per_service(qtbot: Any, demo_runtime: Runtime) -> None:
    from sp_desktop.services.directory import DirectoryService, ServiceForm

    mary = _actor(demo_runtime, "Mary Manager")
    ctx = demo_runtime.context(mary)
    d = DirectoryService(ctx)
    org_id = _org_id(demo_runtime, "Cartvale Money Advice Project")
    org = d.get_organisation(org_id)
    svc = d.get_service(org.service_ids[0])
    form = ServiceForm(organisation_id=org_id, name=svc.name, description=svc.description or "",
                       access=list(svc.access), category_ids=[c.id for c in svc.categories],
                       location_ids=[loc.id for loc in svc.locations],
                       eligibility="Anyone over 16 in Paisley")
    d.save_service(form, svc.id)
    dialog = HistoryDialog(ctx, org.name, organisation_id=org_id, service_id=svc.id, service_name=svc.name)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = dialog.history.texts()
    assert texts[0].startswith(f"Changed the service “{svc.name}”")
    assert "Who it is for" in texts[0] and "Anyone over 16 in Paisley" in texts[0]
    assert dialog.history.table.item(0, 1).text() == "Mary Manager"
    assert any(t.startswith("Approved") for t in texts)  # the vetting is in the organisation's history
    dialog.scope.setCurrentIndex(1)  # only this service
    texts = dialog.history.texts()
    assert len(texts) == 1 and texts[0].startswith("Changed the service")
    dialog.scope.setCurrentIndex(0)
    dialog.history.filter.setCurrentIndex(1)  # vetting only
    assert all(not t.startswith("Changed the service") for t in dialog.history.texts())


def test_screenshots_of_the_vetting_record_and_reviews_page(qtbot: Any, demo_runtime: Runtime,
                                                            tmp_path: Path) -> None:
    """The README screenshots (offscreen): the vetting record and the Reviews due page."""
    SCREENSHOTS = Path(os.environ.get(SCREENSHOT_DIR_ENV) or tmp_path)  # noqa: N806
    lena = _actor(demo_runtime, "Lena Link")
    org_id = _org_id(demo_runtime, "Stagedoor Southside Theatre Company")
    dialog = VettingDialog(demo_runtime.context(lena), org_id)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    # the checklist fits the width (no clipped column once the layout has settled)
    scroll = dialog.checklist_scroll
    qtbot.waitUntil(lambda: scroll.widget().width() == scroll.viewport().width())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "vetting.png"))
    window = MainWindow(demo_runtime, demo_runtime.context(lena),
                        specs=[s for s in page_specs() if s.key in ("directory", "reviews")])
    qtbot.addWidget(window)
    window.resize(1400, 820)
    window.show()
    window.show_page("reviews")
    qtbot.waitExposed(window)
    assert window.grab().save(str(SCREENSHOTS / "reviews.png"))
