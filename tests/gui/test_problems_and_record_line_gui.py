"""Report a problem, confidential venues and "Copy for the record", in the real window on the demo
directory (a real SQLite file), driven with keys and clicks. Screenshots go to /tmp/h18b-shots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox
from sqlalchemy import select

from sp_desktop.db.models import Staff
from sp_desktop.domain.enums import ProblemKind, VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.services.problems import ProblemService
from sp_desktop.services.settings import SettingsService
from sp_desktop.ui.dialogs.problems_dialog import ProblemsDialog
from sp_desktop.ui.dialogs.record_signposting_dialog import RecordSignpostingDialog
from sp_desktop.ui.dialogs.report_problem_dialog import ReportProblemDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.models.service_table_model import COL_SERVICE

SHOTS = Path("/tmp/h18b-shots")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def actor_named(runtime: Runtime, name: str) -> Actor:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == name))
        assert staff is not None, name
        return Actor(staff.id, staff.name, staff.app_role)


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[[Runtime, str], MainWindow]]:
    def make(runtime: Runtime, name: str, active: bool = True) -> MainWindow:
        window = MainWindow(runtime, runtime.context(actor_named(runtime, name)))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        if active:
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
        return window

    yield make


def _search(qtbot, window, text: str):
    page = window.pages["directory"]
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    return page


def test_front_desk_reports_a_problem_and_everyone_sees_it_in_words(qtbot, demo_runtime, open_window,
                                                                    monkeypatch):
    window = open_window(demo_runtime, "Rachel Reception")
    page = _search(qtbot, window, "debt")
    page.table.selectRow(0)
    row = page.selected_row()
    assert row is not None and row.vetting_status is VettingStatus.APPROVED

    def fill(parent, ctx, service_id, name):  # the real dialog, filled in with keys
        dialog = ReportProblemDialog(ctx, service_id, name, parent)
        dialog.kind.setCurrentIndex(dialog.kind.findData(ProblemKind.NUMBER_DOES_NOT_WORK))
        qtbot.keyClicks(dialog.reason, "bad")  # too short: told, nothing saved
        dialog.ok.click()
        assert not dialog.error.isHidden() and "at least 5 characters" in dialog.error.text()
        qtbot.keyClicks(dialog.reason, " line, rings out")
        SHOTS.mkdir(exist_ok=True)
        dialog.grab().save(str(SHOTS / "report_problem_dialog.png"))
        dialog.ok.click()
        return dialog.saved

    monkeypatch.setattr(ReportProblemDialog, "ask", staticmethod(fill))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_R, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "Problem reported" in (page.model.index(page.model.row_of(row.id), COL_SERVICE)
                                                   .data() or ""))
    page.select_service(row.id)
    assert "Problem reported: The number does not work" in page.detail.toPlainText()
    window.grab().save(str(SHOTS / "directory_problem_reported.png"))
    # also on the right-click menu of a result and in the Edit menu
    assert window.problem_actions.report_action in page.selection_actions
    qtbot.waitUntil(lambda: page.edit_menu is not None
                    and window.problem_actions.report_action in page.edit_menu.actions())
    # a clinician on another PC sees it too
    gp = open_window(demo_runtime, "Dr Gordon Gill")
    gp_page = _search(qtbot, gp, "debt")
    text = gp_page.model.index(gp_page.model.row_of(row.id), COL_SERVICE).data()
    assert text.startswith("! Problem reported — ")


def test_the_lead_is_told_of_safeguarding_at_sign_in_and_resolves_from_reviews(qtbot, demo_runtime,
                                                                              open_window, monkeypatch):
    from sp_desktop.services.directory import DirectoryService

    desk = demo_runtime.context(actor_named(demo_runtime, "Rachel Reception"))
    assert ProblemService(desk).open_problems() == []  # the demo has none
    sid = DirectoryService(desk).search("debt").rows[0].id
    ProblemService(desk).report(sid, ProblemKind.SAFEGUARDING, "Volunteer asked for a home visit alone")
    window = open_window(demo_runtime, "Lena Link", active=False)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "safeguarding_at_sign_in") is not None)
    box = window.findChild(QMessageBox, "safeguarding_at_sign_in")
    assert "Volunteer asked for a home visit alone" in box.text()
    box.grab().save(str(SHOTS / "safeguarding_at_sign_in.png"))
    box.close()
    label = window.problem_actions.safeguarding_label
    assert label.isVisible() and "1 safeguarding concern" in label.text()
    window.show_page("reviews")
    reviews = window.pages["reviews"]
    qtbot.waitUntil(lambda: "1, 1 safeguarding" in reviews.problems_button.text())

    def resolve(parent, ctx):
        dialog = ProblemsDialog(ctx, parent)
        assert dialog.list.count() == 1 and "Safeguarding" in dialog.list.item(0).text()
        dialog.grab().save(str(SHOTS / "problems_dialog.png"))
        qtbot.keyClicks(dialog.resolution, "Spoke to their safeguarding lead today")
        dialog.resolve_button.click()
        assert dialog.list.count() == 0
        return dialog.resolved

    monkeypatch.setattr(ProblemsDialog, "show_for", staticmethod(resolve))
    reviews.problems_button.click()
    assert ProblemService(desk).open_problems() == []
    assert "(0)" in reviews.problems_button.text()


def test_record_and_copy_for_the_record_puts_the_practice_line_on_the_clipboard(qtbot, demo_runtime):
    admin = demo_runtime.context(actor_named(demo_runtime, "Mary Manager"))
    SettingsService(admin).update(record_line_template="{code} {term}: {service} on {date}",
                                  record_code="Xy123", record_term="Signposting")
    desk = demo_runtime.context(actor_named(demo_runtime, "Rachel Reception"))
    from sp_desktop.services.directory import DirectoryService

    sid = DirectoryService(desk).search("debt").rows[0].id
    name = DirectoryService(desk).get_service(sid).name
    QApplication.clipboard().setText("")
    dialog = RecordSignpostingDialog(desk, [sid])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.grab().save(str(SHOTS / "record_and_copy.png"))
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None
    assert QApplication.clipboard().text() == f"Xy123 Signposting: {name} on 24 Nov 2026"


def test_settings_show_the_record_line_and_refuse_an_unknown_placeholder(qtbot, demo_runtime, monkeypatch):
    from sp_desktop.ui import messages
    from sp_desktop.ui.pages.staff_page import PracticeSettingsWidget

    monkeypatch.setattr(messages, "inform", lambda *a, **k: None)
    admin = demo_runtime.context(actor_named(demo_runtime, "Mary Manager"))
    widget = PracticeSettingsWidget(admin)
    qtbot.addWidget(widget)
    edit = widget.widgets["record_line_template"]
    assert "{reference}" in edit.text()
    edit.setText("Signposted to {patient_name}")
    assert widget.save() is False
    error = widget.errors["record_line_template"]
    assert not error.isHidden() and "{patient_name} is not a placeholder" in error.text()


def test_the_lead_marks_a_venue_confidential_and_the_front_desk_sees_no_address(qtbot, demo_runtime):
    from sp_desktop.services.directory import DirectoryService
    from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog

    lead = demo_runtime.context(actor_named(demo_runtime, "Lena Link"))
    desk = demo_runtime.context(actor_named(demo_runtime, "Rachel Reception"))
    sid = DirectoryService(desk).search("debt").rows[0].id
    org = DirectoryService(lead).get_service(sid).organisation
    assert org.locations and org.locations[0].address_1
    street = org.locations[0].address_1
    dialog = EditOrganisationDialog(lead, None, org.id)
    qtbot.addWidget(dialog)
    box = dialog.venues.rows[0].fields["confidential"]
    assert isinstance(box, QCheckBox) and box.isEnabled()
    box.setChecked(True)
    assert dialog.venues.values()[0].confidential is True
    DirectoryService(lead).set_location_confidential(org.locations[0].id, True)
    desk_dialog = EditOrganisationDialog(desk, None, org.id)
    qtbot.addWidget(desk_dialog)
    row = desk_dialog.venues.rows[0]
    assert not row.fields["confidential"].isEnabled() and row.fields["confidential"].isChecked()
    assert row.fields["address_1"].text() == "" and row.fields["address_1"].isReadOnly()
    assert street not in DirectoryService(desk).get_service(sid).organisation.locations[0].address_lines
    # the front desk's detail pane: the general area and the words, never the street
    from sp_desktop.ui.widgets.detail_pane import DetailPane

    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.resize(420, 900)
    pane.show_service(DirectoryService(desk).get_service(sid), date(2026, 11, 24))
    text = pane.toPlainText()
    assert "Confidential location" in text and "Address given when you phone" in text and street not in text
    pane.grab().save(str(SHOTS / "front_desk_confidential_detail.png"))


def test_the_basket_asks_why_before_adding_a_service_with_a_problem(qtbot, demo_runtime, open_window,
                                                                     monkeypatch):
    from sqlalchemy import select as sa_select

    from sp_desktop.db.models import AuditEvent
    from sp_desktop.services.directory import DirectoryService
    from sp_desktop.ui.dialogs.report_problem_dialog import ProblemReasonDialog

    desk = demo_runtime.context(actor_named(demo_runtime, "Rachel Reception"))
    sid = DirectoryService(desk).search("debt").rows[0].id
    ProblemService(desk).report(sid, ProblemKind.CLOSED_OR_MOVED, "Moved to the library, they said")
    window = open_window(demo_runtime, "Rachel Reception", active=False)
    basket = window.pages["basket"]
    asked: list[str] = []
    monkeypatch.setattr(ProblemReasonDialog, "ask", staticmethod(lambda check, parent=None: asked.append(
        check.problem) or None))
    assert basket.add_service(sid, window) is False and basket.count() == 0  # cancelled: not added
    monkeypatch.setattr(ProblemReasonDialog, "ask", staticmethod(
        lambda check, parent=None: "Told them to phone first"))
    assert basket.add_service(sid, window) is True
    assert asked and asked[0].startswith("Problem reported: Closed or moved")
    assert basket.entries[0].item.problem_reason == "Told them to phone first"
    with demo_runtime.db.read() as s:
        summaries = [e.summary for e in s.scalars(sa_select(AuditEvent))]
    assert any("although a problem is reported: Told them to phone first" in x for x in summaries)
