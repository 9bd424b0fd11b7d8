"""Issue 18 in the window: "Before you suggest it" in the detail pane and "Open / taking people" on
search rows for every role, the "Open today" filter, and the capacity, closures and "why this
helps" dialogs (real widgets, real demo database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate

from sp_desktop.domain.confidence import Capacity
from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.confidence import ConfidenceService
from sp_desktop.ui.dialogs.capacity_dialog import CapacityDialog
from sp_desktop.ui.dialogs.closures_dialog import ClosuresDialog
from sp_desktop.ui.dialogs.help_note_dialog import HelpNoteDialog
from sp_desktop.ui.models.service_table_model import COL_NOW, HEADERS
from tests.gui.test_directory_page import open_window, page_of, type_search  # noqa: F401 (fixture)


def _row_text(page: Any, service_id: int) -> str:
    row = page.model.row_of(service_id)
    return page.model.index(row, COL_NOW).data()


@pytest.mark.parametrize("role", [AppRole.FRONT_DESK, AppRole.CLINICIAN])
def test_every_role_sees_open_capacity_track_record_and_why_this_helps(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, role: AppRole, tmp_path: Path) -> None:  # noqa: F811
    window = open_window(demo_runtime, role=role, name=f"Someone {role.value}", size=(1280, 800))
    page = page_of(window)
    type_search(qtbot, page, "debt")
    sid = page.selected_service_id()
    assert sid is not None
    ctx = window.ctx
    ConfidenceService(ctx).set_capacity(sid, Capacity.WAITING_LIST, 6)
    page.refresh()
    qtbot.waitUntil(lambda: "Wait about 6 wk" in (_row_text(page, sid) or ""))
    assert HEADERS[COL_NOW] == "Open / taking people"
    text = page.detail.toPlainText()
    assert "Before you suggest it" in text
    assert ("Taking new people: waiting list about 6 weeks (confirmed 24 Nov 2026 by "
            f"Someone {role.value})") in text
    assert "Why this helps" in text and "No note yet" in text
    assert "Our track record (last 12 months)" in text
    assert any(w in text for w in ("Open now", "Next:", "By appointment", "Opening times not given",
                                   "Closed"))
    shots = tmp_path / "shots"  # to look at: the window and the section, as a person sees them
    shots.mkdir()
    window.grab().save(str(shots / f"directory-{role.value}.png"))
    bar = page.detail.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert page.detail.find("Before you suggest it")  # scrolls the section into view
    page.detail.grab().save(str(shots / f"detail-{role.value}.png"))
    # at a glance, under the service's name
    assert "Taking new people: waiting list about 6 weeks ·" in text.split("What it is")[0]


def test_open_today_filter_keeps_only_services_open_today(
        qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:  # noqa: F811
    page = page_of(open_window(demo_runtime))
    type_search(qtbot, page, "")
    everything = len(page.model.rows())
    status = page.filters.status
    status.setCurrentIndex(status.findText("Open today"))  # keyboard: Tab to Status, then O
    qtbot.waitUntil(lambda: len(page.model.rows()) < everything)
    states = ConfidenceService(page.ctx).row_states([(r.id, False) for r in page.model.rows()])
    assert states and all(not s.opening.text.startswith(("Closed", "Opening times not given"))
                          for s in states.values())
    assert "open today" in page.filters.describe()


def test_capacity_dialog_saves_a_waiting_list_and_explains_what_is_wrong(
        qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:  # noqa: F811
    window = open_window(demo_runtime, role=AppRole.FRONT_DESK, name="Robin Desk")
    page = page_of(window)
    type_search(qtbot, page, "debt")
    sid = page.selected_service_id()
    dialog = CapacityDialog(window.ctx, sid, "Debt service", page)
    qtbot.addWidget(dialog)
    dialog.answer.setCurrentIndex(dialog.answer.findData(Capacity.WAITING_LIST.value))
    assert dialog.weeks.isEnabled()
    dialog.weeks.setValue(8)
    dialog.confirmed_on.setDate(QDate(2026, 11, 20))
    dialog.save()
    assert dialog.saved is not None and dialog.saved.wait_weeks == 8
    assert dialog.saved.confirmed_on == date(2026, 11, 20) and dialog.saved.confirmed_by == "Robin Desk"


def test_closures_dialog_refuses_an_end_before_the_start_and_adds_a_good_one(
        qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:  # noqa: F811
    window = open_window(demo_runtime)
    page = page_of(window)
    type_search(qtbot, page, "debt")
    sid = page.selected_service_id()
    dialog = ClosuresDialog(window.ctx, sid, "Debt service", page)
    qtbot.addWidget(dialog)
    dialog.starts.setDate(QDate(2026, 12, 22))
    dialog.ends.setDate(QDate(2026, 12, 20))
    dialog.reason.setText("Christmas")
    dialog.add()
    assert "ends (20 Dec 2026) before it starts (22 Dec 2026)" in dialog.errors.text()
    assert ConfidenceService(window.ctx).closures(sid) == []
    dialog.ends.setDate(QDate(2027, 1, 5))
    dialog.add()
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
        "Closed 22 Dec 2026 to 5 Jan 2027 (Christmas)"]
    assert dialog.changed


def test_why_this_helps_dialog_is_offered_to_the_vetting_lead_only(
        qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:  # noqa: F811
    desk = open_window(demo_runtime, role=AppRole.CLINICIAN, name="Dr Clare")
    assert not hasattr(desk.confidence_actions, "note_action")
    assert desk.confidence_actions.capacity_action is not None
    lead = open_window(demo_runtime, role=AppRole.VETTING_LEAD, name="Lena Lead")
    page = page_of(lead)
    type_search(qtbot, page, "debt")
    sid = page.selected_service_id()
    qtbot.waitUntil(lambda: page.edit_menu is not None)
    note_action = lead.confidence_actions.note_action
    assert note_action in page.edit_menu.actions() and note_action.isEnabled()  # Alt+E, by keyboard
    assert note_action not in page.toolbar.actions()  # the buttons above the table keep one row
    dialog = HelpNoteDialog(lead.ctx, sid, page)
    qtbot.addWidget(dialog)
    dialog.note.setPlainText("Advice on debt takes worry off people within weeks.")
    dialog.source.setEditText("")
    dialog.save()
    assert "Source: The source is missing" in dialog.errors.text()
    dialog.source.setEditText("practice experience")
    dialog.save()
    assert dialog.changed
    page.refresh()
    qtbot.waitUntil(lambda: "Advice on debt takes worry off" in page.detail.toPlainText())
    assert "Source: practice experience. Written by Lena Lead, 24 Nov 2026." in page.detail.toPlainText()
