"""Patient leaflets and category booklets as PDF (reportlab Platypus), and as plain text.

Content dataclasses in (``sp_desktop.leaflets.content``), bytes out. No database, no Qt.

Layout follows the RNIB Clear Print guidance: left-aligned text only, no italics, no
capitals-only text, line spacing about 1.4 times the text size, black on white, bold larger
headings, and no text anywhere on the page smaller than the format's minimum (14 pt, or 18 pt
for large print) - that includes the footer.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError, NullActionFlowable
from reportlab.platypus.flowables import _listWrapOn

from sp_desktop.leaflets.content import (
    Booklet,
    Leaflet,
    LeafletFormat,
    LeafletService,
    LeafletVenue,
    PracticeHeader,
    format_date,
)
from sp_desktop.leaflets.fonts import register_fonts, sanitise_text

__all__ = [
    "BookletCancelled",
    "LeafletError",
    "ProgressCallback",
    "CancelledCallback",
    "leaflet_plain_text",
    "render_booklet",
    "render_leaflet",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
CancelledCallback = Callable[[], bool]

OPENING = "Support that might help you"
FOOTER_ASK = "Ask at reception if you would like this in large print or another format."
REFERRED = (
    "We have referred you to this service, so they should get in touch with you. "
    "You can also contact them yourself."
)
QR_HINT = "Or scan the square code with a phone camera."
MAX_QR_URL = 600  # longer addresses are printed as text only
MAX_TABLE_URL = 200  # longer addresses go in a plain paragraph (a table row cannot split)


class LeafletError(ValueError):
    """The leaflet or booklet cannot be made from what was given; the message says why."""


class BookletCancelled(Exception):
    """The person building the booklet cancelled it. Nothing was produced."""


# --------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True)
class _Styles:
    fmt: LeafletFormat
    page_size: tuple[float, float]
    margin: float
    body: ParagraphStyle
    label: ParagraphStyle
    service_heading: ParagraphStyle
    phone: ParagraphStyle
    practice_name: ParagraphStyle
    title: ParagraphStyle
    note: ParagraphStyle
    footer: ParagraphStyle
    checked: ParagraphStyle
    continued: ParagraphStyle
    section_heading: ParagraphStyle
    cover_title: ParagraphStyle
    toc_name: ParagraphStyle
    toc_page: ParagraphStyle
    qr_size: float
    rule: float


@cache
def _styles(fmt: LeafletFormat) -> _Styles:
    fonts = register_fonts()
    body_pt = fmt.min_body_pt
    compact = fmt is LeafletFormat.COMPACT
    large = fmt is LeafletFormat.LARGE

    def style(name: str, size: float, *, bold: bool = False, before: float = 0.0,
              after: float = 0.0, spacing: float = 1.4, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name=f"{fmt.value}-{name}",
            fontName=fonts.bold if bold else fonts.regular,
            fontSize=size,
            leading=round(size * spacing, 1),
            alignment=kw.pop("alignment", TA_LEFT),
            textColor=colors.black,
            spaceBefore=before,
            spaceAfter=after,
            splitLongWords=1,
            allowWidows=0,
            allowOrphans=0,
            **kw,
        )

    b = body_pt
    heading_pt = 18.0 if compact else (26.0 if large else 20.0)
    label_pt = b + (0.0 if compact else 2.0)
    phone_pt = 20.0 if compact else (28.0 if large else 22.0)
    title_pt = 20.0 if compact else (30.0 if large else 24.0)
    pad = 0.5 * b
    return _Styles(
        fmt=fmt,
        page_size=A5 if compact else A4,
        margin=(14 if compact else 18) * mm,
        body=style("body", b, after=0.35 * b),
        label=style("label", label_pt, bold=True, before=0.75 * b, after=0.15 * b, keepWithNext=1),
        service_heading=style("service", heading_pt, bold=True, spacing=1.25, after=0.2 * b,
                              keepWithNext=1),
        phone=style("phone", phone_pt, bold=True, spacing=1.3, after=0.25 * b),
        practice_name=style("practice", b + 4, bold=True, spacing=1.3),
        title=style("title", title_pt, bold=True, spacing=1.25, before=0.4 * b, after=0.6 * b),
        note=style("note", b, bold=False, before=0.6 * b + pad, after=0.6 * b + pad,
                   borderWidth=1.5, borderColor=colors.black, borderPadding=pad,
                   leftIndent=pad + 1, rightIndent=pad + 1),
        footer=style("footer", b, spacing=1.3),
        checked=style("checked", b, before=0.4 * b, after=0.2 * b),
        continued=style("continued", label_pt, bold=True, after=0.2 * b),
        section_heading=style("section", heading_pt + 4, bold=True, spacing=1.25, after=0.6 * b,
                              keepWithNext=1),
        cover_title=style("cover", title_pt + 10, bold=True, spacing=1.25, before=b, after=b),
        toc_name=style("tocname", b, spacing=1.35),
        toc_page=style("tocpage", b, spacing=1.35, alignment=TA_RIGHT),
        qr_size=(24 if compact else (32 if large else 28)) * mm,
        rule=1.5,
    )


_derived: dict[tuple[str, tuple[tuple[str, Any], ...]], ParagraphStyle] = {}


def _derive(style: ParagraphStyle, **changes: Any) -> ParagraphStyle:
    """A copy of ``style`` with some attributes changed (cached: styles are never mutated)."""
    key = (style.name, tuple(sorted(changes.items())))
    found = _derived.get(key)
    if found is None:
        found = ParagraphStyle(f"{style.name}-{len(_derived)}", parent=style, **changes)
        _derived[key] = found
    return found


# --------------------------------------------------------------------------------------------
# Text helpers


def _markup(text: str) -> str:
    """Data text -> safe Platypus paragraph markup (escaped, font-safe, newlines kept)."""
    cleaned = sanitise_text(text).strip()
    lines = [" ".join(line.split()) for line in cleaned.split("\n")]
    return "<br/>".join(escape(line) for line in lines)


def _paragraphs(text: str | None) -> list[str]:
    """Split free text into paragraphs on blank lines; single newlines stay as line breaks."""
    if not text or not text.strip():
        return []
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [c.strip() for c in chunks if c.strip()]


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _display_url(url: str) -> str:
    shown = re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE)
    return shown[:-1] if shown.endswith("/") and shown.count("/") == 1 else shown


def _qr_url(url: str) -> str:
    url = url.strip()
    return url if re.match(r"^[a-z][a-z0-9+.-]*://", url, flags=re.IGNORECASE) else "https://" + url


def _phone_label(label: str) -> str:
    label = _clean(label)
    return label if label else "Phone"


# --------------------------------------------------------------------------------------------
# Flowables


class _WriteInLine(Flowable):  # type: ignore[misc]
    """``For: ______`` - a label and a line to write a name on."""

    def __init__(self, label: str, font: str, size: float) -> None:
        super().__init__()
        self.label = label
        self.font = font
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size * 2.4
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        baseline = self.size * 0.7
        canv.setFillColor(colors.black)
        canv.setFont(self.font, self.size)
        canv.drawString(0, baseline, self.label)
        x = stringWidth(self.label, self.font, self.size) + self.size * 0.5
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(1)
        canv.line(x, baseline - 2, self.width, baseline - 2)


@lru_cache(maxsize=2048)
def _qr_matrix(data: str) -> tuple[tuple[bool, ...], ...] | None:
    """The QR code modules for ``data`` (no quiet zone), or None if it cannot be encoded."""
    try:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        code.add_data(data)
        code.make(fit=True)
        return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())
    except Exception as exc:  # e.g. too long for any QR version; the address is still printed
        log.warning("No QR code for %r: %s", data, exc)
        return None


class _QrCode(Flowable):  # type: ignore[misc]
    """A QR code drawn as one filled path (runs of dark modules), with a 4-module quiet zone."""

    def __init__(self, matrix: tuple[tuple[bool, ...], ...], size: float) -> None:
        super().__init__()
        self.matrix = matrix
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        n = len(self.matrix)
        module = self.size / (n + 8)
        canv = self.canv  # drawOn() saves and restores the graphics state around this
        canv.setFillColor(colors.black)
        # Drawn in modules (one unit = one module), so every run is whole numbers and the path
        # is written out in one go: formatting four floats per run through reportlab's path
        # object was a tenth of a 150-service booklet (~25,000 runs). Same shapes, same place.
        canv.transform(module, 0, 0, module, 0, 0)
        runs: list[str] = []
        for r, row in enumerate(self.matrix):
            y = n + 3 - r  # the row's bottom edge, counted from the bottom of the quiet zone
            c = 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    runs.append(f"{start + 4} {y} {c - start} 1 re")
                else:
                    c += 1
        if runs:  # as drawPath(path, stroke=0, fill=1) wrote it: a new path, the runs, fill (f*)
            canv.addLiteral("n " + " ".join(runs))
            canv.addLiteral("f*")


class _Para(Paragraph):  # type: ignore[misc]
    """A Paragraph that keeps its lines for the width it was last set in.

    Its lines depend on the width only, not on the height offered, and Platypus asks again
    and again: a service's keep-together groups measure their contents, then the frame places
    each one, and a split measures again (a 150-service booklet set every paragraph ~3.5
    times). The same answer is given without breaking the lines anew; a new width, or a piece
    made by a split (a new object), is set afresh."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        state = self.__dict__
        # (A split that refuses to split - widow and orphan control - drops the lines.)
        if state.get("_set_width") == availWidth and "blPara" in state:
            return self.width, self.height
        result: tuple[float, float] = super().wrap(availWidth, availHeight)
        if state.get("width") == availWidth:  # set in it (not the "cannot fit here" answer)
            state["_set_width"] = availWidth
        return result


class _Whole(_Para):
    """A paragraph (an address, a timetable) that moves to the next page rather than split,
    unless it is taller than a whole page - or it has already been moved once and still does
    not fit (the new page starts with a "(continued)" heading that takes some of its room)."""

    def __init__(self, text: str | None, style: ParagraphStyle, page_height: float = 0.0,
                 **kwargs: Any) -> None:
        # Platypus builds the pieces of a split through this too (page_height 0: split freely).
        super().__init__(text, style, **kwargs)
        self.page_height = page_height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        _, height = self.wrap(availWidth, availHeight)
        # Platypus marks a flowable "_postponed" when it moves it on to the next page; moving it
        # again could not help, and a second refusal is a LayoutError.
        if height <= self.page_height and not getattr(self, "_postponed", False):
            return []
        parts: list[Flowable] = super().split(availWidth, availHeight)
        return parts


class _Anchor(Flowable):  # type: ignore[misc]
    """Zero-size marker: tells the document which page a service or section landed on, and
    reports progress / checks for cancellation as the booklet is laid out."""

    def __init__(self, key: str, on_draw: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.key = key
        self.on_draw = on_draw

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        if self.on_draw is not None:
            self.on_draw()


class _ServiceMark(Flowable):  # type: ignore[misc]
    """Zero-size marker at the start (``opens`` = the service name) and end (``opens`` None) of
    a service, so a page that continues a service can say which one it is."""

    def __init__(self, opens: str | None) -> None:
        super().__init__()
        self.opens = opens

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        pass


def _flatten(flowables: Iterable[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    for f in flowables:
        if isinstance(f, KeepTogether):
            out += _flatten(f._content)
        else:
            out.append(f)
    return out


class _KeepIfShort(KeepTogether):  # type: ignore[misc]
    """Keep a service together when it is short (at most ``limit`` points tall): it then moves
    whole to the next page rather than break. A longer one flows on, with each of its labelled
    parts kept together, so a page is never left mostly empty."""

    def __init__(self, flowables: list[Flowable], limit: float) -> None:
        super().__init__(flowables)
        self._limit = limit

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        # KeepTogether children report a huge height to force a split; measure their contents.
        flat = _flatten(self._content)
        dims: list[tuple[float, float]] = []
        W, H = _listWrapOn(flat, aW, self.canv, dims=dims)
        self._H = H
        self._H0 = dims[0][1] if dims else 0
        self._wrapInfo = aW, aH
        return W, 0xFFFFFF

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H > self._limit:
            # Platypus places the first piece of a split at once; a null action always fits.
            return [self.NullActionFlowable(), *self._content]
        result: list[Flowable] = super().split(aW, aH)
        if result and not isinstance(result[0], ActionFlowable):
            result.insert(0, self.NullActionFlowable())  # our children are KeepTogethers too
        return result


class _KeepWithNext(KeepTogether):  # type: ignore[misc]
    """The group Platypus makes of a heading (keepWithNext) and what follows it.

    The stock group clears "keep with next" on all but its last member; when what follows a
    heading cannot join the group (another container, such as a service), the heading is the
    last member and keeps the flag. A heading taller than a page (a section name thousands of
    characters long) is then regrouped after every split of the group and never placed: the
    layout loops for ever. Clearing the flag on every member makes each group place its
    content, so layout always moves on."""

    def __init__(self, flowables: list[Flowable], maxHeight: float | None = None) -> None:
        super().__init__(flowables, maxHeight)
        for f in self._content:
            f.__dict__["keepWithNext"] = 0


CONTINUED = " (continued)"
ELLIPSIS = "\u2026"


def _shorten(text: str, font: str, size: float, budget: float) -> str:
    """``text`` on one line if it is at most ``budget`` points wide in ``font`` at ``size``;
    otherwise its longest start that fits with "…" after it, cut at a space when one is near
    the end (so an ordinary word is not cut in half)."""
    if stringWidth(text, font, size) <= budget:
        return text
    room = budget - stringWidth(ELLIPSIS, font, size)
    lo, hi = 0, len(text)
    while lo < hi:  # the longest start that fits (widths only grow as characters are added)
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid], font, size) <= room:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    space = cut.rfind(" ")
    if space > lo * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


class _Continued(_Para):
    """"<service name> (continued)" at the top of a page that carries on a service.

    The name is shortened (with "…") to at most about three lines, so the heading always fits
    on a page with room to spare; the document never puts another one in front of it (nor of
    a piece of it), so a long name cannot make the heading repeat on page after page."""

    LINES = 3

    @classmethod
    def make(cls, name: str, style: ParagraphStyle, width: float) -> _Continued:
        text = " ".join(sanitise_text(name).split())
        budget = width * cls.LINES - stringWidth(CONTINUED, style.fontName, style.fontSize)
        while True:
            short = _shorten(text, style.fontName, style.fontSize, budget)
            heading = cls(escape(short) + escape(CONTINUED), style)
            # Lines are not filled to the last point, so check how many it really takes.
            _, height = heading.wrap(width, 0xFFFFFF)
            if height <= cls.LINES * style.leading + 0.01 or budget <= width:
                return heading
            budget -= width / 4


# --------------------------------------------------------------------------------------------
# Document template with a footer on every page ("Page X of Y")


@dataclass(frozen=True)
class _Footer:
    styles: _Styles
    printed_on: str
    width: float

    def paragraph(self) -> Paragraph:
        return _Para(escape(FOOTER_ASK), self.styles.footer)

    def height(self) -> float:
        _, h = self.paragraph().wrap(self.width, 10_000)
        return float(self.styles.footer.leading + h + self.styles.footer.fontSize * 0.8)

    def frame_height(self) -> float:
        return self.styles.page_size[1] - self.styles.margin - self.bottom()

    def bottom(self) -> float:
        """Where the body frame starts: above the footer, with a gap."""
        return float(self.styles.margin + self.height() + self.styles.body.fontSize * 0.6)

    def draw(self, canv: Canvas, page: int, total: int) -> None:
        st = self.styles
        left = st.margin
        bottom = st.margin
        size = st.footer.fontSize
        canv.saveState()
        canv.setFillColor(colors.black)
        canv.setFont(st.footer.fontName, size)
        canv.drawString(left, bottom + size * 0.25, f"Printed {self.printed_on}")
        canv.drawRightString(left + self.width, bottom + size * 0.25, f"Page {page} of {total}")
        para = self.paragraph()
        _, h = para.wrap(self.width, 10_000)
        para.drawOn(canv, left, bottom + st.footer.leading)
        top = bottom + st.footer.leading + h + size * 0.4
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.75)
        canv.line(left, top, left + self.width, top)
        canv.restoreState()


class _PageRefs:
    """Pages on which anchors landed, and the page-number references still to be filled in.

    A contents entry refers to a page number not known when the contents page is drawn. It is
    drawn as a reference to a small PDF form named after the anchor; the forms are written when
    the document is complete. The number thus sits in its place in the text (for copying and
    screen readers), and one layout pass is enough.
    """

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}
        self.forms: dict[str, tuple[str, float]] = {}  # anchor key -> (font, size)

    @staticmethod
    def form_name(key: str) -> str:
        return "pageref-" + re.sub(r"[^A-Za-z0-9-]", "-", key)


def _numbered_canvas(footer: _Footer, refs: _PageRefs) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each footer can say "Page X of Y" and
    contents entries can carry page numbers."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def page_number_ref(self, key: str, x: float, y: float, font: str, size: float) -> None:
            """Draw the page number of ``key`` right-aligned at (x, y), once it is known."""
            refs.forms[key] = (font, size)
            self.saveState()
            self.translate(x, y)
            self.doForm(refs.form_name(key))
            self.restoreState()

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for key, (font, size) in refs.forms.items():
                self.beginForm(refs.form_name(key), lowerx=-20 * size, lowery=-size, upperx=size,
                               uppery=2 * size)
                self.setFillColor(colors.black)
                self.setFont(font, size)
                self.drawRightString(0, 0, str(refs.pages.get(key, "")))
                self.endForm()
            total = len(self._held_pages)
            for index, state in enumerate(self._held_pages):
                self.__dict__.update(state)
                footer.draw(self, index + 1, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


class _PageNumber(Flowable):  # type: ignore[misc]
    """The page number of an anchor, right-aligned; filled in once the document is laid out."""

    def __init__(self, key: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.key = key
        self.style = style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        page_number_ref = getattr(self.canv, "page_number_ref", None)
        if page_number_ref is not None:
            baseline = self.height - self.style.fontSize  # where a Paragraph's first line sits
            page_number_ref(self.key, self.width, baseline, self.style.fontName, self.style.fontSize)


class _Deferred(Flowable):  # type: ignore[misc]
    """Stands in for flowables made only when they are reached (e.g. an index that needs the
    page numbers of everything before it). It is never drawn itself: it reports more height
    than any page has, so the document asks it to split, and it splits into what it makes."""

    def __init__(self, make: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self._make = make

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, 0xFFFFFF

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # Platypus places the first piece of a split at once; a null action always fits.
        return [NullActionFlowable(), *self._make()]


class _Doc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, buffer: io.BytesIO, styles: _Styles, footer: _Footer, refs: _PageRefs,
                 outline: dict[str, str], **meta: Any) -> None:
        width, height = styles.page_size
        m = styles.margin
        bottom = footer.bottom()
        super().__init__(
            buffer,
            pagesize=styles.page_size,
            leftMargin=m,
            rightMargin=m,
            topMargin=m,
            bottomMargin=bottom,
            creator="sp_desktop",
            # Without these the canvas names Helvetica (never embedded) on every page.
            initialFontName=styles.body.fontName,
            initialFontSize=styles.body.fontSize,
            initialLeading=styles.body.leading,
            keepTogetherClass=_KeepWithNext,
            **meta,
        )
        frame = Frame(m, bottom, width - 2 * m, height - m - bottom, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self.refs = refs
        self.outline = outline
        self.styles = styles
        self._open_service: str | None = None
        self._continues: str | None = None
        self._continued_on_page = False
        self._progress_on_page = False

    def handle_pageBegin(self) -> None:
        super().handle_pageBegin()
        # A page that held nothing but a "(continued)" heading made no progress: the next one
        # goes without, so whatever did not fit gets a whole page (no endless run of pages).
        stalled = self._continued_on_page and not self._progress_on_page
        self._continues = None if stalled else self._open_service
        self._continued_on_page = self._progress_on_page = False

    def filterFlowables(self, flowables: list[Flowable]) -> None:
        # First thing on a page that carries on a service: "<service name> (continued)".
        if self._continues is not None:
            name, self._continues = self._continues, None
            if flowables and not isinstance(flowables[0], (_ServiceMark, _Continued)):
                flowables.insert(0, _Continued.make(name, self.styles.continued, self.width))

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Continued):
            self._continued_on_page = True
        elif not isinstance(flowable, ActionFlowable):
            self._progress_on_page = True
        if isinstance(flowable, _ServiceMark):
            self._open_service = flowable.opens
        elif isinstance(flowable, _Anchor):
            self.refs.pages.setdefault(flowable.key, self.page)
            title = self.outline.get(flowable.key)
            if title is not None:
                self.canv.bookmarkPage(flowable.key)
                self.canv.addOutlineEntry(title, flowable.key, level=0, closed=True)


# --------------------------------------------------------------------------------------------
# Building blocks


class _Builder:
    """Turns content into flowables for one format."""

    def __init__(self, fmt: LeafletFormat) -> None:
        self.st = _styles(fmt)
        self.width = self.st.page_size[0] - 2 * self.st.margin
        self.frame_height = _Footer(self.st, "", self.width).frame_height()

    def para(self, text: str, style: ParagraphStyle) -> Paragraph:
        return _Para(_markup(text), style)

    def header(self, practice: PracticeHeader) -> list[Flowable]:
        st = self.st
        lines: list[Flowable] = [self.para(practice.name, st.practice_name)]
        address = ", ".join(_clean(a) for a in practice.address_lines if _clean(a))
        if address:
            lines.append(self.para(address, _derive(st.body, spaceAfter=0)))
        if _clean(practice.phone):
            lines.append(_Para(f"Phone {_markup(practice.phone or '')}", _derive(st.body, spaceAfter=0)))
        logo = self._logo(practice.logo_png)
        if logo is None:
            out: list[Flowable] = lines
        elif self._too_tall_beside(lines, self.width - logo.drawWidth - 4 * mm):
            # A table row cannot split over pages: an enormous name goes under the logo.
            logo.hAlign = "RIGHT"
            out = [logo, *lines]
        else:
            table = Table([[lines, logo]], colWidths=[self.width - logo.drawWidth - 4 * mm,
                                                      logo.drawWidth + 4 * mm])
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), st.body.fontName, st.body.fontSize, st.body.leading),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]))
            out = [table]
        return [*out, Spacer(1, st.body.fontSize * 0.4),
                HRFlowable(width="100%", thickness=st.rule, color=colors.black, spaceAfter=2)]

    def _too_tall_beside(self, flowables: list[Flowable], width: float) -> bool:
        """Whether ``flowables`` set ``width`` wide would take more than half a page."""
        height = sum(f.wrap(width, 0xFFFFFF)[1] + f.getSpaceAfter() for f in flowables)
        return bool(height > self.frame_height * 0.5)

    def _logo(self, png: bytes | None) -> Image | None:
        if not png:
            return None
        try:
            reader = ImageReader(io.BytesIO(png))
            w, h = reader.getSize()
        except Exception as exc:  # a broken logo must not stop a patient's leaflet
            log.warning("Practice logo could not be read, leaflet printed without it: %s", exc)
            return None
        if w <= 0 or h <= 0:
            return None
        max_h = (18 if self.st.fmt is LeafletFormat.COMPACT else 24) * mm
        max_w = self.width * 0.35
        scale = min(max_h / h, max_w / w)
        return Image(io.BytesIO(png), width=w * scale, height=h * scale)

    def qr(self, url: str) -> _QrCode | None:
        target = _qr_url(url)
        if len(target) > MAX_QR_URL:
            return None
        matrix = _qr_matrix(target)
        return None if matrix is None else _QrCode(matrix, self.st.qr_size)

    def section(self, label: str, body: list[Flowable]) -> list[Flowable]:
        """A labelled part of a service (label + body), or nothing when there is no body."""
        if not body:
            return []
        return [_Para(escape(label), self.st.label), *body]

    def service(self, svc: LeafletService, anchor: _Anchor | None = None) -> Flowable:
        st = self.st
        head: list[Flowable] = [] if anchor is None else [anchor]
        name = _clean(svc.service_name) or _clean(svc.organisation_name) or "Service"
        head.append(_ServiceMark(name))
        head.append(self.para(name, st.service_heading))
        org = _clean(svc.organisation_name)
        if org and org.casefold() != name.casefold():
            head.append(_Para(f"Run by {_markup(org)}", st.body))

        groups = [g for g in (
            self.section("What it is", [self.para(p, st.body) for p in _paragraphs(svc.description)]),
            self.section("Who it is for", [self.para(p, st.body) for p in _paragraphs(svc.who_for)]),
            self.section("Cost", [self.para(p, st.body) for p in _paragraphs(svc.cost)]),
            self.section("How to get in touch", self._contact(svc)),
            self.section("When and where", self._when_where(svc)),
        ) if g]
        tail: list[Flowable] = []
        if svc.last_verified is not None:
            tail.append(_Para(escape(f"Checked by the practice on {format_date(svc.last_verified)}"),
                                  st.checked))
        tail.append(_ServiceMark(None))
        tail.append(HRFlowable(width="100%", thickness=st.rule, color=colors.black,
                               spaceBefore=st.body.fontSize * 0.5, spaceAfter=st.body.fontSize * 0.9))
        # Each labelled part stays on one page where it fits (its label never ends a page), and
        # the heading always goes with the first part.
        if groups:
            groups[0] = head + groups[0]
        else:
            groups = [head]
        groups[-1] = groups[-1] + tail
        if self.st.fmt is LeafletFormat.COMPACT:
            # A5 has room for little: let parts flow (labels still keep with their text).
            flat = [f for g in groups for f in g]
            lead = len(head) + 2
            flow: list[Flowable] = [KeepTogether(flat[:lead]), *flat[lead:]]
        else:
            # A long part (more than a third of a page) may break rather than leave most of a
            # page empty; the heading still goes with the first part, labels with their text.
            part_limit = self.frame_height / 3
            flow = [KeepTogether(groups[0]), *(_KeepIfShort(g, part_limit) for g in groups[1:])]
        return _KeepIfShort(flow, self.frame_height * 0.5)

    def _contact(self, svc: LeafletService) -> list[Flowable]:
        st = self.st
        out: list[Flowable] = []
        if svc.referred_by_practice:
            out.append(_Para(escape(REFERRED), st.body))
        out += [self.para(line, st.body) for line in svc.how_to_get_in_touch if _clean(line)]
        small = f'<font name="{st.body.fontName}" size="{st.body.fontSize:g}">'
        for label, number in svc.phones:
            if not _clean(number):
                continue
            out.append(_Para(f"{small}{_markup(_phone_label(label))}:</font> {_markup(number)}",
                                 st.phone))
        if _clean(svc.email):
            out.append(_Para(self.address_markup("Email:", svc.email or "", self.width), st.body))
        url = _clean(svc.website)
        if url:
            gap = 5 * mm
            text_width = self.width - st.qr_size - gap
            text = _Para(self.address_markup("Website:", _display_url(url), text_width), st.body)
            qr = self.qr(url)
            if qr is None:
                out.append(text)
            elif len(url) > MAX_TABLE_URL:
                out += [text, qr]
            else:
                hint = _Para(escape(QR_HINT), st.body)
                table = Table([[[text, hint], qr]], colWidths=[text_width, st.qr_size + gap])
                table.setStyle(TableStyle([
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 0), (-1, -1), st.body.fontName, st.body.fontSize, st.body.leading),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]))
                out.append(table)
        return out

    def address_markup(self, label: str, address: str, width: float) -> str:
        """``label`` then a web or email address in bold, broken only after "/", ".", "@" or "-"
        (never in the middle of a word) when it does not fit on one line."""
        st = self.st
        bold, size = st.label.fontName, st.body.fontSize
        text = sanitise_text(address).strip()
        tokens = re.findall(r"[^/.@\-?&=]*[/.@\-?&=]?", text)
        tokens = [t for t in tokens if t]
        label_width = stringWidth(label + " ", st.body.fontName, size)
        if label_width + stringWidth(text, bold, size) <= width:
            return f"{escape(label)} <b>{escape(text)}</b>"
        # Too long for the label's line: the address starts on a line of its own.
        lines: list[str] = []
        line, used = "", 0.0
        for token in tokens:
            w = stringWidth(token, bold, size)
            if line and used + w > width:
                lines.append(line)
                line, used = "", 0.0
            line += token
            used += w
        if line:
            lines.append(line)
        return escape(label) + "".join(f"<br/><b>{escape(x)}</b>" for x in lines)

    def _when_where(self, svc: LeafletService) -> list[Flowable]:
        st = self.st
        out: list[Flowable] = []
        times = [t for t in (_clean(x) for x in svc.opening_times) if t]
        if times:  # kept whole: a timetable split over two pages is easy to misread
            out.append(_Whole("<br/>".join(_markup(t) for t in times), st.body, self.frame_height))
        out += [self.para(p, st.body) for p in _paragraphs(svc.opening_notes)]
        for venue in svc.venues:
            out += self._venue(venue)
        if _clean(svc.remote_note):
            out.append(self.para(svc.remote_note or "", st.body))
        return out

    def _venue(self, venue: LeafletVenue) -> list[Flowable]:
        st = self.st
        out: list[Flowable] = []
        lines = [_markup(x) for x in (venue.name or "", *venue.address_lines) if _clean(x)]
        if lines and _clean(venue.name):
            lines[0] = f"<b>{lines[0]}</b>"
        if lines:  # an address is never split over two pages
            out.append(_Whole("<br/>".join(lines), st.body, self.frame_height))
        access = [a for a in (_clean(x) for x in venue.accessibility) if a]
        access_text = "; ".join(access)
        if _clean(venue.accessibility_notes):
            access_text = (access_text + ". " if access_text else "") + _clean(venue.accessibility_notes)
        if access_text:
            out.append(_Para(f"<b>Access:</b> {_markup(access_text)}", st.body))
        for p in _paragraphs(venue.transport_notes):
            out.append(_Para(f"<b>Getting there:</b> {_markup(p)}", st.body))
        return out

    def note(self, note: str | None, signature: str | None) -> list[Flowable]:
        parts = _paragraphs(note)
        sig = _clean(signature)
        if not parts and not sig:
            return []
        text = "<br/><br/>".join(_markup(p) for p in parts)
        if sig:
            text = (text + "<br/><br/>" if text else "") + f"<b>{_markup(sig)}</b>"
        return [_Para(text, self.st.note)]


# --------------------------------------------------------------------------------------------
# Leaflets


def _check_leaflet(leaflet: Leaflet, fmt: LeafletFormat) -> None:
    n = len(leaflet.services)
    if n == 0:
        raise LeafletError("The leaflet has no services. Add at least one service to the basket.")
    if fmt.max_services is not None and n > fmt.max_services:
        raise LeafletError(
            f"The {fmt.label} format holds {fmt.max_services} service, but this leaflet has {n}. "
            "Choose Standard or Large print, or remove services from the basket."
        )


def render_leaflet(leaflet: Leaflet, fmt: LeafletFormat = LeafletFormat.STANDARD) -> bytes:
    """Render a patient leaflet as PDF bytes.

    Raises ``LeafletError`` if there is nothing to print or the format cannot hold the services.
    """
    _check_leaflet(leaflet, fmt)
    builder = _Builder(fmt)
    st = builder.st
    story: list[Flowable] = builder.header(leaflet.practice)
    story.append(_Para(_markup(leaflet.title or OPENING), st.title))
    story.append(_WriteInLine("For:", st.label.fontName, st.body.fontSize))
    story += builder.note(leaflet.personal_note, leaflet.staff_signature)
    story.append(Spacer(1, st.body.fontSize * 0.4))
    for svc in leaflet.services:
        story.append(builder.service(svc))

    names = "; ".join(_clean(s.service_name) for s in leaflet.services)
    subject = f"{names} - from {_clean(leaflet.practice.name)}"
    from sp_desktop.leaflets.accessible import leaflet_title

    return _build(story, st, leaflet.printed_on, title=leaflet_title(leaflet),  # names its services
                  author=leaflet.practice.name, subject=subject, lang=leaflet.language)


def _build(story: list[Flowable], st: _Styles, printed_on: Any, *, title: str, author: str,
           subject: str, lang: str, outline: dict[str, str] | None = None,
           refs: _PageRefs | None = None) -> bytes:
    buffer = io.BytesIO()
    refs = refs if refs is not None else _PageRefs()
    footer = _Footer(st, format_date(printed_on), st.page_size[0] - 2 * st.margin)
    doc = _Doc(buffer, st, footer, refs, outline or {}, title=sanitise_text(title),
               author=sanitise_text(author), subject=sanitise_text(subject), lang=lang,
               displayDocTitle=True)  # a PDF reader shows (and says) the title, not the file name
    try:
        doc.build(story, canvasmaker=_numbered_canvas(footer, refs))
    except LayoutError as exc:
        # Not expected (long text is split to fit), but a person printing needs words, not a
        # reportlab traceback.
        log.exception("Leaflet layout failed")
        raise LeafletError(
            "The PDF could not be laid out: a piece of text is too large to fit on a page. "
            "Shorten the longest name, address or note and try again."
        ) from exc
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Booklets


def _sorted_services(services: Iterable[LeafletService]) -> list[LeafletService]:
    return sorted(services, key=lambda s: (_clean(s.service_name).casefold(),
                                           _clean(s.organisation_name).casefold()))


def _page_list(pages: Sequence[int]) -> str:
    return ", ".join(str(p) for p in sorted(set(pages)))


def render_booklet(
    booklet: Booklet,
    progress: ProgressCallback | None = None,
    cancelled: CancelledCallback | None = None,
    *,
    fmt: LeafletFormat = LeafletFormat.STANDARD,
) -> bytes:
    """Render a category booklet: cover, contents, one section per category (services in
    alphabetical order), and an index of organisations, with page numbers.

    ``progress(done, total)`` is called as each service is laid out; ``cancelled()`` is
    polled as often, and when it returns True ``BookletCancelled`` is raised.
    """
    if fmt is LeafletFormat.COMPACT:
        raise LeafletError("A booklet cannot use the Compact (A5, one service) format. "
                           "Choose Standard or Large print.")
    sections = [(_clean(s.category_name) or "Other", _sorted_services(s.services))
                for s in booklet.sections if s.services]
    total = sum(len(svcs) for _, svcs in sections)
    if total == 0:
        raise LeafletError("There are no services to put in the booklet. "
                           "Choose categories that have approved services.")

    def check_cancel() -> None:
        if cancelled is not None and cancelled():
            raise BookletCancelled("The booklet was cancelled; no file was made.")

    done = 0

    def tick() -> None:
        nonlocal done
        check_cancel()
        done += 1
        if progress is not None:
            progress(done, total)

    check_cancel()
    if progress is not None:
        progress(0, total)
    builder = _Builder(fmt)
    title = _clean(booklet.title) or "Support in our area"
    refs = _PageRefs()
    outline = {f"section-{i}": sanitise_text(name) for i, (name, _) in enumerate(sections)}
    outline["index"] = "Index of organisations"
    story = _booklet_story(booklet, builder, title, sections, refs, tick)
    check_cancel()
    return _build(story, builder.st, booklet.printed_on, title=title, author=booklet.practice.name,
                  subject=f"{title}: {', '.join(name for name, _ in sections)}",
                  lang=booklet.language, outline=outline, refs=refs)


def _booklet_story(booklet: Booklet, builder: _Builder, title: str,
                   sections: list[tuple[str, list[LeafletService]]], refs: _PageRefs,
                   tick: Callable[[], None]) -> list[Flowable]:
    st = builder.st
    practice = booklet.practice
    story: list[Flowable] = []

    # Cover
    story.append(Spacer(1, 30 * mm))
    story.append(builder.para(practice.name, _derive(st.title, spaceAfter=0)))
    story.append(builder.para(title, st.cover_title))
    story.append(_Para(escape(format_date(booklet.printed_on)), st.body))
    story.append(Spacer(1, st.body.fontSize))
    address = [a for a in (_clean(x) for x in practice.address_lines) if a]
    if address:
        story.append(_Para("<br/>".join(_markup(a) for a in address), st.body))
    if _clean(practice.phone):
        story.append(_Para(f"Phone {_markup(practice.phone or '')}", st.body))
    story.append(Spacer(1, st.body.fontSize))
    for p in _paragraphs(booklet.introduction):
        story.append(builder.para(p, st.body))
    story.append(PageBreak())

    # Contents: page numbers are filled in after layout
    story.append(_Para("Contents", st.section_heading))
    rows: list[tuple[Flowable, Flowable]] = [
        (_Para(_markup(name), st.toc_name), _PageNumber(f"section-{i}", st.toc_page))
        for i, (name, _) in enumerate(sections)
    ]
    rows.append((_Para("Index of organisations", st.toc_name), _PageNumber("index", st.toc_page)))
    story += _two_column_list(builder, rows)
    story.append(PageBreak())

    # Sections
    org_keys: dict[str, list[str]] = {}
    org_names: dict[str, str] = {}
    for i, (name, services) in enumerate(sections):
        if i:
            story.append(PageBreak())
        story.append(_Anchor(f"section-{i}"))
        story.append(builder.para(name, st.section_heading))
        for j, svc in enumerate(services):
            key = f"service-{i}-{j}"
            story.append(builder.service(svc, _Anchor(key, tick)))
            org = _clean(svc.organisation_name) or _clean(svc.service_name)
            org_names.setdefault(org.casefold(), org)
            org_keys.setdefault(org.casefold(), []).append(key)

    # Index of organisations: made when reached, when every service's page is known
    def make_index() -> list[Flowable]:
        index_rows: list[tuple[Flowable, Flowable]] = []
        for folded in sorted(org_names):
            pages = _page_list([refs.pages[k] for k in org_keys[folded] if k in refs.pages])
            index_rows.append((_Para(_markup(org_names[folded]), st.toc_name),
                               _Para(escape(pages), st.toc_page)))
        return _two_column_list(builder, index_rows, page_col=0.3)

    story.append(PageBreak())
    story.append(_Anchor("index"))
    story.append(_Para("Index of organisations", st.section_heading))
    story.append(_Para("The numbers are the pages where each organisation appears.", st.body))
    story.append(_Deferred(make_index))
    return story


def _two_column_list(builder: _Builder, rows: list[tuple[Flowable, Flowable]],
                     page_col: float = 0.18) -> list[Flowable]:
    """Names on the left, page numbers on the right, a thin rule under each row (the contents
    and the index). A table row cannot be split over two pages, so a row taller than most of a
    page (a name thousands of characters long) is set out of the table instead: the name, then
    its page numbers on the right, then the rule, each free to flow on to the next page."""
    st = builder.st
    right = builder.width * page_col
    widths = [builder.width - right, right]
    pad = st.body.fontSize * 0.3
    limit = builder.frame_height * 0.6
    out: list[Flowable] = []
    run: list[list[Flowable]] = []

    def end_run() -> None:
        if run:
            out.append(_rows_table(st, list(run), widths))
            run.clear()

    for name, pages in rows:
        tall = max(name.wrap(widths[0], 0xFFFFFF)[1], pages.wrap(widths[1], 0xFFFFFF)[1])
        if tall + 2 * pad <= limit:
            run.append([name, pages])
            continue
        end_run()
        out += [Spacer(1, pad), name, pages,
                HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceBefore=pad)]
    end_run()
    return out


def _rows_table(st: _Styles, data: list[list[Flowable]], widths: list[float]) -> Table:
    table = Table(data, colWidths=widths, splitByRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), st.body.fontName, st.body.fontSize, st.body.leading),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), st.body.fontSize * 0.3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), st.body.fontSize * 0.3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
    ]))
    return table


# --------------------------------------------------------------------------------------------
# Plain text


def _plain(text: str | None) -> str:
    """Tidy free text for a message: no control characters, paragraphs kept."""
    cleaned = "".join(ch for ch in (text or "") if ch == "\n" or ch >= " " or ch == "\t")
    paras = _paragraphs(cleaned.replace("\t", " "))
    return "\n\n".join("\n".join(" ".join(line.split()) for line in p.split("\n")) for p in paras)


def _plain_service(svc: LeafletService) -> list[str]:
    out: list[str] = []
    name = _plain(svc.service_name) or _plain(svc.organisation_name) or "Service"
    org = _plain(svc.organisation_name)
    out.append(name)
    if org and org.casefold() != name.casefold():
        out.append(f"Run by {org}")

    def block(label: str, lines: list[str]) -> None:
        lines = [x for x in lines if x]
        if lines:
            out.append("")
            out.append(f"{label}:")
            out.extend(lines)

    block("What it is", [_plain(svc.description)])
    block("Who it is for", [_plain(svc.who_for)])
    block("Cost", [_plain(svc.cost)])
    contact: list[str] = []
    if svc.referred_by_practice:
        contact.append(REFERRED)
    contact += [_plain(x) for x in svc.how_to_get_in_touch]
    contact += [f"{_phone_label(label)}: {_plain(number)}" for label, number in svc.phones if _plain(number)]
    if _plain(svc.email):
        contact.append(f"Email: {_plain(svc.email)}")
    if _plain(svc.website):
        contact.append(f"Website: {_plain(svc.website)}")
    block("How to get in touch", contact)
    where: list[str] = [_plain(t) for t in svc.opening_times]
    where.append(_plain(svc.opening_notes))
    for venue in svc.venues:
        where += [_plain(venue.name), *(_plain(a) for a in venue.address_lines)]
        access = "; ".join(a for a in (_plain(x) for x in venue.accessibility) if a)
        if _plain(venue.accessibility_notes):
            access = (access + ". " if access else "") + _plain(venue.accessibility_notes)
        if access:
            where.append(f"Access: {access}")
        if _plain(venue.transport_notes):
            where.append(f"Getting there: {_plain(venue.transport_notes)}")
    where.append(_plain(svc.remote_note))
    block("When and where", where)
    if svc.last_verified is not None:
        out.append("")
        out.append(f"Checked by the practice on {format_date(svc.last_verified)}")
    return out


def leaflet_plain_text(leaflet: Leaflet) -> str:
    """The leaflet's content as plain text, for pasting into a message to the patient."""
    _check_leaflet(leaflet, LeafletFormat.STANDARD)
    practice = leaflet.practice
    lines: list[str] = [_plain(leaflet.title) or OPENING]
    frm = [_plain(practice.name), *(_plain(a) for a in practice.address_lines)]
    lines.append("From " + ", ".join(x for x in frm if x))
    if _plain(practice.phone):
        lines.append(f"Phone {_plain(practice.phone)}")
    note = _plain(leaflet.personal_note)
    if note:
        lines += ["", note]
    if _plain(leaflet.staff_signature):
        lines += ["", _plain(leaflet.staff_signature)]
    for svc in leaflet.services:
        lines.append("")
        lines.append("")
        lines += _plain_service(svc)
    lines += ["", "", f"Printed {format_date(leaflet.printed_on)}", FOOTER_ASK]
    return "\n".join(lines).strip() + "\n"
