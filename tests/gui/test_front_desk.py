"""The front desk, measured the way a receptionist works: the real MainWindow on the demo directory
(a real SQLite file), driven with keys and clicks (never by calling slots).

Only the print dialog (`printing.ask_printer`, which prints to a PDF file instead), message boxes
(`ui.messages`) and the signposting dialog are replaced. What went to the printer is read back:
the leaflet PDF handed to `printing.print_document` (pypdf) and the file Qt printed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QToolButton, QWidget
from shiboken6 import isValid
from sqlalchemy import inspect, select, text

from sp_desktop.db.models import Organisation, Service, Staff
from sp_desktop.domain.enums import VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.ui import messages, printing
from sp_desktop.ui.dialogs.service_detail_dialog import ServiceDetailDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages.basket_page import BasketPage
from sp_desktop.ui.pages.directory_page import DirectoryPage
from tests.leaflet_support import pdf_text, squash

SCREENSHOTS = Path("/tmp/i15-shots")


# --------------------------------------------------------------------------- helpers
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
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    yield make


class Sent(list[bytes]):
    """The leaflet PDFs that went to the (replaced) printer, and the files Qt printed them to."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[Path] = []
        self.cancel = False

    def services_on(self, index: int) -> str:
        return squash(pdf_text(self[index]))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Sent:
    out = Sent()
    real = printing.print_document

    def ask(parent: Any, title: str = "Print", page_size: Any = None) -> QPrinter | None:
        if out.cancel:
            return None
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        path = tmp_path / f"printed-{len(out.files) + 1}.pdf"
        printer.setOutputFileName(str(path))
        out.files.append(path)
        return printer

    def print_document(parent: Any, runner: Any, data: bytes, title: str, on_done: Any = None) -> None:
        if not out.cancel:
            out.append(data)
        real(parent, runner, data, title, on_done)

    monkeypatch.setattr(printing, "ask_printer", ask)
    monkeypatch.setattr(printing, "print_document", print_document)
    return out


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Message boxes answered as Esc would (the safe "no"), and recorded."""
    said: dict[str, list[Any]] = {"confirm": [], "choose": [], "warn": [], "inform": [], "error": []}

    def confirm(parent: Any, title: str, text: str, yes: str = "Yes", no: str = "No") -> bool:
        said["confirm"].append((title, text))
        return False

    def choose(parent: Any, title: str, text: str, options: Any, default: str, escape: str) -> str:
        said["choose"].append((title, text))
        return default  # Enter

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "choose", choose)
    for name in ("warn", "inform", "error"):
        monkeypatch.setattr(messages, name, lambda parent, title, text, *a, _n=name, **k: said[_n].append(
            (title, text)))
    return said


def directory(window: MainWindow) -> DirectoryPage:
    page = window.page("directory")
    assert isinstance(page, DirectoryPage)
    return page


def basket(window: MainWindow) -> BasketPage:
    page = window.page("basket")
    assert isinstance(page, BasketPage)
    return page


def type_search(qtbot: Any, page: DirectoryPage, words: str) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    qtbot.keyClicks(page.search, words)
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == words)
    # the offscreen platform does not hand activation back after a popup (the search's word
    # suggestions) closes, as a desktop does
    page.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)


def settle(qtbot: Any, window: QWidget) -> None:
    """After a key: a dialog that opened has the keyboard, and when it closed the window has it
    back (as a desktop's window manager does; the offscreen platform does neither by itself)."""
    def ready() -> bool:
        modal = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if modal is None and focus is None:
            window.activateWindow()
        return focus is not None and (modal is None or modal is focus or modal.isAncestorOf(focus))

    qtbot.waitUntil(ready)


def wait_printed(qtbot: Any, window: MainWindow) -> None:
    """Printing runs in the background: wait until the pages went and the window heard back (and
    give the window the keyboard back after the progress dialog, as a desktop does)."""
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)
    if QApplication.activeModalWidget() is None:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def database_rows(runtime: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index too), for "nothing changed" comparisons."""
    with runtime.db.read() as s:
        names = inspect(s.get_bind()).get_table_names()
        return {n: sorted(map(tuple, s.execute(text(f'SELECT * FROM "{n}"')).all()), key=repr) for n in names}


def approved(runtime: Runtime, service_id: int) -> bool:
    with runtime.db.read() as s:
        status = s.scalar(select(Organisation.vetting_status).join(Service).where(Service.id == service_id))
        return status is VettingStatus.APPROVED


def shot(widget: QWidget, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SCREENSHOTS / f"{name}.png"))


# --------------------------------------------------------------------------- the measurements
def test_from_typing_debt_to_a_printed_leaflet_is_one_key(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                           sent: Sent, answers: dict[str, Any]) -> None:
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    top = page.model.rows()[0]
    assert page.selected_service_id() == top.id and approved(demo_runtime, top.id)
    keys = 0
    qtbot.keyClick(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    keys += 1
    wait_printed(qtbot, window)
    assert keys <= 2 and len(sent) == 1
    text_on_paper = sent.services_on(0)
    assert squash(top.name) in text_on_paper
    assert len(PdfReader(str(sent.files[0])).pages) == len(PdfReader(io.BytesIO(sent[0])).pages)
    # quick print went straight to paper: the basket was never used
    assert basket(window).count() == 0 and window.basket_label.text() == "Leaflet basket: 0"
    assert answers["confirm"][0][0] == "Record signposting?"  # then the one-key prompt


def test_enter_then_enter_prints_from_the_read_only_view(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                         sent: Sent, answers: dict[str, Any]) -> None:
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    chosen = page.selected_row()
    assert chosen is not None and focused() is page.table
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # 1: opens the read-only view
    dialog = page.detail_dialog
    assert isinstance(dialog, ServiceDetailDialog)
    qtbot.waitExposed(dialog)
    settle(qtbot, window)
    shot(dialog, "service_detail_front_desk")
    # the front desk sees Print (default), Add to basket and Suggest a change — no Edit
    assert dialog.print_button.isDefault() and dialog.suggest_button.isVisibleTo(dialog)
    assert not dialog.edit_button.isVisibleTo(dialog)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # 2: prints
    wait_printed(qtbot, window)
    assert len(sent) == 1 and squash(chosen.name) in sent.services_on(0)
    assert not isValid(dialog) or not dialog.isVisible()
    assert basket(window).count() == 0


def test_a_second_patients_print_holds_only_their_service(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                          sent: Sent, answers: dict[str, Any]) -> None:
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    # patient 1: a debt service put in the basket (Ctrl+B), then printed (Ctrl+P)
    type_search(qtbot, page, "debt")
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    first = page.selected_row()
    assert first is not None
    qtbot.keyClick(page.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.basket_label.text() == "Leaflet basket: 1"
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, window)
    assert len(sent) == 1 and window.basket_label.text() == "Leaflet basket: 0"
    assert window.undo_button.isVisible()  # Undo, for a few seconds
    # patient 2: a cancelled quick print first, then the real one
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # Next patient
    assert focused() is page.search and page.search.text() == ""
    type_search(qtbot, page, "lunch club")
    second = page.selected_row()
    assert second is not None and second.id != first.id
    sent.cancel = True
    qtbot.keyClick(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert basket(window).count() == 0  # a cancelled quick print leaves nothing behind
    sent.cancel = False
    qtbot.keyClick(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, window)
    assert len(sent) == 2
    on_paper = sent.services_on(1)
    assert squash(second.name) in on_paper and squash(first.name) not in on_paper


def test_next_patient_empties_the_basket_with_undo(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                   answers: dict[str, Any]) -> None:
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert basket(window).count() == 1
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert basket(window).count() == 0 and window.basket_label.text() == "Leaflet basket: 0"
    assert page.search.text() == "" and focused() is page.search
    shot(window, "next_patient_undo")
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert basket(window).count() == 1 and not window.undo_button.isVisible()


def test_hurried_keys_change_nothing_in_the_database(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                     sent: Sent, answers: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.ui.dialogs import record_signposting_dialog

    monkeypatch.setattr(record_signposting_dialog.RecordSignpostingDialog, "ask",
                        classmethod(lambda cls, *a, **k: None))
    before = database_rows(demo_runtime)
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    # the sequence: Down, Enter, "x", Enter, Escape — and again, more hurried
    for key in [Qt.Key.Key_Down, Qt.Key.Key_Return, "x", Qt.Key.Key_Return, Qt.Key.Key_Escape,
                Qt.Key.Key_Return, "x", Qt.Key.Key_Escape, Qt.Key.Key_Escape, Qt.Key.Key_Down, "x",
                Qt.Key.Key_Return, Qt.Key.Key_Return, Qt.Key.Key_Escape]:
        if isinstance(key, str):
            qtbot.keyClicks(focused(), key)
        else:
            qtbot.keyClick(focused(), key)
        settle(qtbot, window)
        wait_printed(qtbot, window)
    after = database_rows(demo_runtime)
    # the Enter in the read-only view printed (that is what Enter means there) — nothing was edited;
    # each leaflet that went to the printer was given its own reference, and nothing else changed
    printed_refs = after.pop("leaflet_reference"), after.pop("leaflet_reference_service")
    before.pop("leaflet_reference"), before.pop("leaflet_reference_service")
    assert after == before
    assert len(sent) >= 1 and len(printed_refs[0]) == len(sent)


def test_the_mouse_route_prints_in_two_clicks(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                              sent: Sent, answers: dict[str, Any]) -> None:
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    clicks = 0
    rect = page.table.visualRect(page.model.index(1, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    clicks += 1
    chosen = page.selected_row()
    assert chosen is not None and chosen.id == page.model.rows()[1].id
    button = page.toolbar.widgetForAction(window.leaflet_actions.print_selected_action)
    assert isinstance(button, QToolButton) and button.isVisible()
    shot(window, "directory_print_on_toolbar")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    clicks += 1
    wait_printed(qtbot, window)
    assert clicks <= 3 and len(sent) == 1 and squash(chosen.name) in sent.services_on(0)


def test_front_desk_sees_no_actions_it_cannot_use(qtbot: Any, open_window: Any,
                                                   demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    assert approved(demo_runtime, page.model.rows()[0].id)
    assert not page.archive_action.isVisible()
    assert not page.edit_service_action.isVisible() and page.suggest_action.isVisible()
    window.show_page("directory")
    assert page.edit_menu is not None
    texts = [a.text() for a in page.edit_menu.actions() if a.isVisible()]
    assert "Archive…" not in texts and "Restore…" not in texts


def test_context_menu_offers_print_and_menus_show_shortcuts(qtbot: Any, open_window: Any,
                                                            demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime, "Lena Link")
    page = directory(window)
    type_search(qtbot, page, "debt")
    texts: list[str] = []

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMenu

    def read_menu() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            texts.extend(a.text() for a in menu.actions())
            menu.close()

    QTimer.singleShot(100, read_menu)
    rect = page.table.visualRect(page.model.index(0, 0))
    page.table.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: bool(texts))
    assert "Print leaflet\tCtrl+P" in texts


# --------------------------------------------------------------------------- first start
def _forget_the_practice(runtime: Runtime) -> None:
    from sp_desktop.db.models import Setting

    with runtime.db.write(runtime.clock) as s:
        for row in s.scalars(select(Setting).where(Setting.key.like("practice_%"))):
            s.delete(row)


def test_first_start_asks_the_administrator_for_the_practice_before_any_leaflet(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, sent: Sent, answers: dict[str, Any]) -> None:
    from sp_desktop.ui.dialogs.practice_details_dialog import PracticeDetailsDialog

    _forget_the_practice(demo_runtime)
    window = MainWindow(demo_runtime, demo_runtime.context(actor_named(demo_runtime, "Mary Manager")))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: isinstance(getattr(window, "practice_dialog", None), PracticeDetailsDialog))
    dialog = window.practice_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.isModal() or dialog.windowModality() is Qt.WindowModality.WindowModal
    shot(dialog, "practice_details_first_run")
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    qtbot.keyClicks(dialog.name, "Abbeyfield Surgery")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter moves on; it does not close the form
    assert dialog.isVisible() and QApplication.focusWidget() is dialog.address
    qtbot.keyClicks(dialog.address, "2 Mill Lane")
    dialog.phone.setFocus()
    qtbot.keyClicks(dialog.phone, "0141 496 0777")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.activateWindow()
    page = directory(window)
    type_search(qtbot, page, "debt")
    qtbot.keyClick(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, window)
    assert len(sent) == 1
    text_on_paper = sent.services_on(0)
    assert squash("Abbeyfield Surgery") in text_on_paper and squash("0141 496 0777") in text_on_paper
    assert "yourgppractice" not in text_on_paper.lower().replace(" ", "")


def test_without_the_practices_name_nothing_prints_and_the_front_desk_is_told_whom_to_ask(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, sent: Sent, answers: dict[str, Any]) -> None:
    _forget_the_practice(demo_runtime)
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    qtbot.keyClick(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert sent == [] and sent.files == []
    title, text_shown = answers["warn"][0]
    assert title == "The practice's details are missing" and "administrator" in text_shown


def test_window_settings_live_in_the_data_folder(qapp: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from sp_desktop.app import keep_window_settings_in

    try:
        practice = keep_window_settings_in(tmp_path / "practice", demo=False)
        QSettings().setValue("main_window/geometry", b"practice")
        QSettings().sync()
        assert Path(QSettings().fileName()) == practice and practice.is_file()
        assert practice.is_relative_to(tmp_path / "practice")
        demo = keep_window_settings_in(tmp_path / "practice", demo=True)
        assert demo != practice and QSettings().value("main_window/geometry") is None
        other = keep_window_settings_in(tmp_path / "elsewhere", demo=False)
        assert other.is_relative_to(tmp_path / "elsewhere")
        assert QSettings().value("main_window/geometry") is None
    finally:
        QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


# --------------------------------------------------------------------------- no silent nothing
def test_log_contact_never_loses_typing(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.ui.dialogs.log_contact_dialog import LogContactDialog

    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    row = page.selected_row()
    assert row is not None
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask_save_discard_cancel",
                        lambda parent, title, text: asked.append(text) or "cancel")  # Keep editing
    dialog = LogContactDialog(window.ctx, row.organisation_id, row.organisation_name, None, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.summary)
    qtbot.keyClicks(dialog.summary, "Rang about the January dates")
    # Esc asks first; "Keep editing" keeps the dialog and the text
    qtbot.keyClick(dialog.summary, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible() and dialog.summary.text() == "Rang about the January dates"
    # Tabbed through to Cancel, Enter does not throw the typing away: Enter means Save
    cancel = next(b for b in dialog.buttons.buttons()
                  if dialog.buttons.buttonRole(b) == dialog.buttons.ButtonRole.RejectRole)
    assert not cancel.autoDefault()
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert dialog.saved is not None and dialog.saved.summary == "Rang about the January dates"


def test_already_referred_is_recorded_as_a_referral(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                    sent: Sent, answers: dict[str, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.domain.enums import SignpostingMethod
    from sp_desktop.ui.dialogs import record_signposting_dialog

    recorded: list[Any] = []
    monkeypatch.setattr(record_signposting_dialog.RecordSignpostingDialog, "ask",
                        classmethod(lambda cls, ctx, ids, method, parent=None:
                                    recorded.append((ids, method))))
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, yes="", no="": True)
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    row = page.selected_row()
    assert row is not None
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    bpage = basket(window)
    bpage.referred_box.setChecked(True)  # the practice has referred them: the leaflet says so
    bpage.print_leaflet(window)
    wait_printed(qtbot, window)
    assert squash("We have referred you to this service") in sent.services_on(0)
    assert recorded == [([row.id], SignpostingMethod.REFERRAL_FORM)]  # and so does the record


# --------------------------------------------------------------------------- vetted data changes on purpose
def test_front_desk_suggests_and_the_lead_accepts_field_by_field(qtbot: Any, open_window: Any,
                                                                  demo_runtime: Runtime,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.services.directory import DirectoryService
    from sp_desktop.services.vetting import DueKind
    from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog
    from sp_desktop.ui.dialogs.suggestion_dialog import SuggestionDialog

    def suggest(_cls: type, parent: Any, ctx: Any, **kw: Any) -> Any:  # the real form, typed into
        assert kw.get("suggest") is True
        dialog = EditServiceDialog(ctx, parent, **kw)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.save_button.text() == "Send &suggestion" and not dialog.verified_check.isEnabled()
        shot(dialog, "suggest_a_change")
        dialog.description.selectAll()
        qtbot.keyClicks(dialog.description, "Drop-in on Mondays only from January.")
        dialog.name.setFocus()
        qtbot.keyClick(dialog.name, Qt.Key.Key_End)
        qtbot.keyClicks(dialog.name, " (Mondays)")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == dialog.DialogCode.Accepted
        return dialog.result_detail

    monkeypatch.setattr(EditServiceDialog, "ask", classmethod(suggest))
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    type_search(qtbot, page, "debt")
    row = page.selected_row()
    assert row is not None and approved(demo_runtime, row.id)
    before = DirectoryService(window.ctx).get_service(row.id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F2)  # the front desk's F2: Suggest a change
    from sp_desktop.services.suggestions import SuggestionService

    assert [s.label for s in SuggestionService(window.ctx).pending()] == [before.name]
    after = DirectoryService(window.ctx).get_service(row.id)
    assert (after.name, after.description, after.version) == (before.name, before.description, before.version)

    # the vetting lead: Reviews due, the suggestion near the top, Enter opens it
    lead = open_window(demo_runtime, "Lena Link")
    reviews = lead.show_page("reviews")
    rows = [reviews.model.row_at(r) for r in range(reviews.model.rowCount())]
    index = next(i for i, r in enumerate(rows) if r.kind is DueKind.SUGGESTED)
    assert all(r.kind.first for r in rows[:index]) and "Rachel Reception suggested" in rows[index].what
    decided: list[str] = []

    def decide(dialog: SuggestionDialog) -> int:
        shot(dialog, "suggestion_for_the_lead")
        assert set(dialog.boxes) == {"Name", "Description"}
        assert dialog.boxes["Name"].text() == "Accept the new name"  # read by its visible words
        assert dialog.boxes["Name"].accessibleDescription() == (f"Name: from {before.name} to "
                                                                f"{before.name} (Mondays)")
        dialog.boxes["Name"].setChecked(False)  # the lead keeps the name
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
        decided.append(dialog.decided.state if dialog.decided else "")
        return int(dialog.result())

    monkeypatch.setattr(SuggestionDialog, "exec", decide)
    reviews.table.setFocus()
    reviews.table.selectRow(index)
    qtbot.keyClick(reviews.table, Qt.Key.Key_Return)
    assert decided == ["partly accepted"]
    now = DirectoryService(lead.ctx).get_service(row.id)
    assert now.name == before.name and now.description == "Drop-in on Mondays only from January."
    assert now.last_verified_on == before.last_verified_on


def test_the_lead_sees_old_and_new_before_changing_an_approved_leaflet(
        qtbot: Any, demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.services.directory import DirectoryService
    from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog

    ctx = demo_runtime.context(actor_named(demo_runtime, "Lena Link"))
    sid = DirectoryService(ctx).search("debt").rows[0].id
    assert approved(demo_runtime, sid)
    asked: list[str] = []
    answer = [False, True]
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, yes="", no="": asked.append(text)
                        or answer.pop(0))
    dialog = EditServiceDialog(ctx, None, sid)
    qtbot.addWidget(dialog)
    dialog.show()
    old = dialog.name.text()
    dialog.name.setText(old + " (new)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and DirectoryService(ctx).get_service(sid).name == old  # "Keep editing"
    assert f"Name: “{old}” → “{old} (new)”" in asked[0]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and DirectoryService(ctx).get_service(sid).name == old + " (new)"
