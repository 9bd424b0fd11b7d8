"""The conflict dialog: two edit dialogs open on one organisation; the second save shows both versions
side by side, and "Re-apply my changes" saves mine on top of theirs (theirs survive)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from sp_desktop.db.models import Staff
from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.concurrency import conflict_view, organisation_form_from
from sp_desktop.services.directory import ConflictError, DirectoryService, OrganisationForm, PhoneForm
from sp_desktop.ui.dialogs.conflict_dialog import KEEP, REAPPLY, RELOAD, ConflictDialog
from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog


def _staff(runtime: Runtime, name: str) -> ServiceContext:
    with runtime.db.write(runtime.clock) as s:
        staff = Staff(name=name, job_role="Reception", app_role=AppRole.FRONT_DESK)
        s.add(staff)
        s.flush()
        return runtime.context(Actor(staff.id, staff.name, AppRole.FRONT_DESK))


@pytest.fixture
def two_people(runtime: Runtime) -> tuple[ServiceContext, ServiceContext, int]:
    alice, bob = _staff(runtime, "Alice Reception"), _staff(runtime, "Bob Manager")
    org = DirectoryService(alice).save_organisation(OrganisationForm(
        name="Linwood Lunch Club", description="A hot lunch on Tuesdays.",
        phones=[PhoneForm("01632 960555")]))
    return alice, bob, org.id


def _open(qtbot: Any, ctx: ServiceContext, org_id: int) -> EditOrganisationDialog:
    dialog = EditOrganisationDialog(ctx, None, org_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_reapply_saves_mine_on_top_of_theirs(qtbot: Any, two_people, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob, org_id = two_people
    mine = _open(qtbot, bob, org_id)
    theirs = _open(qtbot, alice, org_id)
    theirs.description.setPlainText("A hot lunch on Tuesdays and Thursdays.")
    qtbot.mouseClick(theirs.save_button, Qt.MouseButton.LeftButton)
    assert theirs.result() == QDialog.DialogCode.Accepted

    shown: list[Any] = []
    monkeypatch.setattr(ConflictDialog, "ask", lambda parent, view: shown.append(view) or REAPPLY)
    mine.name.setText("Linwood Community Lunch Club")
    qtbot.mouseClick(mine.save_button, Qt.MouseButton.LeftButton)

    [view] = shown
    assert "changed by Alice Reception" in view.message
    rows = {f.label: f for f in view.differences}
    assert set(rows) == {"Name", "Description"}
    assert rows["Name"].who_changed == "You" and rows["Description"].who_changed == "They"
    assert mine.result() == QDialog.DialogCode.Accepted, "re-applied and saved"
    saved = DirectoryService(alice).get_organisation(org_id)
    assert saved.name == "Linwood Community Lunch Club"
    assert saved.description == "A hot lunch on Tuesdays and Thursdays.", "their change survived"


def test_keep_editing_saves_nothing_and_keeps_my_text(qtbot: Any, two_people,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob, org_id = two_people
    mine = _open(qtbot, bob, org_id)
    d = DirectoryService(alice)
    current = d.get_organisation(org_id)
    form = organisation_form_from(current)
    form.name = "Renamed by Alice"
    d.save_organisation(form, org_id, expected_version=current.version)
    monkeypatch.setattr(ConflictDialog, "ask", lambda parent, view: KEEP)
    mine.name.setText("Renamed by Bob")
    qtbot.mouseClick(mine.save_button, Qt.MouseButton.LeftButton)
    assert mine.isVisible() and mine.name.text() == "Renamed by Bob"
    assert d.get_organisation(org_id).name == "Renamed by Alice"
    monkeypatch.setattr(ConflictDialog, "ask", lambda parent, view: RELOAD)
    qtbot.mouseClick(mine.save_button, Qt.MouseButton.LeftButton)
    assert mine.isVisible() and mine.name.text() == "Renamed by Alice" and not mine.is_dirty()


def test_the_dialog_shows_both_versions_with_text_markers(qtbot: Any, two_people) -> None:
    alice, bob, org_id = two_people
    d = DirectoryService(bob)
    opened = d.get_organisation(org_id)
    original = organisation_form_from(opened)
    theirs = organisation_form_from(opened)
    theirs.description = "Lunch, then a game of bowls."
    theirs.phones = [PhoneForm("0141 496 0101", description="Kitchen")]
    DirectoryService(alice).save_organisation(theirs, org_id, expected_version=opened.version)
    mine = organisation_form_from(opened)
    mine.name = "Linwood Lunch & Bowls"
    mine.website = "lunchclub.example.org"
    with pytest.raises(ConflictError) as exc:
        d.save_organisation(mine, org_id, expected_version=opened.version)
    view = conflict_view(bob, "organisation", org_id, mine, exc.value, original)

    dialog = ConflictDialog(view)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    visible = [r for r in range(table.rowCount()) if not table.isRowHidden(r)]
    cells = {table.item(r, 1).text(): [table.item(r, c).text() for c in range(table.columnCount())]
             for r in visible}
    assert set(cells) == {"Name", "Website", "Description", "Phone numbers"}
    assert cells["Name"][0] == "≠" and cells["Name"][2] == "Linwood Lunch & Bowls"
    assert cells["Name"][3] == "Linwood Lunch Club" and cells["Name"][4] == "You"
    assert cells["Description"][4] == "Alice Reception"
    assert cells["Phone numbers"][3] == "0141 496 0101 (Kitchen)"
    assert "Saved by Alice Reception" in table.horizontalHeaderItem(3).text()
    assert "24 Nov 2026" in table.horizontalHeaderItem(3).text()
    dialog.only_differences.setChecked(False)
    assert not any(table.isRowHidden(r) for r in range(table.rowCount()))
    for w in (dialog.reapply_button, dialog.reload_button, dialog.keep_button, dialog.table,
              dialog.only_differences):
        assert w.accessibleName()
    dialog.only_differences.setChecked(True)
    dialog.grab().save("/tmp/conflict_dialog.png")
    for button in (dialog.reapply_button, dialog.reload_button, dialog.keep_button):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus  # reachable with Tab
    assert dialog.keep_button.isDefault()  # Enter never overwrites anything by accident
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert dialog.choice == KEEP and not dialog.isVisible()
    again = ConflictDialog(view)
    qtbot.addWidget(again)
    again.show()
    again.reload_button.setFocus()
    qtbot.keyClick(again.reload_button, Qt.Key.Key_Space)
    assert again.choice == RELOAD and not again.isVisible()
