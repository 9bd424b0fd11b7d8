"""The bundled leaflet font (DejaVu Sans) and making text safe to draw with it.

DejaVu Sans is used because it covers Latin (including Polish, Turkish, Vietnamese ...),
Greek and Cyrillic in regular and bold; Atkinson Hyperlegible, the first choice for
legibility, has no Greek or Cyrillic. The licence is in ``resources/fonts/DejaVu-LICENSE.txt``.

Registration with reportlab is process-wide (reportlab keeps a registry); ``register_fonts()``
is idempotent and thread-safe, so every render calls it. Every PDF sp_desktop makes (leaflets,
booklets, reports, vetting summaries) calls it first, so it also sets reportlab's one
process-wide option we change: page streams are written Flate-compressed but not also
ASCII85-encoded (``rl_config.useA85``). Every PDF reader reads binary streams; the files are
~15 % smaller, and reportlab's pure-Python ASCII85 encoder was ~0.1 s of a 150-service booklet.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from sp_desktop.paths import resource_path

__all__ = [
    "FONT_BOLD",
    "FONT_FAMILY",
    "FONT_FILES",
    "FONT_REGULAR",
    "FontError",
    "LeafletFonts",
    "missing_characters",
    "register_fonts",
    "sanitise_text",
]

FONT_FAMILY = "LeafletSans"
FONT_REGULAR = "LeafletSans"
FONT_BOLD = "LeafletSans-Bold"
FONT_FILES = {FONT_REGULAR: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

# Shown in place of a letter the font cannot draw, so the gap is visible to the person printing.
REPLACEMENT = "?"

_lock = threading.Lock()
_fonts: LeafletFonts | None = None


class FontError(RuntimeError):
    """The bundled font files are missing or unreadable (a broken installation)."""


@dataclass(frozen=True)
class LeafletFonts:
    regular: str
    bold: str
    covered: frozenset[int]
    """Code points both the regular and the bold face can draw."""


def register_fonts() -> LeafletFonts:
    """Register the leaflet font family with reportlab once per process and return its names."""
    global _fonts
    fonts = _fonts
    if fonts is not None:
        return fonts
    with _lock:
        if _fonts is not None:
            return _fonts
        rl_config.useA85 = 0  # binary (Flate-compressed) streams: see the module notes
        faces: dict[str, TTFont] = {}
        for name, filename in FONT_FILES.items():
            path = resource_path("fonts", filename)
            try:
                faces[name] = TTFont(name, str(path))
            except Exception as exc:  # reportlab raises several types for bad files
                raise FontError(
                    f"The leaflet font {filename} could not be loaded from {path} ({exc}). "
                    "Reinstall sp_desktop to restore the fonts folder."
                ) from exc
        for face in faces.values():
            pdfmetrics.registerFont(face)
        # Italic maps to upright on purpose: Clear Print leaflets never use italics.
        pdfmetrics.registerFontFamily(
            FONT_FAMILY, normal=FONT_REGULAR, bold=FONT_BOLD, italic=FONT_REGULAR, boldItalic=FONT_BOLD
        )
        addMapping(FONT_FAMILY, 0, 0, FONT_REGULAR)
        addMapping(FONT_FAMILY, 1, 0, FONT_BOLD)
        addMapping(FONT_FAMILY, 0, 1, FONT_REGULAR)
        addMapping(FONT_FAMILY, 1, 1, FONT_BOLD)
        reg_cmap = set(faces[FONT_REGULAR].face.charToGlyph)
        bold_cmap = set(faces[FONT_BOLD].face.charToGlyph)
        _fonts = LeafletFonts(FONT_REGULAR, FONT_BOLD, frozenset(reg_cmap & bold_cmap))
        return _fonts


_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Sk", "So", "Sm", "Zl", "Zp"})


def sanitise_text(text: str) -> str:
    """Return ``text`` drawable by the leaflet font.

    Text is NFC-normalised (so "e" + combining accent becomes "é"); tabs become spaces;
    other control characters, emoji, symbols and invisible joiners the font lacks are dropped;
    any other character the font lacks (for example a Chinese letter) becomes "?", so a gap
    is visible rather than silently lost. Newlines are kept.
    """
    covered = register_fonts().covered
    text = unicodedata.normalize("NFC", text)
    if all(ord(ch) in covered or ch == "\n" for ch in text):
        return text
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif ch in "\t\r\x0b\x0c":
            out.append(" " if ch != "\r" else "")
        elif cp in covered:
            out.append(ch)
        elif unicodedata.category(ch) in _DROP_CATEGORIES or unicodedata.category(ch).startswith("Z"):
            # Missing spaces (e.g. U+2009 in a font without it) become a plain space.
            if unicodedata.category(ch) == "Zs":
                out.append(" ")
        else:
            out.append(REPLACEMENT)
    return "".join(out)


def missing_characters(text: str) -> frozenset[str]:
    """Characters in ``text`` that the leaflet font cannot draw (for a warning before printing)."""
    covered = register_fonts().covered
    text = unicodedata.normalize("NFC", text)
    return frozenset(ch for ch in text if ord(ch) not in covered and ch not in "\n\t\r")
