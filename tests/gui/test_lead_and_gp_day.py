"""Issue 25, measured on the real MainWindow over the demo directory (a real SQLite file), driven
with key presses as people press them (never by calling slots):

* point 4: a lead adds an organisation with its first service at its venue, from Ctrl+N, in at
  most 30 key presses besides the text typed (Tab, Enter, Down, Space and shortcuts are counted;
  the characters of the words typed are counted separately and reported);
* issue 15: the suggestions offered while typing (town, area, kind, category) are taken with
  Down, Enter; the hurried keys (Escape on a form with typing, a double Enter at the end) lose
  nothing and save nothing twice.

Only message boxes (`ui.messages`) are replaced, answering as recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from sp_desktop.db.models import Location, Organisation, Service, Staff
from sp_desktop.domain.enums import AccessRoute, VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.services.directory import DirectoryService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.new_organisation_dialog import NewOrganisationDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages.directory_page import DirectoryPage
from tests.leaflet_support import pdf_text, squash

SHOTS = Path("/tmp/i25-shots")


def actor_named(runtime: Runtime, name: str) -> Actor:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == name))
        assert staff is not None, name
        return Actor(staff.id, staff.name, staff.app_role)


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[[Runtime, str], MainWindow]]:
    def make(runtime: Runtime, name: str) -> MainWindow:
        window = MainWindow(runtime, runtime.context(actor_named(runtime, name)))
        qtbot.addWidget(window)
        window.resize(1024, 740)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    yield make


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    said: dict[str, list[Any]] = {"unsaved": [], "warn": [], "inform": [], "confirm": []}
    answers = {"unsaved": "cancel"}  # "Keep editing"

    def unsaved(parent: Any, title: str, text: str) -> str:
        said["unsaved"].append(text)
        return answers["unsaved"]

    monkeypatch.setattr(messages, "ask_save_discard_cancel", unsaved)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: said["confirm"].append(a[1:3]) or False)
    for name in ("warn", "inform"):
        monkeypatch.setattr(messages, name, lambda parent, title, text, *a, _n=name, **k: said[_n].append(
            (title, text)))
    return said


class Keys:
    """Presses keys on whatever has the keyboard (a popup menu or suggestion list, a dialog's
    field, the window), as a person would, and counts them; text typed is counted apart."""

    def __init__(self, qtbot: Any, window: QWidget) -> None:
        self.qtbot = qtbot
        self.window = window
        self.presses = 0
        self.characters = 0

    def target(self) -> QWidget:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            return popup
        self.settle()
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def settle(self) -> None:
        """A dialog that opened has the keyboard; when it closed, the window has it back (as a
        desktop's window manager does; the offscreen platform does neither by itself)."""
        def ready() -> bool:
            modal = QApplication.activeModalWidget()
            focus = QApplication.focusWidget()
            if modal is not None and (focus is None or not (modal is focus or modal.isAncestorOf(focus))):
                modal.activateWindow()
            elif modal is None and focus is None:
                self.window.activateWindow()
            return focus is not None and (modal is None or modal is focus or modal.isAncestorOf(focus))

        self.qtbot.waitUntil(ready)

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              times: int = 1) -> None:
        for _ in range(times):
            self.qtbot.keyClick(self.target(), key, modifier)
            self.presses += 1

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.target(), text)
        self.characters += len(text)

    def suggestion(self, typed: str, expected: str) -> None:
        """Type part of a word, wait for the suggestions, take the first with Down, Enter."""
        edit = self.target()
        self.type(typed)
        completer = edit.completer()  # type: ignore[attr-defined]
        self.qtbot.waitUntil(lambda: completer.popup().isVisible())
        assert completer.currentCompletion() == expected, completer.currentCompletion()
        self.press(Qt.Key.Key_Down)
        self.press(Qt.Key.Key_Return)


def shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def counts(runtime: Runtime) -> tuple[int, int, int]:
    with runtime.db.read() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
                     for m in (Organisation, Service, Location))


def test_a_lead_adds_an_organisation_service_and_venue_in_at_most_30_key_presses(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, asked: dict[str, list[Any]]) -> None:
    before = counts(demo_runtime)
    window = open_window(demo_runtime, "Lena Link")
    page = window.page("directory")
    assert isinstance(page, DirectoryPage)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    keys = Keys(qtbot, window)

    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # the New menu
    keys.press(Qt.Key.Key_Return)  # New organisation… (the guided form)
    dialog = page.new_dialog
    assert isinstance(dialog, NewOrganisationDialog)
    qtbot.waitExposed(dialog)
    # step 1: the organisation
    keys.type("Foxbar Men's Shed")
    keys.press(Qt.Key.Key_Tab)
    keys.suggestion("comm", "Community group")
    keys.press(Qt.Key.Key_Tab)
    keys.type("0141 496 0123")
    keys.press(Qt.Key.Key_Tab)
    keys.type("foxbarshed.example.org")
    shot(dialog, "guided_step1")
    keys.press(Qt.Key.Key_Return)  # Next
    assert dialog.stack.currentIndex() == 1
    # step 2: its first service
    keys.type("Woodwork mornings")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Make and mend things with other men, with a cup of tea.")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Men over 18")
    keys.press(Qt.Key.Key_Tab)
    keys.suggestion("shed", "Men's groups and sheds")
    keys.press(Qt.Key.Key_Tab)  # Area covered
    keys.suggestion("renfrewsh", "Renfrewshire")
    keys.press(Qt.Key.Key_Tab)  # Cost: Free (as it is)
    keys.press(Qt.Key.Key_Tab)  # How to get in: Self-referral
    keys.press(Qt.Key.Key_Tab)  # Drop-in
    keys.press(Qt.Key.Key_Space)
    shot(dialog, "guided_step2")
    keys.press(Qt.Key.Key_Return)  # Next
    assert dialog.stack.currentIndex() == 2
    # step 3: where it meets
    keys.type("The Old Bowling Pavilion")
    keys.press(Qt.Key.Key_Tab)
    keys.type("2 Brediland Road")
    keys.press(Qt.Key.Key_Tab)
    keys.suggestion("paisl", "Paisley")
    keys.press(Qt.Key.Key_Tab)
    keys.type("pa2 9ne")
    shot(dialog, "guided_step3")
    keys.press(Qt.Key.Key_Return)  # Save
    qtbot.waitUntil(lambda: not dialog.isVisible())
    keys.press(Qt.Key.Key_Return)  # hurried: a second Enter lands on the window (it opens the read-only view)
    print(f"\nguided form: {keys.presses} key presses besides {keys.characters} characters typed")
    assert keys.presses <= 30

    assert counts(demo_runtime) == (before[0] + 1, before[1] + 1, before[2] + 1)  # each once
    selected = page.selected_service_id()
    assert selected is not None
    svc = DirectoryService(window.ctx).get_service(selected)
    assert (svc.name, svc.organisation.name) == ("Woodwork mornings", "Foxbar Men's Shed")
    assert svc.access == (AccessRoute.DROP_IN,) and svc.is_free and svc.service_area == "Renfrewshire"
    assert [c.name for c in svc.categories] == ["Men's groups and sheds"]
    assert [(loc.name, loc.town, loc.postcode) for loc in svc.locations] == [
        ("The Old Bowling Pavilion", "Paisley", "PA2 9NE")]  # linked to its venue
    org = DirectoryService(window.ctx).get_organisation(svc.organisation.id)
    assert org.legal_status == "Community group" and org.website == "https://foxbarshed.example.org"
    assert [p.number for p in org.phones] == ["+441414960123"]
    assert org.vetting_status is VettingStatus.NOT_VETTED
    said = window.statusBar().currentMessage()
    assert "Added “Foxbar Men's Shed” with its service “Woodwork mornings”" in said
    shot(window, "guided_added")


def test_escape_keeps_the_typing_and_a_missing_name_is_shown_on_its_step(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, asked: dict[str, list[Any]]) -> None:
    before = counts(demo_runtime)
    window = open_window(demo_runtime, "Lena Link")
    page = window.page("directory")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    keys = Keys(qtbot, window)
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    keys.press(Qt.Key.Key_Return)
    dialog = page.new_dialog
    assert isinstance(dialog, NewOrganisationDialog)
    qtbot.waitExposed(dialog)
    keys.press(Qt.Key.Key_Return)  # Enter on an empty form: the name is needed, nothing moves on
    assert dialog.stack.currentIndex() == 0 and "name" in dialog.general.text() + dialog.org_name.toolTip()
    keys.type("Ferguslie Walkers")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)  # step 2 without a service name or a way in: stays, says what is missing
    assert dialog.stack.currentIndex() == 1 and dialog.service_name.property("invalid")
    assert dialog.access_boxes[AccessRoute.SELF_REFERRAL].parentWidget().property("invalid")
    keys.press(Qt.Key.Key_Escape)  # hurried: asks, and "Keep editing" keeps everything
    assert asked["unsaved"] and dialog.isVisible() and dialog.org_name.text() == "Ferguslie Walkers"
    keys.press(Qt.Key.Key_Escape)
    keys.press(Qt.Key.Key_Escape)
    assert dialog.isVisible() and counts(demo_runtime) == before
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 0 and dialog.org_name.text() == "Ferguslie Walkers"
    shot(dialog, "guided_errors")
    dialog.close()


def test_suggestions_in_the_edit_forms_offer_what_the_directory_holds(
        qtbot: Any, demo_runtime: Runtime) -> None:
    from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog
    from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog

    ctx = demo_runtime.context(actor_named(demo_runtime, "Lena Link"))
    known = DirectoryService(ctx).known_values()
    assert "Paisley" in known.towns and known.areas
    service = EditServiceDialog(ctx)
    qtbot.addWidget(service)
    service.show()
    qtbot.waitExposed(service)
    service.activateWindow()
    qtbot.waitUntil(service.isActiveWindow)
    service.tabs.setCurrentIndex(0)
    service.service_area.setFocus()
    qtbot.keyClicks(service.service_area, known.areas[0][:4])
    popup = service.service_area.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert service.service_area.completer().currentCompletion() == known.areas[0]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert service.service_area.text() == known.areas[0]
    service.tabs.setCurrentIndex(3)
    service.category_filter.setFocus()
    qtbot.keyClicks(service.category_filter, "shed")
    popup = service.category_filter.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert "Men's groups and sheds" in service.chosen_categories.text()  # chosen = ticked
    qtbot.waitUntil(lambda: service.category_filter.text() == "")  # ready for the next one
    shot(service, "edit_service_category_chosen")
    service._clean = None
    service.close()

    org = EditOrganisationDialog(ctx)
    qtbot.addWidget(org)
    org.show()
    qtbot.waitExposed(org)
    org.activateWindow()
    qtbot.waitUntil(org.isActiveWindow)
    org.tabs.setCurrentIndex(2)
    org.venues.add_button.click()
    town = org.venues.rows[0].fields["town"]
    town.setFocus()
    qtbot.keyClicks(town, "pais")
    popup = town.completer().popup()  # type: ignore[attr-defined]
    qtbot.waitUntil(popup.isVisible)
    shot(org, "edit_organisation_town_suggested")
    assert town.completer().currentCompletion() == "Paisley"  # type: ignore[attr-defined]
    qtbot.keyClick(town, Qt.Key.Key_Tab)  # Tab keeps what was typed
    assert town.text() == "pais"  # type: ignore[attr-defined]
    org._clean = None
    org.close()


# --------------------------------------------------------------------------- point 5: honest re-checking
def test_the_lead_re_checks_old_evidence_and_chooses_the_next_review_date(
        qtbot: Any, demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QDate, QPoint, QTimer

    from sp_desktop.services.base import SYSTEM
    from sp_desktop.services.vetting import DueKind, VettingService
    from sp_desktop.ui.dialogs.vetting_dialog import ApproveDialog, VettingDialog

    lena = actor_named(demo_runtime, "Lena Link")
    ctx = demo_runtime.context(lena)
    due = next(r for r in VettingService(demo_runtime.context(SYSTEM)).reviews_due()
               if r.kind is DueKind.OVERDUE)
    stale_prompts: list[str] = []
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, **k: stale_prompts.append(title) or False)
    monkeypatch.setattr(messages, "warn", lambda *a, **k: pytest.fail(f"warned: {a[1:]}"))
    dialog = VettingDialog(ctx, due.organisation_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    stale = [r for r in dialog.rows if r.stale]
    assert stale, "the demo's overdue organisation has evidence checked over a year ago"
    for row in stale:
        assert "check it again" in row.state.text() and row.recheck.isVisible()
    # evidence still missing or expired: ticked with what was seen (an expiry typed in)
    for row in dialog.rows:
        if row.row.item.mandatory and not row.row.counts(ctx.today()):
            if not row.tick.isChecked():
                row.tick.setFocus()
                qtbot.keyClick(row.tick, Qt.Key.Key_Space)
            qtbot.keyClicks(row.notes, " Seen again at the visit")
            if row.row.item.has_expiry:
                row.expiry.setDate(QDate(2027, 9, 30))
    # the calendar of a date not given yet opens at today, not in the year 2000
    empty = next((r for r in dialog.rows if r.expiry.date() <= QDate(2000, 1, 1)), None)
    if empty is not None:
        dialog.checklist_scroll.ensureWidgetVisible(empty.expiry)
        arrow = QPoint(empty.expiry.width() - 8, empty.expiry.height() // 2)
        qtbot.mouseClick(empty.expiry, Qt.MouseButton.LeftButton, pos=arrow)  # its calendar button
        calendar = empty.expiry.calendarWidget()
        qtbot.waitUntil(calendar.isVisible)
        assert (calendar.yearShown(), calendar.monthShown()) == (ctx.today().year, ctx.today().month)
        qtbot.keyClick(calendar, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not calendar.isVisible())
        assert empty.expiry.date() <= QDate(2000, 1, 1)  # looking at the calendar chose nothing
    for row in stale:  # "Checked again today", with the keyboard
        row.recheck.setFocus()
        qtbot.keyClick(row.recheck, Qt.Key.Key_Space)
    shot(dialog, "vetting_recheck")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save checks
    record = VettingService(ctx).record(due.organisation_id)
    for row in stale:
        saved = next(r for r in record.rows if r.item.id == row.row.item.id)
        assert (saved.checked_by, saved.checked_on) == ("Lena Link", ctx.today())
    assert not any(record.stale(r) for r in record.rows)

    chosen: list[Any] = []

    def in_the_approve_dialog() -> None:
        approve = QApplication.activeModalWidget()
        assert isinstance(approve, ApproveDialog)
        shot(approve, "approve_with_next_review")
        edit = approve.next_review
        edit.setFocus()
        edit.setDate(QDate(2027, 1, 15))  # as picked in its calendar, before any evidence runs out
        chosen.append(approve.chosen())
        qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter: Approve

    QTimer.singleShot(200, in_the_approve_dialog)
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert chosen and not stale_prompts  # nothing old left to ask about
    record = VettingService(ctx).record(due.organisation_id)
    assert record.status is VettingStatus.APPROVED and record.next_review_on == chosen[0]
    assert "Next review 15 Jan 2027" in dialog.header.text()


# --------------------------------------------------------------------------- point 6: the GP's flow
def test_a_gp_prints_a_leaflet_and_records_the_signposting_in_at_most_5_key_presses(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """From the typed query to a printed leaflet with the signposting recorded (its services and
    reasons filled in for the GP), every dialog on the way real and answered by keys: the check
    before printing (if the service has a warning), "Record signposting?" and the record itself.
    Only the system print dialog is replaced (a PDF printer); taking its default printer is one
    key press (Enter), counted."""
    import time as clock

    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QMessageBox

    from sp_desktop.db.models import Signposting
    from sp_desktop.ui import printing
    from sp_desktop.ui.dialogs.record_signposting_dialog import RecordSignpostingDialog

    keys: list[str] = []

    def ask(parent: Any, title: str = "Print", page_size: Any = None) -> QPrinter:
        keys.append("Enter (print dialog: the default printer)")
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        return printer

    monkeypatch.setattr(printing, "ask_printer", ask)
    with demo_runtime.db.read() as s:
        before = s.scalar(select(func.count()).select_from(Signposting))
    window = open_window(demo_runtime, "Dr Gordon Gill")
    page = window.page("directory")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    seen: list[str] = []

    def answer_dialogs() -> None:  # what the GP's fingers do when each dialog comes up
        modal = QApplication.activeModalWidget()
        if modal is None or modal.property("answered") or not modal.isVisible():
            return
        if not modal.property("waited"):  # a desktop gives a new dialog the keyboard; offscreen, we do
            modal.setProperty("waited", True)
            modal.activateWindow()
            return
        modal.setProperty("answered", True)
        seen.append(modal.windowTitle())
        if isinstance(modal, QMessageBox) and modal.windowTitle() == "Record signposting?":
            keys.append("Y")
            qtbot.keyClick(modal, Qt.Key.Key_Y)
        elif isinstance(modal, (QMessageBox, RecordSignpostingDialog)):
            keys.append(f"Enter ({modal.windowTitle()})")
            qtbot.keyClick(modal.focusWidget() or modal, Qt.Key.Key_Return)

    driver = QTimer()
    driver.setInterval(50)
    driver.timeout.connect(answer_dialogs)
    driver.start()
    qtbot.keyClicks(page.search, "debt")  # what the patient needs, as typed
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == "debt")
    top = page.selected_row()
    assert top is not None
    started = clock.perf_counter()
    keys.append("Ctrl+P")
    qtbot.keyClick(page.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    def recorded() -> bool:
        with demo_runtime.db.read() as s:
            return s.scalar(select(func.count()).select_from(Signposting)) == before + 1

    try:
        qtbot.waitUntil(recorded, timeout=30000)
    finally:
        print(f"\nkeys {keys}; dialogs {seen}")
    took = clock.perf_counter() - started
    driver.stop()
    print(f"\nGP: {len(keys)} key presses ({', '.join(keys)}) in {took:.1f} s; dialogs: {seen}")
    assert len(keys) <= 5 and took < 15
    assert "Record signposting?" in seen and "Record signposting" in seen
    with demo_runtime.db.read() as s:
        record = s.scalars(select(Signposting).order_by(Signposting.id.desc())).first()
        assert record is not None
        assert [i.service_id for i in record.items] == [top.id]  # the service printed, filled in
        reasons = {c.id for c in record.reasons}
    service = DirectoryService(window.ctx).get_service(top.id)
    assert reasons and reasons == {c.id for c in service.categories}  # its needs, filled in
    assert squash(top.name) in squash(pdf_text((tmp_path / "printed.pdf").read_bytes()))
