"""The Reports page: signposting figures for a period, a chart, and PDF/CSV/partner reports.

The report is computed off the UI thread (the queries aggregate in SQL, so this is quick even
for years of records, but the window never waits on the database). Results that arrive after
the dates changed again are dropped. Saving the PDF runs in the background with a progress bar.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.formatting import show_date
from sp_desktop.services.base import (
    NotFound,
    Permission,
    PermissionDenied,
    ServiceContext,
    ValidationFailed,
    can,
)
from sp_desktop.services.reports import REPEATED_POOR, SMALL_NUMBER, PracticeReport, ReportService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.record_signposting_dialog import from_qdate, to_qdate
from sp_desktop.ui.models.signposting_models import SORT_ROLE, ReportRow, ReportTableModel
from sp_desktop.ui.pages.lazy import LoadWhenShown
from sp_desktop.ui.widgets.bar_chart import BarChart
from sp_desktop.ui.widgets.figure_cards import FigureCards
from sp_desktop.ui.widgets.tables import configure_table, sorting_proxy

RANGES = ("Last 12 months", "This year", "Last year", "Last 3 months", "Chosen dates")


def period_for(choice: str, today: date) -> tuple[date, date] | None:
    if choice == "Last 12 months":
        y, m = today.year, today.month - 11
        if m <= 0:
            y, m = y - 1, m + 12
        return date(y, m, 1), today
    if choice == "This year":
        return date(today.year, 1, 1), today
    if choice == "Last year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if choice == "Last 3 months":
        return today - timedelta(days=91), today
    return None


def _table(name: str, model: ReportTableModel, accessible_name: str) -> QTableView:
    view = QTableView()
    return configure_table(view, name=name, accessible_name=accessible_name,
                           model=sorting_proxy(model, SORT_ROLE, view), single_selection=False, sort_by=-1,
                           stretch_last=True)


class ReportsPage(LoadWhenShown, QWidget):
    """Works out its report when first shown (see ui/pages/lazy.py)."""

    changed = Signal()
    report_ready = Signal(object)  # the PracticeReport now shown
    saved = Signal(str)  # the path of a saved report or export

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.service = ReportService(ctx)
        self.report: PracticeReport | None = None
        self._generation = 0
        self._applying = False
        runner = getattr(window, "tasks", None)
        if runner is None:
            from sp_desktop.ui.tasks import TaskRunner

            runner = TaskRunner(self)
        self.tasks = runner
        self.setAccessibleName("Reports")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)

        bar = QHBoxLayout()
        label = QLabel("&Period:")
        self.range = QComboBox()
        self.range.setObjectName("report_range")
        self.range.setAccessibleName("Report period")
        self.range.addItems(list(RANGES))
        label.setBuddy(self.range)
        start, end = period_for(RANGES[0], ctx.today()) or (ctx.today(), ctx.today())
        self.date_from = QDateEdit(to_qdate(start))
        self.date_to = QDateEdit(to_qdate(end))
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setObjectName(f"report_{name.lower()}")
            edit.setAccessibleName(f"Report {name.lower()} date")
            edit.dateChanged.connect(self._dates_edited)
        self.status = QLabel("")
        self.status.setObjectName("report_status")
        self.status.setAccessibleName("Report status")
        # A long period wraps onto a second line rather than widening the window.
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance("30 Sep 2026 to 30 Sep 2026"))
        self.pdf_button = QPushButton("Save &PDF…")
        self.pdf_button.setObjectName("save_pdf")
        self.pdf_button.setToolTip("The printable report with charts, for the practice meeting")
        self.csv_button = QPushButton("Export &CSV…")
        self.csv_button.setObjectName("export_csv")
        self.csv_button.setToolTip("The same figures as a spreadsheet file")
        self.partner_button = QPushButton("P&artner report…")
        self.partner_button.setObjectName("partner_report")
        self.partner_button.setToolTip("A report to give to one organisation (no names, no internal notes)")
        # The meeting pack: for the people who report to the practice meeting (others do not see it).
        self.meeting_button: QPushButton | None = None
        if can(ctx.actor, Permission.MEETING_PACK):
            self.meeting_button = QPushButton("&Meeting pack…")
            self.meeting_button.setObjectName("meeting_pack")
            self.meeting_button.setToolTip(
                "One PDF for the practice meeting: changes, reviews, concerns, signposting and references "
                "by category, visits, and who no one has met")
        bar.addWidget(label)
        bar.addWidget(self.range)
        bar.addWidget(QLabel("from"))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.status, 1)
        layout.addLayout(bar)

        # at a glance: cards that wrap onto more rows rather than cut a figure off
        self.cards = FigureCards((("records", "People signposted"), ("services", "Services signposted to"),
                                  ("known", "Outcomes known"), ("attended", "Attended"),
                                  ("poor", "Poor experience"), ("flagged", "Repeated poor")))
        self.cards.setObjectName("glance")
        self.glance: dict[str, QLabel] = self.cards.values
        layout.addWidget(self.cards)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("report_tabs")
        self.tabs.setAccessibleName("Report sections")
        layout.addWidget(self.tabs, 1)

        overview = QWidget()
        ov = QVBoxLayout(overview)
        ov.setContentsMargins(4, 4, 4, 4)
        self.month_chart = BarChart("Signposting records per month", unit="records")
        self.month_chart.setObjectName("month_chart")
        self.chart_caption = QLabel("")
        self.chart_caption.setObjectName("chart_caption")
        self.chart_caption.setAccessibleName("Chosen bar")
        self.month_chart.current_changed.connect(
            lambda i: self.chart_caption.setText(self.month_chart.describe(i)))
        chart_title = QLabel("<b>Signposting per month</b> (records; with the chart focused, ← → read each "
                             "month)")
        ov.addWidget(chart_title)
        ov.addWidget(self.month_chart, 3)
        ov.addWidget(self.chart_caption)
        lower = QSplitter()
        self.outcome_chart = BarChart("Outcomes of the services signposted to", horizontal=True)
        self.outcome_chart.setObjectName("outcome_chart")
        self.reason_chart = BarChart("Top reasons (records with a reason in the category)", horizontal=True)
        self.reason_chart.setObjectName("reason_chart")
        for chart, text in ((self.outcome_chart, "<b>Outcomes</b>"),
                            (self.reason_chart, "<b>Top reasons</b>")):
            box = QWidget()
            bl = QVBoxLayout(box)
            bl.setContentsMargins(0, 0, 0, 0)
            bl.addWidget(QLabel(text))
            bl.addWidget(chart, 1)
            lower.addWidget(box)
        ov.addWidget(lower, 2)
        self.tabs.addTab(overview, "&Overview")

        self.service_model = ReportTableModel(["Service", "Organisation", "Signposted", "Known outcome",
                                               "Attended", "Poor experience", "Note"], numeric=(2, 3, 4, 5))
        self.service_table = _table("service_table", self.service_model, "Outcomes by service")
        services_tab = QWidget()
        sv = QVBoxLayout(services_tab)
        hint = QLabel("Attended = attended and engaged or once, of known outcomes. "
                      f"Over fewer than {SMALL_NUMBER} the figure is a count (“2 of 3”). "
                      f"! marks {REPEATED_POOR} or more poor experiences in the period.")
        hint.setWordWrap(True)
        sv.addWidget(hint)
        sv.addWidget(self.service_table, 1)
        self.tabs.addTab(services_tab, "By &service")

        self.org_model = ReportTableModel(["Organisation", "People", "Services signposted", "Attended",
                                           "Poor experience"], numeric=(1, 2, 3, 4))
        self.org_table = _table("organisation_table", self.org_model, "Signposting by organisation")
        self.tabs.addTab(self.org_table, "By o&rganisation")

        self.reason_model = ReportTableModel(["Reason", "Records"], numeric=(1,))
        self.reason_table = _table("reason_table", self.reason_model, "Signposting by reason")
        self.tabs.addTab(self.reason_table, "By r&eason")

        self.month_model = ReportTableModel(["Month", "Records", "Services"], numeric=(1, 2))
        self.month_table = _table("month_table", self.month_model, "Signposting by month")
        self.tabs.addTab(self.month_table, "By &month")

        people = QWidget()
        pl = QHBoxLayout(people)
        self.staff_model = ReportTableModel(["Staff member", "Records", "Services"], numeric=(1, 2))
        self.staff_table = _table("staff_table", self.staff_model, "Signposting by staff member")
        self.method_model = ReportTableModel(["How", "Records"], numeric=(1,))
        self.method_table = _table("method_table", self.method_model, "Signposting by method")
        pl.addWidget(self.staff_table, 3)
        pl.addWidget(self.method_table, 2)
        self.tabs.addTab(people, "By s&taff and method")

        wellbeing = QWidget()
        wl = QVBoxLayout(wellbeing)
        self.ons4_label = QLabel("")
        self.ons4_label.setObjectName("ons4_summary")
        self.ons4_label.setWordWrap(True)
        self.ons4_model = ReportTableModel(["Question", "Average before", "Average after", "Change"],
                                           numeric=(1, 2))
        self.ons4_table = _table("ons4_table", self.ons4_model, "Wellbeing scores before and after")
        wl.addWidget(self.ons4_label)
        wl.addWidget(self.ons4_table, 1)
        index = self.tabs.addTab(wellbeing, "&Wellbeing questions")
        self.tabs.setTabToolTip(index, "Answers to the four personal wellbeing questions (ONS4), before and "
                                       "after")

        # What to do with the report: below it, as on the other pages, so the top row stays narrow.
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.pdf_button, self.csv_button, self.partner_button, self.meeting_button):
            if button is not None:
                buttons.addWidget(button)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        self.range.currentIndexChanged.connect(self._range_chosen)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.csv_button.clicked.connect(self.export_csv)
        self.partner_button.clicked.connect(self.partner_report)
        if self.meeting_button is not None:
            self.meeting_button.clicked.connect(self.meeting_pack)
        self._set_buttons(False)

    # ---- page protocol
    def count(self) -> int | None:
        return None

    def focus_search(self) -> None:
        self.range.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def period(self) -> tuple[date, date]:
        return from_qdate(self.date_from.date()), from_qdate(self.date_to.date())

    def set_period(self, start: date, end: date) -> None:
        self._applying = True
        self.range.setCurrentIndex(len(RANGES) - 1)
        self.date_from.setDate(to_qdate(start))
        self.date_to.setDate(to_qdate(end))
        self._applying = False
        self.refresh()

    def _range_chosen(self) -> None:
        period = period_for(self.range.currentText(), self.ctx.today())
        if period is not None:
            self._applying = True
            self.date_from.setDate(to_qdate(period[0]))
            self.date_to.setDate(to_qdate(period[1]))
            self._applying = False
            self.refresh()

    def _dates_edited(self) -> None:
        if self._applying:
            return
        self.range.blockSignals(True)
        self.range.setCurrentIndex(len(RANGES) - 1)
        self.range.blockSignals(False)
        self._timer.start()

    def _set_buttons(self, ready: bool) -> None:
        for b in (self.pdf_button, self.csv_button, self.partner_button):
            b.setEnabled(ready)
        # A partner report leaves the practice: vetting leads (managers) and administrators only.
        if not can(self.ctx.actor, Permission.PARTNER_REPORT):
            self.partner_button.setEnabled(False)
            self.partner_button.setToolTip("Only a vetting lead or administrator can make a partner report.")

    # ---- computing (off the UI thread)
    def refresh(self) -> None:
        self._timer.stop()
        start, end = self.period()
        self._generation += 1
        generation = self._generation
        self.status.setText("Working out the figures…")
        self._set_buttons(False)
        service = self.service

        def work(_progress: Any) -> PracticeReport:
            return service.practice_report(start, end)

        self.tasks.start(work, lambda report: self._show(generation, report),
                         lambda exc, tb: self._failed(generation, exc, tb))

    def _failed(self, generation: int, exc: BaseException, tb: str) -> None:
        if generation != self._generation:
            return
        if isinstance(exc, ValidationFailed):
            self.status.setText("✗ " + " ".join(exc.errors.values()))
        else:
            self.status.setText("✗ The report could not be worked out.")
            messages.error(self, "Report failed", f"The report could not be worked out: {exc}", tb)

    def _show(self, generation: int, report: PracticeReport) -> None:
        if generation != self._generation:
            return  # the dates changed while this was being worked out
        self.report = report
        t = report.totals
        self.glance["records"].setText(str(report.records))
        self.glance["services"].setText(str(report.services_signposted))
        self.glance["known"].setText(f"{t.known} of {t.signposted}")
        self.glance["attended"].setText(t.attended_rate.text)
        self.glance["poor"].setText(t.poor_rate.text)
        flagged = len(report.flagged_services)
        self.glance["flagged"].setText(f"{flagged} !" if flagged else "0")
        self.glance["flagged"].setAccessibleDescription(f"Services with repeated poor experiences: {flagged}")
        plural = "s" if report.records != 1 else ""
        self.status.setText(f"{report.period_text}: {report.records} record{plural}."
                            if report.records else f"{report.period_text}: no signposting recorded.")
        mc = report.month_category
        tips = []
        for i, _m in enumerate(mc.months):
            parts = [f"{name} {mc.counts[i][j]}" for j, name in enumerate(mc.categories) if mc.counts[i][j]]
            tips.append("main reasons: " + ", ".join(parts) if parts else "")
        self.month_chart.set_data([m.short_label for m in report.by_month],
                                  [m.records for m in report.by_month], tips)
        self.chart_caption.setText("")
        mix = t.outcome_mix() if t.signposted else ()
        self.outcome_chart.set_data([m[0] for m in mix], [m[1] for m in mix])
        top = report.by_category[:8]
        self.reason_chart.set_data([c.label for c in top], [c.records for c in top])
        self.service_model.set_rows([ReportRow(
            (f.service_name, f.organisation_name, str(f.signposted), str(f.counts.known),
             f.counts.attended_rate.text, f.counts.poor_rate.text,
             f"! Repeated poor experiences ({f.counts.poor})" if f.counts.repeated_poor else ""),
            (f.service_name.casefold(), f.organisation_name.casefold(), f.signposted, f.counts.known,
             f.counts.attended_rate.percent or -1, f.counts.poor_rate.percent or -1, f.counts.poor),
            "Repeated poor experiences" if f.counts.repeated_poor else "") for f in report.by_service])
        self.org_model.set_rows([ReportRow(
            (o.organisation_name, str(o.records), str(o.counts.signposted), o.counts.attended_rate.text,
             o.counts.poor_rate.text),
            (o.organisation_name.casefold(), o.records, o.counts.signposted,
             o.counts.attended_rate.percent or -1, o.counts.poor_rate.percent or -1))
            for o in report.by_organisation])
        self.reason_model.set_rows([ReportRow((c.label, str(c.records)), (c.label.casefold(), c.records))
                                    for c in report.by_category])
        self.month_model.set_rows([ReportRow((m.label, str(m.records), str(m.services)),
                                             (m.year * 100 + m.month, m.records, m.services))
                                   for m in report.by_month])
        self.staff_model.set_rows([ReportRow((c.label, str(c.records), str(c.services)),
                                             (c.label.casefold(), c.records, c.services))
                                   for c in report.by_staff])
        self.method_model.set_rows([ReportRow((c.label, str(c.records)), (c.label.casefold(), c.records))
                                    for c in report.by_method])
        if report.ons4.pairs:
            self.ons4_label.setText(f"Average scores (0 to 10) for the {report.ons4.pairs} record"
                                    f"{'s' if report.ons4.pairs != 1 else ''} with scores both before and "
                                    "after. For anxiety a fall is better.")
        else:
            self.ons4_label.setText("No record in this period has wellbeing scores both before and after. "
                                    "Record them with an outcome (Signposting log → Record outcome).")
        self.ons4_model.set_rows([ReportRow(
            (c.question, f"{c.average_before:.1f}", f"{c.average_after:.1f}", c.change_text),
            (i, c.average_before, c.average_after, c.change)) for i, c in enumerate(report.ons4.changes)])
        for view, widths in ((self.service_table, (240, 220, 90, 100, 140, 130)),
                             (self.org_table, (300, 80, 130, 140)), (self.reason_table, (320,)),
                             (self.month_table, (140, 90)), (self.staff_table, (200, 90)),
                             (self.method_table, (220,)), (self.ons4_table, (260, 120, 120))):
            for col, w in enumerate(widths):
                view.setColumnWidth(col, w)
        self._set_buttons(True)
        self.report_ready.emit(report)

    # ---- saving
    def _file_name(self, stem: str, ext: str) -> str:
        start, end = self.period()
        return f"{stem} {start.isoformat()} to {end.isoformat()}.{ext}"

    def save_pdf(self) -> None:
        report = self.report
        if report is None:
            return
        path = messages.save_file(self, "Save the signposting report",
                                  self._file_name("Signposting report", "pdf"), "PDF files (*.pdf)")
        if not path:
            return
        from sp_desktop.files import write_atomically
        from sp_desktop.output.report_pdf import render_practice_report

        def work(progress: Any) -> str:
            progress(0, 2, "Drawing the charts and tables…")
            data = render_practice_report(report)
            progress(1, 2, "Saving…")
            return str(write_atomically(path, data))

        self._in_background("Making the PDF report", work)

    def export_csv(self) -> None:
        report = self.report
        if report is None:
            return
        path = messages.save_file(self, "Export the figures as CSV",
                                  self._file_name("Signposting report", "csv"), "CSV files (*.csv)")
        if not path:
            return
        from sp_desktop.output.report_csv import save_practice_report_csv

        self._in_background("Exporting the figures", lambda _p: str(save_practice_report_csv(report, path)))

    def partner_report(self) -> None:
        from sp_desktop.ui.dialogs.partner_report_dialog import PartnerReportDialog

        start, end = self.period()
        try:
            choices = self.service.organisations_signposted(start, end)
        except ValidationFailed as exc:
            messages.warn(self, "Choose the dates first", " ".join(exc.errors.values()))
            return
        period_text = f"{show_date(start)} to {show_date(end)}"
        org_id = PartnerReportDialog.ask(choices, period_text, self)
        if org_id is None:
            return
        name = next((c.name for c in choices if c.id == org_id), "organisation")
        path = messages.save_file(self, "Save the partner report",
                                  self._file_name(f"Signposting to {name}", "pdf"), "PDF files (*.pdf)")
        if not path:
            return
        from sp_desktop.files import write_atomically
        from sp_desktop.output.report_pdf import render_partner_report

        service = self.service

        removed: list[Any] = []

        def work(progress: Any) -> str:
            progress(0, 2, f"Working out the figures for {name}…")
            report = service.partner_report(org_id, start, end)
            removed.extend(report.removed)
            progress(1, 2, "Drawing the report…")
            return str(write_atomically(path, render_partner_report(report)))

        def then(_path: str) -> None:
            if removed:  # what was taken out of the shared feedback (not printed)
                lines = "\n".join(f"• {r.kind}: {r.text}" for r in removed)
                messages.inform(self, "Removed from the shared feedback",
                                "These details were removed from the shared feedback before printing, "
                                f"so the organisation cannot identify anyone:\n\n{lines}")

        self._in_background("Making the partner report", work, then)

    def meeting_pack(self) -> None:
        """The practice meeting pack for the period on screen, made and saved in the background."""
        start, end = self.period()
        path = messages.save_file(self, "Save the practice meeting pack",
                                  self._file_name("Practice meeting pack", "pdf"), "PDF files (*.pdf)")
        if not path:
            return
        from sp_desktop.files import write_atomically
        from sp_desktop.output.meeting_pack_pdf import render_meeting_pack
        from sp_desktop.services.meeting_pack import MeetingPackService

        service = MeetingPackService(self.ctx)

        def work(progress: Any) -> str:
            import io

            from pypdf import PdfReader

            progress(0, 3, "Gathering the figures…")
            pack = service.build(start, end)
            progress(1, 3, "Drawing the pack…")
            data = render_meeting_pack(pack)
            progress(2, 3, "Saving…")
            saved = write_atomically(path, data)
            service.record_made(pack, len(PdfReader(io.BytesIO(data)).pages))
            return str(saved)

        self._in_background("Making the practice meeting pack", work)

    def _in_background(self, title: str, work: Any, then: Any = None) -> None:
        from sp_desktop.ui.tasks import run_with_progress

        def done(path: str) -> None:
            if then is not None:
                then(path)
            self.status.setText(f"Saved: {path}")
            window = self.main_window
            if window is not None and hasattr(window, "statusBar"):
                window.statusBar().showMessage(f"Saved {path}", 8000)
            self.saved.emit(path)

        def failed(exc: BaseException, tb: str) -> None:
            if isinstance(exc, OSError):
                messages.error(self, "Could not save", f"The file could not be saved: {exc.strerror or exc}. "
                               "Choose another folder, or check you may write to this one.", tb)
            elif isinstance(exc, (NotFound, PermissionDenied, ValidationFailed)):
                messages.warn(self, "Could not make the report", str(exc))
            else:
                messages.error(self, "Could not make the report", f"Something went wrong: {exc}", tb)

        run_with_progress(self, self.tasks, title, work, done, failed)


__all__ = ["ReportsPage", "period_for"]
