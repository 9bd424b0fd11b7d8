"""Benchmark (issue 15): the event loop is not blocked for more than 200 ms while a leaflet prints.

The real MainWindow on the demo directory, signed in as the front desk: type "debt", Ctrl+P. A
QTimer heartbeat every 10 ms records when the event loop ran, from the key press until the pages
have gone to the printer (a PDF printer at 600 dpi, as a real printer). Two figures:

* printing — from the moment the pages are handed to the background task until they have gone:
  the longest gap must be at most 200 ms (asserted);
* preparing — the key press until then: building the basket page the first time it is used, the
  checks and rendering the leaflet PDF still run on the UI thread (printed, not asserted; see
  docs/front-desk.md).

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
    handed_over: list[float] = []  # when the background task started printing
    real_print_pdf = printing.print_pdf

    def ask(parent: Any, title: str = "Print", page_size: Any = None) -> QPrinter:
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
    started = time.perf_counter()
    beats.append(started)
    heartbeat.start()
    press = (page.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    QTimer.singleShot(0, lambda: qtbot.keyClick(*press))
    qtbot.waitUntil(lambda: bool(done), timeout=120000)  # printed: the "Record signposting?" prompt came
    heartbeat.stop()
    finished = time.perf_counter()
    beats.append(finished)
    assert handed_over and files and files[0].stat().st_size > 0
    start = handed_over[0]
    gaps = [(b - a) * 1000 for a, b in zip(beats, beats[1:], strict=False)]
    printing_gaps = [(b - a) * 1000 for a, b in zip(beats, beats[1:], strict=False) if a >= start]
    preparing = max(g for (a, _b), g in zip(zip(beats, beats[1:], strict=False), gaps, strict=False)
                    if a < start)
    worst = max(printing_gaps)
    print(f"\nleaflet at 600 dpi: {(finished - started) * 1000:.0f} ms in all; preparing (UI thread) "
          f"{(start - started) * 1000:.0f} ms, longest gap {preparing:.0f} ms; printing (background) "
          f"{(finished - start) * 1000:.0f} ms, longest gap in the event loop {worst:.0f} ms "
          f"(limit {LIMIT_MS} ms); {len(beats)} heartbeats")
    assert worst <= LIMIT_MS
