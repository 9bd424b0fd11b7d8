"""Patient leaflets and category booklets as PDF (reportlab Platypus), and as plain text.

Content dataclasses in (``sp_desktop.leaflets.content``), bytes out. No database, no Qt.

Layout follows the RNIB Clear Print guidance: left-aligned text only, no italics, no
capitals-only text, line spacing about 1.4 times the text size, black on white, bold larger
headings, and no text anywhere on the page smaller than the format's minimum (14 pt, or 18 pt
for large print) - that includes the footer.
"""

from __future__ import annotations

import copy
import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape, unescape

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
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError, NullActionFlowable
from reportlab.platypus.flowables import _listWrapOn

from sp_desktop.domain.errors import Refused
from sp_desktop.leaflets.content import (
    ENGLISH,
    Booklet,
    CheckedState,
    Leaflet,
    LeafletFormat,
    LeafletService,
    LeafletVenue,
    LeafletWording,
    PracticeHeader,
    format_date,
)
from sp_desktop.leaflets.fonts import (
    FONT_BOLD,
    describe_character,
    font_runs,
    is_rtl_text,
    missing_characters,
    needs_shaping,
    register_fonts,
    sanitise_text,
)

__all__ = [
    "BookletCancelled",
    "checked_line",
    "undrawable",
    "LeafletError",
    "ProgressCallback",
    "CancelledCallback",
    "leaflet_plain_text",
    "leaflet_sms_text",
    "render_booklet",
    "sms_length",
    "render_leaflet",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
CancelledCallback = Callable[[], bool]

OPENING = ENGLISH.title
FOOTER_ASK = ENGLISH.footer
REFERRED = ENGLISH.referred
QR_HINT = ENGLISH.qr_hint
MAX_QR_URL = 600  # longer addresses are printed as text only
MAX_TABLE_URL = 200  # longer addresses go in a plain paragraph (a table row cannot split)


class LeafletError(Refused, ValueError):
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
    entry_heading: ParagraphStyle
    entry_body: ParagraphStyle
    tight: ParagraphStyle
    qr_size: float
    rule: float
    snug: bool = False
    """Laid out with less space between parts (``_styles(tight=True)``)."""


@cache
def _styles(fmt: LeafletFormat, tight: bool = False) -> _Styles:
    """The format's styles. ``tight``: the same text sizes (Clear Print's minimum body size and
    line spacing are kept) with less space between the parts, narrower margins and slightly
    smaller headings - used when a leaflet would otherwise run over its page budget."""
    fonts = register_fonts()
    body_pt = fmt.min_body_pt
    compact = fmt is LeafletFormat.COMPACT
    large = fmt is LeafletFormat.LARGE

    def style(name: str, size: float, *, bold: bool = False, before: float = 0.0,
              after: float = 0.0, spacing: float = 1.4, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name=f"{fmt.value}{'-tight' if tight else ''}-{name}",
            fontName=fonts.bold if bold else fonts.regular,
            fontSize=size,
            leading=round(size * spacing, 1),
            alignment=kw.pop("alignment", TA_LEFT),
            textColor=colors.black,
            spaceBefore=before,
            spaceAfter=after,
            splitLongWords=1,
            allowWidows=1 if tight else 0,
            allowOrphans=1 if tight else 0,
            **kw,
        )

    b = body_pt
    # Sizes and spacing chosen so a one-service leaflet with the practice header, logo, a note
    # and the QR code fits one page (A4 standard, A5 compact; two pages large print) for
    # descriptions up to 900 characters: Clear Print's line spacing (1.3 times the size),
    # headings a little larger than the text, no space to spare between parts.
    t = 0.5 if tight else 1.0  # how much of the usual space between parts
    heading_pt = b + (3.0 if compact or tight else 4.0)
    label_pt = b + (0.0 if compact else 1.0)
    phone_pt = b + (2.0 if tight else 3.0 if compact else 4.0)
    title_pt = b + (4.0 if compact or tight else 6.0)
    spacing = 1.25
    pad = (0.3 if tight else 0.4) * b
    margin = (8 if compact else 10) if tight else (10 if compact else 13)
    return _Styles(
        fmt=fmt,
        page_size=A5 if compact else A4,
        margin=margin * mm,
        body=style("body", b, after=0.0 if tight and compact else 0.2 * b * t, spacing=spacing),
        label=style("label", label_pt, bold=True, before=0.45 * b * t, after=0.1 * b * t, keepWithNext=1,
                    spacing=1.2),
        service_heading=style("service", heading_pt, bold=True, spacing=1.2, after=0.15 * b * t,
                              keepWithNext=1),
        phone=style("phone", phone_pt, bold=True, spacing=1.25, after=0.15 * b * t),
        practice_name=style("practice", b + 2, bold=True, spacing=1.2),
        title=style("title", title_pt, bold=True, spacing=1.2, before=0.3 * b * t, after=0.3 * b * t),
        note=style("note", b, bold=False, before=0.3 * b * t + pad, after=0.3 * b * t + pad,
                   borderWidth=1.5, borderColor=colors.black, borderPadding=pad,
                   leftIndent=pad + 1, rightIndent=pad + 1, spacing=spacing),
        footer=style("footer", b, spacing=1.2),
        checked=style("checked", b, before=0.3 * b * t, after=0.1 * b * t, spacing=spacing),
        continued=style("continued", label_pt, bold=True, after=0.2 * b, spacing=1.2),
        section_heading=style("section", heading_pt + 4, bold=True, spacing=1.2, after=0.4 * b,
                              keepWithNext=1),
        cover_title=style("cover", title_pt + 10, bold=True, spacing=1.2, before=b, after=b),
        toc_name=style("tocname", b, spacing=1.3),
        toc_page=style("tocpage", b, spacing=1.3, alignment=TA_RIGHT),
        entry_heading=style("entry", b + 3, bold=True, spacing=1.2, before=0.1 * b, after=0.1 * b,
                            keepWithNext=1),
        entry_body=style("entrybody", b, spacing=1.25, after=0.1 * b),
        tight=style("tight", b, spacing=1.25, after=0.2 * b),
        qr_size=((16 if compact else 24 if large else 19) if tight
                 else (20 if compact else 26 if large else 21)) * mm,
        rule=1.5,
        snug=tight,
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


_NUMBER_GAP = re.compile(r"(?<=\d) (?=\d)")


def _markup(text: str) -> str:
    """Data text -> safe Platypus paragraph markup (escaped, font-safe, newlines kept). The
    spaces inside a number written in groups ("0141 496 0123") never start a new line."""
    cleaned = sanitise_text(text).strip()
    lines = [" ".join(line.split()) for line in cleaned.split("\n")]
    return "<br/>".join(_NUMBER_GAP.sub("\u00a0", escape(line)) for line in lines)


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


def _unbreakable(markup: str) -> str:
    """Markup whose spaces never start a new line (a phone number stays whole). Hyphens need
    nothing: lines are only ever broken at spaces (no hyphenation is set)."""
    return markup.replace(" ", "\u00a0")


def _longest_fitting(text: str, font: str, size: float, room: float) -> int:
    """How many leading characters of ``text`` fit in ``room`` points (at least one)."""
    n = 1
    while n < len(text) and stringWidth(text[: n + 1], font, size) <= room:
        n += 1
    return n


def _qr_url(url: str) -> str:
    url = url.strip()
    return url if re.match(r"^[a-z][a-z0-9+.-]*://", url, flags=re.IGNORECASE) else "https://" + url


def _phone_label(label: str) -> str:
    label = _clean(label)
    return label if label else "Phone"


# --------------------------------------------------------------------------------------------
# Flowables


class _WriteInLine(Flowable):  # type: ignore[misc]
    """``For: ______`` - a label and a line to write a name on. The label is set like any other
    text (every script, shaped); in a right-to-left language it stands at the right and the line
    runs to its left."""

    def __init__(self, label: str, style: ParagraphStyle, baseline: float | None = None) -> None:
        super().__init__()
        self.label = label
        self.style = _derive(style, spaceBefore=0, spaceAfter=0, leading=round(style.fontSize * 1.2, 1),
                             keepWithNext=0)
        self.size = float(style.fontSize)
        self.baseline = self.size * 0.7 if baseline is None else baseline
        self.rtl = is_rtl_text(label)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size * 1.8
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        para = _Para(_markup(self.label), self.style)
        para.wrap(self.width * 0.5, 0xFFFFFF)
        label_width = min(self.width * 0.5, max(para.getActualLineWidths0() or [0.0]))
        para = _Para(_markup(self.label), self.style)  # set again at its own width (right-aligned too)
        para.wrap(label_width + 0.5, 0xFFFFFF)
        baseline = self.baseline
        # A paragraph's first baseline sits ``fontSize`` below its top.
        y = baseline - (para.height - self.size)
        x = self.width - label_width - 0.5 if self.rtl else 0.0
        para.drawOn(canv, x, y)
        gap = self.size * 0.5
        canv.saveState()
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(1)
        if self.rtl:
            canv.line(0, baseline - 2, x - gap, baseline - 2)
        else:
            canv.line(label_width + gap, baseline - 2, self.width, baseline - 2)
        canv.restoreState()


LOGO_DPI = 600  # a logo is never stored finer than this on the page (sharp on any printer)


@lru_cache(maxsize=8)
def _logo_for_print(png: bytes, w: int, h: int, width_pt: float, height_pt: float) -> bytes:
    """The logo at no more than LOGO_DPI for the size it is printed: a 20 MB photograph becomes
    a few dozen KB, so a one-page leaflet stays small and quick to print."""
    target = (max(1, round(width_pt / 72 * LOGO_DPI)), max(1, round(height_pt / 72 * LOGO_DPI)))
    if w <= target[0] and h <= target[1] and len(png) <= 512_000:
        return png
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as image:
        image.load()
        small = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        small.thumbnail(target, PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, "PNG", optimize=True)
        return out.getvalue()


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


_TAG = re.compile(r"(<[^>]*>)")


def _script_markup(markup: str, bold: bool) -> str:
    """Paragraph markup with each run of text the main face cannot draw put in the face of the
    fallback chain that can (``<font name=...>``), bold where the text is bold."""
    fonts = register_fonts()
    out: list[str] = []
    depth = 1 if bold else 0
    for part in _TAG.split(markup):
        if not part:
            continue
        if part.startswith("<"):
            low = part.lower().replace(" ", "")
            depth += 1 if low == "<b>" else (-1 if low == "</b>" else 0)
            out.append(part)
            continue
        if part.isascii():
            out.append(part)
            continue
        for index, piece in font_runs(unescape(part)):
            if index == 0:
                out.append(escape(piece))
            else:
                face = fonts.chain[index]
                face.ensure()
                out.append(f'<font name="{face.bold if depth > 0 else face.regular}">{escape(piece)}</font>')
    return "".join(out)


def _direction(text: str) -> str:
    """"R" (right-to-left letters), "L" (left-to-right letters) or "N" (neither) for a word."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "R"
        if kind in ("L", "EN", "AN") and unicodedata.category(ch) != "Co":
            return "L"  # numbers read left to right too; shaped glyphs may sit in private use
    return "N"


def _visual_order(directions: list[str], rtl_base: bool) -> list[int]:
    """Word indices in the order they are drawn, left to right: the Unicode bidi algorithm at
    word level (words are shaped, so each word's own letters are already in drawing order).
    A word with no letters takes the direction of its neighbours when they agree."""
    base = "R" if rtl_base else "L"
    resolved = list(directions)
    for i, d in enumerate(directions):
        if d == "N":
            before = next((x for x in reversed(directions[:i]) if x != "N"), base)
            after = next((x for x in directions[i + 1:] if x != "N"), base)
            resolved[i] = before if before == after else base
    order = list(range(len(resolved)))
    if rtl_base:
        order.reverse()
        resolved = [resolved[i] for i in order]
    other = "L" if rtl_base else "R"
    out: list[int] = []
    i = 0
    while i < len(order):  # runs against the base direction are reversed in place
        j = i
        while j < len(order) and resolved[j] == other:
            j += 1
        if j > i:
            out += reversed(order[i:j])
            i = j
        else:
            out.append(order[i])
            i += 1
    return out


def _visual_line(line: Any, rtl_base: bool) -> Any:
    """A copy of a laid-out line (frag words, logical order) with its words in drawing order."""
    tokens: list[tuple[Any, Any]] = []
    for frag in line.words:
        text = getattr(frag, "text", "")
        if hasattr(frag, "cbDefn") or not text:
            tokens.append((frag, None))
            continue
        start = 0
        for k in range(len(text) + 1):
            if k == len(text) or text[k] == " ":
                if k > start:
                    tokens.append((frag, text[start:k]))
                start = k + 1
    if not tokens:
        return line
    directions = [_direction(t) if t is not None else "N" for _, t in tokens]
    if "R" not in directions:
        return line
    order = _visual_order(directions, rtl_base)
    words: list[Any] = []
    for n, i in enumerate(order):
        frag, text = tokens[i]
        if text is None:
            words.append(frag)
            continue
        words.append(frag.clone(text=text + " " if n < len(order) - 1 else text))
    new = copy.copy(line)
    new.words = words
    return new


class _Para(Paragraph):  # type: ignore[misc]
    """A Paragraph that draws every script and keeps its lines for the width it was last set in.

    Text the main face cannot draw is set in the fallback face that can (``_script_markup``);
    a paragraph with Arabic or Gurmukhi letters is shaped (HarfBuzz, through reportlab), and
    one whose first letter is right-to-left is set right-aligned, its words drawn in bidi order.

    Its lines depend on the width only, not on the height offered, and Platypus asks again
    and again: a service's keep-together groups measure their contents, then the frame places
    each one, and a split measures again (a 150-service booklet set every paragraph ~3.5
    times). The same answer is given without breaking the lines anew; a new width, or a piece
    made by a split (a new object), is set afresh."""

    def __init__(self, text: str | None, style: ParagraphStyle, *args: Any, **kwargs: Any) -> None:
        if text and not text.isascii():
            plain = unescape(_TAG.sub("", text))
            text = _script_markup(text, style.fontName == FONT_BOLD)
            if needs_shaping(plain):
                style = _derive(style, shaping=1)
            if is_rtl_text(plain) and style.alignment == TA_LEFT:
                style = _derive(style, alignment=TA_RIGHT, wordWrap="RTL-words")
        super().__init__(text, style, *args, **kwargs)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        state = self.__dict__
        # (A split that refuses to split - widow and orphan control - drops the lines.)
        if state.get("_set_width") == availWidth and "blPara" in state:
            return self.width, self.height
        result: tuple[float, float] = super().wrap(availWidth, availHeight)
        if state.get("width") == availWidth:  # set in it (not the "cannot fit here" answer)
            state["_set_width"] = availWidth
        return result

    def draw(self) -> None:
        laid_out = self.__dict__.get("blPara")
        if not self.style.shaping or laid_out is None or laid_out.kind != 1:
            super().draw()
            return
        # Right-to-left words are put in drawing order only for drawing: a split still sees
        # the lines in reading order.
        visual = copy.copy(laid_out)
        rtl = self.style.wordWrap == "RTL-words"
        visual.lines = [_visual_line(line, rtl) for line in laid_out.lines]
        self.blPara = visual
        try:
            super().draw()
        finally:
            self.blPara = laid_out


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
COLUMN_GAP = 8 * mm
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
    def make(cls, name: str, style: ParagraphStyle, width: float, suffix: str = CONTINUED,
             lines: int = LINES) -> _Continued:
        text = " ".join(sanitise_text(name).split())
        budget = width * lines - stringWidth(suffix, style.fontName, style.fontSize)
        while True:
            short = _shorten(text, style.fontName, style.fontSize, budget)
            heading = cls(escape(short) + escape(suffix), style)
            # Lines are not filled to the last point, so check how many it really takes.
            _, height = heading.wrap(width, 0xFFFFFF)
            if height <= lines * style.leading + 0.01 or budget <= width / 4:
                return heading
            budget -= width / 4


# --------------------------------------------------------------------------------------------
# Document template with a footer on every page ("Page X of Y")


@dataclass(frozen=True)
class _Footer:
    styles: _Styles
    printed_on: str
    width: float
    wording: LeafletWording = ENGLISH

    def paragraph(self) -> Paragraph:
        # The large-print leaflet offers the other formats, not large print.
        ask = self.wording.footer_large if self.styles.fmt is LeafletFormat.LARGE else self.wording.footer
        return _Para(_markup(ask), self.styles.footer)

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
        printed = _Para(_markup(self.wording.printed.format(date=self.printed_on)), st.footer)
        printed.wrap(self.width * 0.6, size * 3)
        printed.drawOn(canv, left, bottom + size * 0.25 - (st.footer.leading - size))
        number = _Para(_markup(self.wording.page.format(page=page, total=total)),
                       _derive(st.footer, alignment=TA_RIGHT))
        number.wrap(self.width * 0.4, size * 3)
        number.drawOn(canv, left + self.width * 0.6, bottom + size * 0.25 - (st.footer.leading - size))
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
        self.total = 0  # pages in the finished document
        self.stop_over: int | None = None  # more pages than this: stop laying out (see _OverBudget)

    @staticmethod
    def form_name(key: str) -> str:
        return "pageref-" + re.sub(r"[^A-Za-z0-9-]", "-", key)


class _OverBudget(Exception):
    """The document being laid out has started more pages than ``_PageRefs.stop_over``: layout
    stopped there and nothing was written (``pages`` is a lower bound)."""

    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.pages = pages


def _numbered_canvas(footer: _Footer, refs: _PageRefs) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each footer can say "Page X of Y" and
    contents entries can carry page numbers."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []
            self._marks: list[tuple[int, str, float, float, str, dict[str, Any]]] = []

        def bookmarkHorizontalAbsolute(self, key: str, top: float, left: float = 0, fit: str = "XYZ",
                                       **kw: Any) -> None:
            # Pages are held back until the end, so the document's page counter still says
            # page 1: the bookmark is made when its own page is written out (see save).
            self._marks.append((len(self._held_pages), key, top, left, fit, kw))
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
            total = refs.total = len(self._held_pages)
            marks = list(self._marks)
            for index, state in enumerate(self._held_pages):
                self.__dict__.update(state)
                footer.draw(self, index + 1, total)
                for page, key, top, left, fit, kw in marks:
                    if page == index:
                        Canvas.bookmarkHorizontalAbsolute(self, key, top, left=left, fit=fit, **kw)
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
                 outline: dict[str, tuple[str, int]], **meta: Any) -> None:
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
        # A booklet's directory pages are set in two columns (short lines: numbers, times).
        gap = COLUMN_GAP
        column = (width - 2 * m - gap) / 2
        columns = [Frame(m + i * (column + gap), bottom, column, height - m - bottom, id=f"column-{i}",
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0) for i in (0, 1)]
        self.addPageTemplates([PageTemplate(id="page", frames=[frame]),
                               PageTemplate(id="columns", frames=columns)])
        self.refs = refs
        self.outline = outline
        self.styles = styles
        self.wording = footer.wording
        self._open_service: str | None = None
        self._continues: str | None = None
        self._continued_on_page = False
        self._progress_on_page = False

    def handle_pageBegin(self) -> None:
        super().handle_pageBegin()
        if self.refs.stop_over is not None and self.page > self.refs.stop_over:
            raise _OverBudget(self.page)  # over budget already: it is laid out again, closer
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
                # Laid out close, the name is shortened to one line ("…").
                flowables.insert(0, _Continued.make(name, self.styles.continued, self.width,
                                                    " " + self.wording.continued,
                                                    lines=1 if self.styles.snug else _Continued.LINES))

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Continued):
            self._continued_on_page = True
        elif not isinstance(flowable, ActionFlowable):
            self._progress_on_page = True
        if isinstance(flowable, _ServiceMark):
            self._open_service = flowable.opens
        elif isinstance(flowable, _Anchor):
            self.refs.pages.setdefault(flowable.key, self.page)
            entry = self.outline.get(flowable.key)
            if entry is not None:  # a bookmark to this very spot (category level 0, service 1)
                title, level = entry
                self.canv.bookmarkHorizontal(flowable.key, 0, self.frame._y + self.styles.body.fontSize * 2)
                self.canv.addOutlineEntry(title, flowable.key, level=level, closed=level == 0)


# --------------------------------------------------------------------------------------------
# Building blocks


class _ColumnsOrStacked(Flowable):  # type: ignore[misc]
    """Two columns side by side (a one-row table) where they fit in the space left on the
    page; otherwise the same content one under the other, free to flow on to the next page
    (a table row cannot split, and moving it whole would leave a gap)."""

    def __init__(self, table: Table, stacked: list[Flowable], after: list[Flowable]) -> None:
        super().__init__()
        self.table = table
        self.stacked = stacked
        self.after = after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availHeight >= 0xFFFFF:  # measured by a keep-together group: the columns' height
            _, height = self.table.wrap(availWidth, availHeight)
            height += sum(f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                          for f in self.after)
            return availWidth, height
        # Placed on a page: always split, into the columns (and what follows them) or the
        # stacked content.
        return availWidth, 0xFFFFFF

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        _, height = self.table.wrap(availWidth, availHeight)
        if height <= availHeight:  # the columns, and what goes across the page after them
            return [self.table, *self.after]
        return [NullActionFlowable(), *self.stacked]

    def draw(self) -> None:  # never drawn itself: it always splits
        pass


class _Builder:
    """Turns content into flowables for one format."""

    def __init__(self, fmt: LeafletFormat, wording: LeafletWording = ENGLISH, tight: bool = False) -> None:
        self.st = _styles(fmt, tight)
        self.w = wording
        self.width = self.st.page_size[0] - 2 * self.st.margin
        self.column = (self.width - COLUMN_GAP) / 2
        self.frame_height = _Footer(self.st, "", self.width, wording).frame_height()

    def para(self, text: str, style: ParagraphStyle) -> Paragraph:
        return _Para(_markup(text), style)

    def header(self, practice: PracticeHeader) -> list[Flowable]:
        st = self.st
        lines: list[Flowable] = [self.para(practice.name, st.practice_name)]
        address = ", ".join(_clean(a) for a in practice.address_lines if _clean(a))
        where = [_markup(address)] if address else []
        if _clean(practice.phone):
            where.append(f"{_markup(self.w.phone)} {_unbreakable(_markup(practice.phone or ''))}")
        if where:
            lines.append(_Para(". ".join(where), _derive(st.body, spaceAfter=0)))
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
        return [*out, Spacer(1, st.body.fontSize * (0.2 if st.snug else 0.4)),
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
        max_h = (10 if self.st.fmt is LeafletFormat.COMPACT else 13) * mm
        max_w = self.width * 0.35
        scale = min(max_h / h, max_w / w)
        return Image(io.BytesIO(_logo_for_print(png, w, h, w * scale, h * scale)), width=w * scale,
                     height=h * scale)

    def qr(self, url: str) -> _QrCode | None:
        target = _qr_url(url)
        if len(target) > MAX_QR_URL:
            return None
        matrix = _qr_matrix(target)
        return None if matrix is None else _QrCode(matrix, self.st.qr_size)

    def inline(self, label: str, text: str | None) -> list[Flowable]:
        """``Label: text`` paragraphs (the label bold, in the first), or nothing."""
        parts = _paragraphs(text)
        if not parts:
            return []
        first = f"<b>{_markup(label.rstrip(':'))}:</b> {_markup(parts[0])}"
        return [_Para(first, self.st.body), *(self.para(p, self.st.body) for p in parts[1:])]

    def section(self, label: str, body: list[Flowable]) -> list[Flowable]:
        """A labelled part of a service (label + body), or nothing when there is no body."""
        if not body:
            return []
        return [_Para(_markup(label), self.st.label), *body]

    def service(self, svc: LeafletService, anchor: _Anchor | None = None) -> Flowable:
        st = self.st
        head: list[Flowable] = [] if anchor is None else [anchor]
        name = _clean(svc.service_name) or _clean(svc.organisation_name) or "Service"
        head.append(_ServiceMark(name))
        head.append(self.para(name, st.service_heading))
        org = _clean(svc.organisation_name)
        if org and org.casefold() != name.casefold():
            head.append(_Para(_markup(self.w.run_by.format(name=org)), st.body))
        if svc.english_fallback and self.w.language != ENGLISH.language:
            head.append(self.para(self.w.in_english, st.body))

        w = self.w
        # The description straight under the name; short facts with their label in the line:
        # a one-service leaflet fits one page (see docs/leaflets-page-budget.md).
        about = [self.para(p, st.body) for p in _paragraphs(svc.description)]
        about += self.inline(w.who_it_is_for, svc.who_for) + self.inline(w.cost, svc.cost)
        gap = 6 * mm
        column = (self.width - gap) / 2
        numbers = self._contact(svc, column, with_how=False, in_cell=True)
        where = self.section(w.when_and_where, self._when_where(svc))
        if numbers and where and self._fits_column(svc, column):
            # Where it is, beside the numbers; how to get in (access, transport) across the page.
            where = self.section(w.when_and_where, self._when_where(svc, with_access=False))
            after = self._when_where(svc, only_access=True)
            # Numbers, addresses and times are short lines: set in two balanced columns they
            # take half the height, and the columns still flow on to the next page when long.
            stacked = [*self._contact(svc, with_how=False), *where, *after]
            left, right, after = self._balance(numbers, where, after, column)
            details = _ColumnsOrStacked(self._columns(left, right, column, gap), stacked, after)
            how = self._how(svc) or [Spacer(1, 0)]
            groups = [g for g in (about, [*self.section(w.how_to_get_in_touch, how), details]) if g]
        else:
            groups = [g for g in (about, self.section(w.how_to_get_in_touch, self._contact(svc)), where)
                      if g]
        # The checked line, the end mark and the rule stay together: a rule alone never makes a page.
        room = 0.5 if st.snug else 1.0
        tail: list[Flowable] = [KeepTogether([
            self.para(checked_line(svc, w), st.checked), _ServiceMark(None),
            HRFlowable(width="100%", thickness=st.rule, color=colors.black,
                       spaceBefore=st.body.fontSize * 0.5 * room, spaceAfter=st.body.fontSize * 0.9 * room)])]
        # Each labelled part stays on one page where it fits (its label never ends a page), and
        # the heading always goes with the first part.
        if groups:
            groups[0] = head + groups[0]
        else:
            groups = [head]
        groups[-1] = groups[-1] + tail
        part_limit = self.frame_height / 3
        # The heading needs room for itself and a few lines of what follows; it never waits for
        # a whole long description to fit (that left page 1 blank but for the practice header).
        start = CondPageBreak(sum(f.wrap(self.width, 0xFFFFFF)[1] for f in head) + 4 * st.body.leading)
        first_height = sum(f.wrap(self.width, 0xFFFFFF)[1] for f in _flatten(groups[0]))
        if self.st.fmt is LeafletFormat.COMPACT:
            # A5 has room for little: let parts flow (labels still keep with their text).
            flow: list[Flowable] = [start, *(f for g in groups for f in g)]
        elif first_height > part_limit:
            flow = [start, *groups[0], *(_KeepIfShort(g, part_limit) for g in groups[1:])]
        else:
            # A long part (more than a third of a page) may break rather than leave most of a
            # page empty; the heading still goes with the first part, labels with their text.
            # (_KeepIfShort measures nested keep-together groups, such as the tail, by their content)
            flow = [_KeepIfShort(groups[0], self.frame_height),
                    *(_KeepIfShort(g, part_limit) for g in groups[1:])]
        return _KeepIfShort(flow, self.frame_height * 0.5)

    def _fits_column(self, svc: LeafletService, column: float) -> bool:
        """Whether the e-mail and web address (or its site) can be set in a column without
        breaking inside a word; if not, the contact details go across the page."""
        qr_room = self.st.qr_size + 3 * mm
        if _clean(svc.email) and "\u200b" in self.address_markup(self.w.email, svc.email or "", column, True):
            return False
        url = _clean(svc.website)
        if url:
            site = self.address_markup(self.w.website, self.site_only(url), column, True)
            full = self.address_markup(self.w.website, _display_url(url), column, True)
            if "\u200b" in site or ("\u200b" in full and self.qr(url) is None):
                return False
        return bool(column > qr_room)

    @staticmethod
    def _balance(left: list[Flowable], right: list[Flowable], extra: list[Flowable],
                 column: float) -> tuple[list[Flowable], list[Flowable], list[Flowable]]:
        """Even up two columns: the QR code (the left column's last item) and then the access
        and travel notes go to the shorter column while it stays no taller than the other;
        the rest goes across the page below."""
        def height(items: list[Flowable]) -> float:
            return float(sum(f.wrap(column, 0xFFFFFF)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                             for f in items))

        left, right = list(left), list(right)
        if left and isinstance(left[-1], Table) and height(left[:-1]) > height(right):
            right.append(left.pop())  # the QR code with its hint
        rest: list[Flowable] = []
        for item in extra:
            if rest:
                rest.append(item)
                continue
            shorter, taller = (right, left) if height(right) <= height(left) else (left, right)
            if height(shorter) + height([item]) <= height(taller):
                shorter.append(item)
            else:
                rest.append(item)
        return left, right, rest

    def _columns(self, left: list[Flowable], right: list[Flowable], column: float, gap: float) -> Table:
        table = Table([[left, right]], colWidths=[column + gap, column])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 0), (-1, -1), self.st.body.fontName, self.st.body.fontSize, self.st.body.leading),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, 0), gap),
            ("RIGHTPADDING", (1, 0), (1, 0), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def _how(self, svc: LeafletService) -> list[Flowable]:
        """The sentences saying how to start (referred, self-referral, languages)."""
        out: list[Flowable] = []
        if svc.referred_by_practice:
            out.append(self.para(self.w.referred, self.st.body))
        out += [self.para(line, self.st.body) for line in svc.how_to_get_in_touch if _clean(line)]
        return out

    def _contact(self, svc: LeafletService, width: float | None = None, *,
                 with_how: bool = True, in_cell: bool = False) -> list[Flowable]:
        """How to start, then the numbers and addresses, then the web address with its QR code
        (the hint beside the code), all set ``width`` wide."""
        st = self.st
        width = self.width if width is None else width
        out: list[Flowable] = self._how(svc) if with_how else []
        small = f'<font name="{st.body.fontName}" size="{st.body.fontSize:g}">'
        for label, number in svc.phones:
            if not _clean(number):
                continue
            out.append(_Para(f"{small}{_markup(_clean(label) or self.w.phone)}:</font> "
                             f"{_unbreakable(_markup(number))}", st.phone))
        if _clean(svc.email):
            out.append(_Para(self.address_markup(self.w.email, svc.email or "", width), st.body))
        url = _clean(svc.website)
        if not url:
            return out
        qr = self.qr(url)
        markup = self.address_markup(self.w.website, _display_url(url), width, keep_marks=True)
        hint_text = self.w.qr_hint
        if qr is not None and (markup.count("<br/>") > 3 or "\u200b" in markup):
            # Too long to copy by hand: the site only, and the square code carries the link.
            markup = self.address_markup(self.w.website, self.site_only(url), width, keep_marks=True)
            hint_text = self.w.qr_full
        website = _Para(markup.replace("\u200b", ""), st.body)
        if qr is None:
            return [*out, website]
        gap = 3 * mm
        table = Table([[qr, self.para(hint_text, st.body)]],
                      colWidths=[st.qr_size + gap, width - st.qr_size - gap])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONT", (0, 0), (-1, -1), st.body.fontName, st.body.fontSize, st.body.leading),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), st.body.fontSize * (0.1 if st.snug else 0.3)),
        ]))
        return [*out, website, table] if in_cell else [*out, KeepTogether([website, table])]

    def address_markup(self, label: str, address: str, width: float, keep_marks: bool = False) -> str:
        """``label`` then a web or email address in bold. When it does not fit on one line it
        starts on a line of its own and breaks only after "/", ".", "@", "?" or "&" - never at
        a hyphen (a reader would type it) nor with a hyphen added. A piece with no such place
        that is wider than the line (a very long address) is broken at the line's end, with
        nothing added."""
        st = self.st
        bold, size = st.label.fontName, st.body.fontSize
        text = "".join(sanitise_text(address).split())  # an address has no spaces
        tokens = [t for t in re.findall(r"[^/.@?&]*[/.@?&]?", text) if t]
        label_width = stringWidth(label + " ", st.body.fontName, size)
        if label_width + stringWidth(text, bold, size) <= width:
            return f"{_markup(label)} <b>{_unbreakable(escape(text))}</b>"
        lines: list[str] = []
        # Laid out close, the address starts beside its label when its first piece fits there.
        beside = st.snug and tokens and label_width + stringWidth(tokens[0], bold, size) <= width
        line, used = "", (label_width if beside else 0.0)
        for token in tokens:
            w = stringWidth(token, bold, size)
            if line and used + w > width:
                lines.append(line)
                line, used = "", 0.0
            while w > width:  # no break place in a whole line: fill the line, carry on below
                cut = _longest_fitting(token, bold, size, width - used)
                lines.append(line + token[:cut] + "\u200b")  # (marks a forced break; removed)
                line, used, token = "", 0.0, token[cut:]
                w = stringWidth(token, bold, size)
            line += token
            used += w
        if line:
            lines.append(line)
        out = _markup(label) + "".join(f"{' ' if beside and i == 0 else '<br/>'}<b>{escape(x)}</b>"
                                       for i, x in enumerate(lines))
        return out if keep_marks else out.replace("\u200b", "")

    def site_only(self, url: str) -> str:
        """The site part of a web address (``www.example.org``), for one too long to print."""
        shown = _display_url(url)
        return shown.split("/", 1)[0]

    def entry(self, svc: LeafletService, anchor: _Anchor | None = None) -> Flowable:
        """A service as a booklet's directory entry: the same facts as a leaflet, set close
        (labels inline, no QR code), so a page holds two or more entries."""
        st, w = self.st, self.w
        name = _clean(svc.service_name) or _clean(svc.organisation_name) or "Service"
        head: list[Flowable] = [] if anchor is None else [anchor]
        head += [_ServiceMark(name), self.para(name, st.entry_heading)]
        org = _clean(svc.organisation_name)
        if org and org.casefold() != name.casefold():
            head.append(_Para(_markup(w.run_by.format(name=org)), st.entry_body))
        body: list[Flowable] = [self.para(p, st.entry_body) for p in _paragraphs(svc.description)]

        def labelled(label: str, text: str) -> None:
            if _clean(text):
                body.append(_Para(f"<b>{_markup(label.rstrip(':'))}:</b> {_markup(text)}", st.entry_body))

        labelled(w.who_it_is_for, " ".join(_paragraphs(svc.who_for)))
        labelled(w.cost, " ".join(_paragraphs(svc.cost)))
        how = [_clean(x) for x in svc.how_to_get_in_touch if _clean(x)]
        if svc.referred_by_practice:
            how.insert(0, w.referred)
        labelled(w.how_to_get_in_touch, " ".join(how))
        for label, number in svc.phones:
            if _clean(number):
                body.append(_Para(f"<b>{_markup(_clean(label) or w.phone)}:</b> "
                                  f"<b>{_unbreakable(_markup(number))}</b>", st.entry_body))
        if _clean(svc.email):
            body.append(_Para(self.address_markup(w.email, svc.email or "", self.column), st.entry_body))
        if _clean(svc.website):
            body.append(_Para(self.address_markup(w.website, _display_url(svc.website or ""), self.column),
                              st.entry_body))
        when = [t for t in (_clean(x) for x in svc.opening_times) if t]
        labelled(w.when_and_where, "; ".join(when + [" ".join(_paragraphs(svc.opening_notes))]).strip("; "))
        for venue in svc.venues:
            parts = [x for x in (_clean(venue.name), *(_clean(a) for a in venue.address_lines)) if x]
            if parts:
                body.append(_Whole(_markup(", ".join(parts)), st.entry_body, self.frame_height))
            access = "; ".join(a for a in (_clean(x) for x in venue.accessibility) if a)
            labelled(w.access, access)
        if _clean(svc.remote_note):
            body.append(self.para(svc.remote_note or "", st.entry_body))
        body.append(self.para(checked_line(svc, w), st.entry_body))
        body.append(_ServiceMark(None))
        body.append(HRFlowable(width="100%", thickness=st.rule, color=colors.black,
                               spaceBefore=st.body.fontSize * 0.3, spaceAfter=st.body.fontSize * 0.6))
        lead = min(len(body), 1)
        return _KeepIfShort([KeepTogether(head + body[:lead]), *body[lead:]], self.frame_height * 0.45)

    def _when_where(self, svc: LeafletService, *, with_access: bool = True,
                    only_access: bool = False) -> list[Flowable]:
        st = self.st
        if only_access:
            # Away from the addresses, so each venue's notes say which venue they are about
            # when there is more than one.
            named = len(svc.venues) > 1
            access: list[Flowable] = [f for venue in svc.venues
                                      for f in self._venue_access(venue, named=named)]
            if _clean(svc.remote_note):
                access.append(self.para(svc.remote_note or "", st.body))
            return access
        out: list[Flowable] = []
        times = [t for t in (_clean(x) for x in svc.opening_times) if t]
        if times:  # kept whole: a timetable split over two pages is easy to misread
            out.append(_Whole("<br/>".join(_markup(t) for t in times), st.tight, self.frame_height))
        out += [self.para(p, st.body) for p in _paragraphs(svc.opening_notes)]
        for venue in svc.venues:
            out += self._venue(venue, access=with_access)
        if _clean(svc.remote_note) and with_access:
            out.append(self.para(svc.remote_note or "", st.body))
        return out

    def _venue(self, venue: LeafletVenue, *, address: bool = True, access: bool = True) -> list[Flowable]:
        st = self.st
        out: list[Flowable] = []
        if not address:
            return self._venue_access(venue)
        if not access:
            lines = [_markup(x) for x in (venue.name or "", *venue.address_lines) if _clean(x)]
            if lines and _clean(venue.name):
                lines[0] = f"<b>{lines[0]}</b>"
            return [_Whole(", ".join(lines), st.body, self.frame_height)] if lines else []
        lines = [_markup(x) for x in (venue.name or "", *venue.address_lines) if _clean(x)]
        if lines and _clean(venue.name):
            lines[0] = f"<b>{lines[0]}</b>"
        if lines:  # the address on as few lines as it needs, never split over two pages
            out.append(_Whole(", ".join(lines), st.body, self.frame_height))
        return out + self._venue_access(venue)

    def _venue_access(self, venue: LeafletVenue, *, named: bool = False) -> list[Flowable]:
        st = self.st
        where = f" ({_markup(_clean(venue.name))})" if named and _clean(venue.name) else ""
        access = [a for a in (_clean(x) for x in venue.accessibility) if a]
        access_text = "; ".join(access)
        if _clean(venue.accessibility_notes):
            access_text = (access_text + ". " if access_text else "") + _clean(venue.accessibility_notes)
        paragraphs: list[str] = []
        if access_text:
            label = _markup(self.w.access.rstrip(":")) + where + ":"
            paragraphs.append(f"<b>{label}</b> {_markup(access_text)}")
        for p in _paragraphs(venue.transport_notes):
            if st.snug and paragraphs:
                # Laid out close: how to get there follows the access notes in the same
                # paragraph, without naming the venue again.
                label = _markup(self.w.getting_there.rstrip(":")) + ":"
                stop = "" if paragraphs[-1].rstrip()[-1:] in ".!?。۔" else "."
                paragraphs[-1] += f"{stop} <b>{label}</b> {_markup(p)}"
            else:
                label = _markup(self.w.getting_there.rstrip(":")) + where + ":"
                paragraphs.append(f"<b>{label}</b> {_markup(p)}")
        return [_Para(text, st.body) for text in paragraphs]

    def title_and_name_line(self, title: str, for_label: str) -> list[Flowable]:
        """The leaflet's title, then "For: ____" to write the patient's name on. Laid out close
        (``snug``), the line goes beside a title that fits on one line in 55 % of the width."""
        st = self.st
        heading = self.para(title, st.title)
        line = _WriteInLine(for_label, _derive(st.label, fontSize=st.body.fontSize))
        if not st.snug:
            return [heading, line]
        left = self.width * 0.55
        _, height = heading.wrap(left, 0xFFFFFF)
        if height > st.title.leading * 1.05:
            return [heading, line]
        # On the title's baseline (the cells are aligned at the bottom); a right-to-left title
        # stands at the right, its line to the left.
        line.baseline = st.title.leading - st.title.fontSize
        cells, widths = [heading, line], [left, self.width - left]
        if is_rtl_text(unescape(_TAG.sub("", _markup(title)))):
            cells, widths = cells[::-1], widths[::-1]
        table = Table([cells], colWidths=widths)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), st.title.spaceBefore),
            ("BOTTOMPADDING", (0, 0), (-1, -1), st.title.spaceAfter),
        ]))
        return [table]

    def note(self, note: str | None, signature: str | None) -> list[Flowable]:
        parts = _paragraphs(note)
        sig = _clean(signature)
        if not parts and not sig:
            return []
        text = "<br/><br/>".join(_markup(p) for p in parts)
        if sig:  # on the note's last line when there is room: a signature needs no line of its own
            text = (text + " \u2014 " if text else "") + f"<b>{_unbreakable(_markup(sig))}</b>"
        return [_Para(text, self.st.note)]


def _service_texts(svc: LeafletService) -> list[str]:
    texts = [svc.service_name, svc.organisation_name, svc.description or "", svc.who_for or "",
             svc.cost or "", *svc.how_to_get_in_touch, *(x for pair in svc.phones for x in pair),
             svc.email or "", svc.website or "", *svc.opening_times, svc.opening_notes or "",
             svc.remote_note or ""]
    for venue in svc.venues:
        texts += [venue.name or "", *venue.address_lines, *venue.accessibility,
                  venue.accessibility_notes or "", venue.transport_notes or ""]
    return texts


def undrawable(item: Leaflet | Booklet) -> tuple[str, ...]:
    """Every character of a leaflet or booklet that no bundled font can draw, as a line for the
    person printing: where it is (the service, or the part of the leaflet), the character and its
    code point, e.g. ``Lunch club: “👍” (U+1F44D, THUMBS UP SIGN)``. Empty when all can be drawn.
    On paper such a character shows as "?": the person decides whether to print anyway."""
    places: list[tuple[str, list[str]]] = []
    practice = item.practice
    places.append(("Practice details", [practice.name, *practice.address_lines, practice.phone or ""]))
    wording = item.wording
    places.append((f"Fixed wording ({wording.language})",
                   [str(getattr(wording, key)) for key in LeafletWording.keys()]))
    if isinstance(item, Leaflet):
        places.append(("Personal note", [item.personal_note or "", item.staff_signature or "", item.title]))
        services: list[LeafletService] = list(item.services)
    else:
        places.append(("Booklet title", [item.title, item.introduction or ""]))
        places += [(f"Category {s.category_name}", [s.category_name]) for s in item.sections]
        services = [svc for s in item.sections for svc in s.services]
    places += [(_clean(svc.service_name) or "A service", _service_texts(svc)) for svc in services]
    out: list[str] = []
    for place, texts in places:
        missing = missing_characters("\n".join(texts))
        if missing:
            shown = ", ".join(describe_character(ch) for ch in sorted(missing))
            out.append(f"{sanitise_text(place)}: {shown}")
    return tuple(dict.fromkeys(out))


def checked_line(svc: LeafletService, wording: LeafletWording = ENGLISH) -> str:
    """What the leaflet truthfully says about the practice's check of ``svc``: "Checked by the
    practice on DATE" only when it is (``CheckedState.CHECKED``); otherwise when it was last
    confirmed, or that it has not checked it, with "please phone before you go"."""
    if svc.checked is CheckedState.CHECKED and svc.last_verified is not None:
        return wording.checked.format(date=format_date(svc.last_verified))
    if svc.checked is CheckedState.STALE:
        if svc.last_verified is not None:
            return wording.stale.format(date=format_date(svc.last_verified))
        return wording.never_confirmed
    return wording.not_checked


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


def page_budget(fmt: LeafletFormat, services: int) -> int:
    """The most pages a leaflet of ``services`` services should take: one a service on standard
    A4; two a service in large print; the compact A5 card's two sides (at Clear Print's 14 pt a
    described service does not fit one A5 side: see docs/leaflets-every-script-honest-words.md)."""
    return services * (1 if fmt is LeafletFormat.STANDARD else 2)


def render_leaflet(leaflet: Leaflet, fmt: LeafletFormat = LeafletFormat.STANDARD) -> bytes:
    """Render a patient leaflet as PDF bytes.

    Laid out as usual first; a leaflet that runs over its page budget (``page_budget``) is laid
    out again with less space between its parts and narrower margins (same text sizes), and the
    shorter of the two is kept. Raises ``LeafletError`` if there is nothing to print or the
    format cannot hold the services.
    """
    _check_leaflet(leaflet, fmt)
    budget = page_budget(fmt, len(leaflet.services))
    try:  # (a layout stops as soon as it goes over budget, and is laid out again closer)
        return _render_leaflet(leaflet, fmt, tight=False, stop_over=budget)[0]
    except _OverBudget:
        pass
    tight_pdf, tight_pages = _render_leaflet(leaflet, fmt, tight=True)
    if tight_pages <= budget:
        return tight_pdf
    # Over budget either way (a very long text): the closer layout only if it saves a page.
    pdf, pages = _render_leaflet(leaflet, fmt, tight=False)
    return tight_pdf if tight_pages < pages else pdf


def _render_leaflet(leaflet: Leaflet, fmt: LeafletFormat, tight: bool,
                    stop_over: int | None = None) -> tuple[bytes, int]:
    wording = leaflet.wording
    builder = _Builder(fmt, wording, tight)
    st = builder.st
    title = leaflet.title if _clean(leaflet.title) and leaflet.title != OPENING else wording.title
    story: list[Flowable] = builder.header(leaflet.practice)
    story += builder.title_and_name_line(title, wording.for_label)
    story += builder.note(leaflet.personal_note, leaflet.staff_signature)
    if leaflet.reference:  # what the patient quotes, so the organisation can tell the practice
        code = f"<b>{_unbreakable(_markup(leaflet.reference))}</b>"
        parts = [(" " if p[:1].isspace() else "") + _markup(p.strip()) + (" " if p[-1:].isspace() else "")
                 for p in wording.quote_reference.split("{reference}")]
        story.append(_Para(code.join(parts), st.body))
    story.append(Spacer(1, st.body.fontSize * (0.2 if tight else 0.4)))
    for svc in leaflet.services:
        story.append(builder.service(svc))

    names = "; ".join(_clean(s.service_name) for s in leaflet.services)
    subject = f"{names} - from {_clean(leaflet.practice.name)}"
    from sp_desktop.leaflets.accessible import leaflet_title

    refs = _PageRefs()
    refs.stop_over = stop_over
    pdf = _build(story, st, leaflet.printed_on, title=leaflet_title(leaflet, title),  # names its services
                 author=leaflet.practice.name, refs=refs,
                 subject=subject, lang=wording.language if leaflet.language == "en-GB" else leaflet.language,
                 wording=wording)
    return pdf, refs.total


def _build(story: list[Flowable], st: _Styles, printed_on: Any, *, title: str, author: str,
           subject: str, lang: str, outline: dict[str, tuple[str, int]] | None = None,
           refs: _PageRefs | None = None, wording: LeafletWording = ENGLISH) -> bytes:
    buffer = io.BytesIO()
    refs = refs if refs is not None else _PageRefs()
    footer = _Footer(st, format_date(printed_on), st.page_size[0] - 2 * st.margin, wording)
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
    builder = _Builder(fmt, booklet.wording)
    title = _clean(booklet.title) or "Support in our area"
    refs = _PageRefs()
    outline: dict[str, tuple[str, int]] = {}
    for i, (name, services) in enumerate(sections):  # a bookmark per category, and per service in it
        outline[f"section-{i}"] = (sanitise_text(name), 0)
        for j, svc in enumerate(services):
            outline[f"service-{i}-{j}"] = (sanitise_text(_clean(svc.service_name) or "Service"), 1)
    outline["index"] = (sanitise_text(booklet.wording.index), 0)
    story = _booklet_story(booklet, builder, title, sections, refs, tick)
    check_cancel()
    return _build(story, builder.st, booklet.printed_on, title=title, author=booklet.practice.name,
                  subject=f"{title}: {', '.join(name for name, _ in sections)}",
                  lang=booklet.language, outline=outline, refs=refs, wording=booklet.wording)


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
        story.append(_Para(f"{_markup(builder.w.phone)} {_markup(practice.phone or '')}", st.body))
    story.append(Spacer(1, st.body.fontSize))
    for p in _paragraphs(booklet.introduction):
        story.append(builder.para(p, st.body))
    story.append(PageBreak())

    # Contents: page numbers are filled in after layout
    story.append(builder.para(builder.w.contents, st.section_heading))
    rows: list[tuple[Flowable, Flowable]] = [
        (_Para(_markup(name), st.toc_name), _PageNumber(f"section-{i}", st.toc_page))
        for i, (name, _) in enumerate(sections)
    ]
    rows.append((builder.para(builder.w.index, st.toc_name), _PageNumber("index", st.toc_page)))
    story += _two_column_list(builder, rows)
    story.append(NextPageTemplate("columns"))
    story.append(PageBreak())

    # Sections
    org_keys: dict[str, list[str]] = {}
    org_names: dict[str, str] = {}
    for i, (name, services) in enumerate(sections):
        # Categories follow on (a page each would leave most pages half empty); a heading never
        # sits alone at the foot of a page.
        story.append(CondPageBreak(builder.frame_height * 0.3))
        story.append(_Anchor(f"section-{i}"))
        story.append(builder.para(name, st.section_heading))
        for j, svc in enumerate(services):
            key = f"service-{i}-{j}"
            story.append(builder.entry(svc, _Anchor(key, tick)))
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

    story.append(NextPageTemplate("page"))
    story.append(PageBreak())
    story.append(_Anchor("index"))
    story.append(builder.para(builder.w.index, st.section_heading))
    story.append(builder.para(builder.w.index_note, st.body))
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
    if leaflet.reference:
        lines += ["", leaflet.wording.quote_reference.format(reference=_plain(leaflet.reference))]
    for svc in leaflet.services:
        lines.append("")
        lines.append("")
        lines += _plain_service(svc)
    lines += ["", "", f"Printed {format_date(leaflet.printed_on)}", FOOTER_ASK]
    return "\n".join(lines).strip() + "\n"


# --------------------------------------------------------------------------------------------
# Text message (SMS)

#: GSM 03.38 basic characters (1 unit each) and its extension table (2 units: escape + char).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
SMS_GSM_LIMIT = 459  # three concatenated GSM-7 segments (3 x 153)
SMS_UNICODE_LIMIT = 201  # three concatenated UCS-2 segments (3 x 67)


def sms_length(text: str) -> tuple[int, int]:
    """(units used, the three-segment limit for this text): GSM-7 when every character is in the
    GSM alphabet (extension characters count two), otherwise UCS-2 (16-bit units)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        return sum(2 if ch in GSM_EXTENDED else 1 for ch in text), SMS_GSM_LIMIT
    return len(text.encode("utf-16-le")) // 2, SMS_UNICODE_LIMIT


def _sms_fits(text: str) -> bool:
    used, limit = sms_length(text)
    return used <= limit


def _sms_plain(text: str | None) -> str:
    """One line of plain text; typographic quotes and dashes become their GSM equivalents so a
    message is not forced into the shorter Unicode form by punctuation alone."""
    swaps = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
             "\u2026": "...", "\u00a0": " "}
    cleaned = "".join(swaps.get(ch, ch) for ch in _plain(text))
    return " ".join(cleaned.split())


def leaflet_sms_text(leaflet: Leaflet) -> str:
    """The leaflet as a short text message that fits three SMS segments (at most 459 GSM
    characters, or 201 when the text needs Unicode): for each service its name and how to reach
    it (first phone number, then web address), as much as fits, whole items only - never a word
    cut off. Services that do not fit are counted ("and 2 more: ask us")."""
    _check_leaflet(leaflet, LeafletFormat.STANDARD)
    practice = _sms_plain(leaflet.practice.name)
    head = f"From {practice}:" if practice else ""
    phone = _sms_plain(leaflet.practice.phone)
    tail = f" Quote {_sms_plain(leaflet.reference)}." if leaflet.reference else ""
    tail += f" Questions? Call {phone}." if phone else ""
    entries: list[list[str]] = []
    for svc in leaflet.services:
        name = _sms_plain(svc.service_name) or _sms_plain(svc.organisation_name) or "Service"
        parts = [name]
        phone = next((_sms_plain(n) for _, n in svc.phones if _sms_plain(n)), "")
        if phone:
            parts.append(f"call {phone}")
        if _sms_plain(svc.website):
            parts.append(_display_url(_sms_plain(svc.website)))
        elif _sms_plain(svc.email):
            parts.append(_sms_plain(svc.email))
        when = next((_sms_plain(t) for t in svc.opening_times if _sms_plain(t)), "")
        if when:
            parts.append(when)
        entries.append(parts)

    def compose(chosen: list[list[str]], dropped: int) -> str:
        body = " ".join(f"{p[0]}: {', '.join(p[1:])}." if len(p) > 1 else f"{p[0]}." for p in chosen)
        more = f" And {dropped} more: ask us." if dropped else ""
        return " ".join(x for x in (head, body) if x) + more + tail

    # As many services as fit with a way to reach them (the phone number, else the web address):
    # detail (times, then web) goes before a service does; a name alone only as a last resort.
    for details in ((4, 3, 2), (1,)):
        for count in range(len(entries), 0, -1):
            for keep in details:
                text = compose([p[:keep] for p in entries[:count]], len(entries) - count)
                if _sms_fits(text):
                    return text
    text = compose([], len(entries))
    return text if _sms_fits(text) else text[: SMS_UNICODE_LIMIT].rsplit(" ", 1)[0]
