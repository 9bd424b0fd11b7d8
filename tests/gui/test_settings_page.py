"""The administrators' Settings page (staff accounts, practice settings) and the checklist editor."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.staff import Authenticator, SignInFailed
from sp_desktop.services.vetting import VettingService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.checklist_dialog import CheckItemDialog, ChecklistDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages import page_specs
from sp_desktop.ui.pages.staff_page import NewPasswordDialog, SettingsPage, StaffDialog


def _window(qtbot: Any, runtime: Runtime, name: str) -> MainWindow:
    actor = Authenticator(runtime.sign_in_context()).sign_in(name, "demo")
    window = MainWindow(runtime, runtime.context(actor),
                        specs=[s for s in page_specs() if s.key in ("directory", "reviews", "settings")])
    qtbot.addWidget(window)
    return window


def test_settings_page_is_for_administrators_only(qtbot: Any, demo_runtime: Runtime) -> None:
    assert "settings" in _window(qtbot, demo_runtime, "Mary Manager").pages
    for name in ("Lena Link", "Dr Gordon Gill", "Rachel Reception"):
        assert "settings" not in _window(qtbot, demo_runtime, name).pages


def test_administrator_adds_staff_resets_a_password_and_deactivates(
        qtbot: Any, demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, demo_runtime, "Mary Manager")
    page: SettingsPage = window.show_page("settings")
    staff = page.staff

    def fill_add(dialog: StaffDialog) -> int:
        dialog.name.setText("Nadia Nurse")
        dialog.job.setText("Practice nurse")
        dialog.role.setCurrentIndex(list(AppRole).index(AppRole.CLINICIAN))
        dialog.password.setText("nurse password 1")
        dialog.confirm.setText("nurse password 1")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(StaffDialog, "exec", fill_add)
    qtbot.mouseClick(staff.buttons["add"], Qt.MouseButton.LeftButton)
    assert staff.current().name == "Nadia Nurse" and staff.current().role is AppRole.CLINICIAN
    auth = Authenticator(demo_runtime.sign_in_context())
    assert auth.sign_in("Nadia Nurse", "nurse password 1").role is AppRole.CLINICIAN

    answers = iter([("short", "short"), ("nadia's new password", "nadia's new password")])

    def fill_password(dialog: NewPasswordDialog) -> int:
        try:
            pw, again = next(answers)
        except StopIteration:
            return QDialog.DialogCode.Rejected
        if pw != "short":
            assert "at least 8 characters" in dialog.error.text()  # the first try was refused
        dialog.password.setText(pw)
        dialog.confirm.setText(again)
        return QDialog.DialogCode.Accepted

    shown: list[str] = []
    monkeypatch.setattr(NewPasswordDialog, "exec", fill_password)
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: shown.append(text))
    qtbot.mouseClick(staff.buttons["reset"], Qt.MouseButton.LeftButton)
    assert shown == ["Nadia Nurse can sign in with the new password now."]
    assert auth.sign_in("Nadia Nurse", "nadia's new password").name == "Nadia Nurse"

    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    qtbot.mouseClick(staff.buttons["active"], Qt.MouseButton.LeftButton)
    row = [staff.table.item(r, 3).text() for r in range(staff.table.rowCount())
           if staff.table.item(r, 0).text() == "Nadia Nurse"]
    assert row == ["✗ Deactivated"]
    with pytest.raises(SignInFailed):
        auth.sign_in("Nadia Nurse", "nadia's new password")

    # the administrator cannot deactivate themselves: the reason is shown
    warned: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, *a: warned.append(text))
    staff.refresh(window.ctx.actor.id)
    qtbot.mouseClick(staff.buttons["active"], Qt.MouseButton.LeftButton)
    assert warned and "own account" in warned[0]


def test_practice_settings_form_saves_and_validates(qtbot: Any, demo_runtime: Runtime,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, demo_runtime, "Mary Manager")
    page: SettingsPage = window.show_page("settings")
    form = page.practice
    monkeypatch.setattr(messages, "inform", lambda *a: None)
    form.widgets["practice_name"].setText("")
    assert not form.save()
    assert "Enter the practice name" in form.errors["practice_name"].text()
    form.widgets["practice_name"].setText("Lindenbrae Medical Practice")
    form.widgets["practice_address"].setPlainText("2 Lindenbrae Road\nPaisley\nPA2 7HN")
    form.widgets["idle_lock_minutes"].setValue(0)
    form.widgets["review_interval_months"].setValue(6)
    assert form.dirty()
    with qtbot.waitSignal(page.changed):
        assert form.save()
    saved = SettingsService(demo_runtime.context(SYSTEM)).get()
    assert saved.practice_name == "Lindenbrae Medical Practice"
    assert saved.address_lines == ("2 Lindenbrae Road", "Paisley", "PA2 7HN")
    assert saved.idle_lock_minutes == 0 and saved.review_interval_months == 6
    assert form.widgets["idle_lock_minutes"].text() == "Never"
    assert not form.dirty()


def test_vetting_lead_edits_the_checklist(qtbot: Any, demo_runtime: Runtime,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, demo_runtime, "Lena Link")
    reviews = window.show_page("reviews")
    assert reviews.checklist_button is not None
    driven: list[ChecklistDialog] = []

    def drive(dialog: ChecklistDialog) -> int:
        driven.append(dialog)
        def fill(d: CheckItemDialog) -> int:
            d.label.setText("Food hygiene certificate seen")
            d.has_expiry.setChecked(True)
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(CheckItemDialog, "exec", fill)
        qtbot.mouseClick(dialog.buttons["add"], Qt.MouseButton.LeftButton)
        assert dialog.current().label == "Food hygiene certificate seen"
        qtbot.mouseClick(dialog.buttons["up"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.buttons["toggle"], Qt.MouseButton.LeftButton)  # remove it again
        assert "removed" in dialog.list.item(dialog.list.count() - 1).text()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ChecklistDialog, "exec", drive)
    qtbot.mouseClick(reviews.checklist_button, Qt.MouseButton.LeftButton)
    assert driven
    items = VettingService(window.ctx).checklist(include_inactive=True)
    food = next(i for i in items if i.code == "food_hygiene_certificate_seen")
    assert food.has_expiry and not food.active


def test_leaflet_languages_tab_saves_a_wording_table_and_exports_it(
        qtbot: Any, demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import json

    from sp_desktop.services.leaflet_languages import LeafletLanguageService

    window = _window(qtbot, demo_runtime, "Mary Manager")
    page: SettingsPage = window.show_page("settings")
    assert page.practice is not None  # builds the tabs
    tab = page.languages
    said: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda *a: said.append(a[2]))
    monkeypatch.setattr(messages, "warn", lambda *a, **k: said.append(a[2]))
    tab.code.setText("pl")
    tab.name.setText("Polski (Polish)")
    tab.table.item(0, 1).setText("Wsparcie, które może pomóc")
    tab.table.item(list(tab.phrases()).index("checked"), 1).setText("Sprawdzone.")  # blank {date} lost
    assert not tab.save()
    assert "same blanks" in said[-1]
    assert LeafletLanguageService(demo_runtime.context(SYSTEM)).languages() == []  # nothing half-saved
    tab.table.item(list(tab.phrases()).index("checked"), 1).setText("Sprawdzone przez przychodnię {date}.")
    assert tab.save()
    assert tab.chooser.currentData() == "pl"
    wording = LeafletLanguageService(demo_runtime.context(SYSTEM)).wording("pl")
    assert wording.title == "Wsparcie, które może pomóc" and wording.cost == "Cost"  # English where empty
    target = tmp_path / "pl.json"
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: str(target))
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    assert json.loads(target.read_text(encoding="utf-8"))["phrases"]["title"] == "Wsparcie, które może pomóc"
    for widget in (tab.chooser, tab.code, tab.name, tab.table, tab.save_button, tab.import_button,
                   tab.export_button):
        assert widget.accessibleName()


def test_administrator_sets_how_long_notes_and_records_are_kept(qtbot: Any, demo_runtime: Runtime,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, demo_runtime, "Mary Manager")
    form = window.show_page("settings").practice
    monkeypatch.setattr(messages, "inform", lambda *a: None)
    notes, records = form.widgets["outcome_note_retention_days"], form.widgets["signposting_retention_days"]
    assert (notes.value(), records.value()) == (365, 1095)  # the defaults docs/data-safety.md explains
    assert notes.focusPolicy() & Qt.FocusPolicy.TabFocus and records.focusPolicy() & Qt.FocusPolicy.TabFocus
    records.setFocus()
    records.selectAll()
    qtbot.keyClicks(records, "730")
    notes.setValue(180)
    assert form.save()
    saved = SettingsService(demo_runtime.context(SYSTEM)).get()
    assert (saved.outcome_note_retention_days, saved.signposting_retention_days) == (180, 730)
