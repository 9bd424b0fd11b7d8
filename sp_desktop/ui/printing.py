"""Printing and saving PDFs (leaflets, booklets) from the window.

Printing renders each PDF page with QtPdf (`QPdfDocument.render`) at the printer's resolution
(at most `MAX_DPI`, in horizontal bands so memory stays small) and paints it onto the `QPrinter`
with a QPainter, scaled to fit the paper. The printer is chosen in the standard Qt print dialog,
pre-set to the default printer, through `ask_printer()` — tests replace that function. Documents
print off the UI thread (ui/tasks) with a progress bar, whenever a task runner is given.

`save_pdf()` asks where to save through `ui.messages.save_file` and writes through a temporary
file and an atomic rename, so a failed save never leaves half a file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize, QSizeF, QStandardPaths
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

from sp_desktop.files import write_atomically
from sp_desktop.services.tasks import Cancelled, Progress, check
from sp_desktop.ui import messages

#: Documents with at least this many pages print in the background with a progress bar: every
#: document, since rendering one A4 page at a printer's 600 dpi takes seconds on a busy desk PC and
#: the window must never freeze meanwhile (tests/benchmarks/test_front_desk_print_benchmark.py).
LARGE_DOCUMENT_PAGES = 1
#: Pages are rendered at the printer's resolution, but never finer than this (memory and time).
MAX_DPI = 600
#: Height of each rendered band, in pixels: small, so that each call into Qt (which keeps Python's
#: lock while it paints) is short and the window's own work gets its turn between bands.
BAND_PIXELS = 128


class PrintError(RuntimeError):
    """Printing failed; the message says what to do."""


# --------------------------------------------------------------------------- documents
class PdfBytes:
    """A QPdfDocument loaded from bytes, with the buffer kept alive as long as the document."""

    def __init__(self, data: bytes, parent: Any = None) -> None:
        self.buffer = QBuffer(parent)
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(parent)
        self.document.load(self.buffer)

    @property
    def ok(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0

    def close(self) -> None:
        self.document.close()
        self.buffer.close()


#: The last document measured in the background (`measure`): the same bytes object is not read
#: again on the UI thread just before its print dialog.
_measured: tuple[bytes, int, QSizeF | None] | None = None


def measure(data: bytes) -> tuple[int, QSizeF | None]:
    """Page count and first page size (points) of a PDF; any thread. Remembered for `data`, so
    that a leaflet measured on a worker is not loaded again on the UI thread."""
    global _measured
    if _measured is not None and _measured[0] is data:
        return _measured[1], _measured[2]
    doc = PdfBytes(data)
    try:
        if not doc.ok:
            count, size = 0, None
        else:
            count, size = doc.document.pageCount(), QSizeF(doc.document.pagePointSize(0))
    finally:
        doc.close()
    _measured = (data, count, size)
    return count, size


def page_count(data: bytes) -> int:
    return measure(data)[0]


def first_page_size(data: bytes) -> QPageSize | None:
    size = measure(data)[1]
    if size is None:
        return None
    return QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point, "",
                     QPageSize.SizeMatchPolicy.FuzzyMatch)


# --------------------------------------------------------------------------- the printer
def default_printer(page_size: QPageSize | None = None) -> QPrinter:
    """A printer set to the system's default printer (and to the document's paper size)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    info = QPrinterInfo.defaultPrinter()
    if not info.isNull():
        printer.setPrinterName(info.printerName())
    if page_size is not None and page_size.isValid():
        printer.setPageSize(page_size)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    return printer


def ask_printer(parent: QWidget | None, title: str = "Print", page_size: QPageSize | None = None
                ) -> QPrinter | None:
    """The standard print dialog, pre-set to the default printer; None when cancelled.

    The one place the print dialog is shown: tests replace this function.
    """
    printer = default_printer(page_size)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(title)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def _pages_to_print(printer: QPrinter, count: int) -> list[int]:
    first, last = printer.fromPage(), printer.toPage()
    if printer.printRange() == QPrinter.PrintRange.PageRange and first > 0:
        last = last if last >= first else count
        return [i for i in range(first - 1, min(last, count))]
    return list(range(count))


def print_pdf(data: bytes, printer: QPrinter, progress: Progress | None = None) -> int:
    """Print a PDF on `printer` (any thread). Returns the number of pages printed.

    Raises PrintError when the document or printer cannot be used, `Cancelled` when
    `progress` returns False (pages already sent stay sent).
    """
    doc = PdfBytes(data)
    try:
        if not doc.ok:
            raise PrintError("The document could not be read for printing. Make it again and retry.")
        pages = _pages_to_print(printer, doc.document.pageCount())
        if not pages:
            raise PrintError("The chosen page range has no pages in this document. Choose “All” pages.")
        target = printer.outputFileName()
        if (printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and target
                and len(pages) == doc.document.pageCount()):
            # "Print to file" as PDF: the document itself, vector and searchable (a few dozen KB),
            # not a picture of each page.
            check(progress, 0, 1, "Saving the PDF…")
            try:
                write_atomically(Path(target), data)
            except OSError as exc:
                raise PrintError(f"The PDF could not be written to {target}: {exc.strerror or exc}. "
                                 "Choose another folder and try again.") from exc
            check(progress, 1, 1, "Saved.")
            return len(pages)
        printer.setFullPage(True)  # the PDF page has its own margins: place it on the whole sheet
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError("The printer could not be started. Check that it is switched on and connected, "
                             "or choose another printer, then try again.")
        try:
            for n, index in enumerate(pages):
                check(progress, n, len(pages), f"Printing page {n + 1} of {len(pages)}…")
                if n:
                    printer.newPage()
                _paint_page(painter, printer, doc.document, index)
            check(progress, len(pages), len(pages), "Sent to the printer.")
        finally:
            painter.end()
        return len(pages)
    finally:
        doc.close()


def _paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int) -> None:
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    size = document.pagePointSize(index)
    if size.width() <= 0 or size.height() <= 0:
        return
    # device pixels per point: fit the page on the paper (a document on its own paper size is 1:1)
    fit = min(paper.width() / size.width(), paper.height() / size.height())
    x0 = (paper.width() - size.width() * fit) / 2
    # rendered pixels per point: the printer's resolution, at most MAX_DPI
    scale = min(fit, MAX_DPI / 72.0)
    width, height = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
    ratio = fit / scale
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(QSize(width, height))
    for top in range(0, height, BAND_PIXELS):
        band = min(BAND_PIXELS, height - top)
        options.setScaledClipRect(QRect(0, top, width, band))
        image = document.render(index, QSize(width, band), options)
        if image.isNull():
            raise PrintError(f"Page {index + 1} could not be rendered for printing.")
        painter.drawImage(QRectF(x0, top * ratio, width * ratio, band * ratio), image)
        time.sleep(0.002)  # let the UI thread run between bands (printing runs in the background)


def print_document(parent: QWidget | None, runner: Any, data: bytes, title: str,
                   on_done: Callable[[bool], None] | None = None) -> None:
    """Ask for a printer (pre-set to the default) and print `data`; large documents print in the
    background with a progress bar. `on_done(True)` after the pages went to the printer,
    `on_done(False)` when cancelled or failed (the person was told why)."""
    finish = on_done or (lambda _ok: None)
    pages = page_count(data)
    if pages == 0:
        messages.error(parent, "Cannot print", "The document could not be read for printing. Make it again.")
        finish(False)
        return
    printer = ask_printer(parent, title, page_size=first_page_size(data))
    if printer is None:
        finish(False)
        return

    def failed(exc: BaseException, details: str = "") -> None:
        if isinstance(exc, PrintError):
            messages.error(parent, "Printing failed", str(exc))
        else:
            messages.error(parent, "Printing failed", f"The document could not be printed: {exc}", details)
        finish(False)

    if pages >= LARGE_DOCUMENT_PAGES and runner is not None and parent is not None:
        from sp_desktop.ui.tasks import run_with_progress

        def work(progress: Progress) -> int | None:
            try:
                return print_pdf(data, printer, progress)
            except Cancelled:
                return None  # pages already sent stay sent; nothing more to say

        run_with_progress(parent, runner, f"Printing {pages} pages…", work,
                          lambda printed: finish(printed is not None), failed)
        return
    try:
        print_pdf(data, printer)
    except Exception as exc:  # noqa: BLE001 (told to the person, never lost)
        failed(exc)
        return
    finish(True)


# --------------------------------------------------------------------------- saving
def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


def _save(parent: QWidget | None, data: bytes, default_name: str, title: str, filters: str,
          suffixes: tuple[str, ...]) -> Path | None:
    """Ask where to save (through ui.messages.save_file) and write `data` there, adding the first of
    `suffixes` when the name has none of them. None when cancelled or not saved (the person is told)."""
    chosen = messages.save_file(parent, title, str(documents_folder() / default_name), filters)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in suffixes:
        path = path.with_name(path.name + suffixes[0])
    if not path.parent.is_dir():
        messages.error(parent, "Not saved",
                       f"The folder {path.parent} does not exist. Choose another folder.")
        return None
    try:
        write_atomically(path, data)
    except OSError as exc:
        messages.error(parent, "Not saved", f"Could not save {path.name} in {path.parent}: "
                                            f"{exc.strerror or exc}. Check the file is not open in another "
                                            "program and that you may save in that folder.")
        return None
    return path


def save_pdf(parent: QWidget | None, data: bytes, default_name: str,
             title: str = "Save as PDF") -> Path | None:
    """Ask where to save and write the PDF. None when cancelled."""
    return _save(parent, data, default_name, title, "PDF documents (*.pdf)", (".pdf",))


def save_html(parent: QWidget | None, html: str, default_name: str,
              title: str = "Save the accessible version") -> Path | None:
    """Ask where to save and write `html` (UTF-8) as a web page; None when cancelled or not saved."""
    return _save(parent, html.encode("utf-8"), default_name, title, "Web pages (*.html)", (".html", ".htm"))


__all__ = ["LARGE_DOCUMENT_PAGES", "PdfBytes", "PrintError", "ask_printer", "default_printer",
           "documents_folder", "measure", "page_count", "print_document", "print_pdf", "save_html",
           "save_pdf", "write_atomically"]
