"""The "Leaflet basket (n)" page: the services chosen for one patient's leaflet.

Services come in from the Directory (Ctrl+B, see ui/leaflet_actions.py). Here the person can put
them in order, remove them, choose the format (Standard, Large print, or Compact for one
service), type a personal note, sign it, and Preview, Print (Ctrl+P), Save as PDF or Copy as text.
Warnings for the person printing (details not checked lately, an open concern, a service included
on a clinician's reason) are shown above the buttons and never printed.

The basket lives in memory only: nothing about the patient is stored. After a leaflet is printed
the basket is emptied for the next patient ("Put back the last leaflet" undoes that), and the
person is offered a one-key "Record signposting?" prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import SignpostingMethod
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.safe_text import escape_markup as escape
from sp_desktop.leaflets import LeafletFormat  # LeafletError: imported with the renderer, when used
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.leaflets import (
    BasketItem,
    LeafletRefused,
    LeafletService,
    PreparedLeaflet,
    ServiceCheck,
    default_file_name,
)
from sp_desktop.ui import messages  # ui.printing (QtPdf, QtPrintSupport): imported when used
from sp_desktop.ui.actions import make_action
from sp_desktop.ui.leaflet_printing import LeafletPrinter, default_format, method_for, title_of


@dataclass(frozen=True)
class BasketEntry:
    check: ServiceCheck
    item: BasketItem

    @property
    def service_id(self) -> int:
        return self.item.service_id


@dataclass(frozen=True)
class BasketState:
    """What the basket held, for "Put back the last leaflet"."""

    entries: tuple[BasketEntry, ...]
    fmt: LeafletFormat
    note: str
    sign: bool


class BasketPage(QWidget):
    basket_changed = Signal(int)  # the number of services now in the basket
    printed = Signal(tuple)  # service ids of a leaflet that went to the printer

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.service = LeafletService(ctx)
        # shared with quick print (one leaflet prepared at a time), or its own for a page on its own
        shared = getattr(getattr(window, "leaflet_actions", None), "printer", None)
        self.printer = shared if isinstance(shared, LeafletPrinter) else LeafletPrinter(ctx, window)
        self.entries: list[BasketEntry] = []
        self.last: BasketState | None = None
        self.default_format = self._default_format()
        self.preview_dialog: QWidget | None = None
        self._build()
        self._show()

    # ------------------------------------------------------------------ building
    def _default_format(self) -> LeafletFormat:
        return default_format(self.service)

    def _action(self, text: str, shortcut: str | None, slot: Any, name: str) -> QAction:
        return make_action(self, text, slot, name=name, shortcut=shortcut, add_to_owner=bool(shortcut))

    def _button(self, text: str, slot: Any, name: str, tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build(self) -> None:
        self.setAccessibleName("Leaflet basket")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)

        title = QLabel("<h2>Leaflet basket</h2>")
        title.setObjectName("basket_title")
        layout.addWidget(title)
        self.intro = QLabel()
        self.intro.setObjectName("basket_intro")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        # the chosen services, in order
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("basket_list")
        self.list.setAccessibleName("Services on the leaflet, in order")
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(lambda _r: self._update_item_controls())
        row.addWidget(self.list, 1)
        side = QVBoxLayout()
        self.up_button = self._button("Move &up", lambda: self.move_selected(-1), "move_up",
                                      "Move the selected service up (Ctrl+Up)")
        self.down_button = self._button("Move &down", lambda: self.move_selected(1), "move_down",
                                        "Move the selected service down (Ctrl+Down)")
        self.remove_button = self._button("&Remove", self.remove_selected, "remove",
                                          "Take the selected service off the leaflet (Delete)")
        self.clear_button = self._button("E&mpty the basket", self.clear, "clear",
                                         "Take every service off and clear the note")
        self.restore_button = self._button("Put &back the last leaflet", self.restore_last, "restore",
                                           "Bring back the services, note and format of the last leaflet")
        for b in (self.up_button, self.down_button, self.remove_button, self.clear_button,
                  self.restore_button):
            side.addWidget(b)
        side.addStretch(1)
        row.addLayout(side)
        layout.addLayout(row, 1)
        self._action("Move up", "Ctrl+Up", lambda: self.move_selected(-1), "move_up_key")
        self._action("Move down", "Ctrl+Down", lambda: self.move_selected(1), "move_down_key")
        remove = self._action("Remove", None, self.remove_selected, "remove_key")
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.list.addAction(remove)

        self.referred_box = QCheckBox("&Already referred by the practice to the selected service "
                                      "(the leaflet says the service will get in touch)")
        self.referred_box.setObjectName("referred")
        self.referred_box.setAccessibleName("The practice has referred them to the selected service")
        self.referred_box.toggled.connect(self._set_referred)
        layout.addWidget(self.referred_box)

        # format
        box = QGroupBox("Format")
        box.setObjectName("format_group")
        fmt_row = QHBoxLayout(box)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[LeafletFormat, QRadioButton] = {}
        for fmt, text in ((LeafletFormat.STANDARD, "S&tandard (A4)"),
                          (LeafletFormat.LARGE, "&Large print (A4)"),
                          (LeafletFormat.COMPACT, "&Compact (A5 card, both sides, one service)")):
            button = QRadioButton(text)
            button.setObjectName(f"format_{fmt.value}")
            button.setAccessibleName(text.replace("&", ""))
            self.format_group.addButton(button)
            self.format_buttons[fmt] = button
            fmt_row.addWidget(button)
        fmt_row.addStretch(1)
        self.format_buttons[self.default_format].setChecked(True)
        layout.addWidget(box)

        # note and signature
        note_label = QLabel("Personal &note (optional, printed at the top; not stored):")
        layout.addWidget(note_label)
        self.note = QPlainTextEdit()
        self.note.setObjectName("personal_note")
        self.note.setAccessibleName("Personal note")
        self.note.setPlaceholderText("e.g. Your doctor suggests you call them this week.")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 14)
        note_label.setBuddy(self.note)
        layout.addWidget(self.note)
        self.sign_box = QCheckBox(f"S&ign the note as {self.ctx.actor.name}")
        self.sign_box.setObjectName("sign")
        self.sign_box.setAccessibleName(f"Sign the note as {self.ctx.actor.name}")
        self.sign_box.setVisible(self.ctx.actor.id is not None)
        layout.addWidget(self.sign_box)
        # the language: English, or one the practice has a wording table for (Settings)
        language_row = QHBoxLayout()
        self.language = QComboBox()
        self.language.setObjectName("leaflet_language")
        self.language.setAccessibleName("Language of the leaflet")
        self.language.setToolTip("Languages the practice has typed the leaflet's wording in (Settings)")
        label = QLabel("Lan&guage:")
        label.setBuddy(self.language)
        language_row.addWidget(label)
        language_row.addWidget(self.language)
        language_row.addStretch(1)
        layout.addLayout(language_row)
        self.load_languages()

        # warnings for the person printing
        self.warnings = QLabel()
        self.warnings.setObjectName("basket_warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setAccessibleName("Check before giving this leaflet")
        self.warnings.setStyleSheet("QLabel { border: 1px solid palette(mid); padding: 6px; }")
        layout.addWidget(self.warnings)

        # actions
        buttons = QHBoxLayout()
        self.preview_button = self._button("Pre&view", self.preview, "preview",
                                           "Preview the leaflet (Ctrl+Shift+V)")
        self.print_button = self._button("&Print…", self.print_leaflet, "print", "Print the leaflet (Ctrl+P)")
        self.save_button = self._button("&Save as PDF…", self.save_pdf, "save_pdf",
                                        "Save the leaflet as a PDF file (Ctrl+Shift+S)")
        self.copy_button = self._button("Cop&y as text", self.copy_text, "copy_text",
                                        "Copy the leaflet as plain text, to paste into a message to the "
                                        "patient (Ctrl+Shift+C)")
        self.sms_button = self._button("Copy as te&xt message", self.copy_sms, "copy_sms",
                                       "Copy a short form (at most three text messages) for a patient "
                                       "who cannot use print (Ctrl+Shift+M)")
        self._action("Copy as text message", "Ctrl+Shift+M", self.copy_sms, "copy_sms_key")
        self.accessible_button = self._button(
            "&Accessible version…", self.save_accessible, "accessible_version",
            "Save the leaflet as a web page with headings, lists and links, for a screen reader, "
            "large text or the patient's own colours")
        self.booklet_button = self._button("Make a boo&klet…", self.make_booklet, "booklet",
                                           "A booklet of approved services by category, for the waiting room")
        self._action("Preview", "Ctrl+Shift+V", self.preview, "preview_key")
        self._action("Save as PDF", "Ctrl+Shift+S", self.save_pdf, "save_key")
        self._action("Copy as text", "Ctrl+Shift+C", self.copy_text, "copy_key")
        for b in (self.preview_button, self.print_button, self.save_button, self.copy_button,
                  self.sms_button, self.accessible_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.booklet_button)
        layout.addLayout(buttons)

        QWidget.setTabOrder(self.list, self.referred_box)
        chain: tuple[tuple[QWidget, QWidget], ...] = (
            (self.referred_box, self.format_buttons[LeafletFormat.STANDARD]),
            (self.format_buttons[LeafletFormat.COMPACT], self.note), (self.note, self.sign_box),
            (self.sign_box, self.preview_button))
        for before, after in chain:
            QWidget.setTabOrder(before, after)

    # ------------------------------------------------------------------ page protocol
    def count(self) -> int:
        return len(self.entries)

    def service_ids(self) -> list[int]:
        return [e.service_id for e in self.entries]

    def refresh(self) -> None:
        """Re-check the rules (a service may have been archived or had a concern noted meanwhile)."""
        self.load_languages()
        if self.entries:
            checks = {c.service_id: c for c in self.service.check(self.service_ids())}
            self.entries = [replace(e, check=checks[e.service_id]) for e in self.entries]
        self._show()

    def focus_search(self) -> None:
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ------------------------------------------------------------------ the basket
    def chosen_format(self) -> LeafletFormat:
        for fmt, button in self.format_buttons.items():
            if button.isChecked():
                return fmt
        return LeafletFormat.STANDARD

    def set_format(self, fmt: LeafletFormat) -> None:
        self.format_buttons[fmt].setChecked(True)

    def add_service(self, service_id: int, parent: QWidget | None = None) -> bool:
        """Add a service after checking the rules (a clinician is asked for a reason when the
        organisation is not approved). Returns True when it is in the basket."""
        parent = parent or self
        if service_id in self.service_ids():
            name = next(e.check.service_name for e in self.entries if e.service_id == service_id)
            self._say(f"“{name}” is already in the leaflet basket.")
            return True
        checked = self._checked_item(service_id, parent)
        if checked is None:
            return False
        check, item = checked
        self.entries.append(BasketEntry(check, item))
        self._show(select=len(self.entries) - 1)
        self._say(f"Added “{check.service_name}” to the leaflet basket ({len(self.entries)}).")
        return True

    def _checked_item(self, service_id: int, parent: QWidget) -> tuple[ServiceCheck, BasketItem] | None:
        return self.printer.checked_item(service_id, parent)

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.entries):
            removed = self.entries.pop(row)
            self._show(select=min(row, len(self.entries) - 1))
            self._say(f"Took “{removed.check.service_name}” off the leaflet.")

    def move_selected(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if 0 <= row < len(self.entries) and 0 <= target < len(self.entries):
            self.entries[row], self.entries[target] = self.entries[target], self.entries[row]
            self._show(select=target)

    def clear(self, remember: bool = False) -> None:
        if remember and self.entries:
            self.last = BasketState(tuple(self.entries), self.chosen_format(), self.note.toPlainText(),
                                    self.sign_box.isChecked())
        self.entries = []
        self.note.clear()
        self.sign_box.setChecked(False)
        self.set_format(self.default_format)
        self._show()

    def restore_last(self) -> None:
        if self.last is None:
            return
        state, self.last = self.last, None
        self.entries = list(state.entries)
        self.note.setPlainText(state.note)
        self.sign_box.setChecked(state.sign)
        self.set_format(state.fmt)
        self.refresh()
        self._say("Put back the last leaflet.")

    def _set_referred(self, on: bool) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.entries) and self.entries[row].item.referred != on:
            e = self.entries[row]
            self.entries[row] = replace(e, item=replace(e.item, referred=on))
            self._show(select=row)

    # ------------------------------------------------------------------ showing
    def warning_lines(self) -> list[str]:
        lines: list[str] = []
        for e in self.entries:
            if e.check.needs_override:
                lines.append(f"! {e.check.service_name}: {e.check.organisation_name} is not approved "
                             f"({e.check.vetting_status.label if e.check.vetting_status else 'unchecked'}); "
                             "included on your recorded reason.")
            lines.extend(e.check.warnings)
        return list(dict.fromkeys(lines))

    def _show(self, select: int | None = None) -> None:
        n = len(self.entries)
        if n == 0:
            self.intro.setText("The basket is empty. In the Directory, select a service and press Ctrl+B "
                               "(Add to leaflet basket) to put it on a patient's leaflet; Ctrl+P prints the "
                               "selected service straight away.")
        else:
            self.intro.setText(f"{n} service{'s' if n != 1 else ''} on this leaflet, in this order. "
                               "Nothing about the patient is stored; the leaflet has a blank “For:” line.")
        current = self.list.currentRow() if select is None else select
        self.list.blockSignals(True)
        self.list.clear()
        for i, e in enumerate(self.entries, start=1):
            state = ""
            if e.check.needs_override:
                state = "  [Not approved ! — on your reason]"
            elif e.check.warnings:
                state = "  [! check below]"
            referred = "  [Referred]" if e.item.referred else ""
            label = f"{i}. {e.check.service_name} — {e.check.organisation_name}"
            item = QListWidgetItem(f"{label}{state}{referred}")
            item.setData(Qt.ItemDataRole.UserRole, e.service_id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if n:
            self.list.setCurrentRow(max(0, min(current, n - 1)))
        compact = self.format_buttons[LeafletFormat.COMPACT]
        compact.setEnabled(n <= 1)
        if n > 1 and compact.isChecked():
            self.set_format(LeafletFormat.STANDARD)
        lines = self.warning_lines()
        if lines:
            self.warnings.setText("<b>⚠ Check before giving this leaflet (not printed):</b><br>"
                                  + "<br>".join(escape(x) for x in lines))
        self.warnings.setVisible(bool(lines))
        for b in (self.preview_button, self.print_button, self.save_button, self.copy_button,
                  self.sms_button, self.clear_button):
            b.setEnabled(n > 0)
        self.restore_button.setVisible(n == 0 and self.last is not None)
        self._update_item_controls()
        self.basket_changed.emit(n)
        refresh_counts = getattr(self.main_window, "refresh_counts", None)
        if callable(refresh_counts):
            refresh_counts()

    def _update_item_controls(self) -> None:
        row = self.list.currentRow()
        has = 0 <= row < len(self.entries)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(self.entries) - 1)
        self.remove_button.setEnabled(has)
        self.referred_box.setEnabled(has)
        self.referred_box.blockSignals(True)
        self.referred_box.setChecked(has and self.entries[row].item.referred)
        self.referred_box.blockSignals(False)

    def _say(self, text: str) -> None:
        window = self.main_window
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 8000)

    # ------------------------------------------------------------------ making the leaflet
    def load_languages(self) -> None:
        """English and every language with a wording table (kept selected across reloads)."""
        from sp_desktop.services.leaflet_languages import LeafletLanguageService

        current = self.language.currentData()
        self.language.clear()
        self.language.addItem("English", "")
        for choice in LeafletLanguageService(self.ctx).languages():
            self.language.addItem(choice.name, choice.code)
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.language.setEnabled(self.language.count() > 1)

    def practice_ready(self, then: Any = None) -> bool:
        return self.printer.practice_ready(then)

    def prepare(self, parent: QWidget | None = None) -> PreparedLeaflet | None:
        """The leaflet as it stands, or None (the person was told why)."""

        parent = parent or self
        if self.entries and not self.practice_ready():
            return None
        if not self.entries:
            messages.inform(parent, "The basket is empty", "Add a service from the Directory first (Ctrl+B).")
            return None
        try:
            return self.service.build_leaflet([e.item for e in self.entries], fmt=self.chosen_format(),
                                              note=self.note.toPlainText(), sign=self.sign_box.isChecked(),
                                              language=self.language.currentData() or None)
        except LeafletRefused as exc:
            messages.warn(parent, "The leaflet cannot be made", str(exc))
        except Refused as exc:
            messages.refused(parent, "The leaflet cannot be made", exc)
        self.refresh()
        return None

    def _title(self, prepared: PreparedLeaflet) -> str:
        return title_of(prepared)

    def _file_name(self) -> str:
        return default_file_name("leaflet", self.ctx.today())

    def _runner(self) -> Any:
        return getattr(self.main_window, "tasks", None)

    def preview(self) -> None:
        from sp_desktop.ui.dialogs.leaflet_preview_dialog import LeafletPreviewDialog

        prepared = self.prepare()
        if prepared is None:
            return
        pdf = self._render(prepared)
        if pdf is None:
            return
        dialog = LeafletPreviewDialog(
            pdf, self._title(prepared), self._file_name(), self, runner=self._runner(),
            warnings=prepared.warnings, missing=prepared.missing,
            on_print=lambda d: self._print(prepared, pdf, d, ask_warnings=False),
            on_save=lambda d: self._save(prepared, pdf, d))
        self.preview_dialog = dialog
        dialog.open()  # window-modal, without blocking

    def _render(self, prepared: PreparedLeaflet) -> bytes | None:
        from sp_desktop.leaflets.render import LeafletError

        try:
            return prepared.pdf()
        except LeafletError as exc:
            messages.warn(self, "The leaflet cannot be made", str(exc))
            return None

    # ---- leaflet references: given when a leaflet leaves, taken back when it did not
    def _referenced(self, prepared: PreparedLeaflet, form: str,
                    parent: QWidget | None = None) -> PreparedLeaflet | None:
        """The leaflet with its own reference ("quote K7M-2QX"), given now because it is leaving."""
        try:
            return self.service.hand_over(prepared, form)
        except Refused as exc:
            messages.refused(parent or self, "The leaflet cannot be made", exc)
            return None

    def _withdraw(self, prepared: PreparedLeaflet) -> None:
        self.printer.withdraw(prepared)

    def print_leaflet(self, parent: QWidget | None = None) -> None:
        """Print the basket (Ctrl+P): the leaflet is made in the background (the window never
        freezes), then the warnings, the print dialog and the "Record signposting?" prompt."""
        parent = parent or self
        if self.printer.busy:
            self._say("A leaflet is being prepared: wait for its print dialog.")
            return
        if not self.entries:
            messages.inform(parent, "The basket is empty", "Add a service from the Directory first (Ctrl+B).")
            return
        if not self.practice_ready():
            return
        items = [e.item for e in self.entries]
        fmt, note, sign = self.chosen_format(), self.note.toPlainText(), self.sign_box.isChecked()
        language = self.language.currentData() or None
        service = self.service
        self.printer.prepare(
            parent, lambda: service.build_leaflet(items, fmt=fmt, note=note, sign=sign, language=language),
            "print", lambda prepared, pdf: self._print(prepared, pdf, parent, ask_warnings=True),
            on_fail=self.refresh)

    def _print(self, prepared: PreparedLeaflet, pdf: bytes, parent: QWidget, ask_warnings: bool) -> None:
        if not prepared.reference:  # printed from the preview: the reference is given now
            referenced = self._referenced(prepared, "print", parent)
            if referenced is None:
                return
            self.printer.render(parent, referenced,
                                lambda p, data: self._print(p, data, parent, ask_warnings))
            return

        def printed(done: PreparedLeaflet) -> None:
            if isinstance(parent, QWidget) and parent is not self and hasattr(parent, "accept"):
                parent.accept()  # close the preview
            self.after_printing(done)

        self.printer.print_prepared(prepared, pdf, parent, ask_warnings, printed,
                                    lambda: self._say("Not printed. The leaflet basket is as it was."))

    def after_printing(self, prepared: PreparedLeaflet) -> None:
        """The leaflet went to the printer: empty the basket (Undo for a few seconds), then offer to
        record signposting."""
        ids = tuple(prepared.service_ids)
        self.printed.emit(ids)
        self.hand_over(f"Leaflet sent to the printer (reference {prepared.reference}).")
        self.offer_signposting(ids, method_for(prepared), prepared.reference)

    def hand_over(self, what: str) -> None:
        """The leaflet left the app (printed, saved as PDF, copied as text): the basket belongs to the
        next patient now. It is emptied, with Undo in the status bar for a few seconds (and "Put back
        the last leaflet" on this page until the next leaflet)."""
        self.clear(remember=True)
        text = f"{what} The basket is empty for the next patient."
        offer = getattr(self.main_window, "offer_undo", None)
        if callable(offer):
            offer(text, self.restore_last)
        else:
            self._say(text + " (Put back the last leaflet brings it back.)")

    def offer_signposting(self, service_ids: tuple[int, ...], method: SignpostingMethod,
                          reference: str | None = None) -> None:
        self.printer.offer_signposting(service_ids, method, reference)

    def save_pdf(self) -> None:
        prepared = self.prepare()
        if prepared is None:
            return
        referenced = self._referenced(prepared, "pdf")
        pdf = self._render(referenced) if referenced is not None else None
        if referenced is not None and pdf is not None:
            self._save(referenced, pdf, self)

    def _save(self, prepared: PreparedLeaflet, pdf: bytes, parent: QWidget) -> None:
        from sp_desktop.ui import printing

        if not prepared.reference:  # saved from the preview: the reference is given now
            referenced = self._referenced(prepared, "pdf", parent)
            rendered = self._render(referenced) if referenced is not None else None
            if referenced is None or rendered is None:
                return
            prepared, pdf = referenced, rendered
        path = printing.save_pdf(parent, pdf, self._file_name())
        if path is None:
            self._withdraw(prepared)
            return
        self.hand_over(f"Saved the leaflet as {path} (reference {prepared.reference}).")

    def copy_text(self) -> None:
        prepared = self.prepare()
        if prepared is None:
            return
        prepared = self._referenced(prepared, "text")
        if prepared is None:
            return
        QApplication.clipboard().setText(prepared.text())
        extra = f" Check first: {len(prepared.warnings)} warning(s) it had." if prepared.warnings else ""
        self.hand_over(f"Copied the leaflet as text — paste it into your message to the patient.{extra}")

    def copy_sms(self) -> None:
        """Copy the leaflet's short form for a text message (Accessible Information Standard)."""
        from sp_desktop.leaflets.render import sms_length

        prepared = self.prepare()
        if prepared is None:
            return
        prepared = self._referenced(prepared, "sms")
        if prepared is None:
            return
        text = prepared.sms()
        QApplication.clipboard().setText(text)
        used, limit = sms_length(text)
        self.hand_over(f"Copied a text message ({used} of {limit} characters, at most three messages) — "
                       "paste it into your messaging system.")

    def save_accessible(self) -> None:
        """The same leaflet as an accessible web page (sp_desktop/leaflets/accessible.py)."""
        from sp_desktop.ui import printing

        prepared = self.prepare()
        if prepared is None:
            return
        prepared = self._referenced(prepared, "accessible")
        if prepared is None:
            return
        name = self._file_name().rsplit(".", 1)[0] + ".html"
        path = printing.save_html(self, prepared.html(), name)
        if path is None:
            self._withdraw(prepared)
            return
        self.hand_over(f"Saved the accessible version of the leaflet as {path} "
                       f"(reference {prepared.reference}).")

    def make_booklet(self) -> None:
        from sp_desktop.ui.dialogs.booklet_dialog import BookletDialog

        BookletDialog.open_for(self.ctx, self._runner(), self)


__all__ = ["BasketEntry", "BasketPage", "BasketState"]
