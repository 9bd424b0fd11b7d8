"""Leaflets through the real window: Ctrl+B from the Directory, the basket page, the preview
(QtPdf), printing to a PDF file through a replaced print dialog, Save as PDF, Copy as text, the
one-key "Record signposting?" prompt, booklets in the background, and the eligibility rule.

Only the print dialog (`printing.ask_printer`), file dialogs and message boxes (`ui.messages`) and
the signposting dialog are replaced; the database is a real SQLite file (the demo directory)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, LeafletReference, Organisation, Service, Staff
from sp_desktop.domain.enums import SignpostingMethod, VettingStatus
from sp_desktop.leaflets import LeafletFormat
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.ui import messages, printing
from sp_desktop.ui.dialogs.booklet_dialog import BookletDialog
from sp_desktop.ui.dialogs.leaflet_override_dialog import LeafletOverrideDialog
from sp_desktop.ui.dialogs.leaflet_preview_dialog import LeafletPreviewDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.pages.basket_page import BasketPage
from sp_desktop.ui.pages.directory_page import DirectoryPage
from tests.leaflet_support import pdf_text, squash

#: Set to resources/screenshots to refresh the README picture of the basket page.
SCREENSHOT_DIR_ENV = "SP_DESKTOP_SCREENSHOT_DIR"


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
        window.resize(1400, 860)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    yield make


class Printed(list[Path]):
    """The PDF files "printed" to, and the titles the print dialog was shown with."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Printed:
    """Replace the print dialog: each print goes to a new PDF file (Qt's PDF printer)."""
    files = Printed()

    def ask(parent: Any, title: str = "Print", page_size: Any = None) -> QPrinter:
        files.titles.append(title)
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        path = tmp_path / f"printed-{len(files) + 1}.pdf"
        printer.setOutputFileName(str(path))
        if page_size is not None:
            printer.setPageSize(page_size)
        files.append(path)
        return printer

    monkeypatch.setattr(printing, "ask_printer", ask)
    return files


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Message boxes answered without showing them; what was asked is recorded."""
    said: dict[str, Any] = {"confirm": [], "choose": [], "warn": [], "inform": [], "error": [],
                            "no_to": set()}

    def confirm(parent: Any, title: str, text: str, yes: str = "Yes", no: str = "No") -> bool:
        said["confirm"].append((title, text, yes, no))
        return title not in said["no_to"]

    def choose(parent: Any, title: str, text: str, options: list[tuple[str, str]], default: str,
               escape: str) -> str:
        said["choose"].append((title, text, options, default))
        return escape if title in said["no_to"] else default  # Enter, or Esc for a "no"

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "choose", choose)
    for name in ("warn", "inform", "error"):
        monkeypatch.setattr(messages, name, lambda parent, title, text, *a, _n=name, **k: said[_n].append(
            (title, text)))
    return said


@pytest.fixture
def signposting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    from sp_desktop.ui.dialogs import record_signposting_dialog

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(record_signposting_dialog.RecordSignpostingDialog, "ask",
                        classmethod(lambda cls, ctx, ids, method, parent=None: calls.append((ids, method))))
    return calls


def directory(window: MainWindow) -> DirectoryPage:
    page = window.page("directory")
    assert isinstance(page, DirectoryPage)
    return page


def basket(window: MainWindow) -> BasketPage:
    page = window.page("basket")
    assert isinstance(page, BasketPage)
    return page


def nav_text(window: MainWindow, key: str) -> str:
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            return str(item.text())
    raise KeyError(key)


def search(qtbot: Any, page: DirectoryPage, text: str) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == text)


def service_id(runtime: Runtime, name: str) -> int:
    with runtime.db.read() as s:
        sid = s.scalar(select(Service.id).where(Service.name == name))
        assert sid is not None, name
        return int(sid)


def unapproved_service(runtime: Runtime) -> tuple[int, str]:
    with runtime.db.read() as s:
        row = s.execute(select(Service.id, Service.name).join(Organisation)
                        .where(Organisation.vetting_status == VettingStatus.NOT_VETTED,
                               Service.archived_at.is_(None), Organisation.archived_at.is_(None))
                        .order_by(Service.id)).first()
        assert row is not None
        return int(row.id), str(row.name)


def render_page(path_or_bytes: Path | bytes, index: int = 0, width: int = 600) -> QImage:
    doc = printing.PdfBytes(path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes())
    size = doc.document.pagePointSize(index)
    image = doc.document.render(index, QSize(width, round(width * size.height() / size.width())))
    doc.close()
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def dark_fraction(image: QImage) -> float:
    dark = total = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            total += 1
            dark += image.pixelColor(x, y).lightness() < 128
    return dark / total


def similarity(a: QImage, b: QImage) -> float:
    """Share of sampled pixels that agree on dark / light (the printed page looks like the PDF page)."""
    same = total = 0
    for y in range(0, min(a.height(), b.height()), 2):
        for x in range(0, min(a.width(), b.width()), 2):
            total += 1
            same += (a.pixelColor(x, y).lightness() < 128) == (b.pixelColor(x, y).lightness() < 128)
    return same / total


# --------------------------------------------------------------------------- UX flow 1, no mouse
def test_receptionist_prints_a_debt_leaflet_without_the_mouse(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, printed: Printed, answers: dict[str, Any],
        signposting: list[Any]) -> None:
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    qtbot.keyClicks(QApplication.focusWidget(), "debt")
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == "debt")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    chosen = page.selected_row()
    assert chosen is not None and QApplication.focusWidget() is page.table
    assert nav_text(window, "basket") == "Leaflet basket (0)"
    qtbot.keyClick(page.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert nav_text(window, "basket") == "Leaflet basket (1)"
    assert basket(window).service_ids() == [chosen.id]
    assert basket(window).chosen_format() is LeafletFormat.STANDARD
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)  # prints in the background
    # the print dialog (replaced) was asked once, titled with the Standard format
    assert len(printed) == 1 and "Standard (A4)" in printed.titles[0]
    reader = PdfReader(str(printed[0]))
    assert int(reader.pages[0].mediabox.width) == 595  # A4
    leaflet = basket(window).last
    assert leaflet is not None and [e.service_id for e in leaflet.entries] == [chosen.id]
    # then the one-key prompt, answered Yes: the signposting dialog opens pre-filled
    prompt = [c for c in answers["confirm"] if c[0] == "Record signposting?"]
    assert prompt and prompt[0][2] == "&Yes, record it"
    assert signposting == [([chosen.id], SignpostingMethod.LEAFLET)]
    # the basket is empty for the next patient
    assert nav_text(window, "basket") == "Leaflet basket (0)"


def test_printed_pages_match_the_leaflet(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                         printed: Printed, answers: dict[str, Any],
                                         signposting: list[Any]) -> None:
    answers["no_to"].add("Record signposting?")
    window = open_window(demo_runtime, "Rachel Reception")
    page = basket(window)
    sid = service_id(demo_runtime, "Debt advice appointments")
    assert page.add_service(sid)
    expected = page.prepare()
    assert expected is not None
    page.print_leaflet(window)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)  # prints in the background
    assert len(printed) == 1
    out = printed[0]
    # what went to the printer is that leaflet with its own reference (and, when warned, the
    # "please phone before you go" line the person chose)
    with demo_runtime.db.read() as s:
        code = s.scalar(select(LeafletReference.code))
    expected = expected.with_reference(f"{code[:3]}-{code[3:]}")
    if expected.warnings:
        expected = expected.with_phone_first()
    pdf = expected.pdf()
    assert f"quote {code[:3]}-{code[3:]}" in " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    # to a PDF printer: the leaflet itself (vector, searchable), well under 1 MB
    assert out.stat().st_size < 1_000_000
    assert (PdfReader(str(out)).pages[0].extract_text() == PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert len(PdfReader(str(out)).pages) == len(PdfReader(io.BytesIO(pdf)).pages)
    original, on_paper = render_page(pdf), render_page(out)
    assert dark_fraction(on_paper) > 0.01  # not a blank page
    assert similarity(original, on_paper) > 0.97
    assert signposting == []  # answered No


def test_large_documents_print_in_the_background(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                 printed: Printed, answers: dict[str, Any],
                                                 signposting: list[Any]) -> None:
    window = open_window(demo_runtime, "Dr Gordon Gill")
    page = basket(window)
    for name in ("Debt advice appointments", "Debt and benefits drop-in", "Energy bill and fuel debt advice"):
        assert page.add_service(service_id(demo_runtime, name))
    page.set_format(LeafletFormat.LARGE)
    prepared = page.prepare()
    assert prepared is not None
    if prepared.warnings:  # Enter on "Check before printing" prints with "please phone before you go"
        prepared = prepared.with_phone_first()
    pages = len(PdfReader(io.BytesIO(prepared.pdf())).pages)
    assert pages >= printing.LARGE_DOCUMENT_PAGES
    page.print_leaflet(window)
    # printing runs on the task runner; the window stays responsive meanwhile
    qtbot.waitUntil(lambda: page.count() == 0, timeout=30000)
    assert len(PdfReader(str(printed[0])).pages) == pages
    assert signposting and len(signposting[0][0]) == 3


# --------------------------------------------------------------------------- the basket page
def test_basket_page_order_format_note_preview_save_and_copy(qtbot: Any, open_window: Any,
                                                             demo_runtime: Runtime, answers: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    window = open_window(demo_runtime, "Dr Gordon Gill")
    dpage = directory(window)
    search(qtbot, dpage, "debt")
    first, second = dpage.model.rows()[0], dpage.model.rows()[1]
    for row in (first, second):
        assert dpage.select_service(row.id)
        window.leaflet_actions.add_action.trigger()
    assert nav_text(window, "basket") == "Leaflet basket (2)"
    page = window.show_page("basket")
    assert isinstance(page, BasketPage)
    assert page.list.count() == 2 and page.list.item(0).text().startswith(f"1. {first.name}")
    # Compact holds one service only
    assert not page.format_buttons[LeafletFormat.COMPACT].isEnabled()
    # reorder and remove with the keyboard
    page.list.setFocus()
    page.list.setCurrentRow(1)
    qtbot.keyClick(page.list, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert page.service_ids() == [second.id, first.id]
    # large print, a personal note, signed
    page.set_format(LeafletFormat.LARGE)
    page.note.setPlainText("Your doctor suggests you call them this week.")
    page.sign_box.setChecked(True)
    # preview: QtPdf has the document loaded
    page.preview()
    dialog = page.preview_dialog
    assert isinstance(dialog, LeafletPreviewDialog)
    qtbot.waitExposed(dialog)
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() > 1
    dialog.next_page()
    assert dialog.current_page() == 1 and dialog.page_box.value() == 2
    before = dialog._effective_zoom()
    dialog.zoom_in()
    assert dialog.zoom_factor() > before
    dialog.fit_page()
    dialog.close()
    # save as PDF with a sensible default name
    asked: list[str] = []

    def save_file(parent: Any, title: str, default: str, filters: str) -> str:
        asked.append(default)
        return str(tmp_path / "chosen")  # no extension typed: .pdf is added

    monkeypatch.setattr(messages, "save_file", save_file)
    page.save_pdf()
    assert Path(asked[0]).name == "Support leaflet 24 Nov 2026.pdf"
    saved = tmp_path / "chosen.pdf"
    text = squash(pdf_text(saved.read_bytes()))
    for expected in (second.name, first.name, "Your doctor suggests you call them this week.",
                     "Dr Gordon Gill", "Printed 24 Nov 2026"):
        assert squash(expected) in text, expected
    # saved as PDF = handed over: the basket is emptied for the next patient, with Undo offered
    assert page.count() == 0 and nav_text(window, "basket") == "Leaflet basket (0)"
    assert window.undo_button.isVisible()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert page.service_ids() == [second.id, first.id] and not window.undo_button.isVisible()
    assert page.note.toPlainText() == "Your doctor suggests you call them this week."
    # copy as text: handed over the same way
    page.copy_text()
    clip = QApplication.clipboard().text()
    assert clip.index(second.name) < clip.index(first.name)
    assert "Your doctor suggests you call them this week." in clip
    assert page.count() == 0 and window.undo_button.isVisible()
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z: Undo
    assert page.count() == 2
    page.list.setCurrentRow(1)
    page.remove_selected()
    assert page.count() == 1 and nav_text(window, "basket") == "Leaflet basket (1)"
    assert page.format_buttons[LeafletFormat.COMPACT].isEnabled()


def test_ctrl_p_with_an_empty_basket_prints_the_selected_service(qtbot: Any, open_window: Any,
                                                                  demo_runtime: Runtime, printed: Printed,
                                                                  answers: dict[str, Any],
                                                                  signposting: list[Any]) -> None:
    answers["no_to"].add("Record signposting?")
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    search(qtbot, page, "lunch club")
    page.focus_results()
    chosen = page.selected_row()
    assert chosen is not None
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)  # prints in the background
    assert len(printed) == 1 and printed.titles[0].endswith(", 1 service")
    # quick print never goes through the basket: nothing is left for the next patient
    bpage = basket(window)
    assert bpage.count() == 0 and bpage.last is None
    assert nav_text(window, "basket") == "Leaflet basket (0)"


def test_cancelled_quick_print_leaves_nothing_for_the_next_patient(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, answers: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, signposting: list[Any]) -> None:
    asked: list[str] = []
    monkeypatch.setattr(printing, "ask_printer", lambda parent, title="", page_size=None: asked.append(title))
    window = open_window(demo_runtime, "Rachel Reception")
    page = directory(window)
    search(qtbot, page, "lunch club")
    page.focus_results()
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(asked) == 1)  # the leaflet is made in the background, then the print
    qtbot.waitUntil(lambda: not window.tasks.busy())  # dialog is shown, and cancelled
    assert len(asked) == 1
    assert basket(window).count() == 0 and basket(window).last is None
    assert window.basket_label.text() == "Leaflet basket: 0"


def test_warnings_are_shown_before_printing_and_cancel_stops_it(qtbot: Any, open_window: Any,
                                                                demo_runtime: Runtime, printed: Printed,
                                                                answers: dict[str, Any]) -> None:
    # a service whose details were last checked long ago
    with demo_runtime.db.write(demo_runtime.clock) as s:
        svc = s.scalar(select(Service).join(Organisation).where(
            Organisation.vetting_status == VettingStatus.APPROVED, Service.archived_at.is_(None),
            Organisation.archived_at.is_(None)).order_by(Service.id))
        svc.last_verified_on = demo_runtime.clock.now().date().replace(year=2024)
        sid, name = svc.id, svc.name
    window = open_window(demo_runtime, "Rachel Reception")
    page = basket(window)
    assert page.add_service(sid)
    assert not page.warnings.isHidden() and "more than 12 months ago" in page.warnings.text()
    answers["no_to"].add("Check before printing")
    page.print_leaflet(window)
    qtbot.waitUntil(lambda: bool(answers["choose"]))  # made in the background, then the warning
    qtbot.waitUntil(lambda: not window.tasks.busy())
    title, text, options, default = answers["choose"][0]
    assert title == "Check before printing" and name in text
    # Enter is the safe way forward (print with the line), not a silent nothing; Esc cancels
    assert default == "phone" and dict(options)["phone"] == "&Print with “please phone before you go”"
    assert printed == [] and page.count() == 1


def test_enter_on_the_warning_prints_with_please_phone_before_you_go(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, answers: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch, signposting: list[Any]) -> None:
    with demo_runtime.db.write(demo_runtime.clock) as s:
        svc = s.scalar(select(Service).join(Organisation).where(
            Organisation.vetting_status == VettingStatus.APPROVED, Service.archived_at.is_(None),
            Organisation.archived_at.is_(None)).order_by(Service.id))
        svc.last_verified_on = demo_runtime.clock.now().date().replace(year=2024)
        sid = svc.id
    sent: list[bytes] = []
    monkeypatch.setattr(printing, "print_document",
                        lambda parent, runner, data, title, on_done=None: (sent.append(data), on_done(True)))
    window = open_window(demo_runtime, "Rachel Reception")
    page = basket(window)
    assert page.add_service(sid)
    page.print_leaflet(window)  # the warning is answered with its default (Enter)
    qtbot.waitUntil(lambda: len(sent) == 1)  # made (twice: with the line) in the background
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert len(sent) == 1
    assert squash("Please phone before you go") in squash(pdf_text(sent[0]))
    assert page.count() == 0  # handed over


# --------------------------------------------------------------------------- the eligibility rule
def test_front_desk_cannot_add_an_unapproved_service(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                     answers: dict[str, Any]) -> None:
    sid, name = unapproved_service(demo_runtime)
    window = open_window(demo_runtime, "Rachel Reception")
    page = basket(window)
    assert not page.add_service(sid)
    assert page.count() == 0
    title, text = answers["warn"][0]
    assert title == "Not approved" and "Only a clinician" in text and name in text


def test_clinician_adds_an_unapproved_service_with_an_audited_reason(qtbot: Any, open_window: Any,
                                                                     demo_runtime: Runtime,
                                                                     answers: dict[str, Any],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sid, name = unapproved_service(demo_runtime)
    monkeypatch.setattr(LeafletOverrideDialog, "ask",
                        classmethod(lambda cls, check, parent=None: "Only group nearby for this need"))
    window = open_window(demo_runtime, "Dr Gordon Gill")
    page = basket(window)
    assert page.add_service(sid)
    assert "Not approved !" in page.list.item(0).text()
    assert "included on your recorded reason" in page.warnings.text()
    with demo_runtime.db.read() as s:
        rows = s.scalars(select(AuditEvent).where(
            AuditEvent.entity_type == "service", AuditEvent.entity_id == sid,
            AuditEvent.summary.like("%patient leaflet%"))).all()
        assert [r.staff_name for r in rows] == ["Dr Gordon Gill"]
        assert "Only group nearby for this need" in rows[0].summary
    prepared = page.prepare()
    assert prepared is not None and name in pdf_text(prepared.pdf())


def test_override_dialog_needs_a_reason(qtbot: Any, demo_runtime: Runtime) -> None:
    from sp_desktop.services.leaflets import LeafletService

    sid, _ = unapproved_service(demo_runtime)
    check = LeafletService(demo_runtime.context(actor_named(demo_runtime, "Dr Gordon Gill"))).check([sid])[0]
    dialog = LeafletOverrideDialog(check)
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "Nearest group")
    assert dialog.ok.isEnabled()


# --------------------------------------------------------------------------- booklets
def test_booklet_builds_in_the_background_then_previews(qtbot: Any, open_window: Any,
                                                        demo_runtime: Runtime,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    window = open_window(demo_runtime, "Lena Link")
    page = basket(window)
    window.leaflet_actions.booklet_action.trigger()
    dialog = page.booklet_dialog
    assert isinstance(dialog, BookletDialog)
    qtbot.waitExposed(dialog)
    choices = {dialog.list.item(i).text().strip(): dialog.list.item(i).data(Qt.ItemDataRole.UserRole)
               for i in range(dialog.list.count())}
    money = next(cid for text, cid in choices.items() if text.startswith("Money, debt and benefits"))
    dialog.set_chosen([money])
    assert dialog.chosen_ids() == [money]
    dialog.make()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=60000)
    preview = dialog.preview
    assert isinstance(preview, LeafletPreviewDialog)
    assert preview.document.pageCount() >= 3
    text = squash(pdf_text(preview.data))
    assert squash("Money, debt and benefits") in text and squash("Index of organisations") in text
    monkeypatch.setattr(messages, "save_file",
                        lambda parent, title, default, filters: str(tmp_path / Path(default).name))
    preview.save_document()
    assert (tmp_path / "Support booklet 24 Nov 2026.pdf").exists()
    preview.close()


def test_booklet_can_be_cancelled(qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    window = open_window(demo_runtime, "Lena Link")
    dialog = BookletDialog(window.ctx, window.tasks, window)
    qtbot.addWidget(dialog)
    dialog.make()
    dialog.task.cancel()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=60000)
    assert dialog.booklet is None and dialog.preview is None
    assert "no booklet was made" in dialog.status.text()


# --------------------------------------------------------------------------- pictures
def test_screenshots_of_the_basket_and_the_preview(qtbot: Any, open_window: Any, demo_runtime: Runtime,
                                                   answers: dict[str, Any], tmp_path: Path) -> None:
    window = open_window(demo_runtime, "Dr Gordon Gill")
    page = basket(window)
    for name in ("Debt advice appointments", "Debt and benefits drop-in"):
        assert page.add_service(service_id(demo_runtime, name))
    page.note.setPlainText("Your doctor suggests you call them this week.")
    page.sign_box.setChecked(True)
    window.show_page("basket")
    qtbot.waitUntil(page.isVisible)
    folder = Path(os.environ.get(SCREENSHOT_DIR_ENV) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(folder / "basket.png"))
    assert "Check before giving this leaflet" in page.warnings.text()
    page.preview()
    dialog = page.preview_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    shot = tmp_path / "preview.png"

    def painted() -> bool:
        dialog.grab().save(str(shot))
        return dark_fraction(QImage(str(shot)).convertToFormat(QImage.Format.Format_Grayscale8)) > 0.02

    qtbot.waitUntil(painted, timeout=10000)
    dialog.close()


# --------------------------------------------------------------------------- issue 14
def test_preview_names_characters_that_cannot_be_printed_and_asks_before_printing(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, answers: dict[str, Any], tmp_path: Path) -> None:
    window = open_window(demo_runtime, "Dr Gordon Gill")
    page = basket(window)
    assert page.add_service(service_id(demo_runtime, "Debt advice appointments"))
    page.note.setPlainText("See you on Tuesday \U0001F44D")
    page.preview()
    dialog = page.preview_dialog
    qtbot.waitUntil(dialog.isVisible)
    text = " ".join(w.text() for w in dialog.findChildren(type(dialog.page_label))
                    if w.objectName() == "preview_missing")
    assert "U+1F44D" in text and "THUMBS UP SIGN" in text and "Personal note" in text
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.print_anyway is not None and dialog.print_anyway.accessibleName()
    qtbot.keyClick(dialog.print_anyway, Qt.Key.Key_Space)  # keyboard: tick "Print anyway"
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    dialog.reject()


def test_copy_as_text_message_fits_three_sms(qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    from sp_desktop.leaflets.render import sms_length

    window = open_window(demo_runtime, "Rachel Reception")
    page = basket(window)
    for name in ("Debt advice appointments", "Debt and benefits drop-in"):
        assert page.add_service(service_id(demo_runtime, name))
    assert page.sms_button.isEnabled() and page.sms_button.accessibleName()
    window.show_page("basket")
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(page, Qt.Key.Key_M, keys)
    copied = QApplication.clipboard().text()
    used, limit = sms_length(copied)
    assert "Debt advice appointments" in copied and used <= limit


def test_the_partner_report_button_is_for_managers_only(qtbot: Any, open_window: Any,
                                                        demo_runtime: Runtime) -> None:
    for name, allowed in (("Rachel Reception", False), ("Dr Gordon Gill", False), ("Lena Link", True)):
        window = open_window(demo_runtime, name)
        page = window.show_page("reports")
        qtbot.waitUntil(lambda p=page: p.pdf_button.isEnabled(), timeout=30000)
        assert page.partner_button.isEnabled() is allowed, name
        if not allowed:
            assert "vetting lead or administrator" in page.partner_button.toolTip()
        window.close()


def test_the_basket_makes_the_leaflet_in_a_language_the_practice_has_typed(
        qtbot: Any, open_window: Any, demo_runtime: Runtime) -> None:
    from sp_desktop.services.leaflet_languages import LeafletLanguageService
    from sp_desktop.services.staff import Authenticator

    manager = Authenticator(demo_runtime.sign_in_context()).sign_in("Mary Manager", "demo")
    admin = demo_runtime.context(manager)
    LeafletLanguageService(admin).save_language("pl", "Polski (Polish)",
                                                {"title": "Wsparcie, które może pomóc"})
    window = open_window(demo_runtime, "Rachel Reception")
    page = basket(window)
    window.show_page("basket")
    assert page.language.isEnabled() and page.language.accessibleName()
    page.language.setCurrentIndex(page.language.findData("pl"))
    assert page.add_service(service_id(demo_runtime, "Debt advice appointments"))
    prepared = page.prepare()
    assert prepared is not None
    text = squash(pdf_text(prepared.pdf()))
    assert squash("Wsparcie, które może pomóc") in text
    assert squash("in English: no translation yet") in text  # no Polish for this service yet


def test_a_printed_leaflet_is_linked_to_its_signposting_record_and_a_cancelled_one_leaves_no_reference(
        qtbot: Any, open_window: Any, demo_runtime: Runtime, printed: Printed, answers: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.services.signposting import SignpostingForm, SignpostingService
    from sp_desktop.ui.dialogs import record_signposting_dialog

    window = open_window(demo_runtime, "Rachel Reception")
    ctx = window.ctx

    def record(cls: Any, ctx_: Any, ids: Any, method: Any, parent: Any = None) -> Any:
        return SignpostingService(ctx).record(SignpostingForm(list(ids), method))

    monkeypatch.setattr(record_signposting_dialog.RecordSignpostingDialog, "ask", classmethod(record))
    page = basket(window)
    sid = service_id(demo_runtime, "Debt advice appointments")
    assert page.add_service(sid)
    page.print_leaflet(window)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)
    with demo_runtime.db.read() as s:
        [(code, signposting_id)] = s.execute(select(LeafletReference.code,
                                                    LeafletReference.signposting_id)).all()
    assert signposting_id is not None  # the organisation's acknowledgement will find this record

    # a print cancelled at the print dialog gives no reference away
    monkeypatch.setattr(printing, "ask_printer", lambda parent, title="", page_size=None: None)
    assert page.add_service(sid)
    page.print_leaflet(window)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)
    with demo_runtime.db.read() as s:
        assert s.scalars(select(LeafletReference.code)).all() == [code]


def test_the_basket_saves_an_accessible_version_with_the_keyboard(qtbot: Any, open_window: Any,
                                                                   demo_runtime: Runtime,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    """Issue 22: beside the PDF and the plain text, the same leaflet as a web page a screen reader can
    navigate (headings, lists, links, lang="en-GB"), from the keyboard."""
    window = open_window(demo_runtime, "Rachel Reception")
    dpage = directory(window)
    search(qtbot, dpage, "debt")
    chosen = dpage.model.rows()[0]
    assert dpage.select_service(chosen.id)
    window.leaflet_actions.add_action.trigger()
    page = window.show_page("basket")
    asked: list[str] = []

    def save_file(parent: Any, title: str, default: str, filters: str) -> str:
        asked.append(default)
        return str(tmp_path / "for the patient")  # no extension typed: .html is added

    monkeypatch.setattr(messages, "save_file", save_file)
    button = page.accessible_button
    assert button.text() == "&Accessible version…" and button.isVisible() and button.isEnabled()
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)  # Tab reaches it (tests/gui/test_accessibility_gui.py)
    qtbot.waitUntil(lambda: (tmp_path / "for the patient.html").exists(), timeout=10000)
    assert Path(asked[0]).name == "Support leaflet 24 Nov 2026.html"
    html = (tmp_path / "for the patient.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html
    assert f'<h2 id="service-1">{chosen.name}' in html.replace("&#x27;", "'")
    assert "saved the accessible version" in window.statusBar().currentMessage().lower()
    with demo_runtime.db.read() as s:  # it left the practice: its own reference, quoted in the page
        code, form = s.execute(select(LeafletReference.code, LeafletReference.form)).one()
    assert form == "accessible" and f"<strong>{code[:3]}-{code[3:]}</strong>" in html
