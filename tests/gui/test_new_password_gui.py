"""A password an administrator set is changed at first sign-in in the window (issue 25 point 8):
the start-up sign-in asks for a new one before the window opens; "Sign out" opens nothing."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.staff import Authenticator, StaffForm, StaffService
from sp_desktop.ui.dialogs import sign_in_dialog
from sp_desktop.ui.dialogs.change_password_dialog import ChangePasswordDialog
from sp_desktop.ui.dialogs.sign_in_dialog import SignInDialog, sign_in

GIVEN = "given by the administrator"


@pytest.fixture
def nadia(runtime: Runtime):
    auth = Authenticator(runtime.sign_in_context())
    admin = auth.create_first_administrator("Mary Manager", "mary's own password")
    StaffService(runtime.context(admin)).add(StaffForm("Nadia Nurse", "Practice nurse", AppRole.CLINICIAN,
                                                       GIVEN))
    return Authenticator(runtime.sign_in_context()).sign_in("Nadia Nurse", GIVEN)


def _typing(qtbot: Any, current: str, new: str, again: str, seen: list[ChangePasswordDialog]):
    def run(dialog: ChangePasswordDialog) -> int:
        seen.append(dialog)
        dialog.show()
        for key, text in (("current", current), ("password", new), ("confirm", again)):
            qtbot.keyClicks(dialog.fields[key], text)
        qtbot.keyClick(dialog.fields["confirm"], Qt.Key.Key_Return)  # Enter: Change password
        if not dialog.changed:
            dialog.reject()
        return dialog.result()
    return run


def test_sign_in_asks_for_a_new_password_before_the_window(qtbot: Any, runtime: Runtime, nadia,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sign_in_dialog.USER_ENV, raising=False)
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda *a, **k: nadia))
    seen: list[ChangePasswordDialog] = []
    monkeypatch.setattr(ChangePasswordDialog, "exec", _typing(qtbot, GIVEN, "short", "short", seen))
    assert sign_in(runtime, None) is None  # a refused new password: not signed in
    assert "10 characters" in seen[-1].message.text()
    assert seen[-1].windowTitle() == "Choose a new password, Nadia Nurse"
    assert seen[-1].ok_button.text() == "&Change password"
    monkeypatch.setattr(ChangePasswordDialog, "exec",
                        _typing(qtbot, GIVEN, "nadia's own choice", "nadia's own choice", seen))
    assert sign_in(runtime, None) == nadia
    auth = Authenticator(runtime.sign_in_context())
    assert not auth.must_change_password(auth.sign_in("Nadia Nurse", "nadia's own choice"))
    # from now on, no question
    monkeypatch.setattr(ChangePasswordDialog, "exec", lambda self: pytest.fail("asked again"))
    assert sign_in(runtime, None) == nadia
