"""Printable reports as PDF: the practice report (for practice meetings) and a partner report
(for one community organisation). reportlab Platypus and reportlab.graphics; no Qt, no database.

Report dataclasses in (`sp_desktop.services.reports`), bytes out; the page template and fonts are
`output.pdf`'s, shared with the other staff documents. Every chart is followed by a table with the
same numbers, and every bar carries its value as text, so nothing depends on telling colours apart.
Reports carry no patient references; the partner report carries no staff names, trust notes or
feedback the practice did not choose to share (the report dataclass holds none of these, so they
cannot leak here).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from sp_desktop.domain.formatting import show_date, show_datetime
from sp_desktop.output.pdf import (
    BODY_W,
    INK,
    MUTED,
    PdfFonts,
    build_pdf,
    pdf_fonts,
    pdf_text,
)
from sp_desktop.output.pdf import para as _p
from sp_desktop.output.report_rules import REPEATED_POOR, SMALL_NUMBER, Rate, experience_label

if TYPE_CHECKING:  # the report dataclasses a service builds: in; bytes out
    from sp_desktop.services.reports import OutcomeCounts, PartnerReport, PracticeReport

__all__ = ["privacy_line", "render_partner_report", "render_practice_report"]

#: Colour-blind-safe palette (Okabe–Ito), used in a fixed order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
RULE = colors.HexColor("#bbbbbb")
HEADER_BG = colors.HexColor("#e8eef5")
FLAG_BG = colors.HexColor("#fde9d9")


class _Styles:
    def __init__(self, f: PdfFonts) -> None:
        self.f = f
        self.title = ParagraphStyle("title", fontName=f.bold, fontSize=20, leading=25, textColor=INK,
                                    spaceAfter=4)
        self.subtitle = ParagraphStyle("subtitle", fontName=f.regular, fontSize=12, leading=16, textColor=INK)
        self.h2 = ParagraphStyle("h2", fontName=f.bold, fontSize=14, leading=18, textColor=INK,
                                 spaceBefore=10,
                                 spaceAfter=5)
        self.body = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=14, textColor=INK)
        self.small = ParagraphStyle("small", fontName=f.regular, fontSize=8.5, leading=11.5, textColor=MUTED)
        self.cell = ParagraphStyle("cell", fontName=f.regular, fontSize=9, leading=11.5, textColor=INK)
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=f.bold)
        self.head_small = ParagraphStyle("heads", parent=self.cell_bold, fontSize=7.5, leading=9.5)
        self.quote = ParagraphStyle("quote", fontName=f.regular, fontSize=10.5, leading=15, textColor=INK,
                                    leftIndent=8, borderPadding=(4, 4, 4, 8))


def _table(st: _Styles, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float],
           *, numeric_from: int = 1, numeric_to: int | None = None, highlight: Sequence[int] = (),
           total: bool = False, compact: bool = False) -> Table:
    """A table with a shaded header row; numbers right-aligned (columns numeric_from..numeric_to);
    `highlight` rows shaded (and marked in words by the caller, never by shade alone)."""
    head_style = st.head_small if compact else st.cell_bold
    data: list[list[Any]] = [[_p(h, head_style) for h in header]]
    last = len(header) if numeric_to is None else numeric_to + 1
    for row in rows:
        # A number ("1,234", "45%") is drawn as a plain string, styled below: wrapping a Paragraph
        # for each of a five-year report's thousands of figures was most of the PDF's time.
        data.append([c if not isinstance(c, str) else
                     c if numeric_from <= i < last and _is_figure(c) else _p(c, st.cell)
                     for i, c in enumerate(row)])
    t = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for r in highlight:
        style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), FLAG_BG))
    if total:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, INK))
    if last > numeric_from:  # the plain-string figures: as the cell style, right-aligned
        figures = ((numeric_from, 1), (last - 1, -1))
        style += [("FONTNAME", *figures, st.cell.fontName), ("FONTSIZE", *figures, st.cell.fontSize),
                  ("LEADING", *figures, st.cell.leading), ("TEXTCOLOR", *figures, st.cell.textColor),
                  ("ALIGN", *figures, "RIGHT")]
        if total:
            style.append(("FONTNAME", (numeric_from, -1), (last - 1, -1), st.cell_bold.fontName))
    t.setStyle(TableStyle(style))
    # Right-align numeric columns by re-styling their paragraphs.
    right = ParagraphStyle("right", parent=st.cell, alignment=2)
    right_bold = ParagraphStyle("rightb", parent=st.cell_bold, alignment=2)
    right_head = ParagraphStyle("righth", parent=head_style, alignment=2)
    for r, row in enumerate(data):
        for c in range(numeric_from, min(last, len(row))):
            cell = row[c]
            if isinstance(cell, Paragraph):
                cell.style = right_head if r == 0 else right_bold if total and r == len(data) - 1 else right
    return t


_FIGURE = re.compile(r"[-+−–]?[£]?\d[\d,.]*%?|[–—-]|")


def _is_figure(text: str) -> bool:
    """A short number, percentage or dash: safe to draw without a Paragraph (no wrapping needed)."""
    return len(text) <= 16 and _FIGURE.fullmatch(text.strip()) is not None


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        top = math.ceil(value / (step * magnitude)) * step * magnitude
        if top >= value:
            return int(top)
    return value


def _step(top: int) -> int:
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / s <= 6:
            return s
    return max(1, top // 5)


def monthly_chart(months: Sequence[str], series: Sequence[Sequence[int]], names: Sequence[str],
                  fonts: PdfFonts, width: float = BODY_W, height: float = 78 * mm) -> Drawing:
    """Stacked bars: records per month by category, with each month's total printed above its bar
    and a legend naming the categories from the bottom of the stack up."""
    d = Drawing(width, height)
    n = max(1, len(months))
    totals = [sum(s[i] for s in series) for i in range(len(months))] if series else [0] * len(months)
    top = _nice_max(max(totals or [0]))
    legend_rows = math.ceil(max(1, len(names)) / 2)
    legend_h = 12 * legend_rows + 8
    chart = VerticalBarChart()
    chart.x, chart.y = 30, legend_h + 28
    chart.width, chart.height = width - 40, height - chart.y - 16
    chart.data = [list(s) for s in series] or [[0] * n]
    chart.categoryAxis.categoryNames = list(months)
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 7 if n > 12 else 8
    chart.categoryAxis.labels.angle = 45 if n > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if n > 12 else "n"
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.barSpacing = 0
    chart.groupSpacing = 6 if n > 12 else 10
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.5
    d.add(chart)
    # Totals above the bars (text, so the chart reads without colour).
    slot = chart.width / n
    for i, total in enumerate(totals):
        x = chart.x + slot * (i + 0.5)
        y = chart.y + chart.height * (total / top) + 3
        d.add(String(x, y, str(total), fontName=fonts.bold, fontSize=7 if n > 12 else 8, textAnchor="middle",
                     fillColor=INK))
    if names:
        legend = Legend()
        legend.x, legend.y = 30, legend_h - 4
        legend.alignment = "right"
        legend.columnMaximum = legend_rows
        legend.deltax = (width - 40) / 2
        legend.deltay = 12
        legend.autoXPadding = 10
        legend.dx, legend.dy = 8, 8
        legend.fontName = fonts.regular
        legend.fontSize = 8
        legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), pdf_text(name))
                                 for i, name in enumerate(names)]
        d.add(legend)
    return d


def horizontal_chart(labels: Sequence[str], values: Sequence[int], fonts: PdfFonts, width: float = BODY_W,
                     bar_h: float = 13, label_w: float = 190) -> Drawing:
    """One bar per label with its value printed at the end of the bar."""
    n = max(1, len(labels))
    height = n * bar_h + 26
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 16
    chart.width, chart.height = width - label_w - 30, n * bar_h
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = [pdf_text(_shorten(lab, 42)) for lab in reversed(labels)] or [""]
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    top = _nice_max(max(values or [0]))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor(PALETTE[0])
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = fonts.bold
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barSpacing = 2
    d.add(chart)
    return d


#: Rows a list in the report's PDF shows: a meeting reads the leading services and organisations;
#: the CSV export (the same figures) lists every one. A year at a large practice is thousands.
PDF_LIST_LIMIT = 60


def _more_in_the_csv(st: _Styles, shown: int, total: int, what: str) -> list[Any]:
    if total <= shown:
        return []
    return [_p(f"The {shown} {what} with the most records are shown; the other {total - shown:,} are in "
               "the CSV export of this report (Reports → Export CSV…).", st.small)]


def _shorten(text: str, n: int) -> str:
    """At most `n` characters, cut at a word boundary where possible."""
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    if " " in cut[n // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,") + "…"


def _outcome_rows(counts: OutcomeCounts) -> list[list[str]]:
    total = counts.signposted
    rows = []
    for label, n in counts.outcome_mix():
        rows.append([label, str(n), Rate(n, total).short_text if total >= SMALL_NUMBER else ""])
    return rows


# --------------------------------------------------------------------------- practice report
def render_practice_report(report: PracticeReport) -> bytes:
    """The practice meeting report: figures, charts and tables for the period."""
    f = pdf_fonts()
    st = _Styles(f)
    story: list[Any] = [
        _p("Signposting report", st.title),
        _p(f"{report.practice_name} — {report.period_text}", st.subtitle),
        _p(f"Produced {show_datetime(report.generated_at)}. For the practice team: contains no patient "
           "references or names.", st.small),
        Spacer(1, 6),
    ]
    t = report.totals
    story.append(_p("At a glance", st.h2))
    glance = [
        ["People signposted (records)", str(report.records)],
        ["Services signposted to (a record can name several)", str(report.services_signposted)],
        ["Different services / organisations",
         f"{report.distinct_services} / {report.distinct_organisations}"],
        ["Outcomes known", f"{t.known} of {t.signposted}"],
        ["Attended (engaged or once), of known outcomes", t.attended_rate.text],
        ["Poor experience, of experiences recorded", t.poor_rate.text],
        ["Services with repeated poor experiences", str(len(report.flagged_services))],
    ]
    story.append(_table(st, ["Measure", "Figure"], glance, [BODY_W * 0.7, BODY_W * 0.3]))
    if report.is_empty:
        story.append(Spacer(1, 8))
        story.append(_p("No signposting was recorded in this period.", st.body))
        return build_pdf(story, title=f"Signposting report {report.period_text}", author=report.practice_name,
                      footer=f"{report.practice_name} — signposting report", footer_right=report.period_text,
                      fonts=f)

    flagged = report.flagged_services
    if flagged:
        story.append(_p("Services with repeated poor experiences", st.h2))
        story.append(_p(f"{REPEATED_POOR} or more poor experiences in the period: worth raising at the "
                        "vetting review (trust notes may already say more).", st.small))
        worst = sorted(flagged, key=lambda x: (-x.counts.poor, x.service_name))
        rows = [[f"{sf.service_name}\n{sf.organisation_name}", str(sf.counts.signposted), str(sf.counts.poor),
                 sf.counts.poor_rate.short_text]
                for sf in worst[:PDF_LIST_LIMIT]]
        story.append(_table(st, ["Service (organisation)", "Signposted", "Poor experiences", "Share poor"],
                            rows,
                            [BODY_W * 0.52, BODY_W * 0.16, BODY_W * 0.16, BODY_W * 0.16], compact=True))
        if len(worst) > PDF_LIST_LIMIT:
            story.append(_p(f"The {PDF_LIST_LIMIT} services with the most poor experiences are shown; the "
                            f"other {len(worst) - PDF_LIST_LIMIT:,} are in the CSV export of this report.",
                            st.small))

    mc = report.month_category
    series = [[row[c] for row in mc.counts] for c in range(len(mc.categories))]
    story.append(CondPageBreak(105 * mm))
    story.append(_p("Signposting per month, by main reason", st.h2))
    story.append(_p("Each bar is one month; the number above it is the number of records. The coloured parts "
                    "show the main reason (the largest categories, named in the key from the bottom of each "
                    "bar up); the table below gives the same numbers. A record with several reasons counts "
                    "once, under the first of them in the key.", st.small))
    story.append(monthly_chart([m.short_label for m in mc.months], series, mc.categories, f))
    header = ["Month", "Records", *[_shorten(c, 26) for c in mc.categories]]
    rows = [[m.label, str(m.records), *[str(v) for v in mc.counts[i]]] for i, m in enumerate(mc.months)]
    rows.append(["Total", str(report.records), *[str(sum(col)) for col in series]])
    n_cat = len(mc.categories)
    first, second = 22 * mm, 17 * mm
    rest = (BODY_W - first - second) / max(1, n_cat)
    story.append(Spacer(1, 4))
    story.append(_table(st, header, rows, [first, second, *[rest] * n_cat], total=True, compact=True))

    story.append(CondPageBreak(90 * mm))
    story.append(_p("Outcomes", st.h2))
    story.append(_p(f"What happened after signposting, for all {t.signposted} services signposted to.",
                    st.small))
    mix = _outcome_rows(t)
    story.append(horizontal_chart([r[0] for r in mix], [int(r[1]) for r in mix], f))
    story.append(_table(st, ["Outcome", "Number", "Share"], mix, [BODY_W * 0.6, BODY_W * 0.2, BODY_W * 0.2]))

    top = report.by_service[:12]
    story.append(CondPageBreak(80 * mm))
    story.append(_p("Most used services", st.h2))
    story.append(horizontal_chart([s.service_name for s in top], [s.signposted for s in top], f))

    story.append(CondPageBreak(45 * mm))
    story.append(_p("Personal wellbeing (ONS4)", st.h2))
    if report.ons4.pairs:
        story.append(_p(f"Average scores (0 to 10) before and after, for the {report.ons4.pairs} record"
                        f"{'s' if report.ons4.pairs != 1 else ''} with both sets of scores. For anxiety a "
                        "fall is better.", st.small))
        rows = [[c.question, f"{c.average_before:.1f}", f"{c.average_after:.1f}", c.change_text]
                for c in report.ons4.changes]
        story.append(_table(st, ["Question", "Before", "After", "Change"], rows,
                            [BODY_W * 0.4, BODY_W * 0.15, BODY_W * 0.15, BODY_W * 0.3]))
    else:
        story.append(_p("No record in this period has wellbeing scores both before and after.", st.body))

    story.append(CondPageBreak(50 * mm))
    story.append(_p("By reason (category of need)", st.h2))
    story.append(_p("Records with a reason in each category; a record with reasons in two categories counts "
                    "in both.", st.small))
    rows = [[c.label, str(c.records)] for c in report.by_category]
    story.append(_table(st, ["Reason", "Records"], rows, [BODY_W * 0.75, BODY_W * 0.25]))

    story.append(CondPageBreak(45 * mm))
    story.append(_p("By staff member and method", st.h2))
    staff_rows = [[c.label, str(c.records), str(c.services)] for c in report.by_staff]
    method_rows = [[c.label, str(c.records)] for c in report.by_method]
    half = (BODY_W - 8 * mm) / 2
    story.append(Table([[
        _table(st, ["Staff member", "Records", "Services"], staff_rows,
               [half * 0.56, half * 0.22, half * 0.22]),
        _table(st, ["How", "Records"], method_rows, [half * 0.7, half * 0.3]),
    ]], colWidths=[half + 4 * mm, half + 4 * mm], hAlign="LEFT",
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])))

    story.append(CondPageBreak(50 * mm))
    story.append(_p("By organisation", st.h2))
    rows = [[o.organisation_name, str(o.records), str(o.counts.signposted), o.counts.attended_rate.short_text,
             o.counts.poor_rate.short_text] for o in report.by_organisation[:PDF_LIST_LIMIT]]
    story.append(_table(st, ["Organisation", "People", "Services", "Attended", "Poor experience"], rows,
                        [BODY_W * 0.44, BODY_W * 0.12, BODY_W * 0.12, BODY_W * 0.14, BODY_W * 0.18],
                        compact=True))
    story += _more_in_the_csv(st, len(rows), len(report.by_organisation), "organisations")

    story.append(CondPageBreak(60 * mm))
    story.append(_p("Outcomes by service", st.h2))
    story.append(_p(
        "Attended = attended and engaged, or attended once, out of services with a known outcome. "
        "Poor = poor experiences out of experiences recorded. "
        f"Over fewer than {SMALL_NUMBER} the figure is shown as a count (“2 of 3”), not a percentage. "
        f"“! Repeated poor” marks a service with {REPEATED_POOR} or more poor experiences in the period.",
        st.small))
    rows = []
    marked = []
    for i, sf in enumerate(report.by_service[:PDF_LIST_LIMIT]):
        c = sf.counts
        if c.repeated_poor:
            marked.append(i)
        rows.append([f"{sf.service_name}\n{sf.organisation_name}", str(c.signposted), str(c.known),
                     c.attended_rate.short_text, c.poor_rate.short_text,
                     f"! Repeated poor ({c.poor})" if c.repeated_poor else ""])
    story.append(_table(st, ["Service (organisation)", "Signposted", "Known outcome", "Attended",
                             "Poor experience", "Flag"], rows,
                        [BODY_W * w for w in (0.38, 0.11, 0.11, 0.11, 0.12, 0.17)],
                        numeric_to=4, highlight=marked, compact=True))
    story += _more_in_the_csv(st, len(rows), len(report.by_service), "services")
    return build_pdf(story, title=f"Signposting report {report.period_text}", author=report.practice_name,
                  footer=f"{report.practice_name} — signposting report", footer_right=report.period_text,
                  fonts=f)


# --------------------------------------------------------------------------- partner report
def privacy_line(report: PartnerReport) -> str:
    """Exactly what was done to keep people from being identified (printed on the report)."""
    count = len(report.removed)
    removed = (f"{count} such detail{'s were' if count != 1 else ' was'} removed" if count
               else "none was found")
    feedback = ("Feedback is printed only where the person giving it agreed that it may be shared with "
                "you. Before printing, we searched it for phone numbers, e-mail addresses, NHS and CHI "
                "numbers, postcodes, the names of our staff and names given with a title such as "
                f"\u201cMrs\u201d or \u201cDr\u201d, and {removed}." if report.feedback else
                "No feedback is included.")
    return ("The figures are counts: we do not record patients' names or details with signposting. "
            + feedback)


def render_partner_report(report: PartnerReport) -> bytes:
    """A report to give to a community organisation: how many people the practice signposted to
    each of its services, what happened, and the feedback the practice chose to share."""
    f = pdf_fonts()
    st = _Styles(f)
    header = [_p(report.practice_name, st.cell_bold)]
    for line in report.practice_address:
        header.append(_p(line, st.cell))
    if report.practice_phone:
        header.append(_p(f"Phone {report.practice_phone}", st.cell))
    story: list[Any] = [
        *header,
        Spacer(1, 10),
        _p(f"Signposting to {report.organisation_name}", st.title),
        _p(report.period_text, st.subtitle),
        Spacer(1, 6),
        _p("Thank you for the support you give to people from our practice. This report shows how many "
           f"people we signposted to your services between {show_date(report.date_from)} and "
           f"{show_date(report.date_to)}, what we heard happened next, and feedback people were happy for us "
           "to pass on.", st.body),
        _p(privacy_line(report), st.body),
    ]
    t = report.totals
    story.append(_p("People we signposted to you", st.h2))
    if not report.people:
        story.append(_p("We did not record signposting anyone to your services in this period.", st.body))
    else:
        story.append(_p(f"{report.people} {'person' if report.people == 1 else 'people'} in total.", st.body))
        rows = []
        for s in report.services:
            c = s.counts
            rows.append([s.service_name, str(c.signposted), str(c.attended), str(c.did_not_attend),
                         str(c.not_suitable + c.service_full + c.declined), str(c.awaiting + c.not_known)])
        if len(report.services) > 1:
            rows.append(["All services", str(t.signposted), str(t.attended), str(t.did_not_attend),
                         str(t.not_suitable + t.service_full + t.declined), str(t.awaiting + t.not_known)])
        story.append(_table(st, ["Service", "Signposted", "Went along", "Did not go", "Other outcome",
                                 "Not known yet"], rows,
                            [BODY_W * 0.34, BODY_W * 0.13, BODY_W * 0.13, BODY_W * 0.13, BODY_W * 0.13,
                             BODY_W * 0.14], total=len(report.services) > 1, compact=True))
        if len(report.services) > 1:
            story.append(Spacer(1, 6))
            story.append(horizontal_chart([s.service_name for s in report.services],
                                          [s.counts.signposted for s in report.services], f))
        story.append(_p("What happened", st.h2))
        story.append(_p("“Went along” counts people who attended once or more. Shares are only given where "
                        f"the number is {SMALL_NUMBER} or more.", st.small))
        story.append(_table(st, ["Outcome", "Number", "Share"], _outcome_rows(t),
                            [BODY_W * 0.6, BODY_W * 0.2, BODY_W * 0.2]))
    story.append(_p("What people told us", st.h2))
    if report.feedback:
        for fb in report.feedback:
            label = f"{fb.month} — {fb.service_name}"
            if fb.experience is not None:
                label += f" — experience: {experience_label(fb.experience).lower()}"
            story.append(KeepTogether([_p(label, st.small), _p(f"“{fb.text}”", st.quote), Spacer(1, 5)]))
    else:
        story.append(_p("No feedback was shared for this period.", st.body))
    story.append(_p("Leaflet references", st.h2))
    if report.references:
        story.append(_p(
            f"Each leaflet we give out carries a short reference, such as K7M-2QX, that people can quote to "
            f"you. We gave out {report.references_issued} with your services on them in this period; you "
            f"told us about {report.references_acknowledged}. When someone quotes one, a quick phone call or "
            "e-mail with the reference (and, if you can, whether they came along) tells us it reached you. "
            "It tells us nothing about who they are.", st.body))
        story.append(_table(st, ["Service", "Leaflets with a reference", "References you told us about"],
                            [[r.service_name, str(r.issued), str(r.acknowledged)] for r in report.references],
                            [BODY_W * 0.5, BODY_W * 0.25, BODY_W * 0.25], compact=True))
    else:
        story.append(_p("We gave out no leaflets with a reference for your services in this period. From now "
                        "on each leaflet carries a short reference, such as K7M-2QX, that people can quote "
                        "to you; telling us when one reaches you lets us know the leaflet worked.", st.body))
    story.append(Spacer(1, 10))
    story.append(_p(f"Produced by {report.practice_name} on {show_date(report.generated_on)}. If anything "
                    "here does not match your records, or you would like to talk about how we work together, "
                    "please get in touch.", st.small))
    story += _what_you_need_page(st, report)
    return build_pdf(story, title=f"Signposting to {report.organisation_name} {report.period_text}",
                  author=report.practice_name, footer=f"{report.practice_name} — partner report",
                  footer_right=report.period_text, fonts=f)


def _what_you_need_page(st: _Styles, report: PartnerReport) -> list[Any]:
    """A page printed blank for the organisation to fill in and send back: what the practice should
    know before it sends people (capacity, who it is for, changes coming)."""
    from reportlab.platypus import PageBreak

    def box(question: str, hint: str, lines: int) -> list[Any]:
        ruled = Table([[""] for _ in range(lines)], colWidths=[BODY_W], rowHeights=[9 * mm] * lines,
                      hAlign="LEFT")
        ruled.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE)]))
        return [KeepTogether([_p(question, st.cell_bold), _p(hint, st.small), ruled, Spacer(1, 4 * mm)])]

    story: list[Any] = [
        PageBreak(),
        _p(f"Tell {report.practice_name} what you need", st.h2),
        _p(f"For {report.organisation_name} to fill in and give back (by hand, post or e-mail"
           + (f", or phone {report.practice_phone}" if report.practice_phone else "") + "). It helps us send "
           "the right people at the right time. Please do not write anything about the people we sent you.",
           st.body),
        Spacer(1, 4 * mm),
    ]
    story += box("Are you taking new people at the moment?",
                 "Yes / waiting list of about ___ weeks / not at the moment", 2)
    story += box("Who is it for, and who is it not for?", "Ages, needs, area, anything that rules people out",
                 3)
    story += box("Changes coming up", "Closures, new groups or times, a move, new staff or contacts", 3)
    story += box("What would help you from the practice?", "A visit, a talk to our team, a different way of "
                 "referring, more notice", 3)
    story += box("Who should we contact, and how?", "Name, phone, e-mail", 2)
    return story
