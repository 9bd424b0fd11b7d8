"""The Signposting log: what the practice signposted, when, by whom, and what happened.

One row per service on a record, newest first, for a date range, with filters (words, state).
Enter (or "Record outcome…") records the outcome of the selected row; Ctrl+N records a new
signposting. Administrators see "Remove expired references…" while there are any.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.base import (
    NotFound,
    Permission,
    PermissionDenied,
    ServiceContext,
    can,
)
from sp_desktop.services.signposting import LogRow, ReferenceStatus, SignpostingService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.outcome_dialog import OutcomeDialog
from sp_desktop.ui.dialogs.record_signposting_dialog import (
    RecordSignpostingDialog,
    copy_for_record,
    describe_saved,
    from_qdate,
    to_qdate,
)
from sp_desktop.ui.models.signposting_models import COL_DATE, ModelSortsProxy, SignpostingLogTableModel
from sp_desktop.ui.pages.lazy import LoadWhenShown
from sp_desktop.ui.widgets.tables import configure_table, empty_note

RANGES = (("Last 3 months", 91), ("Last 12 months", 365), ("Last 2 years", 730), ("Everything", 36500),
          ("Chosen dates", 0))
STATES = (("All", "all"), ("Awaiting outcome …", "awaiting"), ("Outcome recorded", "recorded"),
          ("Follow-up due !", "follow_up_due"), ("Poor or not suitable !", "poor"))


class SignpostingPage(LoadWhenShown, QWidget):
    """Loads the log when first shown (see ui/pages/lazy.py)."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.service = SignpostingService(ctx)
        self.setAccessibleName("Signposting log")
        self._applying_range = False
        self._references: ReferenceStatus | None = None  # administrators: read with each refresh
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)

        bar = QHBoxLayout()
        range_label = QLabel("&Period:")
        self.range = QComboBox()
        self.range.setObjectName("range")
        self.range.setAccessibleName("Period shown")
        for text, days in RANGES:
            self.range.addItem(text, days)
        range_label.setBuddy(self.range)
        today = ctx.today()
        self.date_from = QDateEdit(to_qdate(today - timedelta(days=91)))
        self.date_to = QDateEdit(to_qdate(today))
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setObjectName(f"date_{name.lower()}")
            edit.setAccessibleName(f"{name} date")
            edit.dateChanged.connect(self._dates_edited)
        self.search = QLineEdit()
        self.search.setObjectName("log_search")
        self.search.setAccessibleName("Filter the log by service, organisation, reason or staff member")
        self.search.setPlaceholderText("Filter: service, organisation, reason, staff…")
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox()
        self.state.setObjectName("state_filter")
        self.state.setAccessibleName("Show")
        for text, key in STATES:
            self.state.addItem(text, key)
        state_label = QLabel("&Show:")
        state_label.setBuddy(self.state)
        bar.addWidget(range_label)
        bar.addWidget(self.range)
        bar.addWidget(QLabel("from"))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.search, 1)
        bar.addWidget(state_label)
        bar.addWidget(self.state)
        layout.addLayout(bar)

        self.model = SignpostingLogTableModel(self)
        self.proxy = ModelSortsProxy(self)  # the model sorts itself: one key per row
        self.proxy.setSourceModel(self.model)
        self.table = configure_table(
            QTableView(), name="signposting_table",
            accessible_name="Signposting log, newest first: Enter records the outcome",
            model=self.proxy, sort_by=COL_DATE, sort_order=Qt.SortOrder.DescendingOrder,
            on_activate=self.record_outcome)
        layout.addWidget(self.table, 1)
        self.empty = empty_note("log_empty")
        layout.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("&Record signposting…")
        self.new_button.setObjectName("record_signposting")
        self.new_button.setToolTip("Record that you signposted someone (Ctrl+N)")
        self.outcome_button = QPushButton("Record &outcome…")
        self.outcome_button.setObjectName("record_outcome")
        self.outcome_button.setToolTip("Record what happened for the selected service (Enter)")
        self.outcome_button.setVisible(can(ctx.actor, Permission.RECORD_OUTCOMES))
        self.follow_button = QPushButton("Follow-up &done")
        self.follow_button.setObjectName("follow_up_done")
        self.follow_button.setToolTip("Mark the selected record's follow-up done")
        self.purge_button = QPushButton("Remove e&xpired references…")
        self.purge_button.setObjectName("purge_references")
        self.purge_button.setToolTip("Remove patient references older than the retention period "
                                     "(administrators)")
        self.summary = QLabel("")
        self.summary.setObjectName("log_summary")
        self.summary.setAccessibleName("Signposting log summary")
        for b in (self.new_button, self.outcome_button, self.follow_button, self.purge_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        layout.addLayout(buttons)

        new_action = QAction("Record signposting…", self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_action.triggered.connect(self.record_new)
        self.addAction(new_action)
        # "Copy for the record" for the selected row: Ctrl+Shift+G, or right-click the row (the record
        # dialog has it as a button; a button here would not fit a 1024-pixel screen)
        self.copy_action = QAction("&Copy for the record", self)
        self.copy_action.setObjectName("copy_for_record")
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+G"))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.setToolTip("Put a line for the patient's GP record on the clipboard: the selected "
                                    "record's services, date and leaflet reference, in the practice's "
                                    "wording (Settings)")
        self.copy_action.triggered.connect(self.copy_for_record)
        self.addAction(self.copy_action)
        self.table.addAction(self.copy_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        self.range.currentIndexChanged.connect(self._range_chosen)
        self.new_button.clicked.connect(self.record_new)
        self.outcome_button.clicked.connect(self.record_outcome)
        self.follow_button.clicked.connect(self.follow_up_done)
        self.purge_button.clicked.connect(self.purge_references)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.range.setCurrentIndex(0)  # the last 3 months; loaded when the page is first shown
        self._apply_range()

    # ---- page protocol
    def count(self) -> int | None:
        return None

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        self._timer.stop()
        selected = self.selected_row()
        result = self.service.log(from_qdate(self.date_from.date()), from_qdate(self.date_to.date()),
                                  text=self.search.text(), state=str(self.state.currentData()))
        self.model.set_rows(result.rows, result.show_patient_ref)
        self._size_columns()
        records = len({r.signposting_id for r in result.rows})
        on_records = f"on {records:,} record{'s' if records != 1 else ''}"
        if result.truncated:  # at most `limit` rows are read into the table
            text = (f"{result.total:,} services: showing the newest {len(result.rows):,}, {on_records} "
                    "(narrow the dates to see older ones)")
        else:
            text = f"{result.total:,} service{'s' if result.total != 1 else ''} {on_records}"
        awaiting = sum(1 for r in result.rows if r.outcome is None)
        if awaiting:
            text += f" · {awaiting:,} {'of those ' if result.truncated else ''}awaiting an outcome"
        self.summary.setText(text)
        if result.rows:
            self.empty.hide()
        else:
            self.empty.setText("Nothing recorded in this period with these filters. Record signposting after "
                               "giving a leaflet (Ctrl+N here, or when you print one).")
            self.empty.show()
        if selected is not None:
            self.select_item(selected.item_id)
        # Two counts over every record: once a refresh, not on every change of selection.
        admin = can(self.ctx.actor, Permission.SETTINGS)
        self._references = self.service.reference_status() if admin else None
        self._update_buttons()

    def _size_columns(self) -> None:
        widths = (92, 180, 165, 140, 125, 115, 160, 85, 178, 100)
        for col in range(self.model.columnCount()):
            self.table.setColumnWidth(col, widths[col])

    # ---- dates
    def _range_chosen(self) -> None:
        self._apply_range()
        self.refresh()

    def _apply_range(self) -> None:
        days = int(self.range.currentData() or 0)
        if days:
            self._applying_range = True
            today = self.ctx.today()
            self.date_to.setDate(to_qdate(today))
            self.date_from.setDate(to_qdate(today - timedelta(days=days)))
            self._applying_range = False

    def _dates_edited(self) -> None:
        if self._applying_range:
            return
        self.range.blockSignals(True)
        self.range.setCurrentIndex(len(RANGES) - 1)  # "Chosen dates"
        self.range.blockSignals(False)
        self._timer.start()

    def set_period(self, start: date, end: date) -> None:
        self.range.setCurrentIndex(len(RANGES) - 1)
        self.date_from.setDate(to_qdate(start))
        self.date_to.setDate(to_qdate(end))
        self.refresh()

    # ---- selection
    def selected_row(self) -> LogRow | None:
        sel = self.table.selectionModel()
        rows = sel.selectedRows() if sel else []
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def select_item(self, item_id: int) -> bool:
        for row, r in enumerate(self.model.rows):
            if r.item_id == item_id:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.outcome_button.setEnabled(row is not None)
        open_follow_up = row is not None and row.follow_up_on is not None and not row.follow_up_done
        self.follow_button.setEnabled(open_follow_up)
        status = self._references
        if status is not None:
            self.purge_button.setVisible(status.with_reference > 0)
            self.purge_button.setEnabled(status.expired > 0)
            are = "s are" if status.expired != 1 else " is"
            days = status.retention_days
            self.purge_button.setToolTip(f"{status.expired} reference{are} older than {days} days")
        else:
            self.purge_button.hide()

    # ---- actions
    def record_new(self) -> None:
        detail = RecordSignpostingDialog.ask(self.ctx, [], parent=self)
        if detail is None:
            return
        self._after_change(describe_saved(detail))
        if detail.items:
            self.select_item(detail.items[0].id)

    def copy_for_record(self) -> None:
        """The selected record's line for the GP record, on the clipboard (Ctrl+Shift+G)."""
        row = self.selected_row()
        if row is None:
            self._status("Choose a signposting record first, then copy its line for the record.")
            return
        try:
            line = copy_for_record(self.ctx, row.signposting_id)
        except (NotFound, PermissionDenied) as exc:
            messages.warn(self, "Not copied", str(exc))
            return
        self._status(f"On the clipboard for the GP record: {line}")

    def record_outcome(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if not can(self.ctx.actor, Permission.RECORD_OUTCOMES):
            messages.inform(self, "Outcomes are recorded by clinicians",
                            "Only a clinician, vetting lead or administrator can record outcomes. Ask one of "
                            "them, or the link worker, to record what happened.")
            return
        try:
            saved = OutcomeDialog.ask(self.ctx, row.item_id, self)
        except NotFound as exc:
            messages.warn(self, "Not found", str(exc))
            self.refresh()
            return
        if saved is None:
            return
        item = saved.detail.item(row.item_id)
        text = f"Outcome recorded for {item.service_name}: {item.outcome_text}"
        if saved.trust_note is not None:
            text += "; trust note added"
        self._after_change(text + ".")
        self.select_item(row.item_id)

    def follow_up_done(self) -> None:
        row = self.selected_row()
        if row is None or row.follow_up_on is None or row.follow_up_done:
            return
        try:
            self.service.set_follow_up(row.signposting_id, done=True)
        except Refused as exc:
            messages.refused(self, "Could not mark the follow-up done", exc)
            return
        self._after_change(f"Follow-up of {show_date(row.occurred_on)} marked done.")
        self.select_item(row.item_id)

    def purge_references(self) -> None:
        status = self.service.reference_status()
        if not status.expired:
            messages.inform(self, "Nothing to remove", f"No patient reference is older than "
                                                       f"{status.retention_days} days.")
            return
        if not messages.confirm(
                self, "Remove expired patient references?",
                f"Remove the patient references from {status.expired} signposting record"
                f"{'s' if status.expired != 1 else ''} dated before {show_date(status.cutoff)} (older than "
                f"the {status.retention_days}-day retention period)? The records stay, without the "
                "reference. This cannot be undone and is recorded in the audit trail.",
                yes="Remove references", no="Keep them"):
            return
        try:
            result = self.service.purge_expired_references()
        except PermissionDenied as exc:
            messages.warn(self, "Not allowed", str(exc))
            return
        self._after_change(f"Removed {result.anonymised} expired patient reference"
                           f"{'s' if result.anonymised != 1 else ''}.")

    def _status(self, status: str) -> None:
        window = self.main_window
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(status, 8000)

    def _after_change(self, status: str) -> None:
        self.refresh()
        self.changed.emit()
        window = self.main_window
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(status, 8000)


__all__ = ["SignpostingPage"]
