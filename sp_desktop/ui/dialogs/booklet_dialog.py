"""Make a booklet of approved services by category: choose categories (or all) and the format;
it is built in the background with a progress bar (Cancel stops it), then previewed, printed or
saved. Only services of approved organisations go in (the same rule as leaflets)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.leaflets import LeafletError, LeafletFormat
from sp_desktop.services.base import NotFound, PermissionDenied, ServiceContext
from sp_desktop.services.leaflets import BookletResult, LeafletRefused, LeafletService, default_file_name
from sp_desktop.services.tasks import Cancelled, Progress
from sp_desktop.ui import messages

ID_ROLE = Qt.ItemDataRole.UserRole


class BookletDialog(QDialog):
    def __init__(self, ctx: ServiceContext, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.service = LeafletService(ctx)
        self.booklet: BookletResult | None = None
        self.preview: QDialog | None = None
        self.task: Any = None
        self.setObjectName("booklet_dialog")
        self.setWindowTitle("Make a booklet")
        self.setAccessibleName("Make a booklet of approved services")
        layout = QVBoxLayout(self)
        intro = QLabel("A booklet of every approved service in the chosen categories, for the waiting "
                       "room or a practice newsletter: a cover, contents, one section per category and an "
                       "index of organisations.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.all_box = QCheckBox("&All categories")
        self.all_box.setObjectName("all_categories")
        self.all_box.setAccessibleName("All categories")
        self.all_box.setChecked(True)
        self.all_box.toggled.connect(self._update)
        layout.addWidget(self.all_box)
        self.list = QListWidget()
        self.list.setObjectName("categories")
        self.list.setAccessibleName("Categories to include (space ticks)")
        for choice in self.service.booklet_choices():
            indent = "      " if choice.parent_id is not None else ""
            item = QListWidgetItem(f"{indent}{choice.name} ({choice.approved_services} approved)")
            item.setData(ID_ROLE, choice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            if choice.approved_services == 0:
                item.setToolTip("No approved services yet: this category would be left out.")
            self.list.addItem(item)
        self.list.itemChanged.connect(lambda _i: self._update())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Format:"))
        self.standard = QRadioButton("&Standard (A4)")
        self.standard.setObjectName("format_standard")
        self.large = QRadioButton("&Large print (A4)")
        self.large.setObjectName("format_large")
        self.standard.setChecked(True)
        for b in (self.standard, self.large):
            b.setAccessibleName(b.text().replace("&", ""))
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("booklet_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        self.buttons = QDialogButtonBox(buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Make booklet")
        self.ok.setObjectName("make")
        self.buttons.accepted.connect(self.make)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 640)
        self._update()

    # ---- choices
    def chosen_ids(self) -> list[int] | None:
        """None = all categories."""
        if self.all_box.isChecked():
            return None
        return [int(self.list.item(i).data(ID_ROLE)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def set_chosen(self, category_ids: list[int] | None) -> None:
        self.all_box.setChecked(category_ids is None)
        wanted = set(category_ids or ())
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = item.data(ID_ROLE) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen_format(self) -> LeafletFormat:
        return LeafletFormat.LARGE if self.large.isChecked() else LeafletFormat.STANDARD

    def _update(self) -> None:
        self.list.setEnabled(not self.all_box.isChecked())
        ids = self.chosen_ids()
        self.ok.setEnabled(ids is None or bool(ids))
        if ids is not None and not ids:
            self.status.setText("Tick at least one category, or choose All categories.")
        else:
            self.status.setText("")

    # ---- building
    def make(self) -> None:
        ids = self.chosen_ids()
        fmt = self.chosen_format()
        self.ok.setEnabled(False)
        self.status.setText("Making the booklet…")
        service = self.service

        def work(progress: Progress) -> BookletResult | None:
            try:
                return service.booklet_pdf(ids, progress, fmt)
            except Cancelled:
                return None  # the person pressed Cancel: nothing was made

        if self.runner is None:  # no window (tests of the dialog alone): build here
            try:
                self._done(work(lambda d, t, text="": True))
            except Exception as exc:  # noqa: BLE001 (shown to the person)
                self._failed(exc, "")
            return
        from sp_desktop.ui.tasks import run_with_progress

        self.task = run_with_progress(self, self.runner, "Making the booklet…", work, self._done,
                                      self._failed)

    def _failed(self, exc: BaseException, details: str) -> None:
        self.ok.setEnabled(True)
        self.status.setText("The booklet was not made.")
        if isinstance(exc, (LeafletRefused, NotFound, LeafletError, PermissionDenied)):
            messages.warn(self, "The booklet was not made", str(exc))
        else:
            messages.error(self, "The booklet was not made", f"Something went wrong: {exc}", details)

    def _done(self, result: BookletResult | None) -> None:
        from sp_desktop.ui.dialogs.leaflet_preview_dialog import LeafletPreviewDialog

        if result is None:
            self.ok.setEnabled(True)
            self.status.setText("Cancelled: no booklet was made.")
            return
        self.booklet = result
        sections = len(result.section_names)
        title = (f"Booklet — {result.service_count} service entries in {sections} "
                 f"categor{'y' if sections == 1 else 'ies'}")
        self.status.setText(title)
        parent = self.parentWidget() or self
        name = default_file_name("booklet", self.ctx.today())
        self.preview = LeafletPreviewDialog(result.pdf, title, name, parent, runner=self.runner)
        self.accept()
        self.preview.open()

    @classmethod
    def open_for(cls, ctx: ServiceContext, runner: Any, parent: QWidget | None = None) -> BookletDialog:
        """Show the dialog (window-modal, without blocking); returns it."""
        dialog = cls(ctx, runner, parent)
        if parent is not None:
            setattr(parent, "booklet_dialog", dialog)  # noqa: B010 (keeps it alive with its parent)
        dialog.open()
        return dialog


__all__ = ["BookletDialog"]
