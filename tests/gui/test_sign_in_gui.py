"""Sign-in, first administrator, switch user and lock-after-idle, driven with qtbot (no sleeps)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM, Actor
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.staff import StaffForm, StaffService
from sp_desktop.ui.dialogs import sign_in_dialog
from sp_desktop.ui.dialogs.sign_in_dialog import (
    SWITCH_USER,
    FirstAdministratorDialog,
    SignInDialog,
    sign_in,
)
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages import PageSpec
from sp_desktop.ui.pages.reviews_page import ReviewsPage
from sp_desktop.ui.session_guard import Curtain, SessionGuard

PW = "long enough password"
GIVEN = "given by the administrator"


@pytest.fixture
def accounts(runtime: Runtime) -> dict[str, Actor]:
    from sp_desktop.services.staff import Authenticator

    admin = Authenticator(runtime.sign_in_context()).create_first_administrator("Mary Manager", PW)
    svc = StaffService(runtime.context(admin))
    rachel = svc.add(StaffForm("Rachel Reception", "Receptionist", AppRole.FRONT_DESK, GIVEN)).actor
    lena = svc.add(StaffForm("Lena Link", "Link worker", AppRole.VETTING_LEAD, GIVEN)).actor
    for actor in (rachel, lena):  # each has chosen their own at first sign-in (test_new_password_gui)
        StaffService(runtime.context(actor)).change_own_password(GIVEN, PW)
    return {"admin": admin, "rachel": rachel, "lena": lena}


def _dialog(qtbot: Any, runtime: Runtime, **kw: Any) -> SignInDialog:
    dialog = SignInDialog(runtime.sign_in_context(), **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_pick_name_type_password_and_sign_in(qtbot: Any, runtime: Runtime, accounts) -> None:
    dialog = _dialog(qtbot, runtime)
    names = [dialog.names.item(i).text() for i in range(dialog.names.count())]
    assert names == ["Lena Link — Link worker, Vetting lead",
                     "Mary Manager — Practice manager, Administrator",
                     "Rachel Reception — Receptionist, Front desk"]
    qtbot.keyClicks(dialog.names, "Rac")  # type-ahead to Rachel
    assert dialog.selected_name() == "Rachel Reception"
    qtbot.keyClicks(dialog.password, "wrong password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is None and dialog.isVisible()
    assert "not right" in dialog.message.text() and dialog.message.text().startswith("✗")
    assert dialog.password.text() == ""  # cleared for the next try
    qtbot.keyClicks(dialog.password, PW)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.actor == accounts["rachel"]
    assert not dialog.isVisible()


def test_wrong_passwords_are_slowed_down_in_the_dialog(qtbot: Any, runtime: Runtime, accounts) -> None:
    dialog = _dialog(qtbot, runtime)
    dialog.select_name("Lena Link")
    for _ in range(3):
        qtbot.keyClicks(dialog.password, "guess guess")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "paused for 30 seconds" in dialog.message.text()
    qtbot.keyClicks(dialog.password, PW)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is None and "try again in 30 seconds" in dialog.message.text()
    runtime.clock.advance(seconds=31)  # the fixed clock: no sleeping
    qtbot.keyClicks(dialog.password, PW)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor == accounts["lena"]


def test_demo_sign_in_lists_the_demo_accounts(qtbot: Any, demo_runtime: Runtime) -> None:
    dialog = _dialog(qtbot, demo_runtime, demo=True)
    text = dialog.findChild(type(dialog.message), "demo_accounts_note").text()
    assert "<b>demo</b>" in text and "Mary Manager" in text
    assert dialog.select_name("Mary Manager")
    qtbot.keyClicks(dialog.password, "demo")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.role is AppRole.ADMINISTRATOR


def test_first_run_creates_the_first_administrator(qtbot: Any, runtime: Runtime,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[FirstAdministratorDialog] = []

    def drive(ctx: Any, parent: Any = None) -> Actor | None:
        dialog = FirstAdministratorDialog(ctx, parent)
        qtbot.addWidget(dialog)
        made.append(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.fields["name"], "Mary Manager")
        qtbot.keyClicks(dialog.fields["password"], "short")
        qtbot.keyClicks(dialog.fields["confirm"], "short")
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        assert "at least 10 characters" in dialog.errors["password"].text()
        dialog.fields["password"].setText(PW)
        dialog.fields["confirm"].setText(PW + "x")
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        assert "different" in dialog.errors["confirm"].text()
        dialog.fields["confirm"].setText(PW)
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        return dialog.actor

    monkeypatch.setattr(FirstAdministratorDialog, "ask",
                        classmethod(lambda cls, ctx, parent=None: drive(ctx)))
    monkeypatch.setattr(SignInDialog, "ask",
                        classmethod(lambda *a, **k: pytest.fail("no sign-in on first run")))
    actor = sign_in(runtime, QApplication.instance())
    assert actor is not None and actor.name == "Mary Manager" and actor.role is AppRole.ADMINISTRATOR
    # next start: the normal sign-in dialog
    asked: list[bool] = []
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, ctx, demo=False, parent=None:
                                                         asked.append(demo) or actor))
    assert sign_in(runtime, None) == actor and asked == [False]


def test_environment_sign_in_for_unattended_starts(runtime: Runtime, accounts,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sign_in_dialog.USER_ENV, "Lena Link")
    monkeypatch.setenv(sign_in_dialog.PASSWORD_ENV, PW)
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda *a, **k: pytest.fail("dialog shown")))
    assert sign_in(runtime, None) == accounts["lena"]


# --------------------------------------------------------------------------- switch user and idle lock
def _reviews_only(runtime: Runtime, actor: Actor) -> MainWindow:
    return MainWindow(runtime, runtime.context(actor),
                      specs=[PageSpec("reviews", "Reviews due", ReviewsPage)])


@pytest.fixture
def guard(qtbot: Any, runtime: Runtime, accounts) -> SessionGuard:
    SettingsService(runtime.context(accounts["admin"])).update(idle_lock_minutes=5)
    g = SessionGuard(runtime, QApplication.instance(), accounts["rachel"], _reviews_only)
    window = g.start()
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    yield g
    QApplication.instance().removeEventFilter(g)
    g.timer.stop()


def test_idle_lock_hides_the_window_and_asks_the_same_person(qtbot: Any, guard: SessionGuard,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             accounts) -> None:
    assert guard.timer.isActive() and guard.timer.interval() == 5 * 60_000
    # activity restarts the countdown
    guard.timer.start(60_000)
    qtbot.waitUntil(lambda: guard.timer.remainingTime() < 59_800, timeout=3000)
    QApplication.sendEvent(guard.window.nav, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift,
                                                       Qt.KeyboardModifier.NoModifier))
    assert guard.timer.remainingTime() > 59_800
    seen: list[dict[str, Any]] = []

    def unlock(cls: Any, ctx: Any, actor: Actor, demo: bool = False, parent: Any = None) -> Actor:
        curtains = [w for w in guard.window.findChildren(Curtain) if w.isVisible()]
        seen.append({"actor": actor, "covered": bool(curtains),
                     "full": bool(curtains) and curtains[0].geometry() == guard.window.rect()})
        return actor

    monkeypatch.setattr(SignInDialog, "ask_unlock", classmethod(unlock))
    guard.timer.start(20)  # as if the minutes had passed
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == [{"actor": accounts["rachel"], "covered": True, "full": True}]
    qtbot.waitUntil(lambda: not guard.locked)
    assert not [w for w in guard.window.findChildren(Curtain) if w.isVisible()]
    assert guard.timer.isActive()


def test_lock_then_switch_user_rebuilds_the_window(qtbot: Any, guard: SessionGuard,
                                                   monkeypatch: pytest.MonkeyPatch, accounts) -> None:
    old = guard.window
    assert "settings" not in old.pages
    monkeypatch.setattr(SignInDialog, "ask_unlock", classmethod(lambda *a, **k: SWITCH_USER))
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, ctx, demo=False, parent=None:
                                                         accounts["lena"]))
    guard.lock()
    assert not guard.locked
    new = guard.window
    qtbot.addWidget(new)
    assert new is not old and new.ctx.actor == accounts["lena"]
    assert "Lena Link (Vetting lead)" in new.user_label.text()
    assert not old.isVisible() and new.isVisible()
    assert not [w for w in new.findChildren(Curtain) if w.isVisible()]


def test_switch_user_from_the_menu(qtbot: Any, guard: SessionGuard, monkeypatch: pytest.MonkeyPatch,
                                   accounts) -> None:
    old = guard.window
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, ctx, demo=False, parent=None: None))
    old.switch_user_action.trigger()
    assert guard.window is old  # cancelled: nothing changes
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, ctx, demo=False, parent=None:
                                                         accounts["admin"]))
    with qtbot.waitSignal(guard.window_replaced, timeout=3000):
        old.switch_user_action.trigger()
    qtbot.addWidget(guard.window)
    assert guard.window.ctx.actor == accounts["admin"]


def test_changes_from_elsewhere_do_not_count_as_activity(qtbot: Any, guard: SessionGuard) -> None:
    full = guard.timer.interval()  # 5 minutes, from the practice setting
    guard.timer.start()
    qtbot.waitUntil(lambda: guard.timer.remainingTime() < full - 200, timeout=3000)
    guard.window.data_changed.emit("another PC")  # e.g. the change watcher
    assert guard.timer.isActive() and guard.timer.remainingTime() < full - 200


def test_idle_lock_can_be_turned_off(qtbot: Any, guard: SessionGuard, accounts) -> None:
    SettingsService(guard.runtime.context(accounts["admin"])).update(idle_lock_minutes=0)
    guard.window.data_changed.emit("settings")
    assert not guard.timer.isActive()
    runtime_clock = guard.runtime.clock
    runtime_clock.advance(hours=2)
    assert not guard.locked



def test_benchmark_start_skips_sign_in_only_on_a_brand_new_database(runtime: Runtime,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.services.staff import Authenticator

    monkeypatch.setenv(sign_in_dialog.BENCH_EXIT_ENV, "1")
    monkeypatch.setattr(FirstAdministratorDialog, "ask", classmethod(lambda *a, **k: pytest.fail("asked")))
    assert sign_in(runtime, None) is SYSTEM
    Authenticator(runtime.sign_in_context()).create_first_administrator("Mary Manager", PW)
    shown: list[bool] = []
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, ctx, demo=False, parent=None:
                                                         shown.append(True)))
    assert sign_in(runtime, None) is None and shown == [True]  # once there are accounts, people sign in


def test_a_minute_before_the_lock_a_warning_counts_down_and_a_key_keeps_you_signed_in(
        qtbot: Any, guard: SessionGuard, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: the lock warns 60 s ahead (shown and said to a screen reader); any key extends it."""
    from sp_desktop.ui.session_guard import WARNING_SECONDS
    from sp_desktop.ui.widgets.accessibility import announcer

    said: list[str] = []
    announcer().announced.connect(said.append)
    assert guard.warn_timer.isActive()
    assert guard.timer.interval() - guard.warn_timer.interval() == WARNING_SECONDS * 1000  # 4 min, then warn
    guard.timer.start(WARNING_SECONDS * 1000)  # as if four minutes had passed without a key
    guard.warn_timer.start(0)
    qtbot.waitUntil(lambda: guard.warning is not None and guard.warning.isVisible(), timeout=3000)
    text = guard.warning.label.text()
    assert "locks in 60 seconds" in text or "locks in 59 seconds" in text
    assert "Press any key" in text and any("locks in" in s for s in said)
    assert guard.warning.geometry().top() == 0 and guard.warning.width() == guard.window.width()
    focus_before = QApplication.focusWidget()
    assert guard.warning.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert QApplication.focusWidget() is focus_before  # reading goes on where it was
    qtbot.waitUntil(lambda: guard.warning.label.text() != text, timeout=5000)  # it counts down
    assert "locks in 5" in guard.warning.label.text()
    # any key: the warning goes, the full time starts again
    QApplication.sendEvent(guard.window.nav, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift,
                                                       Qt.KeyboardModifier.NoModifier))
    assert not guard.warning.isVisible() and not guard.locked
    assert guard.timer.remainingTime() > 59_500 and guard.warn_timer.isActive()  # the whole time again
    assert "Still signed in." in said
    # ...and without one, the lock comes (asking the same person)
    warning_showing: list[bool] = []  # while the password is asked for
    monkeypatch.setattr(SignInDialog, "ask_unlock", classmethod(
        lambda cls, ctx, actor, demo=False, parent=None: warning_showing.append(guard.warning.isVisible())
        or actor))
    guard.warn_timer.start(0)
    qtbot.waitUntil(lambda: guard.warning.isVisible(), timeout=3000)
    guard.timer.start(20)
    qtbot.waitUntil(lambda: bool(warning_showing), timeout=3000)
    assert warning_showing == [False], "the curtain and the password, not the countdown"
