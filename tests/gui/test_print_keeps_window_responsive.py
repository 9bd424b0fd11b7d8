"""Issue 15: the first Ctrl+P opens its print dialog without freezing the window.

The real MainWindow on the demo directory (a real SQLite file), the front desk signed in, in this
test process's first leaflet (the basket page never built): type "debt", Ctrl+P. A QTimer heartbeat
every 10 ms counts how often the event loop ran between the key press and the print dialog; the
leaflet is built and rendered on a worker (checked by the thread that runs the renderer), with its
progress and Cancel in the status bar. The longest gap is printed; the benchmark
(tests/benchmarks/test_front_desk_print_benchmark.py) holds it to 200 ms on a quiet machine.

Only the print dialog (`printing.ask_printer`: a PDF printer) and the message boxes are replaced.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QProgressBar
from sqlalchemy import func, select

from sp_desktop.db.models import LeafletReference, Staff
from sp_desktop.leaflets import render
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.ui import messages, printing
from sp_desktop.ui.main_window import MainWindow
from tests.leaflet_support import pdf_text, squash


def _window(qtbot: Any, runtime: Runtime) -> MainWindow:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == "Rachel Reception"))
        assert staff is not None
        actor = Actor(staff.id, staff.name, staff.app_role)
    window = MainWindow(runtime, runtime.context(actor))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_first_ctrl_p_keeps_the_window_answering_until_its_print_dialog(
        qtbot: Any, demo_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[float] = []
    prompts: list[str] = []
    rendered_on: list[threading.Thread] = []
    real_render = render.render_leaflet

    def ask(parent: Any, title: str = "Print", page_size: Any = None) -> QPrinter:
        asked.append(time.perf_counter())
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        return printer

    def render_leaflet(*args: Any, **kwargs: Any) -> bytes:
        rendered_on.append(threading.current_thread())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(printing, "ask_printer", ask)
    monkeypatch.setattr(render, "render_leaflet", render_leaflet)
    monkeypatch.setattr(messages, "confirm", lambda parent, title, *a, **k: prompts.append(title) or False)
    monkeypatch.setattr(messages, "choose", lambda parent, title, text, options, default, escape: default)
    window = _window(qtbot, demo_runtime)
    page = window.page("directory")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    qtbot.keyClicks(page.search, "debt")
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == "debt")
    top = page.selected_row()
    assert top is not None

    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    pressed = time.perf_counter()
    qtbot.keyClick(page.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    returned = time.perf_counter()
    bars = window.statusBar().findChildren(QProgressBar, "leaflet_progress")
    assert bars and bars[0].isVisible(), "no progress shown while the leaflet is made"
    qtbot.waitUntil(lambda: bool(asked), timeout=60000)
    heartbeat.stop()
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)

    during = [b for b in beats if b < asked[0]]
    gaps = [(b - a) * 1000 for a, b in zip([pressed, *during], during, strict=False)]
    print(f"\nfirst Ctrl+P: the key handled in {(returned - pressed) * 1000:.0f} ms, print dialog after "
          f"{(asked[0] - pressed) * 1000:.0f} ms; {len(during)} heartbeats meanwhile, longest gap "
          f"{max(gaps, default=0):.0f} ms")
    # the window went on answering while the leaflet was made: the key returned at once and the
    # event loop ran again and again before the print dialog (before, not once). How many times
    # depends on how fast the leaflet was made; the 200 ms budget is timed by the benchmark
    # (tests/benchmarks), not here: the default suite does not time things.
    assert returned < asked[0] and len(during) >= 3
    assert rendered_on and all(t is not threading.main_thread() for t in rendered_on)
    assert "basket" not in window.pages.built()  # quick print does not build the basket page
    assert squash(top.name) in squash(pdf_text((tmp_path / "printed.pdf").read_bytes()))
    assert prompts == ["Record signposting?"]
    assert not window.statusBar().findChildren(QProgressBar, "leaflet_progress")  # gone again


def test_cancel_in_the_status_bar_prints_nothing_and_takes_the_reference_back(
        qtbot: Any, demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    gate = threading.Event()
    real_render = render.render_leaflet

    def slow_render(*args: Any, **kwargs: Any) -> bytes:
        gate.wait(20)  # the person presses Cancel while the pages are laid out
        return real_render(*args, **kwargs)

    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: asked.append("print") and None)
    monkeypatch.setattr(render, "render_leaflet", slow_render)
    monkeypatch.setattr(messages, "choose", lambda parent, title, text, options, default, escape: default)
    with demo_runtime.db.read() as s:
        references_before = s.scalar(select(func.count()).select_from(LeafletReference))
    window = _window(qtbot, demo_runtime)
    page = window.page("directory")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    qtbot.keyClicks(page.search, "debt")
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == "debt")
    qtbot.keyClick(page.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # hurried: again
    assert "being prepared" in window.statusBar().currentMessage()
    from PySide6.QtWidgets import QToolButton

    cancel = window.statusBar().findChild(QToolButton, "leaflet_progress_cancel")
    assert cancel is not None and cancel.isVisible()
    Path("/tmp/i15-shots").mkdir(exist_ok=True)
    window.grab().save("/tmp/i15-shots/preparing_the_leaflet.png")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30000)
    assert asked == []  # no print dialog, nothing printed
    assert "Not printed" in window.statusBar().currentMessage()
    with demo_runtime.db.read() as s:  # the reference given to the leaflet was taken back
        assert s.scalar(select(func.count()).select_from(LeafletReference)) == references_before
