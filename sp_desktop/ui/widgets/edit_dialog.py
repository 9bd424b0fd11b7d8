"""What the organisation and service dialogs share: tabs, Save/Cancel, field errors, unsaved-changes
prompt and the "someone else changed this" conflict.

Saving calls the directory service; a `ValidationFailed` marks each offending field (red border,
"✗ message" beside it, accessible description), switches to the tab holding the first one and
focuses it, and keeps the dialog open. Nothing is saved until every field is right.
"""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.db.faults import Fault, explain
from sp_desktop.db.models import new_uid
from sp_desktop.diagnostics import log
from sp_desktop.services.base import NotFound, PermissionDenied, ServiceContext, ValidationFailed
from sp_desktop.services.directory import ConflictError, DirectoryService
from sp_desktop.ui import messages
from sp_desktop.ui.server_wait import Cancelled, call_waiting
from sp_desktop.ui.widgets.field_errors import (
    FIELD_STYLE,
    FieldErrors,
    message_label,
    split_key,
    tab_of,
    with_message,
)

W = TypeVar("W", bound=QWidget)


class EditDialog(QDialog):
    entity = "record"
    #: Base names of the fields in the order they appear (for "focus the first bad field").
    field_order: tuple[str, ...] = ()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.directory = DirectoryService(ctx)
        self.result_detail: Any = None
        self.client_key = new_uid()  # a new record's key, made once on this PC (saved exactly once)
        self.saved_warnings: dict[str, str] = {}
        self._clean: Any = None
        self.setStyleSheet(FIELD_STYLE)
        layout = QVBoxLayout(self)
        self.general = message_label()
        self.general.setObjectName("field_error")
        self.general.setAccessibleName("Problems to fix before saving")
        layout.addWidget(self.general)
        self.errors = FieldErrors(self.general)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setAccessibleName("Sections")
        self.tabs.setDocumentMode(False)
        layout.addWidget(self.tabs, 1)
        self._tab_titles: list[str] = []
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("save")
        self.save_button.setAccessibleName("Save")
        self.save_button.setToolTip("Save (Ctrl+S or Ctrl+Enter)")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save)

    # ---- building
    def add_tab(self, title: str, scroll: bool = True) -> QWidget:
        """A tab page; returned widget is the page's content (inside a scroll area if `scroll`)."""
        content = QWidget()
        if scroll:
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setFrameShape(QScrollArea.Shape.NoFrame)
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            area.setWidget(content)
            self.tabs.addTab(area, title)
        else:
            self.tabs.addTab(content, title)
        self._tab_titles.append(title)
        return content

    def add_field(self, form: QFormLayout, key: str, label: str, widget: W, description: str = "") -> W:
        """A labelled field with its own message label underneath, registered under `key`."""
        box, msg = with_message(widget)
        widget.setAccessibleName(label)
        if description:
            widget.setAccessibleDescription(description)
            widget.setToolTip(description)
        text = QLabel(f"{label}:")
        text.setBuddy(widget)
        form.addRow(text, box)
        self.errors.register(key, widget, msg)
        return widget

    def form_tab(self, title: str) -> QFormLayout:
        """A tab holding one form, its rows packed at the top (spare height stays below)."""
        page = self.add_tab(title)
        outer = QVBoxLayout(page)
        form = self.new_form_layout()
        outer.addLayout(form)
        outer.addStretch(1)
        return form

    @staticmethod
    def new_form_layout(parent: QWidget | None = None) -> QFormLayout:
        form = QFormLayout(parent)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    # ---- to override
    def to_form(self) -> Any:
        raise NotImplementedError

    def save_form(self, form: Any) -> Any:
        raise NotImplementedError

    def warnings_for(self, form: Any) -> dict[str, str]:
        return {}

    def reload(self) -> None:
        """Load the latest saved version (after a conflict)."""
        raise NotImplementedError

    def record_label(self) -> str:
        return self.entity

    # ---- state
    def mark_clean(self) -> None:
        self._clean = self.to_form()

    def is_dirty(self) -> bool:
        return self._clean is not None and self.to_form() != self._clean

    # ---- saving
    def accept(self) -> None:
        self.save()

    def save(self) -> bool:
        form = self.to_form()
        if getattr(self, f"{self.entity}_id", None) is None and hasattr(form, "client_key"):
            form.client_key = self.client_key  # the same key however often Save is pressed
        self.errors.clear()
        self._mark_tabs(set())
        try:
            warnings = self.warnings_for(form)
            detail = call_waiting(self, self.ctx.db, self.save_form, form)  # the window never freezes
        except Cancelled:
            self.general.setText("Not saved yet: you stopped waiting for the practice server. Everything you "
                                 "typed is still here; press Save to try again (it will not be saved twice).")
            self.general.setVisible(True)
            return False
        except ValidationFailed as exc:
            self.show_errors(exc.errors, exc.warnings)
            return False
        except ConflictError as exc:  # side by side; reload, or re-apply on top of theirs
            from sp_desktop.ui.dialogs.conflict_dialog import RELOAD, resolve_conflict

            record_id = getattr(self, f"{self.entity}_id", None)
            choice, detail = resolve_conflict(self, self.ctx, self.entity, record_id, form, self._clean, exc)
            if choice == RELOAD:
                self.reload()
            if detail is None:
                return False
        except PermissionDenied as exc:
            messages.warn(self, "Not allowed", str(exc))
            return False
        except NotFound as exc:
            messages.error(self, f"The {self.entity} has gone", str(exc))
            return False
        except Exception as exc:  # the server away, read-only, locked, timed out; the disk full...
            fault = explain(exc, self.ctx.db.describe())
            if fault is None:
                raise  # unexpected: the crash handler logs it and keeps the drafts
            log.warning("save of %s refused: %s (%s)", self.entity, fault.cause, type(exc).__name__)
            self.show_fault(fault)
            return False  # the dialog stays open with everything typed in it
        self.result_detail = detail
        self.saved_warnings = warnings
        self._clean = None
        if warnings:
            messages.inform(self, "Saved — one thing to check",
                            "Saved. Please check:\n" + "\n".join(f"• {self.describe_key(k)}: {m}"
                                                                  for k, m in warnings.items()))
        super().accept()
        return True

    def show_fault(self, fault: Fault) -> None:
        """Why the save did not happen, in the dialog itself (and in a message box)."""
        self.general.setText(f"Not saved: {fault.message}")
        self.general.setVisible(True)
        if fault.server_away:
            from sp_desktop.ui.server_banner import report_server_away

            report_server_away(self)
        messages.warn(self, fault.title, fault.message + "\n\nEverything you typed is still in the form.")

    _LIST_NOUNS = {"locations": "Venue", "phones": "Phone number", "contacts": "Person",
                   "schedule": "Opening time"}

    def describe_key(self, key: str) -> str:
        """"locations[0].postcode" -> "Venue 1, postcode"."""
        base, index, sub = split_key(key)
        noun = self._LIST_NOUNS.get(base, base.replace("_", " ").capitalize())
        where = f"{noun} {index + 1}" if index >= 0 else noun
        return f"{where}, {sub.replace('_', ' ')}" if sub else where

    def show_errors(self, errors: dict[str, str], warnings: dict[str, str] | None = None) -> QWidget | None:
        first = self.errors.show(errors, warnings, self.field_order)
        bad_tabs = set()
        for key in errors:
            found = self.errors.resolve(key)
            if found is not None:
                bad_tabs.add(tab_of(found[0], self.tabs))
        self._mark_tabs(bad_tabs)
        if first is not None:
            index = tab_of(first, self.tabs)
            if index >= 0:
                self.tabs.setCurrentIndex(index)
                area = self.tabs.widget(index)
                if isinstance(area, QScrollArea):
                    area.ensureWidgetVisible(first)
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.general.isVisible():
            self.general.setFocus(Qt.FocusReason.OtherFocusReason)
        return first

    def _mark_tabs(self, bad: set[int]) -> None:
        for i, title in enumerate(self._tab_titles):
            text = f"{title} ✗" if i in bad else title
            self.tabs.setTabText(i, text)
            self.tabs.setTabToolTip(i, "This section has a problem to fix" if i in bad else "")

    # ---- closing
    def reject(self) -> None:
        if self.is_dirty():
            choice = messages.ask_save_discard_cancel(
                self, "Unsaved changes",
                f"You have changed {self.record_label()}. Save the changes before closing?")
            if choice == "save":
                self.save()
                return
            if choice == "cancel":
                return
        self._clean = None
        super().reject()


__all__ = ["EditDialog"]
