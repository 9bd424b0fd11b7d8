"""The organisation and service dialogs, driven like a person would (typing, ticking, clicking Save),
checked against what the directory service then reads back from the real SQLite database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget

from sp_desktop.db.engine import Database
from sp_desktop.db.models import Staff
from sp_desktop.domain.accessibility import STAFF_LABELS
from sp_desktop.domain.enums import AccessRoute, AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM, Actor, FixedClock, ServiceContext
from sp_desktop.services.directory import DirectoryService, LocationForm, OrganisationForm
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog
from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog
from sp_desktop.ui.dialogs.new_organisation_dialog import NewOrganisationDialog
from sp_desktop.ui.dialogs.open_organisation_dialog import OpenOrganisationDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages.directory_page import DirectoryPage
from sp_desktop.ui.widgets.edit_dialog import EditDialog


@pytest.fixture(autouse=True)
def leaflet_changes_confirmed(monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """Saving an approved organisation's service shows old -> new once (tested in
    tests/gui/test_front_desk.py); here it is answered "Save the changes"."""
    shown: list[list[Any]] = []
    monkeypatch.setattr(EditServiceDialog, "confirm_changes",
                        lambda self, changes: shown.append(changes) or True)
    return shown


def staff_in(db: Database, clock: FixedClock, role: AppRole = AppRole.ADMINISTRATOR,
             name: str = "Morag Lead") -> Actor:
    with db.write(clock) as s:
        staff = Staff(name=name, job_role=role.label, app_role=role)
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.name, role)


@pytest.fixture
def ctx_for(runtime: Runtime) -> ServiceContext:
    return runtime.context(staff_in(runtime.db, runtime.clock))  # type: ignore[arg-type]


@pytest.fixture
def demo_ctx(demo_runtime: Runtime) -> ServiceContext:
    return demo_runtime.context(staff_in(demo_runtime.db, demo_runtime.clock))  # type: ignore[arg-type]


def show(qtbot: Any, dialog: QDialog) -> QDialog:
    if dialog.parent() is None:  # a dialog with a parent goes with it
        qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def line(widget: QWidget) -> QLineEdit:
    assert isinstance(widget, QLineEdit)
    return widget


def click(qtbot: Any, widget: QWidget) -> None:
    qtbot.waitUntil(widget.isVisible)  # rows added a moment ago are shown by the event loop
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_into(qtbot: Any, widget: QWidget, text: str) -> None:
    qtbot.waitUntil(widget.isVisible)
    widget.setFocus()
    qtbot.keyClicks(widget, text)


@pytest.fixture(autouse=True)
def no_real_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog left open with changes asks before closing at teardown: answer "discard" instead of
    blocking on a real message box. Tests that care replace these again."""
    monkeypatch.setattr(messages, "ask_save_discard_cancel", lambda *a: "discard")
    monkeypatch.setattr(messages, "inform", lambda *a, **k: None)


def real_dialog(qtbot: Any, cls: type[EditDialog], fill: Callable[[Any], None]) -> classmethod:  # type: ignore[type-arg]
    """A stand-in for `cls.ask` that builds the real dialog, lets `fill` type into it like a person
    and presses Save (no modal event loop, so a failing test cannot hang)."""

    def ask(_cls: type, parent: QWidget | None, ctx: ServiceContext, **kw: Any) -> Any:
        dialog = show(qtbot, cls(ctx, parent, **kw))
        fill(dialog)
        click(qtbot, dialog.save_button)
        assert dialog.result() == QDialog.DialogCode.Accepted, dialog.general.text()
        return dialog.result_detail

    return classmethod(ask)


def fill_guided(qtbot: Any, d: NewOrganisationDialog) -> None:
    """The guided form's three steps, as a lead fills them after a visit."""
    type_into(qtbot, d.org_name, "Wester Glen Men's Shed")
    type_into(qtbot, d.phone, "01632 960555")
    type_into(qtbot, d.website, "www.westerglen-shed.example.org")
    type_into(qtbot, d.email, "hello@westerglen-shed.example.org")
    click(qtbot, d.next_button)
    type_into(qtbot, d.service_name, "Shed sessions")
    type_into(qtbot, d.description, "Woodwork, repairs and a cup of tea.")
    type_into(qtbot, d.category, "Men's groups and sheds")  # the whole name: chosen on Next
    click(qtbot, d.access_boxes[AccessRoute.DROP_IN])
    click(qtbot, d.next_button)
    assert "Men's groups and sheds" in d.chosen_label.text()
    type_into(qtbot, d.venue_name, "The Shed")
    type_into(qtbot, d.address, "3 Millrace Lane")
    type_into(qtbot, d.town, "Paisley")
    type_into(qtbot, d.postcode, "pa29zz")


def more_organisation_details(qtbot: Any, d: EditOrganisationDialog) -> None:
    """Afterwards, Edit organisation (Ctrl+E): who to ask for, and the venue's step-free access."""
    assert d.name.text() == "Wester Glen Men's Shed"
    d.tabs.setCurrentIndex(1)
    type_into(qtbot, d.phones.rows[0].fields["description"], "Workshop")
    click(qtbot, d.contacts.add_button)
    type_into(qtbot, d.contacts.rows[0].fields["name"], "Ian Example")
    type_into(qtbot, d.contacts.rows[0].fields["role"], "Shed coordinator")
    d.tabs.setCurrentIndex(2)
    checks = d.venues.rows[0].fields["accessibility"]
    click(qtbot, checks.boxes["step_free"])  # type: ignore[attr-defined]


def more_service_details(qtbot: Any, d: EditServiceDialog) -> None:
    """Afterwards, Edit service (F2): ages and opening times."""
    assert d.organisation.currentText() == "Wester Glen Men's Shed"
    d.max_age.setValue(-1)
    d.min_age.setValue(18)
    d.tabs.setCurrentIndex(2)
    click(qtbot, d.schedule.add_button)
    type_into(qtbot, d.schedule.rows[0].fields["opens"], "1000")
    type_into(qtbot, d.schedule.rows[0].fields["closes"], "15:00")
    assert d.venues.count() == 1 and d.venues.item(0).checkState() == Qt.CheckState.Checked


# ---------------------------------------------------------------------------------------- the whole flow
def test_add_organisation_and_service_then_find_and_edit_it(qtbot: Any, runtime: Runtime,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    actor = staff_in(runtime.db, runtime.clock)  # type: ignore[arg-type]
    window = MainWindow(runtime, runtime.context(actor))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.page("directory")
    assert isinstance(page, DirectoryPage)
    assert page.empty_label.text() == "No organisations yet — add one with Ctrl+N."

    monkeypatch.setattr(messages, "inform", lambda *a, **k: None)

    # Ctrl+N on an empty directory: the guided form, organisation -> service -> venue, saved together
    page.focus_search()
    qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    guided = page.new_dialog
    assert isinstance(guided, NewOrganisationDialog)
    qtbot.waitExposed(guided)
    fill_guided(qtbot, guided)
    with qtbot.waitSignal(page.changed):
        click(qtbot, guided.save_button)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    # then more details with the full forms: Ctrl+E (the organisation), F2 (the service)
    monkeypatch.setattr(EditOrganisationDialog, "ask", real_dialog(
        qtbot, EditOrganisationDialog, lambda d: more_organisation_details(qtbot, d)))
    monkeypatch.setattr(EditServiceDialog, "ask", real_dialog(
        qtbot, EditServiceDialog, lambda d: more_service_details(qtbot, d)))
    page.focus_results()
    with qtbot.waitSignal(page.changed):
        qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.focus_results()
    with qtbot.waitSignal(page.changed):
        qtbot.keyClick(page.table, Qt.Key.Key_F2)

    directory = DirectoryService(runtime.context(SYSTEM))
    [(org_id, org_name)] = directory.organisations()
    org = directory.get_organisation(org_id)
    assert org_name == "Wester Glen Men's Shed"
    assert org.website == "https://www.westerglen-shed.example.org"
    assert [p.number for p in org.phones] == ["+441632960555"], "stored as E.164"
    assert [(c.name, c.role) for c in org.contacts] == [("Ian Example", "Shed coordinator")]
    [venue] = org.locations
    assert venue.postcode == "PA2 9ZZ" and venue.accessibility == ("step_free",)

    # found by search, selected, shown in the detail pane
    page.search.clear()
    qtbot.keyClicks(page.search, "shed")
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == "shed")
    assert [r.name for r in page.model.rows()] == ["Shed sessions"]
    svc = directory.get_service(page.model.rows()[0].id)
    assert svc.access == (AccessRoute.DROP_IN,) and svc.min_age == 18 and svc.max_age is None
    assert [(s.weekday, s.opens, s.closes) for s in svc.schedule] == [(0, "10:00", "15:00")]
    assert [loc.id for loc in svc.locations] == [venue.id]
    assert [c.name for c in svc.categories] == ["Men's groups and sheds"]
    assert "Monday 10:00 to 15:00" in page.detail.toPlainText()
    assert "01632 960555" in page.detail.toPlainText()

    # edited through the real dialog, opened with Enter
    def rename(d: EditServiceDialog) -> None:
        assert d.name.text() == "Shed sessions"
        d.name.clear()
        type_into(qtbot, d.name, "Shed sessions (weekdays)")

    monkeypatch.setattr(EditServiceDialog, "ask", real_dialog(qtbot, EditServiceDialog, rename))
    window.activateWindow()  # back from the dialogs (offscreen, nothing else does it)
    qtbot.waitUntil(window.isActiveWindow)
    page.focus_results()
    with qtbot.waitSignal(page.changed):
        qtbot.keyClick(page.table, Qt.Key.Key_F2)  # F2 edits (Enter only opens it to read)
    assert directory.get_service(svc.id).name == "Shed sessions (weekdays)"
    assert directory.get_service(svc.id).version == svc.version + 1
    assert page.selected_service_id() == svc.id
    assert "Shed sessions (weekdays)" in page.detail.toPlainText()


# ---------------------------------------------------------------------------------------- validation
def test_bad_phone_and_email_are_refused_at_the_field(qtbot: Any, ctx_for: ServiceContext) -> None:
    d = show(qtbot, EditOrganisationDialog(ctx_for))
    assert isinstance(d, EditOrganisationDialog)
    type_into(qtbot, d.name, "Bad Numbers Club")
    type_into(qtbot, d.email, "hello@")
    d.tabs.setCurrentIndex(1)
    click(qtbot, d.phones.add_button)
    type_into(qtbot, d.phones.rows[0].fields["number"], "0141 12")
    click(qtbot, d.contacts.add_button)
    type_into(qtbot, d.contacts.rows[0].fields["name"], "Bob")
    type_into(qtbot, d.contacts.rows[0].fields["email"], "bob at example")
    click(qtbot, d.save_button)

    assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert DirectoryService(ctx_for).organisations() == [], "nothing saved"
    email_label = d.errors.resolve("email")[1]  # type: ignore[index]
    assert email_label is not None and email_label.isVisible()
    assert "“hello@” is not an email address" in email_label.text()
    assert email_label.text().startswith("✗"), "a symbol and words, not colour alone"
    assert d.email.property("invalid") is True
    assert d.email.accessibleDescription().startswith("Error: ")
    phone_row = d.phones.rows[0]
    # (on the other tab, so shown but not on screen until that tab is chosen)
    assert not phone_row.message.isHidden() and "not a complete phone number" in phone_row.message.text()
    assert phone_row.fields["number"].property("invalid") is True
    assert "not an email address" in d.contacts.rows[0].message.text()
    assert d.tabs.tabText(0) == "Details ✗" and d.tabs.tabText(1) == "Phones and people ✗"
    assert d.tabs.currentIndex() == 0 and QApplication.focusWidget() is d.email, "first bad field focused"

    # put right, the marks go and it saves
    d.email.clear()
    type_into(qtbot, d.email, "hello@badnumbers.example.org")
    d.tabs.setCurrentIndex(1)
    line(phone_row.fields["number"]).clear()
    type_into(qtbot, phone_row.fields["number"], "116 123")
    line(d.contacts.rows[0].fields["email"]).clear()
    click(qtbot, d.save_button)
    assert d.result() == QDialog.DialogCode.Accepted
    assert d.email.property("invalid") is False
    [(oid, _name)] = DirectoryService(ctx_for).organisations()
    assert [p.number for p in DirectoryService(ctx_for).get_organisation(oid).phones] == ["116123"]


def test_service_dialog_marks_missing_access_bad_phone_and_missing_fee(qtbot: Any,
                                                                       demo_ctx: ServiceContext) -> None:
    directory = DirectoryService(demo_ctx)
    before = directory.counts()["services"]
    org_id = directory.organisations()[0][0]
    d = show(qtbot, EditServiceDialog(demo_ctx, organisation_id=org_id))
    assert isinstance(d, EditServiceDialog)
    type_into(qtbot, d.name, "Half-filled service")
    d.tabs.setCurrentIndex(1)
    type_into(qtbot, d.email, "not an email")
    click(qtbot, d.phones.add_button)
    type_into(qtbot, d.phones.rows[0].fields["number"], "12345678901234")
    click(qtbot, d.charge)
    click(qtbot, d.save_button)
    assert d.isVisible()
    assert directory.counts()["services"] == before
    access_label = d.errors.resolve("access")[1]  # type: ignore[index]
    assert access_label is not None and "Choose at least one way" in access_label.text()
    assert "Say what it costs" in d.errors.resolve("fee_description")[1].text()  # type: ignore[index]
    assert "is not an email address" in d.errors.resolve("email")[1].text()  # type: ignore[index]
    assert not d.phones.rows[0].message.isHidden()
    assert d.tabs.tabText(1) == "Getting in touch ✗"
    assert QApplication.focusWidget() is d.access_boxes[AccessRoute.SELF_REFERRAL]


def test_odd_postcode_is_a_warning_and_is_saved_anyway(qtbot: Any, ctx_for: ServiceContext,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda parent, title, text: told.append(text))
    d = show(qtbot, EditOrganisationDialog(ctx_for))
    assert isinstance(d, EditOrganisationDialog)
    type_into(qtbot, d.name, "Odd Postcode Trust")
    d.tabs.setCurrentIndex(2)
    click(qtbot, d.venues.add_button)
    venue = d.venues.rows[0]
    type_into(qtbot, venue.fields["address_1"], "1 High Street")
    type_into(qtbot, venue.fields["postcode"], "ZZ99")
    type_into(qtbot, venue.fields["town"], "Paisley")  # leaving the postcode box checks it
    assert "does not look like a UK postcode" in venue.labels["postcode"].text()
    assert venue.labels["postcode"].text().startswith("⚠")
    click(qtbot, d.save_button)
    assert d.result() == QDialog.DialogCode.Accepted
    assert len(told) == 1 and "Venue 1, postcode" in told[0]
    [(oid, _)] = DirectoryService(ctx_for).organisations()
    assert DirectoryService(ctx_for).get_organisation(oid).locations[0].postcode == "ZZ99"


# ------------------------------------------------------------------------------- closing and conflicts
def test_unsaved_changes_prompt_on_escape(qtbot: Any, demo_ctx: ServiceContext,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    directory = DirectoryService(demo_ctx)
    sid = directory.search("debt").rows[0].id
    original = directory.get_service(sid).name
    answers = ["cancel", "discard"]
    prompts: list[str] = []

    def answer(parent: Any, title: str, text: str) -> str:
        prompts.append(text)
        return answers.pop(0)

    monkeypatch.setattr(messages, "ask_save_discard_cancel", answer)
    untouched = show(qtbot, EditServiceDialog(demo_ctx, service_id=sid))
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible() and prompts == [], "no prompt when nothing changed"

    d = show(qtbot, EditServiceDialog(demo_ctx, service_id=sid))
    assert isinstance(d, EditServiceDialog)
    type_into(qtbot, d.name, " (changed)")
    qtbot.keyClick(d.name, Qt.Key.Key_Escape)
    assert d.isVisible(), "Keep editing keeps the dialog open"
    assert "Save the changes before closing?" in prompts[0]
    qtbot.keyClick(d.name, Qt.Key.Key_Escape)
    assert not d.isVisible() and d.result() == QDialog.DialogCode.Rejected
    assert directory.get_service(sid).name == original

    answers.append("save")
    d2 = show(qtbot, EditServiceDialog(demo_ctx, service_id=sid))
    assert isinstance(d2, EditServiceDialog)
    d2.name.setFocus()
    qtbot.keyClick(d2.name, Qt.Key.Key_End)
    qtbot.keyClicks(d2.name, " (saved)")
    d2.close()
    assert directory.get_service(sid).name == original + " (saved)"


def test_conflicting_save_is_refused_and_offers_reload(qtbot: Any, demo_ctx: ServiceContext,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    directory = DirectoryService(demo_ctx)
    sid = directory.search("debt").rows[0].id
    offered: list[str] = []
    from sp_desktop.ui.dialogs.conflict_dialog import ConflictDialog  # side by side; "reload" chosen

    monkeypatch.setattr(ConflictDialog, "ask", lambda parent, view: offered.append(view.message) or "reload")
    mine = show(qtbot, EditServiceDialog(demo_ctx, service_id=sid))
    theirs = show(qtbot, EditServiceDialog(demo_ctx, service_id=sid))
    assert isinstance(mine, EditServiceDialog) and isinstance(theirs, EditServiceDialog)
    theirs.name.setText("Their new name")
    click(qtbot, theirs.save_button)
    assert theirs.result() == QDialog.DialogCode.Accepted

    mine.description.setPlainText("My new description")
    click(qtbot, mine.save_button)
    assert mine.isVisible()
    assert len(offered) == 1 and "was changed by Morag Lead" in offered[0]
    saved = directory.get_service(sid)
    assert saved.name == "Their new name" and saved.description != "My new description"
    assert mine.name.text() == "Their new name", "reloaded their version"
    assert not mine.is_dirty()


# ---------------------------------------------------------------------------------------- small behaviours
def test_add_a_day_copies_the_last_row_onto_the_next_day(qtbot: Any, demo_ctx: ServiceContext) -> None:
    d = show(qtbot, EditServiceDialog(demo_ctx))
    assert isinstance(d, EditServiceDialog)
    d.tabs.setCurrentIndex(2)
    click(qtbot, d.schedule.add_button)
    type_into(qtbot, d.schedule.rows[0].fields["opens"], "930")
    type_into(qtbot, d.schedule.rows[0].fields["closes"], "16:30")
    assert line(d.schedule.rows[0].fields["opens"]).text() == "09:30", "tidied when leaving the box"
    click(qtbot, d.schedule.add_button)
    click(qtbot, d.schedule.add_button)
    assert [(s.weekday, s.opens, s.closes) for s in d.schedule.values()] == [
        (0, "09:30", "16:30"), (1, "09:30", "16:30"), (2, "09:30", "16:30")]
    click(qtbot, d.schedule.rows[1].remove_button)
    assert [s.weekday for s in d.schedule.values()] == [0, 2]
    assert d.schedule.rows[1].remove_button.accessibleName() == "Remove opening time 2"


def test_every_control_in_the_dialogs_has_an_accessible_name(qtbot: Any, demo_ctx: ServiceContext) -> None:
    directory = DirectoryService(demo_ctx)
    row = directory.search("debt").rows[0]
    for d in (EditServiceDialog(demo_ctx, service_id=row.id),
              EditOrganisationDialog(demo_ctx, organisation_id=row.organisation_id),
              OpenOrganisationDialog(demo_ctx)):
        show(qtbot, d)
        missing = []
        for w in d.findChildren(QWidget):
            if w.focusPolicy() == Qt.FocusPolicy.NoFocus or w.window() is not d:
                continue  # (combo box pop-ups are windows of their own)
            if w.parent() is not None and type(w.parent()).__name__ in (
                    "QSpinBox", "QComboBox", "QDateEdit", "QTabWidget", "QScrollArea"):
                continue  # inner parts of compound controls
            has_text = hasattr(w, "text") and callable(w.text) and not isinstance(w, QLineEdit)
            text = w.text() if has_text else ""
            if not (w.accessibleName() or text) and type(w).__name__ not in (
                    "QScrollBar", "QTabBar", "QCalendarWidget", "QToolButton", "QWidget", "QScrollArea"):
                missing.append(f"{type(w).__name__} {w.objectName()}")
        assert missing == [], type(d).__name__
        d.reject()


# ---------------------------------------------------------------------------------------- open organisation
def test_open_organisation_filters_as_you_type_and_opens_with_enter(qtbot: Any,
                                                                    demo_ctx: ServiceContext) -> None:
    directory = DirectoryService(demo_ctx)
    quilters = directory.save_organisation(OrganisationForm(name="Zetland Quilters"))
    cafe = directory.save_organisation(OrganisationForm(name="Café Zetland"))
    total = len(directory.organisations())
    d = show(qtbot, OpenOrganisationDialog(demo_ctx))
    assert isinstance(d, OpenOrganisationDialog)
    assert d.organisations.count() == total and d.count_label.text() == f"{total} organisations"
    d.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is d.filter)  # type straight away

    def shown() -> list[str]:
        return [d.organisations.item(i).text() for i in range(d.organisations.count())]

    qtbot.keyClicks(d.filter, "zetland")
    assert shown() == ["Zetland Quilters  —  no services yet", "Café Zetland  —  no services yet"], \
        "names starting with the word first"
    assert d.count_label.text() == f"2 of {total} organisations"
    qtbot.keyClick(d.filter, Qt.Key.Key_Down)  # the arrow keys move through the list from the filter
    assert d.selected_id() == cafe.id
    d.filter.clear()
    qtbot.keyClicks(d.filter, "CAFE zet")  # case, accents and word order do not matter
    assert shown() == ["Café Zetland  —  no services yet"]
    d.filter.clear()
    qtbot.keyClicks(d.filter, "quilt")
    qtbot.keyClick(d.filter, Qt.Key.Key_Return)
    assert d.result() == QDialog.DialogCode.Accepted and d.selected_id() == quilters.id


def test_open_organisation_says_how_many_services_and_when_nothing_matches(qtbot: Any,
                                                                          demo_ctx: ServiceContext) -> None:
    directory = DirectoryService(demo_ctx)
    row = directory.search("debt").rows[0]
    d = show(qtbot, OpenOrganisationDialog(demo_ctx))
    assert isinstance(d, OpenOrganisationDialog)
    qtbot.keyClicks(d.filter, row.organisation_name)
    count = directory.service_counts()[row.organisation_id]
    assert d.organisations.item(0).text() == f"{row.organisation_name}  —  {count} services"
    d.filter.clear()
    qtbot.keyClicks(d.filter, "xyzzyplover")
    assert d.organisations.count() == 0 and not d.open_button.isEnabled()
    assert d.count_label.text() == "No organisation’s name contains “xyzzyplover”."
    qtbot.keyClick(d.filter, Qt.Key.Key_Return)
    assert d.isVisible(), "Enter with nothing chosen does not close the dialog"


def test_venue_tick_boxes_use_the_shared_accessibility_words(qtbot: Any, ctx_for: ServiceContext) -> None:
    directory = DirectoryService(ctx_for)
    org = directory.save_organisation(OrganisationForm(
        name="Lift Test Hall", locations=[LocationForm(name="Hall", town="Paisley",
                                                       accessibility=["lift", "bsl", "braille_menus"])]))
    d = show(qtbot, EditOrganisationDialog(ctx_for, organisation_id=org.id))
    assert isinstance(d, EditOrganisationDialog)
    checks = d.venues.rows[0].fields["accessibility"]
    texts = {code: box.text() for code, box in checks.boxes.items()}  # type: ignore[attr-defined]
    assert {c: texts[c] for c in STAFF_LABELS} == STAFF_LABELS
    assert texts["braille_menus"] == "Braille menus", "an imported code is kept, in words"
    assert checks.codes() == ["lift", "bsl", "braille_menus"]  # type: ignore[attr-defined]
    d.reject()
