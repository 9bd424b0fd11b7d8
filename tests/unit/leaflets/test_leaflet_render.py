"""Patient leaflets read back from the PDF: what a patient would see, at the size they need."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from leaflet_pdf import all_text, embedded_fonts, page_texts, reader, squash, text_runs
from PIL import Image

from sp_desktop.leaflets import (
    Leaflet,
    LeafletError,
    LeafletFormat,
    LeafletService,
    LeafletVenue,
    PracticeHeader,
    render_leaflet,
)
from sp_desktop.leaflets.sample import SAMPLE_PRACTICE, sample_leaflet, sample_services

A4 = (595.28, 841.89)
A5 = (419.53, 595.28)


def _leaflet(*services: LeafletService, **kw: object) -> Leaflet:
    values: dict[str, object] = {
        "practice": SAMPLE_PRACTICE,
        "services": services or sample_services(),
        "printed_on": date(2026, 11, 24),
    }
    values.update(kw)
    return Leaflet(**values)  # type: ignore[arg-type]


def _one(**changes: object) -> LeafletService:
    return dataclasses.replace(sample_services()[0], **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def standard_pdf() -> bytes:
    return render_leaflet(sample_leaflet(3), LeafletFormat.STANDARD)


def test_standard_leaflet_tells_the_patient_where_to_go(standard_pdf: bytes) -> None:
    text = all_text(standard_pdf)
    flat = squash(text)
    for expected in (
        "Riverside Medical Practice", "Support that might help you", "For:",
        "Your doctor suggests you call them this week.", "Dr A Patel",
        "Tuesday Lunch Club", "Run by Paisley Befriending Network", "Money and Debt Advice",
        "Health Walks", "Who it is for", "Cost", "How to get in touch", "When and where",
        "0141 496 0123", "0141 496 0456", "07700 900 456", "0141 496 0789",
        "Tuesday 11:30 to 14:30", "Monday to Friday 09:00 to 17:00 by phone",
        "Wednesday 10:00 (Barshaw Park gates)",
        "St Mirin's Church Hall", "45 Causeyside Street", "PA1 1YL", "Step-free entrance", "Hearing loop",
        "Buses 9 and 38 stop outside", "hello@paisleybefriending.example.org",
        "www.paisleybefriending.example.org/lunch-club", "Or scan the square code with a phone camera",
        "£3 for lunch", "We have referred you to this service",
        "Checked by the practice on 12 Mar 2026", "Checked by the practice on 30 Jan 2026",
        "Checked by the practice on 4 Nov 2025",
    ):
        assert squash(expected) in flat, expected


def test_every_page_has_the_footer(standard_pdf: bytes) -> None:
    pages = page_texts(standard_pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Printed 24 Nov 2026" in text
        assert "Ask at reception if you would like this in large print or another format" in text
        assert f"Page {number} of {len(pages)}" in text


@pytest.mark.parametrize("fmt", list(LeafletFormat))
def test_no_text_is_smaller_than_the_format_minimum(fmt: LeafletFormat) -> None:
    data = render_leaflet(sample_leaflet(1 if fmt is LeafletFormat.COMPACT else 3), fmt)
    runs = text_runs(data)
    sizes = [r.size for r in runs]
    assert runs, "no text found in the PDF"
    assert min(sizes) >= fmt.min_body_pt
    # Body text is set at the minimum; the phone number is larger than it.
    body = [r for r in runs if r.size == fmt.min_body_pt and not r.font.endswith("Bold")]
    assert len(body) > 20
    phone = [r for r in runs if b"0141 496 0123" in r.raw]
    assert phone and min(r.size for r in phone) >= fmt.min_body_pt + 3
    assert all(r.font.endswith("-Bold") for r in phone)


def test_large_print_is_larger_than_standard() -> None:
    standard = text_runs(render_leaflet(sample_leaflet(3), LeafletFormat.STANDARD))
    large = text_runs(render_leaflet(sample_leaflet(3), LeafletFormat.LARGE))
    assert min(r.size for r in large) >= 18
    assert max(r.size for r in large) > max(r.size for r in standard)


@pytest.mark.parametrize(("fmt", "size"), [(LeafletFormat.STANDARD, A4), (LeafletFormat.LARGE, A4),
                                           (LeafletFormat.COMPACT, A5)])
def test_page_sizes(fmt: LeafletFormat, size: tuple[float, float]) -> None:
    data = render_leaflet(sample_leaflet(1), fmt)
    for page in reader(data).pages:
        assert float(page.mediabox.width) == pytest.approx(size[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(size[1], abs=0.5)


def test_fonts_are_embedded_and_upright(standard_pdf: bytes) -> None:
    fonts = embedded_fonts(standard_pdf)
    assert fonts, "no fonts found"
    assert all(fonts.values()), f"not embedded: {[f for f, ok in fonts.items() if not ok]}"
    assert {f.split("+")[-1] for f in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}
    for name in fonts:
        assert "Italic" not in name and "Oblique" not in name
    # Every piece of text uses one of them (no Helvetica fallback anywhere).
    assert {r.font for r in text_runs(standard_pdf)} <= set(fonts)


def test_metadata(standard_pdf: bytes) -> None:
    pdf = reader(standard_pdf)
    meta = pdf.metadata
    assert meta is not None
    assert meta.title is not None and meta.title.startswith("Support that might help you: ")
    assert "Tuesday Lunch Club" in meta.title  # it names its services (issue 22)
    assert pdf.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert meta.author == "Riverside Medical Practice"
    assert meta.subject is not None and "Tuesday Lunch Club" in meta.subject
    assert pdf.trailer["/Root"]["/Lang"] == "en-GB"


def test_compact_holds_one_service() -> None:
    data = render_leaflet(sample_leaflet(1), LeafletFormat.COMPACT)
    assert "Tuesday Lunch Club" in all_text(data)
    with pytest.raises(LeafletError, match="Compact"):
        render_leaflet(sample_leaflet(2), LeafletFormat.COMPACT)


def test_empty_leaflet_is_refused_with_a_reason() -> None:
    with pytest.raises(LeafletError, match="no services"):
        render_leaflet(Leaflet(SAMPLE_PRACTICE, (), date(2026, 11, 24)))


def test_unusual_text_renders() -> None:
    svc = _one(
        service_name="Grupa wsparcia: zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ",
        organisation_name="Ελληνική Κοινότητα / Русская община",
        description="Café crème, naïve, São Paulo, Ærø, Øresund, İstanbul, ğ. "
                    "😀👍🏽 ❤️ \U0001F468\u200d\U0001F469\u200d\U0001F467 中文 \u200b\x07 tab\tend",
        who_for="Cyrillic: Здравствуйте. Greek: Καλημέρα.",
    )
    data = render_leaflet(_leaflet(svc))
    text = all_text(data)
    for expected in ("zażółć gęślą jaźń", "ĄĆĘŁŃÓŚŹŻ", "Ελληνική Κοινότητα", "Русская община",
                     "Здравствуйте", "Καλημέρα", "Café crème", "İstanbul"):
        assert expected in text, expected


def test_very_long_description_flows_over_pages() -> None:
    words = " ".join(f"word{i}" for i in range(3000))[:20_000]
    cases = {
        "THE-END": words + " THE-END",
        "GIANT-END": "x" * 20_000 + " GIANT-END",
        "LINES-END": "\n".join(["line"] * 2000) + "\nLINES-END",
    }
    for marker, description in cases.items():
        data = render_leaflet(_leaflet(_one(description=description)))
        text = all_text(data)
        assert len(reader(data).pages) >= 3
        assert marker in text
        assert "0141 496 0123" in text  # everything after the description is still there


def test_long_fields_everywhere_do_not_break_layout() -> None:
    long = "Long text " * 300
    svc = _one(
        service_name="A very long service name " * 20,
        organisation_name="An organisation " * 30,
        website="https://example.org/" + "path/" * 400,
        email="someone@" + "a" * 300 + ".example.org",
        opening_times=tuple(f"Day {i} 10:00 to 12:00" for i in range(80)),
        phones=tuple(("Line " * 20, "0141 496 0000") for _ in range(10)),
        venues=(LeafletVenue(name="Hall " * 40, address_lines=tuple("Street" for _ in range(60)),
                             accessibility=("Step-free",) * 50, accessibility_notes=long,
                             transport_notes=long),),
        remote_note=long,
    )
    data = render_leaflet(_leaflet(svc, personal_note=long * 3, staff_signature="Dr " * 50),
                          LeafletFormat.LARGE)
    assert len(reader(data).pages) > 3


def test_markup_characters_in_data_are_printed_as_written() -> None:
    svc = _one(
        service_name="Fish & Chips <Friday> Club",
        organisation_name='"Quotes" & <b>not bold</b> ]]> &amp;',
        description="Use <br/> & <font size=2>tiny</font> & &nbsp; entity; 5 < 6 > 4",
        cost="<i>Free</i>",
        website="https://example.org/?a=1&b=<2>",
    )
    data = render_leaflet(_leaflet(svc, personal_note="Ring <them> & ask"))
    text = all_text(data)
    for expected in ("Fish & Chips <Friday> Club", "<b>not bold</b>", "&amp;", "<font size=2>tiny</font>",
                     "&nbsp;", "5 < 6 > 4", "<i>Free</i>", "Ring <them> & ask"):
        assert expected in text, expected
    assert min(r.size for r in text_runs(data)) >= 14


def test_minimal_service_renders_without_optional_parts() -> None:
    svc = LeafletService(service_name="Drop-in Café", organisation_name="Drop-in Café")
    data = render_leaflet(_leaflet(svc, personal_note=None, staff_signature=None))
    text = all_text(data)
    assert "Drop-in Café" in text
    assert "Run by" not in text  # same name as the service: not repeated
    assert "Checked by the practice" not in text
    assert "What it is" not in text


def test_signature_only_when_chosen() -> None:
    with_sig = all_text(render_leaflet(sample_leaflet(1, signature="Dr A Patel")))
    without = all_text(render_leaflet(sample_leaflet(1, signature=None)))
    assert "Dr A Patel" in with_sig
    assert "Dr A Patel" not in without


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (0, 90, 160)).save(buf, format="PNG")
    return buf.getvalue()


def test_practice_logo_is_printed_and_a_broken_one_is_skipped() -> None:
    practice = PracticeHeader("Riverside Medical Practice", ("1 Road",), "0141 496 0000", _png(400, 200))
    data = render_leaflet(_leaflet(practice=practice))
    xobjects = reader(data).pages[0]["/Resources"].get("/XObject", {})
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())

    broken = dataclasses.replace(practice, logo_png=b"not a png")
    text = all_text(render_leaflet(_leaflet(practice=broken)))
    assert "Riverside Medical Practice" in text


def test_leaflet_title_is_used() -> None:
    data = render_leaflet(_leaflet(title="Help with money worries"))
    assert "Help with money worries" in page_texts(data)[0]
    meta = reader(data).metadata
    assert meta is not None and meta.title is not None and meta.title.startswith("Help with money worries: ")


def test_rendering_is_repeatable() -> None:
    leaflet = sample_leaflet(3)
    first = all_text(render_leaflet(leaflet))
    assert all_text(render_leaflet(leaflet)) == first


def test_leaflets_can_be_rendered_from_several_threads_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    leaflet = sample_leaflet(3)
    expected = all_text(render_leaflet(leaflet))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda fmt: render_leaflet(leaflet, fmt),
                                [LeafletFormat.STANDARD, LeafletFormat.LARGE] * 4))
    assert all(all_text(r) == expected for r in results[::2])
    assert all(min(x.size for x in text_runs(r)) >= 18 for r in results[1::2])
