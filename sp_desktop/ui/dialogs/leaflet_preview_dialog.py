"""Preview a leaflet or booklet PDF before it goes on paper (QtPdf), then print or save it.

Keyboard: Ctrl++ / Ctrl+- zoom, Ctrl+0 fit the page, Ctrl+9 fit the width, Page Down / Page Up
move between pages, Ctrl+P prints, Ctrl+S saves, Esc closes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.ui import printing
from sp_desktop.ui.actions import make_action

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0


class LeafletPreviewDialog(QDialog):
    """Shows `data` (PDF bytes). Print and Save call `on_print` / `on_save` when given (the basket
    uses them to print with its own follow-up), else print or save the document directly.

    `missing` lists characters no leaflet font can draw (service, character, code point): Print
    and Save stay off until the person ticks "Print anyway"."""

    def __init__(self, data: bytes, title: str, default_name: str, parent: QWidget | None = None, *,
                 runner: object = None, warnings: tuple[str, ...] = (), missing: tuple[str, ...] = (),
                 on_print: Callable[[QDialog], None] | None = None,
                 on_save: Callable[[QDialog], None] | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.default_name = default_name
        self.runner = runner
        self.on_print = on_print
        self.on_save = on_save
        self.printed = False
        self.saved_to: object = None
        self.setObjectName("leaflet_preview_dialog")
        self.setWindowTitle(f"Preview — {title}")
        self.setAccessibleName(f"Preview of {title}")
        self.resize(860, 980)

        self.pdf = printing.PdfBytes(data, self)
        self.document = self.pdf.document
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setAccessibleName("Page preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        if warnings:
            note = QLabel("\n".join(warnings))
            note.setObjectName("preview_warnings")
            note.setWordWrap(True)
            note.setAccessibleName("Check before giving this leaflet")
            note.setStyleSheet("QLabel { border: 1px solid palette(mid); padding: 6px; }")
            layout.addWidget(QLabel("<b>Check before giving this leaflet (not printed):</b>"))
            layout.addWidget(note)
        self.print_anyway: QCheckBox | None = None
        if missing:
            box = QLabel("\n".join(missing))
            box.setObjectName("preview_missing")
            box.setWordWrap(True)
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.setAccessibleName("Characters that cannot be printed")
            box.setStyleSheet("QLabel { border: 1px solid palette(mid); padding: 6px; }")
            layout.addWidget(QLabel("<b>These characters cannot be printed with the leaflet's fonts. "
                                    "They will show as \u201c?\u201d on paper:</b>"))
            layout.addWidget(box)
            self.print_anyway = QCheckBox("Print &anyway, with \u201c?\u201d in their place")
            self.print_anyway.setObjectName("print_anyway")
            self.print_anyway.setAccessibleName("Print anyway, with question marks in their place")
            layout.addWidget(self.print_anyway)
        layout.addWidget(self._toolbar())
        layout.addWidget(self.view, 1)
        layout.addLayout(self._buttons())
        if self.print_anyway is not None:
            self.print_anyway.toggled.connect(self._allow_printing)
            self._allow_printing(False)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self._page_changed(0)
        (self.print_anyway or self.print_button).setFocus()

    def _allow_printing(self, allowed: bool) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(allowed)

    # ---- building
    def _action(self, text: str, keys: list[str], slot: Callable[[], None], name: str) -> QAction:
        shown = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        return make_action(self, text, slot, name=name, shortcut=keys, tip=f"{text} ({shown})", scope=None,
                           add_to_owner=True)

    def _toolbar(self) -> QToolBar:
        bar = QToolBar("Preview")
        bar.setObjectName("preview_toolbar")
        bar.setAccessibleName("Zoom and pages")
        self.zoom_out_action = self._action("Zoom out", ["Ctrl+-"], self.zoom_out, "zoom_out")
        self.zoom_in_action = self._action("Zoom in", ["Ctrl++", "Ctrl+="], self.zoom_in, "zoom_in")
        self.fit_width_action = self._action("Fit width", ["Ctrl+9"], self.fit_width, "fit_width")
        self.fit_page_action = self._action("Whole page", ["Ctrl+0"], self.fit_page, "fit_page")
        self.previous_action = self._action("Previous page", ["PgUp"], self.previous_page, "previous_page")
        self.next_action = self._action("Next page", ["PgDown"], self.next_page, "next_page")
        zoom = (self.zoom_out_action, self.zoom_in_action, self.fit_width_action, self.fit_page_action)
        for action in zoom:
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.previous_action)
        self.page_box = QSpinBox()
        self.page_box.setObjectName("page_number")
        self.page_box.setAccessibleName("Page number")
        self.page_box.setRange(1, max(1, self.document.pageCount()))
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda v: self.go_to_page(v - 1))
        bar.addWidget(QLabel(" Page "))
        bar.addWidget(self.page_box)
        self.page_label = QLabel()
        self.page_label.setObjectName("page_label")
        bar.addWidget(self.page_label)
        bar.addAction(self.next_action)
        return bar

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.print_button = QPushButton("&Print…")
        self.print_button.setObjectName("print")
        self.print_button.setToolTip("Print (Ctrl+P)")
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton("&Save as PDF…")
        self.save_button.setObjectName("save")
        self.save_button.setToolTip("Save as PDF (Ctrl+S)")
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_button.clicked.connect(self.save_document)
        close = QPushButton("Close")
        close.setObjectName("close")
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button, close):
            button.setAccessibleName(button.text().replace("&", ""))
            button.setAutoDefault(False)
        self.print_button.setDefault(True)
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addWidget(close)
        return row

    # ---- zoom and pages
    def zoom_factor(self) -> float:
        return float(self.view.zoomFactor())

    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_MIN, min(ZOOM_MAX, factor)))

    def _effective_zoom(self) -> float:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.document.pageCount() == 0:
            return self.zoom_factor()
        # in a fit mode the view's factor is not updated: work it out from the widths
        page = self.document.pagePointSize(0)
        dpi_scale = self.view.logicalDpiX() / 72.0
        return max(ZOOM_MIN, (self.view.viewport().width() - 24) / max(1.0, page.width() * dpi_scale))

    def zoom_in(self) -> None:
        self._set_zoom(self._effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self._effective_zoom() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def current_page(self) -> int:
        return int(self.view.pageNavigator().currentPage())

    def go_to_page(self, index: int) -> None:
        count = self.document.pageCount()
        if count == 0:
            return
        index = max(0, min(count - 1, index))
        self.view.pageNavigator().jump(index, QPointF(), self.view.pageNavigator().currentZoom())
        self._page_changed(index)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def _page_changed(self, index: int) -> None:
        count = self.document.pageCount()
        self.page_label.setText(f" of {count} ")
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self.previous_action.setEnabled(index > 0)
        self.next_action.setEnabled(index < count - 1)

    # ---- print and save
    def print_document(self) -> None:
        if self.on_print is not None:
            self.on_print(self)
            return

        def done(ok: bool) -> None:
            self.printed = self.printed or ok

        printing.print_document(self, self.runner, self.data, self.windowTitle().removeprefix("Preview — "),
                                done)

    def save_document(self) -> None:
        if self.on_save is not None:
            self.on_save(self)
            return
        self.saved_to = printing.save_pdf(self, self.data, self.default_name)

    def done(self, result: int) -> None:  # noqa: D401 (Qt override)
        super().done(result)
        self.view.setDocument(None)  # type: ignore[arg-type]  # detach first
        self.pdf.close()


__all__ = ["LeafletPreviewDialog"]
