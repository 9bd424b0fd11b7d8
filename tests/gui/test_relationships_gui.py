"""Relationships through the real window: logging a call with Ctrl+L, the timeline, trust notes,
the Network page ("who here knows the carers' centre?") and the Follow-ups page. Real SQLite
databases (the demo directory where realistic history matters); only modal questions, file and
printer choices are replaced."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QIcon
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from sp_desktop.db.models import Organisation, Staff
from sp_desktop.domain.enums import AccessRoute, AppRole, ContactKind, TrustNoteKind, VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services import relationships
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.directory import ContactForm, DirectoryService, OrganisationForm, ServiceForm
from sp_desktop.services.followups import FollowUpService
from sp_desktop.services.relationships import (
    ContactLogForm,
    ContactLogService,
    RelationshipService,
    TrustNoteService,
)
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.log_contact_dialog import LogContactDialog
from sp_desktop.ui.dialogs.organisation_relationship_dialog import OrganisationRelationshipDialog
from sp_desktop.ui.dialogs.trust_note_dialog import REMINDER, TrustNoteDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.models.relationship_models import (
    ContactTableModel,
    FollowUpTableModel,
    NetworkTableModel,
    PagedNetworkTableModel,
    TrustNoteTableModel,
)
from sp_desktop.ui.pages import network_page
from sp_desktop.ui.pages.followups_page import FollowUpsPage, MarkDoneDialog
from sp_desktop.ui.pages.network_page import NetworkPage

SENTINEL = "SENTINEL-TRUST-7f3a"


def actor_named(runtime: Runtime, name: str) -> Actor:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == name))
        assert staff is not None, name
        return Actor(staff.id, staff.name, staff.app_role)


def new_actor(runtime: Runtime, role: AppRole, name: str) -> Actor:
    with runtime.db.write(runtime.clock) as s:
        staff = Staff(name=name, job_role=role.label, app_role=role)
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.name, role)


def org_id_named(runtime: Runtime, name: str) -> int:
    with runtime.db.read() as s:
        org_id = s.scalar(select(Organisation.id).where(Organisation.name == name))
        assert org_id is not None
        return org_id


def show_active(qtbot: Any, widget: Any) -> Any:
    """Show a window and wait until it is the active one (keyboard shortcuts need that)."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[[Runtime, Actor], MainWindow]]:
    def make(runtime: Runtime, actor: Actor) -> MainWindow:
        window = MainWindow(runtime, runtime.context(actor))
        qtbot.addWidget(window)
        window.resize(1400, 850)
        return show_active(qtbot, window)

    yield make


def nav_text(window: MainWindow, key: str) -> str:
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            return item.text()
    raise KeyError(key)


def table_cells(model: Any) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def small_directory(runtime: Runtime, ctx: ServiceContext) -> tuple[int, int]:
    d = DirectoryService(ctx)
    heather = ContactForm("Heather McCallum", "Carer support worker")
    org = d.save_organisation(OrganisationForm(name="Cartside Carers Centre", contacts=[heather]))
    svc = d.save_service(ServiceForm(organisation_id=org.id, name="Young carers group",
                                     description="For carers.", access=[AccessRoute.SELF_REFERRAL]))
    return org.id, svc.id


# --------------------------------------------------------------------------- models
@pytest.mark.parametrize("which", ["contacts", "notes", "followups", "network", "network-paged"])
def test_relationship_models_pass_qtmodeltester(qtbot: Any, qtmodeltester: Any, demo_runtime: Runtime,
                                                which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = demo_runtime.context(actor_named(demo_runtime, "Lena Link"))
    model: Any
    if which == "contacts":
        model = ContactTableModel()
        model.set_rows(ContactLogService(ctx).timeline(org_id_named(demo_runtime, "Cartside Carers Centre")))
    elif which == "notes":
        model = TrustNoteTableModel()
        model.set_rows(TrustNoteService(ctx).notes(org_id_named(demo_runtime, "Openroom Youth Wellbeing")))
    elif which == "followups":
        model = FollowUpTableModel()
        model.set_rows(FollowUpService(ctx).items(include_done_days=30))
    elif which == "network":
        model = NetworkTableModel()
        model.set_table(RelationshipService(ctx).table("who_knows", "carers"))
    else:  # read page by page, sorted by the database
        monkeypatch.setattr(relationships, "PAGE_ORGANISATIONS", 3)
        monkeypatch.setattr(relationships, "PAGE_ROWS", 5)
        rel = RelationshipService(ctx)

        def read(column: int, descending: bool, after: Any) -> tuple[Any, Any]:
            page = rel.who_knows_page(sort_column=column, descending=descending, after=after)
            return rel.who_knows_table(page.rows), page.next

        sorted_model = PagedNetworkTableModel()  # sorted by a column in the database, then read
        sorted_model.sort(6, Qt.SortOrder.DescendingOrder)
        sorted_model.set_reader(read)
        assert sorted_model.canFetchMore()
        qtmodeltester.check(sorted_model)
        model = PagedNetworkTableModel()  # read, then sorted (a reset) while the tester watches
        model.set_reader(read)
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    if which == "network-paged":
        model.sort(5, Qt.SortOrder.AscendingOrder)
        assert model.rowCount() > 0


# --------------------------------------------------------------------------- Ctrl+L from the directory
def test_receptionist_logs_a_call_in_a_few_keystrokes(qtbot: Any, runtime: Runtime, open_window: Any) -> None:
    admin = new_actor(runtime, AppRole.ADMINISTRATOR, "Mary Manager")
    org_id, svc_id = small_directory(runtime, runtime.context(admin))
    rachel = new_actor(runtime, AppRole.FRONT_DESK, "Rachel Reception")
    window = open_window(runtime, rachel)
    page = window.page("directory")
    actions = {a.objectName(): a for a in page.selection_actions}
    assert actions["log_contact"].shortcut().toString() == "Ctrl+L"
    assert "trust_note" not in actions  # front desk: no trust notes at all
    assert page.select_service(svc_id)
    qtbot.waitUntil(lambda: "Relationship: None ○" in page.detail.toPlainText())

    typed: list[str] = []
    poll = QTimer()

    seen: dict[str, Any] = {}

    def fill_in() -> None:  # runs inside the dialog's event loop, once it is open
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LogContactDialog):
            return
        poll.stop()
        # Record what the person would see; never leave the modal dialog open on a failure.
        seen["kind"] = dialog.kind.currentData()
        seen["focus_on_summary"] = dialog.focusWidget() is dialog.summary  # focus within the dialog
        try:
            qtbot.keyClicks(dialog.summary, "Heather rang: group restarts in January")
            typed.append(dialog.summary.text())
            qtbot.keyClick(dialog.summary, Qt.Key.Key_Return)  # Enter saves
        finally:
            if dialog.isVisible():
                dialog.reject()

    poll.timeout.connect(fill_in)
    poll.start(20)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(ContactLogService(runtime.context(rachel)).timeline(org_id)))
    assert seen == {"kind": ContactKind.PHONE.value, "focus_on_summary": True}
    (entry,) = ContactLogService(runtime.context(rachel)).timeline(org_id)
    assert typed and entry.summary == "Heather rang: group restarts in January"
    assert entry.kind is ContactKind.PHONE and entry.staff_names == "Rachel Reception"
    assert entry.occurred_at == runtime.clock.now()
    qtbot.waitUntil(lambda: "Relationship: Fading ◐" in page.detail.toPlainText())
    assert "Heather rang: group restarts in January" in page.detail.toPlainText()


def test_front_desk_sees_history_but_not_trust_notes(qtbot: Any, demo_runtime: Runtime) -> None:
    carers = org_id_named(demo_runtime, "Cartside Carers Centre")
    desk = OrganisationRelationshipDialog(demo_runtime.context(actor_named(demo_runtime, "Rachel Reception")),
                                          carers)
    qtbot.addWidget(desk)
    assert desk.tabs.count() == 1 and desk.notes is None
    lead = OrganisationRelationshipDialog(demo_runtime.context(actor_named(demo_runtime, "Dr Gordon Gill")),
                                          carers)
    qtbot.addWidget(lead)
    assert lead.tabs.count() == 2 and lead.notes is not None


# --------------------------------------------------------------------------- timeline
def test_timeline_filters_and_shows_health(qtbot: Any, demo_runtime: Runtime, tmp_path: Path) -> None:
    lena = actor_named(demo_runtime, "Lena Link")
    carers = org_id_named(demo_runtime, "Cartside Carers Centre")
    dialog = OrganisationRelationshipDialog(demo_runtime.context(lena), carers)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "Relationship: Strong ●" in dialog.header.text()
    timeline = dialog.timeline
    everything = [e.occurred_at for e in timeline.model.rows]
    assert everything == sorted(everything, reverse=True) and len(everything) >= 4
    timeline.kind_filter.setCurrentIndex(timeline.kind_filter.findData("in_person"))
    assert timeline.model.rows and all(e.kind.face_to_face for e in timeline.model.rows)
    timeline.kind_filter.setCurrentIndex(0)
    rachel = actor_named(demo_runtime, "Rachel Reception")
    timeline.staff_filter.setCurrentIndex(timeline.staff_filter.findData(rachel.id))
    assert timeline.model.rows and all("Rachel Reception" in e.staff_names for e in timeline.model.rows)
    timeline.kind_filter.setCurrentIndex(timeline.kind_filter.findData(ContactKind.VIDEO.value))
    timeline.staff_filter.setCurrentIndex(timeline.staff_filter.findData(rachel.id))
    if not timeline.model.rows:
        assert "No contacts match these filters" in timeline.empty.text()
    dialog.grab().save(str(tmp_path / "timeline.png"))


def test_correcting_a_contact_through_the_dialog_is_audited(qtbot: Any, runtime: Runtime) -> None:
    admin = new_actor(runtime, AppRole.ADMINISTRATOR, "Mary Manager")
    org_id, _ = small_directory(runtime, runtime.context(admin))
    rachel = new_actor(runtime, AppRole.FRONT_DESK, "Rachel Reception")
    ctx = runtime.context(rachel)
    entry = ContactLogService(ctx).log(ContactLogForm(org_id, "Rang about the carers grup"))
    dialog = LogContactDialog(ctx, org_id, "Cartside Carers Centre", entry)
    qtbot.addWidget(dialog)
    dialog.summary.selectAll()
    qtbot.keyClicks(dialog.summary, "Rang about the carers group")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.summary == "Rang about the carers group"
    (latest, _created) = AuditService(runtime.context(admin)).history(entity_type="contact_event")
    assert latest.changes["summary"] == ["Rang about the carers grup", "Rang about the carers group"]


def test_log_dialog_shows_what_to_fix(qtbot: Any, runtime: Runtime) -> None:
    admin = new_actor(runtime, AppRole.ADMINISTRATOR, "Mary Manager")
    org_id, _ = small_directory(runtime, runtime.context(admin))
    dialog = LogContactDialog(runtime.context(admin), org_id, "Cartside Carers Centre")
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    qtbot.keyClicks(dialog.action, "Send the form")
    dialog.due.setDate(runtime.clock.now().date() - timedelta(days=3))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is None and dialog.errors.isVisibleTo(dialog)
    assert "one-line summary" in dialog.errors.text() and "before the contact" in dialog.errors.text()
    assert QApplication.focusWidget() is dialog.summary  # the first thing to fix


# --------------------------------------------------------------------------- trust notes
def test_safeguarding_note_asks_to_bring_review_forward_and_suspend(qtbot: Any, runtime: Runtime,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    admin = new_actor(runtime, AppRole.ADMINISTRATOR, "Mary Manager")
    org_id, svc_id = small_directory(runtime, runtime.context(admin))
    with runtime.db.write(runtime.clock) as s:
        org = s.get(Organisation, org_id)
        org.vetting_status = VettingStatus.APPROVED
        org.next_review_on = date(2027, 5, 1)
    gill = new_actor(runtime, AppRole.CLINICIAN, "Dr Gordon Gill")
    questions: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda _p, title, _text, **_kw: questions.append(title) or True)
    dialog = TrustNoteDialog(runtime.context(gill), org_id, "Cartside Carers Centre",
                             [(svc_id, "Young carers group")])
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    assert any(REMINDER in w.text() for w in dialog.findChildren(type(dialog.errors)))
    dialog.kind.setCurrentIndex(dialog.kind.findData(TrustNoteKind.SAFEGUARDING.value))
    dialog.about.setCurrentIndex(dialog.about.findData(svc_id))
    qtbot.keyClicks(dialog.text, f"Volunteer without a PVG check ran a one-to-one session. {SENTINEL}")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter saves
    assert questions == ["Bring the vetting review forward?", "Suspend from leaflets now?"]
    detail = DirectoryService(runtime.context(admin)).get_organisation(org_id)
    assert detail.vetting_status is VettingStatus.SUSPENDED
    assert detail.next_review_on == runtime.clock.now().date()
    assert SENTINEL not in (detail.vetting_reason or "")
    (note,) = TrustNoteService(runtime.context(gill)).notes(org_id)
    assert note.service_name == "Young carers group" and note.kind is TrustNoteKind.SAFEGUARDING


# --------------------------------------------------------------------------- the Network page
def test_network_page_answers_who_knows_the_carers_centre(qtbot: Any, demo_runtime: Runtime,
                                                          open_window: Any, tmp_path: Path) -> None:
    window = open_window(demo_runtime, actor_named(demo_runtime, "Rachel Reception"))
    page = window.show_page("network")
    assert isinstance(page, NetworkPage)
    qtbot.keyClicks(page.search, "carers")
    view = page.lists["who_knows"]
    qtbot.waitUntil(lambda: view.table_data is not None and "“carers”" in view.table_data.subtitle)
    cells = table_cells(view.proxy)
    cartside = [row for row in cells if row[0] == "Cartside Carers Centre"]
    assert [row[1] for row in cartside][:1] == ["Lena Link"]  # met in person most recently: first
    assert {"Lena Link", "Rachel Reception", "Dr Gordon Gill"} <= {row[1] for row in cartside}
    expected = {a.staff_name: a for a in RelationshipService(page.ctx).who_knows("carers")
                if a.organisation_name == "Cartside Carers Centre"}
    lena = cartside[0]
    assert lena[3] == f"{expected['Lena Link'].last_met.day} {expected['Lena Link'].last_met:%b %Y}"
    matching = RelationshipService(page.ctx).who_knows("carers")
    assert {row[0] for row in cells} == {a.organisation_name for a in matching}
    assert page.tabs.tabText(0) == f"Who knows whom ({len(cells)})"
    window.grab().save(str(tmp_path / "network.png"))

    page.search.clear()
    qtbot.keyClicks(page.search, "zzqx nobody")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert "No one here has logged contact" in view.empty.text()


def test_network_page_reads_the_organisation_lists_when_their_tab_is_shown(
        qtbot: Any, demo_runtime: Runtime, open_window: Any) -> None:
    gill = actor_named(demo_runtime, "Dr Gordon Gill")
    window = open_window(demo_runtime, gill)
    page = window.show_page("network")
    assert isinstance(page, NetworkPage)
    rel = RelationshipService(page.ctx)
    never_met, no_contact = rel.never_met(), rel.approved_without_contact()
    assert never_met and no_contact
    # The page opens on "Who knows whom"; the other tabs say how many before they are read.
    assert page.lists["who_knows"].table_data is not None
    assert page.lists["never_met"].table_data is None and page.lists["no_recent_contact"].table_data is None
    assert page.tabs.tabText(1) == f"No one has met ({len(never_met)})"
    assert page.tabs.tabText(2) == f"Approved, no contact in a year ({len(no_contact)})"

    page.tabs.setCurrentIndex(1)
    view = page.lists["never_met"]
    assert view.table_data is not None and view.model.rowCount() == len(never_met)
    assert [row[0] for row in table_cells(view.proxy)] == [o.name for o in never_met]
    assert page.lists["no_recent_contact"].table_data is None

    # A visit takes an organisation off the list on screen at once; the hidden list is read
    # afresh (with the new count on its tab) when it is shown.
    visited = never_met[0]
    ContactLogService(page.ctx).log(ContactLogForm(visited.organisation_id, "Visited",
                                                   kind=ContactKind.VISIT))
    page.refresh()
    assert page.tabs.tabText(1) == f"No one has met ({len(never_met) - 1})"
    assert visited.name not in [row[0] for row in table_cells(view.proxy)]
    no_contact_now = rel.approved_without_contact()
    assert page.tabs.tabText(2) == f"Approved, no contact in a year ({len(no_contact_now)})"
    page.tabs.setCurrentIndex(2)
    assert page.lists["no_recent_contact"].model.rowCount() == len(no_contact_now)


def test_who_knows_whom_is_read_as_it_is_scrolled_and_sorted_by_the_database(
        qtbot: Any, demo_runtime: Runtime, open_window: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A large practice's "Who knows whom" (70,000 pairs) is read a page at a time: here the demo
    directory with pages of a few organisations. The tab counts every row; the keyboard and
    scrolling read on; a click on a column header sorts every row, not just those read; Enter
    opens the row's organisation; printing prints the whole list."""
    monkeypatch.setattr(relationships, "PAGE_ORGANISATIONS", 4)
    monkeypatch.setattr(relationships, "PAGE_ROWS", 9)
    opened: list[int] = []

    def show_for(cls: Any, parent: Any, context: Any, organisation_id: int) -> bool:
        opened.append(organisation_id)
        return False

    monkeypatch.setattr(OrganisationRelationshipDialog, "show_for", classmethod(show_for))
    window = open_window(demo_runtime, actor_named(demo_runtime, "Rachel Reception"))
    page = window.show_page("network")
    assert isinstance(page, NetworkPage)
    everyone = RelationshipService(page.ctx).who_knows()
    listed = page.lists["who_knows"]
    table, model = listed.view, listed.model
    assert table.accessibleName() == "Who knows whom" and table.model() is model
    assert page.tabs.tabText(0) == f"Who knows whom ({len(everyone)})"
    assert 0 < model.rowCount() < len(everyone)  # the first page or two (to fill the table), not all

    # Ctrl+End goes to the last row read and reads on; so does scrolling to the end.
    table.setFocus()
    read = model.rowCount()
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.rowCount() > read)
    for _ in range(len(everyone)):
        if not model.canFetchMore():
            break
        table.scrollToBottom()
        QApplication.processEvents()
    cells = table_cells(model)
    assert [row[:2] for row in cells] == [[a.organisation_name, a.staff_name] for a in everyone]
    assert model.index(0, 1).data(Qt.ItemDataRole.AccessibleTextRole) == everyone[0].staff_name

    # "Contacts in all", most first: sorted in the database, so the most-contacted pair anywhere
    # in the list is first; equal counts keep the list's order.
    header = table.horizontalHeader()
    header.setSortIndicator(6, Qt.SortOrder.DescendingOrder)
    by_contacts = sorted(everyone, key=lambda a: a.contacts, reverse=True)
    shown = table_cells(model)
    assert 0 < len(shown) < len(everyone)
    assert [(r[0], r[1], r[6]) for r in shown] == [(a.organisation_name, a.staff_name, str(a.contacts))
                                                   for a in by_contacts[:len(shown)]]
    model.fetch_all()
    assert [(r[0], r[1]) for r in table_cells(model)] == [(a.organisation_name, a.staff_name)
                                                          for a in by_contacts]
    table.selectRow(2)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [by_contacts[2].organisation_id]

    # A search keeps the column sort; printing prints every row, in the list's own order.
    qtbot.keyClicks(page.search, "carers")
    qtbot.waitUntil(lambda: "“carers”" in listed.subtitle.text())
    carers = RelationshipService(page.ctx).who_knows("carers")
    assert page.tabs.tabText(0) == f"Who knows whom ({len(carers)})"
    model.fetch_all()
    carers.sort(key=lambda a: a.contacts, reverse=True)
    assert [(r[0], r[1]) for r in table_cells(model)] == [(a.organisation_name, a.staff_name) for a in carers]
    page.search.clear()
    qtbot.waitUntil(lambda: page.tabs.tabText(0) == f"Who knows whom ({len(everyone)})")
    pdf = tmp_path / "who-knows.pdf"

    def pdf_printer(_parent: Any, _title: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf))
        return printer

    monkeypatch.setattr(network_page, "choose_printer", pdf_printer)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    printed = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert f"{len(everyone)} rows" in printed and everyone[-1].organisation_name in printed


def test_network_lists_export_and_print_without_trust_notes(qtbot: Any, demo_runtime: Runtime,
                                                            open_window: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    gill = actor_named(demo_runtime, "Dr Gordon Gill")
    notes = TrustNoteService(demo_runtime.context(gill))
    rel = RelationshipService(demo_runtime.context(gill))
    quiet = [o.organisation_id for o in rel.never_met()[:1] + rel.approved_without_contact()[:1]]
    for org_id in [org_id_named(demo_runtime, "Cartside Carers Centre"), *quiet]:
        for kind in TrustNoteKind:
            notes.add(org_id, kind, f"{kind.label}: {SENTINEL}")
    window = open_window(demo_runtime, gill)
    page = window.show_page("network")
    assert isinstance(page, NetworkPage)
    qtbot.keyClicks(page.search, "carers")
    qtbot.waitUntil(lambda: page.lists["who_knows"].table_data is not None
                    and "carers" in page.lists["who_knows"].table_data.subtitle)
    for index, name in enumerate(("who_knows", "never_met", "no_recent_contact")):
        page.tabs.setCurrentIndex(index)
        target = tmp_path / f"{name}.csv"
        monkeypatch.setattr(messages, "save_file", lambda *_a, t=target: str(t))
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        text = target.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(text.splitlines()))
        assert len(rows) == page.lists[name].model.rowCount() + 1 >= 2
        assert SENTINEL not in text

        pdf = tmp_path / f"{name}.pdf"

        def pdf_printer(_parent: Any, _title: str, out: Path = pdf) -> QPrinter:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))
            return printer

        monkeypatch.setattr(network_page, "choose_printer", pdf_printer)
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        printed = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
        (tmp_path / f"{name}.txt").write_text(printed)
        assert page.lists[name].table_data.title in printed and rows[1][0].split()[0] in printed
        assert "not for patients" in printed and SENTINEL not in printed
    assert "Cartside Carers Centre" in (tmp_path / "who_knows.csv").read_text(encoding="utf-8-sig")


# --------------------------------------------------------------------------- the Follow-ups page
def test_follow_ups_page_shows_overdue_and_marks_done(qtbot: Any, runtime: Runtime, open_window: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    admin = new_actor(runtime, AppRole.ADMINISTRATOR, "Mary Manager")
    org_id, _ = small_directory(runtime, runtime.context(admin))
    rachel = new_actor(runtime, AppRole.FRONT_DESK, "Rachel Reception")
    ctx = runtime.context(rachel)
    now: datetime = runtime.clock.now()  # type: ignore[attr-defined]
    log = ContactLogService(ctx)
    log.log(ContactLogForm(org_id, "Rang about leaflets", occurred_at=now - timedelta(days=20),
                           follow_up_action="Send the new leaflet",
                           follow_up_due=now.date() - timedelta(days=6)))
    log.log(ContactLogForm(org_id, "Rang about dates", occurred_at=now - timedelta(days=1),
                           follow_up_action="Add January dates",
                           follow_up_due=now.date() + timedelta(days=5)))
    window = open_window(runtime, rachel)
    assert nav_text(window, "followups") == "Follow-ups (2)"
    page = window.show_page("followups")
    assert isinstance(page, FollowUpsPage)
    cells = table_cells(page.proxy)
    assert [row[0] for row in cells] == ["Overdue !", "Open"]
    assert cells[0][3] == "Send the new leaflet" and cells[0][1] == "18 Nov 2026"
    overdue_status = page.proxy.index(0, 0)
    icon = overdue_status.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()  # an icon, not colour alone
    font = overdue_status.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert page.summary.text() == "2 open, 1 overdue !"

    monkeypatch.setattr(MarkDoneDialog, "ask", classmethod(lambda cls, _p, item: "Posted 20 copies"))
    page.focus_search()  # selects the first row
    assert page.selected_item() is not None and page.selected_item().title == "Send the new leaflet"
    qtbot.keyClick(page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: nav_text(window, "followups") == "Follow-ups (1)")
    assert [row[3] for row in table_cells(page.proxy)] == ["Add January dates"]
    history = AuditService(runtime.context(admin)).history(entity_type="contact_event")
    assert history[0].summary == "follow-up done: Send the new leaflet"
    assert history[0].staff_name == "Rachel Reception"
    page.show_done.setChecked(True)
    assert [row[0] for row in table_cells(page.proxy)] == ["Open", "Done ✓ 24 Nov 2026"]


def test_choosing_a_planned_visit_fills_in_its_follow_up_and_keeps_typed_words(qtbot: Any,
                                                                                runtime: Runtime) -> None:
    admin = new_actor(runtime, AppRole.ADMINISTRATOR, "Mary Manager")
    org_id, _svc_id = small_directory(runtime, runtime.context(admin))
    dialog = LogContactDialog(runtime.context(admin), org_id, "Cartside Carers")
    qtbot.addWidget(dialog)
    assert not dialog.due.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ContactKind.VISIT_PLANNED.value))
    assert dialog.action.text() == "Visit them" and dialog.due.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ContactKind.INVITE.value))
    assert dialog.action.text() == "Practice meeting with them"
    dialog.action.setText("Meet Heather at the January practice meeting")
    dialog.kind.setCurrentIndex(dialog.kind.findData(ContactKind.VISIT_PLANNED.value))
    assert dialog.action.text() == "Meet Heather at the January practice meeting"  # never replaced
    dialog.kind.setCurrentIndex(dialog.kind.findData(ContactKind.PHONE.value))
    assert dialog.action.text() == "Meet Heather at the January practice meeting"
