"""What every PDF that sp_desktop prints shares: the fonts, the text clean-up and the A4 page.

Leaflets (sp_desktop/leaflets), reports, partner reports, the meeting pack and vetting summaries
all draw in the bundled DejaVu Sans (leaflets/fonts.py: wide script coverage, HarfBuzz shaping),
with text passed through the same `sanitise_text` (characters the font cannot draw are replaced,
never dropped silently). A broken installation without the font still prints, in Helvetica, with
text outside Latin-1 shown as "?". The staff documents use one A4 page template: 18 mm margins
and a footer with the document's name and the page number. Qt-free, database-free.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from sp_desktop.domain.safe_text import escape_markup

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
BODY_W = PAGE_W - 2 * MARGIN


@dataclass(frozen=True)
class PdfFonts:
    regular: str
    bold: str
    clean: Callable[[str], str]  # text made drawable in these fonts


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf_fonts() -> PdfFonts:
    """The leaflets' bundled font when it can be loaded, else Helvetica (a broken installation)."""
    try:
        from sp_desktop.leaflets.fonts import register_fonts, sanitise_text

        f = register_fonts()
        return PdfFonts(f.regular, f.bold, sanitise_text)
    except Exception:  # a broken install still gets its document, in a standard PDF font
        return PdfFonts("Helvetica", "Helvetica-Bold", _latin1)


def pdf_text(text: str) -> str:
    """`text` made drawable in the fonts `pdf_fonts` gives."""
    return pdf_fonts().clean(text)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text (not markup) as a paragraph: escaped, cleaned, line breaks kept."""
    return Paragraph(escape_markup(pdf_text(text)).replace("\n", "<br/>"), style)


def _on_page(title: str, right: str, fonts: PdfFonts) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, fonts.clean(title))
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, f"{right}   Page {doc.page}")
        canvas.restoreState()

    return draw


def build_pdf(story: list[Any], *, title: str, author: str, footer: str, footer_right: str,
              fonts: PdfFonts) -> bytes:
    """The A4 page template of staff documents: `story` laid out, each page with its footer."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=fonts.clean(title), author=fonts.clean(author),
                            creator="sp_desktop", subject=fonts.clean(title))
    page = _on_page(footer, footer_right, fonts)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()


__all__ = ["BODY_W", "INK", "MARGIN", "MUTED", "PAGE_H", "PAGE_W", "PdfFonts", "build_pdf", "para",
           "pdf_fonts", "pdf_text"]
