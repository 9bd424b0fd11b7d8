"""Benchmark (issue 15): the event loop is not blocked for more than 200 ms while a leaflet is made
and printed, the first time too.

The real MainWindow on the demo directory, signed in as the front desk, in a fresh process state
as far as the leaflet goes (the basket page never built; reportlab and the fonts loaded on first
use): type "debt", Ctrl+P. A QTimer heartbeat every 10 ms records when the event loop ran, from the
key press until the pages have gone to the printer (a PDF printer at 600 dpi, as a real printer).
Figures:

* opening — from the key press until the print dialog is shown (the leaflet was made in the
  background meanwhile, behind a progress dialog);
* preparing — the longest gap in the event loop until then (asserted at most 200 ms);
* printing — the longest gap while the pages go to the printer (asserted at most 200 ms).

Run with `make bench`; prints the figures.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from sp_desktop.db.models import Staff
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.ui import messages, printing
from sp_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.benchmark

LIMIT_MS = 200


def test_printing_never_blocks_the_window_for_more_than_200_ms(qtbot: Any, demo_runtime: Runtime,
                                                                 tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files: list[Path] = []
    done: list[bool] = []
    asked: list[float] = []  # when the print dialog was shown
    handed_over: list[float] = []  # when the background task started printing
    real_print_pdf = printing.print_pdf

    def ask(parent: Any, title: str = "Print", page_size: Any = None) -> QPrinter:
        asked.append(time.perf_counter())
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(600)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        files.append(tmp_path / f"printed-{len(files) + 1}.pdf")
        printer.setOutputFileName(str(files[-1]))
        if page_size is not None:
            printer.setPageSize(page_size)
        return printer

    def print_pdf(data: bytes, printer: QPrinter, progress: Any = None) -> int:
        assert threading.current_thread() is not threading.main_thread(), "printing on the UI thread"
        handed_over.append(time.perf_counter())
        return real_print_pdf(data, printer, progress)

    monkeypatch.setattr(printing, "ask_printer", ask)
    monkeypatch.setattr(printing, "print_pdf", print_pdf)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: done.append(True) or False)  # "Record…?" -> No
    monkeypatch.setattr(messages, "choose", lambda parent, title, text, options, default, escape: default)
    with demo_runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == "Rachel Reception"))
        assert staff is not None
        actor = Actor(staff.id, staff.name, staff.app_role)
    window = MainWindow(demo_runtime, demo_runtime.context(actor))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.page("directory")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    qtbot.keyClicks(page.search, "debt")
    qtbot.waitUntil(lambda: not page.search.pending and page._loaded_query == "debt")

    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    # the floor: the same heartbeat for a second with nothing to do (the machine's own gaps)
    idle_started = time.perf_counter()
    beats.append(idle_started)
    heartbeat.start()
    qtbot.wait(1000)
    heartbeat.stop()
    floor = max((b - a) * 1000 for a, b in zip(beats, beats[1:], strict=False))
    beats.clear()
    started = time.perf_counter()
    beats.append(started)
    heartbeat.start()
    press = (page.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    QTimer.singleShot(0, lambda: qtbot.keyClick(*press))
    qtbot.waitUntil(lambda: bool(done), timeout=120000)  # printed: the "Record signposting?" prompt came
    heartbeat.stop()
    finished = time.perf_counter()
    beats.append(finished)
    assert handed_over and asked and files and files[0].stat().st_size > 0
    assert "basket" not in window.pages.built(), "quick print built the basket page"
    start = handed_over[0]
    gaps = [((b - a) * 1000, a) for a, b in zip(beats, beats[1:], strict=False)]
    preparing = max(g for g, a in gaps if a < asked[0])
    worst = max((g for g, a in gaps if a >= start), default=0.0)
    print(f"\nfirst leaflet at 600 dpi: print dialog after {(asked[0] - started) * 1000:.0f} ms, longest gap "
          f"in the event loop while preparing {preparing:.0f} ms; printing (background) "
          f"{(finished - start) * 1000:.0f} ms, longest gap {worst:.0f} ms (limit {LIMIT_MS} ms); "
          f"{(finished - started) * 1000:.0f} ms in all, {len(beats)} heartbeats")
    from tests.benchmarks.results import record

    record("15. the first Ctrl+P: longest gap in the event loop",
           f"{max(preparing, worst):.0f} ms (print dialog after {(asked[0] - started) * 1000:.0f} ms; "
           f"printing {worst:.0f} ms)", f"idle heartbeat {floor:.0f} ms", f"<= {LIMIT_MS} ms",
           preparing <= LIMIT_MS and worst <= LIMIT_MS)
    assert preparing <= LIMIT_MS and worst <= LIMIT_MS
