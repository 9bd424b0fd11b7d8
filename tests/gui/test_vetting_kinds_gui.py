"""'Does not apply…' on a checklist item, with real key presses: the reason is asked for, recorded with
who and when, and the item no longer blocks approval (issue 25 point 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton

from sp_desktop.db.models import Organisation, Service
from sp_desktop.runtime import Runtime
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.staff import Authenticator
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.vetting_dialog import VettingDialog
from sp_desktop.ui.vetting_actions import vetting_html


def test_does_not_apply_asks_why_and_records_it(qtbot: Any, demo_runtime: Runtime, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    lena = Authenticator(demo_runtime.sign_in_context()).sign_in("Lena Link", "demo")
    with demo_runtime.db.read() as s:
        org_id = int(s.query(Organisation.id).filter(
            Organisation.name == "Steady Ground Chronic Pain Group").scalar())
    dialog = VettingDialog(demo_runtime.context(lena), org_id)
    qtbot.addWidget(dialog)
    dialog.resize(980, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    # an unincorporated association is a community group: its constitution, no charity register
    codes = [r.row.item.code for r in dialog.rows]
    assert "constitution" in codes and "register" not in codes
    assert "Kind of organisation: Community group" in dialog.header.text()
    assert "PVG/DBS" in dialog.notice.text()
    rows = {r.row.item.code: r for r in dialog.rows}
    typed: list[str] = []
    warned: list[str] = []
    monkeypatch.setattr(messages, "warn",
                        lambda parent, title, text, *a, **k: warned.append(f"{title}: {text}"))

    def answer(reason: str) -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "reason_dialog":
            QTimer.singleShot(50, lambda: answer(reason))  # not open yet
            return
        typed.append(box.windowTitle())
        text = box.findChild(QPlainTextEdit, "reason_text")
        box.activateWindow()
        text.setFocus()  # as the window manager gives a new dialog the keyboard
        qtbot.keyClicks(text, reason)
        qtbot.keyClick(text, Qt.Key.Key_Tab)  # Tab leaves the box for OK
        ok = box.focusWidget()
        typed.append(ok.text() if isinstance(ok, QPushButton) else repr(ok))
        qtbot.keyClick(ok, Qt.Key.Key_Return)

    button = rows["pvg"].not_applicable
    assert button.text() == "Does not apply…" and button.accessibleName().startswith("Does not apply: PVG")
    # no reason: refused, with what to do, and nothing recorded
    button.setFocus()
    QTimer.singleShot(0, lambda: answer(""))
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert typed == ["Does not apply: PVG/DBS checks for staff and volunteers working with vulnerable people",
                     "OK"]
    assert warned and warned[0].startswith("Not recorded: Reason: say why")
    assert dialog.rows[[r.row.item.code for r in dialog.rows].index("pvg")].row.not_applicable is None
    # with a reason
    button = {r.row.item.code: r for r in dialog.rows}["pvg"].not_applicable
    button.setFocus()
    QTimer.singleShot(0, lambda: answer("Peer group; no one-to-one work with vulnerable adults"))
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert typed[2:] == [typed[0], "OK"] and len(warned) == 1
    rows = {r.row.item.code: r for r in dialog.rows}
    assert rows["pvg"].state.text() == ("— Does not apply: Peer group; no one-to-one work with vulnerable "
                                        "adults (Lena Link, 24 Nov 2026)")
    assert "PVG/DBS" not in dialog.notice.text()
    assert rows["pvg"].not_applicable.text() == "It applies…"
    dialog.tabs.setCurrentIndex(1)
    assert any("as not applying: Peer group" in t for t in dialog.history.texts()[:3])
    dialog.tabs.setCurrentIndex(0)
    assert dialog.grab().save(str(tmp_path / "does_not_apply.png"))
    # the detail pane counts it apart from the checks still to do
    with demo_runtime.db.read() as s:
        service_id = int(s.query(Service.id).filter(Service.organisation_id == org_id).first()[0])
    ctx = demo_runtime.context(lena)
    html = vetting_html(ctx, DirectoryService(ctx).get_service(service_id))
    assert "(1 more does not apply, with a reason)" in html
