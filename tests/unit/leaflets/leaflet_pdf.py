"""Read leaflet PDFs back for tests: text, the size and font of every piece of text drawn."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream


@dataclass(frozen=True)
class TextRun:
    page: int
    font: str  # BaseFont, e.g. "/AAAAAA+DejaVuSans-Bold"
    size: float  # effective size in points
    raw: bytes


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in reader(data).pages]


def all_text(data: bytes) -> str:
    return " ".join(page_texts(data))


def text_runs(data: bytes) -> list[TextRun]:
    """Every text-showing operation (Tj, TJ, ', ") with the font and size in force."""
    r = reader(data)
    runs: list[TextRun] = []
    for number, page in enumerate(r.pages, start=1):
        fonts = page["/Resources"].get("/Font", {})
        names = {str(k): str(v.get_object()["/BaseFont"]) for k, v in fonts.items()}
        content = ContentStream(page.get_contents(), r)
        font, size, scale = "", 0.0, 1.0
        for operands, op in content.operations:
            if op == b"Tf":
                font, size = names.get(str(operands[0]), str(operands[0])), float(operands[1])
            elif op == b"Tm":
                scale = abs(float(operands[3]))
            elif op == b"BT":
                scale = 1.0
            elif op in (b"Tj", b"'", b'"', b"TJ"):
                if op == b"TJ":
                    parts = [x for x in operands[0] if hasattr(x, "original_bytes")]
                    raw = b"".join(bytes(x.original_bytes) for x in parts)
                else:
                    raw = bytes(operands[-1].original_bytes)
                if raw.strip():
                    runs.append(TextRun(number, font, size * scale, raw))
    return runs


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """BaseFont -> whether its font program is embedded (FontFile, FontFile2 or FontFile3)."""
    out: dict[str, bool] = {}
    for page in reader(data).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = descriptor.get_object() if descriptor is not None else {}
            out[str(font["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return out


def squash(text: str) -> str:
    """Whitespace-insensitive form, for finding text that may wrap across lines."""
    return re.sub(r"\s+", "", text)
