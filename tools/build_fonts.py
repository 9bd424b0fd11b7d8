"""Make the leaflet's fallback fonts in resources/fonts from Debian's Noto packages (run by hand).

The fonts are committed, so a fresh clone works offline; this script only says how they were
made, so they can be made again (for example from a newer Noto release).

    apt-get download fonts-noto-core fonts-noto-cjk
    dpkg-deb -x fonts-noto-core_*.deb core && dpkg-deb -x fonts-noto-cjk_*.deb cjk
    .venv/bin/python tools/build_fonts.py core/usr/share/fonts cjk/usr/share/fonts
    .venv/bin/python tools/build_fonts.py --coverage   # only fallback-coverage.json

* Arabic (also Urdu and Farsi), Gurmukhi (Punjabi) and Ethiopic (Tigrinya, Amharic): Noto
  Naskh Arabic, Noto Sans Gurmukhi, Noto Sans Ethiopic, regular and bold, copied as they are
  (TrueType outlines, which reportlab embeds).
* Chinese: Noto Sans CJK SC has PostScript (CFF) outlines, which reportlab cannot embed, and is
  19 MB per weight. It is cut down to the characters of GB 2312 (Simplified: 6,763 hanzi, all
  everyday text) and Big5's level 1 (5,401 frequent Traditional characters), plus CJK punctuation
  and full-width forms, then converted to TrueType outlines (quadratic curves, within a tenth of
  a unit). One weight only: Chinese headings are drawn in the regular weight, larger.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

OUT = Path(__file__).resolve().parent.parent / "resources" / "fonts"

COPY = [
    "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf",
    "NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf",
    "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf",
]
CJK_OUT = "NotoSansSC-Subset.ttf"


def _chinese_characters() -> set[int]:
    chars: set[int] = set()
    for hi in range(0xB0, 0xF8):  # GB 2312 hanzi rows 16 to 87
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for hi in range(0xA4, 0xC7):  # Big5 level 1 (frequent characters), 0xA440 to 0xC67E
        for lo in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            if (hi, lo) > (0xC6, 0x7E):
                continue
            try:
                chars.add(ord(bytes([hi, lo]).decode("big5")))
            except UnicodeDecodeError:
                pass
    chars.update(range(0x3000, 0x3040))  # CJK punctuation
    chars.update(range(0xFF00, 0xFFF0))  # full-width forms
    chars.update(range(0x20, 0x7F))
    return chars


def _to_truetype(font: TTFont) -> None:
    """CFF (cubic) outlines -> glyf (quadratic), in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=0.1, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: smaller
    font.sfntVersion = "\0\1\0\0"
    font.recalcBBoxes = True


def main(core: Path, cjk: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in COPY:
        (found,) = list(core.rglob(name))
        shutil.copyfile(found, OUT / name)
    (ttc_path,) = list(cjk.rglob("NotoSansCJK-Regular.ttc"))
    collection = TTCollection(str(ttc_path))
    sc = next(f for f in collection.fonts if "SC" in f["name"].getDebugName(1))
    options = subset.Options()
    # Only what horizontal Simplified Chinese text uses. Keeping every feature ("*") kept ~8,900
    # more glyphs (vertical forms, and the Japanese, Korean and Traditional 'locl' variants that
    # this SC face never shows on a leaflet): 7.3 MB instead of 3.5 MB, for the same characters.
    options.layout_features = ["ccmp", "kern", "liga", "calt", "mark", "mkmk", "rlig"]
    options.name_IDs = ["*"]
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_chinese_characters())
    subsetter.subset(sc)
    _to_truetype(sc)
    sc.save(str(OUT / CJK_OUT))
    write_coverage()
    for name in [*COPY, CJK_OUT]:
        print(f"{name}: {(OUT / name).stat().st_size / 1e6:.2f} MB")


def write_coverage() -> None:
    """fallback-coverage.json: the characters each fallback family draws (in both weights), as
    ranges, so the leaflet code knows which face a character needs without loading every font
    (loading the Chinese one takes ~0.4 s; it is loaded only for Chinese text)."""
    pairs = {COPY[i].split("-")[0]: (COPY[i], COPY[i + 1]) for i in range(0, len(COPY), 2)}
    pairs["NotoSansSC"] = (CJK_OUT, CJK_OUT)
    coverage: dict[str, list[list[int]]] = {}
    for regular, bold in pairs.values():
        cmap = set(TTFont(str(OUT / regular)).getBestCmap()) & set(TTFont(str(OUT / bold)).getBestCmap())
        ranges: list[list[int]] = []
        for cp in sorted(cmap):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
        coverage[regular] = ranges
    (OUT / "fallback-coverage.json").write_text(json.dumps(coverage, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--coverage"]:
        write_coverage()
    else:
        main(Path(sys.argv[1]), Path(sys.argv[2]))
