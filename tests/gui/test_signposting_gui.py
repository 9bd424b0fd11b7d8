"""The Signposting log, the record and outcome dialogs and the Reports page, driven with qtbot on
real SQLite databases (the demo history where realistic data matters). Only file choosers and
yes/no questions are replaced."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from sp_desktop.db.models import Organisation, Service, Staff, TrustNote
from sp_desktop.demo.signposting import DEMO_STAFF
from sp_desktop.domain.enums import AppRole, Experience, Outcome, SignpostingMethod, TrustNoteKind
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.reports import ReportService
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import SignpostingForm, SignpostingService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.outcome_dialog import OutcomeDialog
from sp_desktop.ui.dialogs.partner_report_dialog import PartnerReportDialog
from sp_desktop.ui.dialogs.record_signposting_dialog import RecordSignpostingDialog
from sp_desktop.ui.models.signposting_models import (
    COL_DATE,
    COL_OUTCOME,
    COL_SERVICE,
    ModelSortsProxy,
    ReportTableModel,
    SignpostingLogTableModel,
)
from sp_desktop.ui.pages.reports_page import ReportsPage
from sp_desktop.ui.pages.signposting_page import SignpostingPage


def _actor(db, clock, role: AppRole, name: str) -> Actor:
    with db.write(clock) as s:
        staff = Staff(name=name, job_role=role.label, app_role=role)
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.name, role)


@pytest.fixture
def gp(demo_db, clock) -> ServiceContext:
    return ServiceContext(demo_db, clock, _actor(demo_db, clock, AppRole.CLINICIAN, "Dr Test Clinician"))


@pytest.fixture
def admin(demo_db, clock) -> ServiceContext:
    return ServiceContext(demo_db, clock, _actor(demo_db, clock, AppRole.ADMINISTRATOR, "Ann Administrator"))


def _service_ids(db, n=2) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Service.id).order_by(Service.id).limit(n)))


def click(qtbot, button) -> None:
    """Click a check or radio button on its indicator (its label may not fill the widget)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def _pdf_text(path) -> str:
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))


# --------------------------------------------------------------------------- the log
def test_log_model_passes_the_model_tester_and_filters(qtbot, qtmodeltester, gp):
    page = SignpostingPage(gp)
    qtbot.addWidget(page)
    page.show()
    assert isinstance(page.model, SignpostingLogTableModel)
    qtmodeltester.check(page.model)
    assert page.model.rowCount() > 50  # the demo's last three months
    assert "awaiting an outcome" in page.summary.text()
    page.state.setCurrentIndex(1)  # awaiting outcome
    assert page.model.rowCount() > 0
    assert all(r.outcome is None for r in page.model.rows)
    page.state.setCurrentIndex(0)
    page.range.setCurrentIndex(3)  # everything
    assert len({r.signposting_id for r in page.model.rows}) >= 300
    qtbot.keyClicks(page.search, "walk")
    qtbot.waitUntil(lambda: page.model.rowCount() and all(
        "walk" in f"{r.service_name} {r.organisation_name} {r.reasons}".lower() for r in page.model.rows))
    qtmodeltester.check(page.model)
    # the view's proxy (the model sorts itself) passes too, before and after sorting by a column
    assert isinstance(page.proxy, ModelSortsProxy)
    qtmodeltester.check(page.proxy)
    page.proxy.sort(COL_DATE, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(page.proxy)
    assert page.proxy.rowCount() == page.model.rowCount()


def test_clicking_a_column_heading_sorts_the_log_and_keeps_the_chosen_row(qtbot, gp):
    page = SignpostingPage(gp)
    qtbot.addWidget(page)
    page.show()

    def column(col: int) -> list:
        return [page.proxy.index(r, col).data() for r in range(page.proxy.rowCount())]

    rows = list(page.model.rows)
    dates = [r.occurred_on for r in rows]
    assert dates == sorted(dates, reverse=True)  # newest first
    page.table.selectRow(5)
    chosen = page.selected_row()
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(COL_SERVICE) + 20, header.height() // 2))
    names = column(COL_SERVICE)
    assert names == sorted(names, key=str.casefold) and names != [r.service_name for r in rows]
    assert page.selected_row() == chosen  # still the same record, wherever it moved to
    page.refresh()  # the order chosen is kept when the log reloads
    assert column(COL_SERVICE) == names and page.selected_row() == chosen


def test_enter_on_a_row_records_its_outcome(qtbot, gp, monkeypatch):
    page = SignpostingPage(gp)
    qtbot.addWidget(page)
    page.show()
    page.state.setCurrentIndex(1)  # awaiting outcome
    page.table.setFocus()
    page.table.selectRow(0)
    row = page.selected_row()
    asked = []

    def fake_ask(ctx, item_id, parent=None):
        asked.append(item_id)
        from sp_desktop.services.signposting import OutcomeForm

        return SignpostingService(ctx).record_outcome(item_id, OutcomeForm(Outcome.ENGAGED, Experience.GOOD))

    monkeypatch.setattr(OutcomeDialog, "ask", staticmethod(fake_ask))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert asked == [row.item_id]
    page.state.setCurrentIndex(0)
    assert page.select_item(row.item_id)
    index = page.proxy.index(page.table.currentIndex().row(), COL_OUTCOME)
    assert index.data() == "Attended and engaged"


def test_front_desk_cannot_record_outcomes_and_is_told_who_can(qtbot, demo_db, clock, monkeypatch):
    reception = ServiceContext(demo_db, clock, _actor(demo_db, clock, AppRole.FRONT_DESK, "Fran Frontdesk"))
    page = SignpostingPage(reception)
    qtbot.addWidget(page)
    page.show()  # a page loads its data when shown (ui/pages/lazy.py)
    assert page.outcome_button.isHidden()
    told = []
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: told.append(text))
    page.table.selectRow(0)
    page.record_outcome()
    assert told and "clinician" in told[0]


def test_purge_button_for_administrators_removes_expired_references(qtbot, admin, clock, monkeypatch):
    SettingsService(admin).update(allow_patient_reference=True, patient_reference_retention_days=30)
    svc = SignpostingService(admin)
    ids = _service_ids(admin.db, 1)
    svc.record(SignpostingForm(ids, occurred_on=date(2026, 9, 1), patient_ref="OLD123"))
    svc.record(SignpostingForm(ids, occurred_on=date(2026, 11, 20), patient_ref="NEW456"))
    page = SignpostingPage(admin)
    qtbot.addWidget(page)
    page.show()
    assert page.model.columnCount() == 10
    assert page.model.headerData(9, Qt.Orientation.Horizontal) == "Patient ref"
    page.table.selectRow(0)
    assert page.purge_button.isVisible() and page.purge_button.isEnabled()
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    with qtbot.waitSignal(page.changed):
        page.purge_references()
    refs = {r.patient_ref for r in page.model.rows if r.patient_ref}
    assert refs == {"NEW456"}


# --------------------------------------------------------------------------- recording
def test_record_dialog_is_prefilled_and_records_in_one_click(qtbot, gp):
    ids = _service_ids(gp.db, 2)
    dialog = RecordSignpostingDialog(gp, ids, SignpostingMethod.PHONED)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.service_ids() == ids
    assert dialog.method.currentData() == SignpostingMethod.PHONED
    assert dialog.reason_ids()  # the services' own categories, ticked
    assert dialog.patient_ref is None  # references are off: no field at all
    assert dialog.findChild(type(dialog.find_box), "patient_ref") is None
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = dialog.saved
    assert [i.service_id for i in saved.items] == ids and saved.method is SignpostingMethod.PHONED
    assert saved.staff_name == "Dr Test Clinician" and saved.occurred_on == date(2026, 11, 24)


def test_record_dialog_adds_a_service_by_search_and_a_follow_up(qtbot, gp):
    dialog = RecordSignpostingDialog(gp, [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)  # nothing chosen yet
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "at least one service" in dialog.errors.resolve("service_ids")[1].text()
    qtbot.keyClicks(dialog.find_box, "debt")
    qtbot.waitUntil(lambda: dialog.found.isVisible() and dialog.found.count() > 0)
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    assert len(dialog.service_ids()) == 1
    qtbot.mouseClick(dialog.findChild(type(dialog.record_button), "follow_up_28"), Qt.MouseButton.LeftButton)
    assert dialog.follow_up.isChecked()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.follow_up_on == date(2026, 12, 22)
    assert len(dialog.saved.items) == 1


def test_record_dialog_with_references_on_refuses_a_name(qtbot, gp, admin):
    SettingsService(admin).update(allow_patient_reference=True)
    dialog = RecordSignpostingDialog(gp, _service_ids(gp.db, 1))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.patient_ref is not None
    qtbot.keyClicks(dialog.patient_ref, "Jo Bloggs")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is None
    assert "never a name" in dialog.errors.resolve("patient_ref")[1].text()
    dialog.patient_ref.clear()
    qtbot.keyClicks(dialog.patient_ref, "emis4471")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.patient_ref == "EMIS4471"


# --------------------------------------------------------------------------- outcomes
def _awaiting_item(ctx) -> int:
    return next(r.item_id for r in SignpostingService(ctx).log(state="awaiting").rows)


def test_outcome_dialog_records_outcome_feedback_scores_and_a_trust_note(qtbot, gp, monkeypatch):
    item_id = _awaiting_item(gp)
    dialog = OutcomeDialog(gp, item_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.trust.isEnabled()  # only offered for poor / not suitable
    click(qtbot, dialog.outcome_buttons[Outcome.NOT_SUITABLE])
    click(qtbot, dialog.experience_buttons[Experience.POOR])
    qtbot.keyClicks(dialog.note, "Group had closed for the winter.")
    assert dialog.trust.isEnabled()
    assert "not suitable" in dialog.trust_text.toPlainText()
    assert "Group had closed for the winter." in dialog.trust_text.toPlainText()
    dialog.trust.setChecked(True)
    dialog.trust_kind.setCurrentIndex(dialog.trust_kind.findData(TrustNoteKind.CONCERN))
    click(qtbot, dialog.share)
    dialog.ons4.setChecked(True)
    for spin, value in zip(dialog.before + dialog.after, [4, 5, 4, 8, 6, 6, 7, 5], strict=True):
        spin.setValue(value)
    asked = []
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, **k: asked.append(title) or True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    detail = SignpostingService(gp).detail_for_item(item_id)
    item = detail.item(item_id)
    assert (item.outcome, item.experience, item.share_feedback) == (Outcome.NOT_SUITABLE, Experience.POOR,
                                                                    True)
    assert detail.ons4_before == (4, 5, 4, 8) and detail.ons4_after == (6, 6, 7, 5)
    assert asked == ["Bring the vetting review forward?"]
    with gp.db.read() as s:
        note = s.scalars(select(TrustNote).where(TrustNote.service_id == item.service_id)
                         .order_by(TrustNote.id.desc())).first()
        org = s.get(Organisation, item.organisation_id)
        assert note.kind is TrustNoteKind.CONCERN and "closed for the winter" in note.text
        assert org.next_review_on == date(2026, 11, 24)


def test_outcome_dialog_explains_mistakes_and_stays_open(qtbot, gp):
    dialog = OutcomeDialog(gp, _awaiting_item(gp))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no outcome chosen
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Choose an outcome" in dialog.errors.resolve("outcome")[1].text()
    click(qtbot, dialog.outcome_buttons[Outcome.ENGAGED])
    click(qtbot, dialog.share)  # share, but nothing written
    dialog.ons4.setChecked(True)
    dialog.before[0].setValue(5)  # one of four
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "no feedback to share" in dialog.errors.resolve("share_feedback")[1].text()
    assert "give all four scores" in dialog._ons4_msg.text()


# --------------------------------------------------------------------------- reports
@pytest.fixture
def reports_page(qtbot, gp):
    page = ReportsPage(gp)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def _wait_report(qtbot, page):
    qtbot.waitUntil(lambda: page.report is not None and page.pdf_button.isEnabled(), timeout=10000)
    return page.report


def test_reports_page_shows_the_figures_worked_out_in_the_background(qtbot, qtmodeltester, reports_page, gp):
    page = reports_page
    report = _wait_report(qtbot, page)
    start, end = page.period()
    assert (start, end) == (date(2025, 12, 1), date(2026, 11, 24))
    expected = ReportService(gp).practice_report(start, end)
    assert report.records == expected.records >= 250
    assert page.glance["records"].text() == str(expected.records)
    assert page.glance["attended"].text() == expected.totals.attended_rate.text
    assert page.month_chart.values == tuple(m.records for m in expected.by_month)
    assert page.service_model.rowCount() == len(expected.by_service)
    flagged = [r for r in page.service_model.rows if r.flag]
    assert len(flagged) == len(expected.flagged_services)
    assert all(r.cells[-1].startswith("! Repeated poor") for r in flagged)
    for model in (page.service_model, page.org_model, page.reason_model, page.month_model, page.staff_model,
                  page.ons4_model):
        assert isinstance(model, ReportTableModel)
        qtmodeltester.check(model)
    # New dates: the page answers at once ("Working…") and the figures follow.
    with qtbot.waitSignal(page.report_ready, timeout=10000) as blocker:
        page.set_period(date(2026, 1, 1), date(2026, 3, 31))
        assert page.status.text().startswith("Working")
        assert not page.pdf_button.isEnabled()
    assert blocker.args[0].records == ReportService(gp).practice_report(date(2026, 1, 1),
                                                                         date(2026, 3, 31)).records
    assert [m.label for m in page.report.by_month] == ["Jan 2026", "Feb 2026", "Mar 2026"]


def test_chart_reads_each_month_by_keyboard(qtbot, reports_page):
    page = reports_page
    _wait_report(qtbot, page)
    chart = page.month_chart
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    qtbot.keyClick(chart, Qt.Key.Key_End)
    last = page.report.by_month[-1]
    assert page.chart_caption.text().startswith(f"{last.short_label}: {last.records} records")
    assert chart.accessibleDescription().startswith(f"{last.short_label}: {last.records} records")


def test_save_pdf_and_csv_from_the_reports_page(qtbot, reports_page, tmp_path, monkeypatch):
    page = reports_page
    report = _wait_report(qtbot, page)
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: str(tmp_path / "report.pdf"))
    with qtbot.waitSignal(page.saved, timeout=20000):
        qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    text = _pdf_text(tmp_path / "report.pdf")
    assert f"People signposted (records) {report.records}" in text
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: str(tmp_path / "report.csv"))
    with qtbot.waitSignal(page.saved, timeout=20000):
        qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    csv_text = (tmp_path / "report.csv").read_text("utf-8-sig")
    assert f"People signposted (records),{report.records}," in csv_text


def test_partner_report_from_the_reports_page(qtbot, admin, reports_page, tmp_path, monkeypatch):
    # A partner report leaves the practice: a GP's page has the button off; an administrator's has it.
    _wait_report(qtbot, reports_page)
    assert not reports_page.partner_button.isEnabled()
    page = ReportsPage(admin)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    _wait_report(qtbot, page)
    chosen = {}

    def pick(choices, period_text, parent=None):
        best = max(choices, key=lambda c: c.signposted)
        chosen["org"] = best
        return best.id

    monkeypatch.setattr(PartnerReportDialog, "ask", staticmethod(pick))
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: str(tmp_path / "partner.pdf"))
    with qtbot.waitSignal(page.saved, timeout=20000):
        qtbot.mouseClick(page.partner_button, Qt.MouseButton.LeftButton)
    text = _pdf_text(tmp_path / "partner.pdf")
    org = chosen["org"]
    assert f"Signposting to {org.name}" in text
    assert f"{org.signposted} people in total" in text
    for name, _role, _job in DEMO_STAFF:
        assert name not in text


def test_partner_dialog_filters_and_chooses(qtbot, gp):
    choices = ReportService(gp).organisations_signposted(date(2025, 12, 1), date(2026, 11, 24))
    dialog = PartnerReportDialog(choices, "the period")
    qtbot.addWidget(dialog)
    dialog.show()
    target = choices[-1]
    qtbot.keyClicks(dialog.filter, target.name)
    assert dialog.chosen_id() == target.id
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.keyClicks(dialog.filter, "zzzz no such")
    assert dialog.chosen_id() is None and not ok.isEnabled()


def test_pages_are_in_the_main_window(qtbot, demo_runtime, gp):
    from sp_desktop.ui.main_window import MainWindow

    window = MainWindow(demo_runtime, gp)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "Signposting log" in titles and "Reports" in titles
    # The count on start includes signposting follow-ups.
    from sp_desktop.services.followups import FollowUpService

    items = FollowUpService(gp).items()
    assert any(i.kind == "signposting" for i in items)
    assert f"Follow-ups ({len(items)})" in titles
    page = window.show_page("signposting")
    assert isinstance(page, SignpostingPage)
    reports = window.show_page("reports")
    qtbot.waitUntil(lambda: reports.report is not None, timeout=10000)
    window.tasks.wait(10000)



def test_the_lead_makes_the_meeting_pack_from_the_reports_page(qtbot, demo_db, clock, gp, tmp_path,
                                                               monkeypatch):
    from sp_desktop.db.models import AuditEvent

    assert ReportsPage(gp).meeting_button is None  # a clinician does not report to the meeting: not shown
    lead = ServiceContext(demo_db, clock, _actor(demo_db, clock, AppRole.VETTING_LEAD, "Lee Lead"))
    page = ReportsPage(lead)
    qtbot.addWidget(page)
    page.show()
    assert page.meeting_button is not None and page.meeting_button.isEnabled()
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: str(tmp_path / "pack.pdf"))
    with qtbot.waitSignal(page.saved, timeout=30000):
        qtbot.mouseClick(page.meeting_button, Qt.MouseButton.LeftButton)
    text = _pdf_text(tmp_path / "pack.pdf")
    start, end = page.period()
    assert "Practice meeting pack" in text and f"{show_date(start)} to {show_date(end)}" in text
    assert "Organisations no one here has met" in text
    with demo_db.read() as s:
        made_by = s.scalar(select(AuditEvent.staff_name).where(AuditEvent.entity_type == "meeting_pack"))
    assert made_by == "Lee Lead"
