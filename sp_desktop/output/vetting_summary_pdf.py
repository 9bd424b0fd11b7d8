"""The vetting summary of one organisation as PDF bytes (built by services/vetting_summary.py).

An INTERNAL document (vetting evidence, staff names): it says so on every page and is never part
of anything given to patients. Fonts and text clean-up are `output.pdf`'s, shared with the
leaflets, so names with accents and the state symbols print correctly.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.locations import public_location
from sp_desktop.output.pdf import para, pdf_fonts

if TYPE_CHECKING:  # the service's dataclass, in; bytes out
    from sp_desktop.services.vetting_summary import VettingSummary

INTERNAL_NOTE = "Internal practice document: contains vetting evidence and staff names. Not for patients."


def render_vetting_summary(summary: VettingSummary) -> bytes:
    fonts = pdf_fonts()
    regular, bold, clean = fonts.regular, fonts.bold, fonts.clean

    p = para

    def h(text: str) -> list[Any]:
        """A section heading, never left alone at the foot of a page."""
        return [CondPageBreak(35 * mm), p(text, head)]

    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11)
    label = ParagraphStyle("label", parent=base, fontName=bold)
    head = ParagraphStyle("head", parent=base, fontName=bold, fontSize=12.5, leading=16, spaceBefore=10,
                          spaceAfter=4)
    title = ParagraphStyle("title", parent=base, fontName=bold, fontSize=17, leading=21, spaceAfter=2)
    cell_head = ParagraphStyle("cell_head", parent=small, fontName=bold)

    org, rec = summary.organisation, summary.record
    story: list[Any] = [
        p(f"Vetting summary: {org.name}", title),
        p(f"{summary.practice_name} — printed {show_date(summary.printed_at)} {summary.printed_at:%H:%M} "
          f"by {summary.printed_by}", small),
        Spacer(1, 3 * mm),
    ]

    # --- organisation
    # printed: a confidential location (a refuge) in its public view only (domain.locations)
    address = public_location(org.locations[0]).address_lines if org.locations else ()
    details = [
        ("Organisation", org.name + (f" ({org.alternate_name})" if org.alternate_name else "")),
        ("Register", rec.register_text),
        ("Legal status", org.legal_status or "Not recorded"),
        ("Address", ", ".join(address) or "Not recorded"),
        ("Phone", ", ".join(ph.display for ph in org.phones) or "Not recorded"),
        ("Email", org.email or "Not recorded"),
        ("Website", org.website or "Not recorded"),
        ("Services", ", ".join(org.service_names) or "None listed"),
    ]
    if org.status.value != "active" or org.archived:
        details.append(("Directory status", "Archived" if org.archived else org.status.label))
    story += [*h("Organisation"), _kv_table(details, p, label, base)]

    # --- status
    status = [("Vetting status", rec.status_text), ("Kind of organisation", rec.kind_text)]
    if rec.reason:
        status.append(("Reason", rec.reason))
    status.append(("Last approved", f"{show_date(rec.approved_on)} by {rec.approved_by or 'unknown'}"
                   if rec.approved_on else "Never approved"))
    status.append(("Next review", (rec.review_text or show_date(rec.next_review_on, "Not set"))))
    status.append(("Review interval", f"{rec.review_interval_months} months, brought forward to the "
                                      "earliest expiry of the evidence"))
    if rec.missing:
        status.append(("Still to do", "\n".join(f"• {m}" for m in rec.missing)))
    else:
        status.append(("Checklist", "Every mandatory item is complete and in date, or does not apply "
                                    "with a reason ✓"))
    story += [*h("Vetting status"), _kv_table(status, p, label, base)]

    # --- checklist
    rows: list[list[Any]] = [[p(h, cell_head) for h in ("Checklist item", "Done", "Checked by", "Checked on",
                                                         "Expires", "Evidence notes")]]
    for r in rec.rows:
        item = r.item.label + ("" if r.item.mandatory else " (optional)")
        if r.complete and r.expired(rec.today):
            done = "Expired !"
        elif r.complete:
            done = "Yes ✓"
        elif r.not_applicable:
            done = "Does not apply"
        else:
            done = "No ✗"
        notes = r.notes or "—"
        if r.not_applicable:
            notes = f"Does not apply: {r.not_applicable}" + (f"\n{r.notes}" if r.notes else "")
        expires = show_date(r.expires_on) if r.expires_on else ("Needed" if r.item.has_expiry else "—")
        if r.expiring(rec.today) and r.complete:
            expires += " (soon)"
        rows.append([p(item, small), p(done, small), p(r.checked_by or "—", small),
                     p(show_date(r.checked_on, "—"), small), p(expires, small), p(notes, small)])
    table = Table(rows, colWidths=[46 * mm, 17 * mm, 26 * mm, 22 * mm, 21 * mm, 44 * mm], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [*h("Checklist and evidence"), table]

    # --- history
    story += h("Recent history (newest first)")
    if summary.history:
        hist_rows: list[list[Any]] = [[p(h, cell_head) for h in ("When", "Who", "What")]]
        for line in summary.history:
            what = line.text + ("\n" + "\n".join(line.details[:6]) if line.details else "")
            hist_rows.append([p(line.when, small), p(line.who, small), p(what, small)])
        hist = Table(hist_rows, colWidths=[26 * mm, 32 * mm, 118 * mm], repeatRows=1, hAlign="LEFT")
        hist.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        story.append(hist)
    else:
        story.append(p("No changes recorded yet.", base))
    story += [Spacer(1, 6 * mm), KeepTogether([
        p("Reviewed at the practice meeting on ____________________   Signed ______________________", base)])]

    footer_text = clean(f"{INTERNAL_NOTE} Vetting summary: {org.name}")

    class _Numbered(Canvas):  # type: ignore[misc]
        """Writes 'page n of m' once the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(regular, 7.5)
                self.setFillColor(colors.black)
                page_text = f"Page {number} of {total}"
                left, right = 15 * mm + 6, A4[0] - 15 * mm - 6  # the frame's padding
                room = right - left - stringWidth(page_text, regular, 7.5) - 6 * mm
                text = footer_text
                while text and stringWidth(text, regular, 7.5) > room:
                    text = text[:-2]
                if text != footer_text:
                    text = text.rstrip() + "…"
                self.drawString(left, 9 * mm, text)
                self.drawRightString(right, 9 * mm, page_text)
                super().showPage()
            super().save()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=16 * mm, title=clean(f"Vetting summary: {org.name}"),
                            author=clean(summary.practice_name), subject="Vetting summary (internal)")
    doc.build(story, canvasmaker=_Numbered)
    return buffer.getvalue()


def _kv_table(pairs: list[tuple[str, str]], p: Any, label: ParagraphStyle, base: ParagraphStyle) -> Table:
    table = Table([[p(k, label), p(v, base)] for k, v in pairs], colWidths=[36 * mm, 140 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


__all__ = ["INTERNAL_NOTE", "render_vetting_summary"]
