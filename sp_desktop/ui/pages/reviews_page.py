"""Reviews due: organisations whose vetting review is overdue or due soon, and expiring evidence.

The monthly review flow: open this page (the navigation shows "Reviews due (n)"), Enter or
double-click opens the first organisation's vetting record, tick the evidence, approve; the
list refreshes with one fewer. Sortable by any column (click a header); most urgent first by
default. "Edit checklist…" (vetting lead) changes the items every organisation is checked against.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.base import Permission, ServiceContext, can
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.vetting import DueKind, ReviewDue, VettingService
from sp_desktop.ui.models.reviews_table_model import (
    COL_APPROVED,
    COL_DUE,
    COL_ORGANISATION,
    COL_STATE,
    COL_STATUS,
    COL_WHAT,
    COL_WHEN,
    ReviewsTableModel,
)
from sp_desktop.ui.pages.lazy import LoadWhenShown
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table, empty_note

_FILTERS: tuple[tuple[str, frozenset[DueKind] | None], ...] = (
    ("Everything due", None),
    ("Reviews overdue", frozenset({DueKind.OVERDUE})),
    ("Reviews due soon", frozenset({DueKind.DUE_SOON})),
    ("Evidence expiring or expired", frozenset({DueKind.EXPIRING, DueKind.EXPIRED})),
    ("Never vetted, suggested or changed",
     frozenset({DueKind.NEVER_VETTED, DueKind.SUGGESTED, DueKind.CHANGED})),
)
_WIDTHS = {COL_STATE: 150, COL_ORGANISATION: 240, COL_DUE: 95, COL_WHEN: 95, COL_STATUS: 110,
           COL_APPROVED: 160}


class ReviewsPage(LoadWhenShown, QWidget):
    """Loads its list when first shown (see ui/pages/lazy.py); the count is one SQL count."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.service = VettingService(ctx)
        self.all_rows: list[ReviewDue] = []
        self.soon_days = 0  # the practice setting, read with the rows
        self.setAccessibleName("Reviews due")
        layout = QVBoxLayout(self)

        title = QLabel("<b>Reviews due</b>")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        layout.addWidget(title)
        self.intro = QLabel()
        self.intro.setObjectName("reviews_intro")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        bar = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.setObjectName("reviews_filter")
        self.filter.setAccessibleName("Show")
        for text, _kinds in _FILTERS:
            self.filter.addItem(text)
        show = QLabel("&Show")
        show.setBuddy(self.filter)
        bar.addWidget(show)
        bar.addWidget(self.filter)
        bar.addStretch(1)
        self.open_button = QPushButton("&Open vetting record")
        self.open_button.setObjectName("open_vetting_record")
        self.open_button.setToolTip("Open the selected organisation's vetting record (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        bar.addWidget(self.open_button)
        # problems reported with services (issue 18): safeguarding concerns first; the lead resolves them
        self.problems_button = QPushButton("&Problems reported")
        self.problems_button.setObjectName("problems_reported")
        self.problems_button.setToolTip("Problems reported with services (the vetting lead resolves them)")
        self.problems_button.clicked.connect(self.show_problems)
        bar.addWidget(self.problems_button)
        self.checklist_button: QPushButton | None = None
        if can(ctx.actor, Permission.VET):
            self.checklist_button = QPushButton("Edit &checklist…")
            self.checklist_button.setObjectName("edit_checklist")
            self.checklist_button.setToolTip("Change the items every organisation is checked against")
            self.checklist_button.clicked.connect(self.edit_checklist)
            bar.addWidget(self.checklist_button)
        layout.addLayout(bar)

        self.model = ReviewsTableModel(self)
        # One click opens the record, as Enter does (the flow: Reviews due -> open the first ->
        # approve).
        self.table = configure_table(
            QTableView(), name="reviews_table", accessible_name="Organisations needing a review",
            model=self.model, word_wrap=False, column_modes={COL_WHAT: ResizeMode.Stretch},
            column_widths=_WIDTHS, sort_by=COL_DUE, on_activate=self.open_selected, activate_on_click=True)
        layout.addWidget(self.table, 1)
        self.empty = empty_note("reviews_empty", "Nothing due: every approved organisation is within its "
                                "review date and no evidence expires in the next few weeks.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty, 1)
        self.filter.currentIndexChanged.connect(lambda _i: self._show_rows())

    # ---- page protocol
    def refresh(self) -> None:
        selected = self.selected_organisation_id()
        self.all_rows = self.service.reviews_due()
        self.soon_days = SettingsService(self.ctx).get().review_due_soon_days
        self._show_rows(selected)
        self._show_problem_count()
        self.setProperty("stale", False)

    def _show_problem_count(self) -> None:
        from sp_desktop.services.problems import ProblemService

        problems = ProblemService(self.ctx).open_problems()
        safeguarding = sum(1 for p in problems if p.safeguarding)
        text = f"&Problems reported ({len(problems)})"
        if safeguarding:
            text = f"! &Problems reported ({len(problems)}, {safeguarding} safeguarding)"
        self.problems_button.setText(text)
        self.problems_button.setAccessibleName(text.replace("&", ""))

    def show_problems(self) -> None:
        from sp_desktop.ui.dialogs.problems_dialog import ProblemsDialog

        if ProblemsDialog.show_for(self, self.ctx):
            self.changed.emit()
        self._show_problem_count()

    def count(self) -> int:
        return self.service.count_reviews_due()

    def overdue_count(self) -> int:
        return sum(1 for r in self.all_rows if r.kind is DueKind.OVERDUE)

    def focus_search(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def on_shown(self) -> None:
        if not self.ensure_loaded():  # dates move on: re-read each time the page is shown
            self.refresh()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self.table.setFocus()

    # ---- rows
    def _show_rows(self, keep: int | None = None) -> None:
        kinds = _FILTERS[max(0, self.filter.currentIndex())][1]
        rows = [r for r in self.all_rows if kinds is None or r.kind in kinds]
        self.model.set_rows(rows)
        overdue = self.overdue_count()
        soon = sum(1 for r in self.all_rows if r.kind is DueKind.DUE_SOON)
        expiring = sum(1 for r in self.all_rows if r.kind in (DueKind.EXPIRING, DueKind.EXPIRED))
        first = sum(1 for r in self.all_rows if r.kind.first)
        self.intro.setText(f"{first} never vetted, with a suggested change or changed since last checked; "
                           f"{overdue} review{'s' if overdue != 1 else ''} overdue, {soon} due in the next "
                           f"{self.soon_days} days, {expiring} with evidence expiring or expired. Enter "
                           "opens the vetting record (or the suggested change); approving takes an "
                           "organisation off this list.")
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.open_button.setEnabled(bool(rows))
        if rows:
            row = self.model.row_of(keep) if keep is not None else -1
            self.table.selectRow(max(0, row) if row >= 0 or keep is None else 0)

    def selected_organisation_id(self) -> int | None:
        if not hasattr(self, "table"):
            return None
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        r = self.model.row_at(rows[0].row())
        return r.organisation_id if r else None

    def open_selected(self) -> None:
        from sp_desktop.ui.dialogs.vetting_dialog import VettingDialog

        org_id = self.selected_organisation_id()
        if org_id is None:
            return
        row = self.table.selectionModel().selectedRows()[0].row()
        due = self.model.row_at(row)
        if due is not None and due.kind is DueKind.SUGGESTED and can(self.ctx.actor, Permission.VET):
            from sp_desktop.ui.dialogs.suggestion_dialog import SuggestionDialog

            if SuggestionDialog.show_for(self, self.ctx, org_id):
                self.refresh()
                self.changed.emit()
            self.table.setFocus()
            return
        if VettingDialog.show_for(self, self.ctx, org_id):
            self.refresh()
            if self.model.rowCount():  # stay near where we were: the next one down
                self.table.selectRow(min(row, self.model.rowCount() - 1))
            self.changed.emit()
        self.table.setFocus()

    def edit_checklist(self) -> None:
        from sp_desktop.ui.dialogs.checklist_dialog import ChecklistDialog

        if ChecklistDialog.show_for(self, self.ctx):
            self.refresh()
            self.changed.emit()


__all__ = ["ReviewsPage"]
