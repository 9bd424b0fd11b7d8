"""The bundled leaflet fonts, the per-character fallback chain, and making text safe to draw.

The main face is DejaVu Sans (Latin with every diacritic West of Scotland patients write -
Polish, Romanian, Turkish, Vietnamese ... - Greek and Cyrillic, regular and bold); Atkinson
Hyperlegible, the first choice for legibility, has no Greek or Cyrillic. A character DejaVu
lacks is drawn with the first face of the fallback chain that has it:

* Noto Naskh Arabic - Arabic, Urdu, Farsi (regular, bold);
* Noto Sans Gurmukhi - Punjabi (regular, bold);
* Noto Sans Ethiopic - Tigrinya, Amharic (regular, bold);
* Noto Sans SC, cut down to GB 2312 and Big5 level 1 - Chinese, Simplified and Traditional
  (regular only; bold text is drawn in the regular weight).

Arabic and Gurmukhi need shaping (joined letters, vowel signs placed): reportlab 4 shapes with
HarfBuzz (``uharfbuzz``) when a paragraph's style asks for it, which the renderer does only for
paragraphs holding such letters (``needs_shaping``), so Latin text costs nothing extra. The
licences are beside the fonts in ``resources/fonts`` (``DejaVu-LICENSE.txt``,
``Noto-LICENSE.txt``); ``tools/build_fonts.py`` says how the Noto files were made.

A character no face has (an emoji, an unassigned code point, a rare ideograph) is never dropped
silently: ``missing_characters()`` names it for the person printing (the preview and the command
line list service, character and code point, and the person chooses to print anyway), and the
paper shows "?" in its place.

Registration with reportlab is process-wide (reportlab keeps a registry); ``register_fonts()``
is idempotent and thread-safe, so every render calls it. Every PDF sp_desktop makes (leaflets,
booklets, reports, vetting summaries) calls it first, so it also sets reportlab's one
process-wide option we change: page streams are written Flate-compressed but not also
ASCII85-encoded (``rl_config.useA85``). Every PDF reader reads binary streams; the files are
~15 % smaller, and reportlab's pure-Python ASCII85 encoder was ~0.1 s of a 150-service booklet.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bidi import get_base_level
from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedFragWord, TTFont, makeShapedFragWord
from reportlab.platypus import paragraph as _rl_paragraph

from sp_desktop.paths import resource_path

__all__ = [
    "FONT_BOLD",
    "FONT_FAMILY",
    "FONT_FILES",
    "FONT_REGULAR",
    "FALLBACK_FILES",
    "FontError",
    "Face",
    "LeafletFonts",
    "describe_character",
    "font_runs",
    "is_rtl_text",
    "missing_characters",
    "needs_shaping",
    "register_fonts",
    "sanitise_text",
]

FONT_FAMILY = "LeafletSans"
FONT_REGULAR = "LeafletSans"
FONT_BOLD = "LeafletSans-Bold"
FONT_FILES = {FONT_REGULAR: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_GURMUKHI = ((0x0A00, 0x0A7F),)
_ETHIOPIC = ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))
_CHINESE = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))

#: The fallback chain, in order: (family, regular file, bold file or None, needs shaping, the
#: blocks it is preferred for even where the main face has a glyph - DejaVu's Arabic is a
#: basic one, unshaped).
FALLBACK_FILES: tuple[tuple[str, str, str | None, bool, tuple[tuple[int, int], ...]], ...] = (
    ("LeafletArabic", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", True, _ARABIC),
    ("LeafletGurmukhi", "NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf", True, _GURMUKHI),
    ("LeafletEthiopic", "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf", False, _ETHIOPIC),
    ("LeafletChinese", "NotoSansSC-Subset.ttf", None, False, _CHINESE),
)

# Shown in place of a letter no font can draw, so the gap is visible on paper too.
REPLACEMENT = "?"

# Invisible characters that change the order of text (right-to-left override and friends): the
# leaflet orders text itself (Unicode bidi algorithm), so these are removed, never obeyed.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F,
                                              0x061C))
# Joiners kept where a font has them (Farsi needs the zero-width non-joiner).
_KEEP_FORMAT = frozenset("\u200c\u200d")

_lock = threading.Lock()
_fonts: LeafletFonts | None = None


class FontError(RuntimeError):
    """The bundled font files are missing or unreadable (a broken installation)."""


@dataclass(frozen=True)
class Face:
    """One family of the chain: reportlab font names and the code points it draws.

    A fallback face is registered with reportlab only when text first needs it (``ensure``):
    its coverage comes from ``fallback-coverage.json``, so a Latin-only leaflet never loads the
    Chinese font (~0.4 s)."""

    regular: str
    bold: str
    covered: frozenset[int]
    shaped: bool
    own: tuple[tuple[int, int], ...] = ()
    """Blocks this face is used for first (its script)."""
    files: tuple[str, str | None] = ("", None)

    def owns(self, cp: int) -> bool:
        return cp in self.covered and any(lo <= cp <= hi for lo, hi in self.own)

    def ensure(self) -> None:
        """Register this face's fonts with reportlab (once; thread-safe)."""
        if self.regular in _registered:
            return
        with _lock:
            if self.regular in _registered:
                return
            regular_file, bold_file = self.files
            reg = _load(self.regular, regular_file)
            bld = _load(self.bold, bold_file) if bold_file else reg
            reg.shapable = bld.shapable = self.shaped
            _family(self.regular, reg, bld)
            _registered.add(self.regular)


_registered: set[str] = set()


def _coverage() -> dict[str, frozenset[int]]:
    path = resource_path("fonts", "fallback-coverage.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FontError(f"The list of characters the leaflet fonts draw could not be read from {path} "
                        f"({exc}). Reinstall sp_desktop to restore the fonts folder.") from exc
    return {name: frozenset(cp for lo, hi in ranges for cp in range(lo, hi + 1))
            for name, ranges in data.items()}


@dataclass(frozen=True)
class LeafletFonts:
    regular: str
    bold: str
    covered: frozenset[int]
    """Code points some face of the chain can draw."""
    chain: tuple[Face, ...] = ()
    """The main face first, then the fallbacks."""
    _cache: dict[int, int] = field(default_factory=dict, compare=False, repr=False)

    def face_for(self, ch: str) -> int:
        """Index in ``chain`` of the first face that draws ``ch`` (0 when none does)."""
        cp = ord(ch)
        found = self._cache.get(cp)
        if found is not None:
            return found
        found = next((i for i, face in enumerate(self.chain) if face.owns(cp)), None)
        if found is None:
            found = next((i for i, face in enumerate(self.chain) if cp in face.covered), 0)
        self._cache[cp] = found
        return found


def _shape_each_face(shape: Any) -> Any:
    """reportlab's word shaper, made to shape each face's part of a word on its own.

    reportlab 4 shapes a "word" (text between spaces) with the HarfBuzz font of its first part;
    a word drawn in two faces - "(اليوم)" with DejaVu brackets and Naskh letters - would be
    shaped with glyph numbers of the wrong font. Each part is shaped with its own face and the
    parts are put back together."""

    def shape_word(word: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(word, ShapedFragWord) or len(word) <= 2:
            return shape(word, *args, **kwargs)
        groups: list[tuple[str | None, list[Any]]] = []
        for item in word[1:]:
            frag = item[0]
            name = getattr(frag, "fontName", None)
            if groups and (hasattr(frag, "cbDefn") or groups[-1][0] == name):
                groups[-1][1].append(item)
            else:
                groups.append((name, [item]))
        if len(groups) == 1:
            return shape(word, *args, **kwargs)
        width = 0.0
        items: list[Any] = []
        for _, part in groups:
            part_width = sum(pdfmetrics.stringWidth(text, frag.fontName, frag.fontSize)
                             for frag, text in part if not hasattr(frag, "cbDefn"))
            shaped = shape([part_width, *part], *args, **kwargs)
            width += shaped[0]
            items += shaped[1:]
        return makeShapedFragWord(word)([width, *items])

    shape_word.__wrapped__ = shape  # type: ignore[attr-defined]
    return shape_word


def _load(name: str, filename: str) -> TTFont:
    path = resource_path("fonts", filename)
    try:
        return TTFont(name, str(path))
    except Exception as exc:  # reportlab raises several types for bad files
        raise FontError(
            f"The leaflet font {filename} could not be loaded from {path} ({exc}). "
            "Reinstall sp_desktop to restore the fonts folder."
        ) from exc


def _family(family: str, regular: TTFont, bold: TTFont) -> None:
    for face in {regular.fontName: regular, bold.fontName: bold}.values():
        pdfmetrics.registerFont(face)
    # Italic maps to upright on purpose: Clear Print leaflets never use italics.
    pdfmetrics.registerFontFamily(family, normal=regular.fontName, bold=bold.fontName,
                                  italic=regular.fontName, boldItalic=bold.fontName)
    for is_bold, is_italic in ((0, 0), (1, 0), (0, 1), (1, 1)):
        addMapping(family, is_bold, is_italic, bold.fontName if is_bold else regular.fontName)


def register_fonts() -> LeafletFonts:
    """Register the leaflet font families with reportlab once per process and return them."""
    global _fonts
    fonts = _fonts
    if fonts is not None:
        return fonts
    with _lock:
        if _fonts is not None:
            return _fonts
        rl_config.useA85 = 0  # binary (Flate-compressed) streams: see the module notes
        if not hasattr(_rl_paragraph.shapeFragWord, "__wrapped__"):
            _rl_paragraph.shapeFragWord = _shape_each_face(_rl_paragraph.shapeFragWord)
        regular = _load(FONT_REGULAR, FONT_FILES[FONT_REGULAR])
        bold = _load(FONT_BOLD, FONT_FILES[FONT_BOLD])
        # The main face is "shapable" so that a paragraph asking for shaping (one with Arabic or
        # Gurmukhi letters) is shaped; others do not ask (see the renderer).
        regular.shapable = bold.shapable = True
        _family(FONT_FAMILY, regular, bold)
        main_cover = frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)
        chain = [Face(FONT_REGULAR, FONT_BOLD, main_cover, False)]
        _registered.add(FONT_REGULAR)
        coverage = _coverage()
        for family, reg_file, bold_file, shaped, own in FALLBACK_FILES:
            if not resource_path("fonts", reg_file).is_file() or reg_file not in coverage:
                raise FontError(f"The leaflet font {reg_file} is missing from the fonts folder. "
                                "Reinstall sp_desktop to restore it.")
            chain.append(Face(family, family + "-Bold" if bold_file else family, coverage[reg_file],
                              shaped, own, (reg_file, bold_file)))
        covered = frozenset().union(*(f.covered for f in chain))
        _fonts = LeafletFonts(FONT_REGULAR, FONT_BOLD, covered, tuple(chain))
        return _fonts


def _dropped(ch: str, covered: frozenset[int]) -> bool:
    """Characters removed without a word: invisible controls, not letters anyone can miss."""
    if ch in _BIDI_CONTROLS:
        return True
    category = unicodedata.category(ch)
    if category == "Cc":
        return True
    if category == "Cf":  # invisible formatting (joiners, tags), unless a font uses it
        return not (ch in _KEEP_FORMAT and ord(ch) in covered)
    return False


def sanitise_text(text: str) -> str:
    """Return ``text`` drawable by the leaflet fonts.

    Text is NFC-normalised (so "e" + combining accent becomes "é"); tabs become spaces; control
    characters, invisible formatting characters and direction overrides are dropped; any other
    character no font has (an emoji, a letter of an unsupported script, an unassigned code point)
    becomes "?", so the gap is visible - and ``missing_characters()`` names it before printing.
    Newlines are kept.
    """
    covered = register_fonts().covered
    text = unicodedata.normalize("NFC", text)
    if all((ord(ch) in covered and ch >= " " and ch not in _BIDI_CONTROLS and ch != "\x7f") or ch == "\n"
           for ch in text):
        return text
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch in "\t\x0b\x0c":
            out.append(" ")
        elif _dropped(ch, covered):
            continue
        elif ord(ch) in covered:
            out.append(ch)
        elif unicodedata.category(ch) == "Zs":
            out.append(" ")  # a space the fonts lack (e.g. U+2009) is still a space
        elif ch == "\ufe0f" or ch == "\ufe0e" or 0x1F3FB <= ord(ch) <= 0x1F3FF:
            continue  # emoji presentation / skin tone: part of the emoji already shown as "?"
        else:
            out.append(REPLACEMENT)
    return "".join(out)


def missing_characters(text: str) -> frozenset[str]:
    """Characters in ``text`` that no leaflet font can draw (for a warning before printing).

    Invisible controls (which are simply removed) are not listed; everything else that would be
    shown as "?" is."""
    covered = register_fonts().covered
    text = unicodedata.normalize("NFC", text)
    return frozenset(
        ch for ch in text
        if ord(ch) not in covered and ch not in "\n\t\r\x0b\x0c" and not _dropped(ch, covered)
        and unicodedata.category(ch) != "Zs" and ch not in "\ufe0e\ufe0f"
        and not 0x1F3FB <= ord(ch) <= 0x1F3FF)


def describe_character(ch: str) -> str:
    """``"😀" (U+1F600, GRINNING FACE)``: a character as a person can look it up."""
    name = unicodedata.name(ch, "")
    if not name:
        name = "unassigned code point" if unicodedata.category(ch) == "Cn" else "no name"
    shown = ch if unicodedata.category(ch) not in ("Cn", "Co", "Cs") else "?"
    return f"\u201c{shown}\u201d (U+{ord(ch):04X}, {name})"


def _neutral(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("WS", "ON", "CS", "ES", "ET", "EN", "AN", "BN", "NSM", "S", "B")


def font_runs(text: str) -> list[tuple[int, str]]:
    """Split drawable ``text`` into (face index, piece) runs for the fallback chain.

    Spaces, digits and punctuation stay in the face of the run they follow when it has them, so
    an Arabic sentence is not broken into many small runs (each run is shaped on its own)."""
    fonts = register_fonts()
    if text.isascii():
        return [(0, text)] if text else []
    runs: list[tuple[int, str]] = []
    current = -1
    piece: list[str] = []
    for ch in text:
        cp = ord(ch)
        if current > 0 and _neutral(ch) and cp in fonts.chain[current].covered:
            index = current
        else:
            index = fonts.face_for(ch)
        if index != current and piece:
            runs.append((current, "".join(piece)))
            piece = []
        current = index
        piece.append(ch)
    if piece:
        runs.append((current, "".join(piece)))
    return runs


def needs_shaping(text: str) -> bool:
    """Whether ``text`` has letters that must be shaped to be read (Arabic script, Gurmukhi)."""
    if text.isascii():
        return False
    return any(0x0590 <= ord(ch) <= 0x08FF or 0x0A00 <= ord(ch) <= 0x0A7F or 0xFB1D <= ord(ch) <= 0xFDFF
               or 0xFE70 <= ord(ch) <= 0xFEFC for ch in text)


def is_rtl_text(text: str) -> bool:
    """Whether the paragraph direction of ``text`` is right-to-left: its first strongly
    directional letter is (the Unicode bidi algorithm's rule P2, through python-bidi)."""
    if text.isascii():
        return False
    return bool(get_base_level(text))
