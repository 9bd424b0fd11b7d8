"""A service's leaflet translation typed in the window (issue 14, point 3): Edit → Leaflet
translation… on the Directory, a dialog reached and filled in by keyboard, every field named for a
screen reader, checked (bad text refused with the text kept), audited, approved organisations
changed only by the vetting lead, and the leaflet made in that language carries it (real PDF).

Real demo database; only message boxes are answered by the test."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, Organisation, Service, Staff
from sp_desktop.domain.enums import AuditAction, VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.services.leaflet_languages import LeafletLanguageService
from sp_desktop.services.leaflets import BasketItem, LeafletService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.leaflet_translation_dialog import LeafletTranslationDialog
from sp_desktop.ui.pages.directory_page import DirectoryPage
from tests.leaflet_support import pdf_text, squash

POLISH = {"title": "Wsparcie, które może pomóc", "in_english": "(po angielsku: brak tłumaczenia)"}


def _actor(runtime: Runtime, name: str) -> Actor:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == name))
        assert staff is not None, name
        return Actor(staff.id, staff.name, staff.app_role)


def _service(runtime: Runtime, status: VettingStatus) -> int:
    with runtime.db.read() as s:
        sid = s.scalar(select(Service.id).join(Organisation).where(Organisation.vetting_status == status)
                       .order_by(Service.id))
        assert sid is not None
        return sid


@pytest.fixture
def polish(demo_runtime: Runtime) -> None:
    LeafletLanguageService(demo_runtime.context(_actor(demo_runtime, "Mary Manager"))).save_language(
        "pl", "Polski (Polish)", POLISH)


def _dialog(qtbot: Any, runtime: Runtime, who: str, sid: int) -> LeafletTranslationDialog:
    dialog = LeafletTranslationDialog(runtime.context(_actor(runtime, who)), sid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _type(qtbot: Any, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def test_a_translation_is_typed_by_keyboard_saved_audited_and_printed(qtbot, demo_runtime, polish, tmp_path):
    sid = _service(demo_runtime, VettingStatus.APPROVED)
    dialog = _dialog(qtbot, demo_runtime, "Lena Link", sid)
    # Every control a screen reader meets has a name; the typing starts in the name field.
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QPushButton)) and widget.isVisible():
            assert widget.accessibleName(), widget.objectName()
    assert dialog.language.currentData() == "pl"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    # (QTest types Latin-1 only; the Polish letters are pasted, as an interpreter's text would be.)
    _type(qtbot, "Porady ")
    dialog.name.insert("dotyczące długów")
    # Tab moves on (the English description is read-only, then the field to type in).
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.english_description)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.description)
    _type(qtbot, "Doradca ")
    dialog.description.insertPlainText("pomoże Ci zrobić plan spłaty.")
    # Back to the name and Enter: Save is the default button.
    dialog.name.setFocus()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Saved" in dialog.problem.text())
    assert dialog.remove_button.isEnabled()

    ctx = demo_runtime.context(_actor(demo_runtime, "Dr Gordon Gill"))
    kept = LeafletLanguageService(ctx).translation(sid, "pl")
    assert kept.name == "Porady dotyczące długów"
    assert kept.description == "Doradca pomoże Ci zrobić plan spłaty."
    with demo_runtime.db.read() as s:
        audited = s.execute(select(AuditEvent.changes, AuditEvent.staff_name).where(
            AuditEvent.action == AuditAction.UPDATE, AuditEvent.entity_id == sid)).all()
    assert any("translation_pl" in (changes or {}) and who == "Lena Link" for changes, who in audited)
    pdf = LeafletService(ctx).build_leaflet([BasketItem(sid)], language="pl").pdf()
    text = squash(pdf_text(pdf))
    assert squash("Porady dotyczące długów") in text
    assert squash("Doradca pomoże Ci zrobić plan spłaty") in text
    assert squash("(po angielsku: brak tłumaczenia)") not in text
    dialog.grab().save(str(tmp_path / "translation-dialog.png"))


def test_bad_text_is_refused_with_what_was_typed_kept(qtbot, demo_runtime, polish):
    sid = _service(demo_runtime, VettingStatus.APPROVED)
    dialog = _dialog(qtbot, demo_runtime, "Lena Link", sid)
    dialog.name.setText("Porady")
    dialog.description.setPlainText("Plan sp\x07łaty")  # a control character (BEL) pasted in
    assert dialog.save() is False
    assert "Not saved" in dialog.problem.text() and dialog.problem.isVisible()
    assert dialog.description.toPlainText() == "Plan sp\x07łaty"  # nothing typed is lost
    ctx = demo_runtime.context(_actor(demo_runtime, "Lena Link"))
    assert LeafletLanguageService(ctx).translation(sid, "pl").name == ""  # nothing saved


def test_the_front_desk_sees_but_cannot_change_an_approved_services_translation(qtbot, demo_runtime, polish):
    sid = _service(demo_runtime, VettingStatus.APPROVED)
    dialog = _dialog(qtbot, demo_runtime, "Rachel Reception", sid)
    assert dialog.name.isReadOnly() and dialog.description.isReadOnly()
    assert not dialog.save_button.isEnabled()
    assert "vetting lead" in dialog.problem.text()


def test_closing_with_unsaved_text_asks_and_can_keep_editing(qtbot, demo_runtime, polish, monkeypatch):
    sid = _service(demo_runtime, VettingStatus.APPROVED)
    dialog = _dialog(qtbot, demo_runtime, "Lena Link", sid)
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask_save_discard_cancel",
                        lambda parent, title, text: asked.append(text) or "cancel")
    _type(qtbot, "Porady")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible() and dialog.name.text() == "Porady"
    monkeypatch.setattr(messages, "ask_save_discard_cancel", lambda parent, title, text: "save")
    dialog.close_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    ctx = demo_runtime.context(_actor(demo_runtime, "Lena Link"))
    assert LeafletLanguageService(ctx).translation(sid, "pl").name == "Porady"


def test_the_directory_offers_it_in_the_edit_menu_and_the_context_menu(qtbot, demo_runtime, polish,
                                                                       monkeypatch):
    ctx = demo_runtime.context(_actor(demo_runtime, "Lena Link"))
    page = DirectoryPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    opened: list[int] = []
    monkeypatch.setattr(LeafletTranslationDialog, "open_for",
                        classmethod(lambda cls, c, sid, parent=None: opened.append(sid)))
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.selected_service_id() is not None)
    assert page.translation_action.isEnabled()
    assert page.translation_action.text().replace("&", "") == "Leaflet translation…"
    page.translation_action.trigger()
    assert opened == [page.selected_service_id()]
