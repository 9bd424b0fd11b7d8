"""Leaflets a GP would hand over (issue 14): one page, every script, honest words, sharp print.

Real PDFs, read back with pypdf; pages rendered with QtPdf where what matters is on the page.
"""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from datetime import date

import pytest
from leaflet_pdf import all_text, embedded_fonts, page_texts, reader, squash
from PIL import Image

from sp_desktop.leaflets import (
    Booklet,
    BookletSection,
    CheckedState,
    Leaflet,
    LeafletFormat,
    LeafletService,
    LeafletWording,
    render_booklet,
    render_leaflet,
    undrawable,
)
from sp_desktop.leaflets.fonts import missing_characters, register_fonts
from sp_desktop.leaflets.sample import SAMPLE_PRACTICE, sample_booklet, sample_services
from sp_desktop.paths import resource_path

PRINTED = date(2026, 11, 24)
NOTE = "Your doctor suggests you call them this week."
FOOTER_WORDS = ("Ask at reception", "Printed 24 Nov 2026", "Page ")


def _logo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (600, 300), "navy").save(buf, "PNG")
    return buf.getvalue()


LOGO_PRACTICE = dataclasses.replace(SAMPLE_PRACTICE, logo_png=_logo())


def _leaflet(*services: LeafletService, practice=LOGO_PRACTICE, note: str | None = NOTE,
             **kw: object) -> Leaflet:
    return Leaflet(practice=practice, services=services, printed_on=PRINTED, personal_note=note,
                   staff_signature="Dr A Patel" if note else None, **kw)  # type: ignore[arg-type]


def _words(n: int) -> str:
    """About ``n`` characters of ordinary text ending in the word "lastword"."""
    base = ("Our friendly volunteers meet you at the door and help you settle in with a cup of tea "
            "and a chat about what you would like to do today. ")
    text = (base * (n // len(base) + 1))[: max(0, n - 9)]
    return (text.rsplit(" ", 1)[0] + " lastword") if n else ""


def _body_text(page: str) -> str:
    """A page's text without its footer (printed date, page number, the ask-at-reception line)."""
    text = re.sub(r"Printed \d+ \w+ \d{4}|Page \d+ of \d+", " ", page)
    text = re.sub(r"Ask at reception if you would like this in[^.]*\.", " ", text)
    return " ".join(text.split())


# --------------------------------------------------------------------------- 1. page budget
@pytest.mark.parametrize("svc", sample_services(), ids=lambda s: s.service_name)
def test_one_service_fits_one_standard_page_and_two_large_print(svc: LeafletService) -> None:
    """With the practice header, logo, a personal note and the QR code."""
    assert len(reader(render_leaflet(_leaflet(svc), LeafletFormat.STANDARD)).pages) == 1
    assert len(reader(render_leaflet(_leaflet(svc), LeafletFormat.LARGE)).pages) <= 2


@pytest.mark.parametrize("length", [0, 300, 600])
def test_descriptions_up_to_six_hundred_characters_keep_the_standard_leaflet_to_one_page(length: int) -> None:
    svc = dataclasses.replace(sample_services()[0], description=_words(length))
    pdf = render_leaflet(_leaflet(svc), LeafletFormat.STANDARD)
    assert len(reader(pdf).pages) == 1
    if length:
        assert "lastword" in all_text(pdf)


def test_two_short_services_share_a_page() -> None:
    short = [dataclasses.replace(s, description="A friendly group for anyone who would like company.",
                                 venues=(), opening_times=(), how_to_get_in_touch=(), email=None,
                                 website=None, phones=s.phones[:1]) for s in sample_services()[:2]]
    assert len(reader(render_leaflet(_leaflet(*short), LeafletFormat.STANDARD)).pages) == 1


def test_three_sample_services_take_at_most_one_page_each() -> None:
    pdf = render_leaflet(_leaflet(*sample_services()), LeafletFormat.STANDARD)
    assert len(reader(pdf).pages) <= 3


@pytest.mark.parametrize("fmt", list(LeafletFormat))
@pytest.mark.parametrize("length", [0, 900, 2500, 10_000])
@pytest.mark.parametrize("extras", ["all", "none"])
def test_long_text_flows_on_never_leaving_a_blank_page_or_losing_the_end(
        fmt: LeafletFormat, length: int, extras: str) -> None:
    practice = LOGO_PRACTICE if extras == "all" else dataclasses.replace(SAMPLE_PRACTICE, address_lines=(),
                                                                         phone=None)
    svc = dataclasses.replace(sample_services()[0], description=_words(length))
    pdf = render_leaflet(_leaflet(svc, practice=practice, note=NOTE if extras == "all" else None), fmt)
    pages = page_texts(pdf)
    for number, text in enumerate(pages, start=1):
        assert len(_body_text(text)) > 20, f"page {number} of {len(pages)} is blank"
    # the service starts on the first page, with the start of its description
    assert squash(svc.service_name) in squash(pages[0])
    if length:
        assert squash(_words(length)[:40]) in squash(pages[0]), "the description does not start on page 1"
    flat = squash(all_text(pdf))
    if length:
        assert "lastword" in flat
    assert squash(svc.phones[0][1]) in flat  # what comes after the description is still there


def test_a_booklet_is_a_compact_directory() -> None:
    booklet = sample_booklet(60)
    pdf = render_booklet(booklet)
    pages = len(reader(pdf).pages)
    # cover, contents and index pages are not service pages
    service_pages = pages - 3
    assert booklet.service_count / service_pages >= 2.0, (booklet.service_count, pages)


# --------------------------------------------------------------------------- 2. every script
SCRIPTS = {
    "Arabic": "نادي الغداء الأسبوعي",
    "Urdu": "ہفتہ وار کھانے کا کلب",
    "Farsi": "باشگاه ناهار هفتگی",
    "Punjabi": "ਦੁਪਹਿਰ ਦੇ ਖਾਣੇ ਦਾ ਕਲੱਬ",
    "Chinese Simplified": "每周午餐俱乐部",
    "Chinese Traditional": "每週午餐俱樂部",
    "Ukrainian": "Щотижневий обідній клуб",
    "Greek": "Εβδομαδιαία λέσχη γεύματος",
    "Polish": "Zażółć gęślą jaźń",
    "Romanian": "Științe și țară",
    "Tigrinya": "ሰሙናዊ ክለብ ምሳ",
}
FACE_OF = {"Arabic": "NotoNaskhArabic", "Urdu": "NotoNaskhArabic", "Farsi": "NotoNaskhArabic",
           "Punjabi": "NotoSansGurmukhi", "Chinese Simplified": "NotoSansCJK",
           "Chinese Traditional": "NotoSansCJK", "Tigrinya": "NotoSansEthiopic"}


def test_every_script_can_be_drawn_and_the_fonts_and_licences_are_bundled() -> None:
    for name, text in SCRIPTS.items():
        assert missing_characters(text) == frozenset(), name
    for face in ("NotoNaskhArabic-Regular.ttf", "NotoSansGurmukhi-Bold.ttf", "NotoSansEthiopic-Regular.ttf",
                 "NotoSansSC-Subset.ttf", "Noto-LICENSE.txt", "fallback-coverage.json"):
        assert resource_path("fonts", face).is_file(), face
    assert "SIL OPEN FONT LICENSE" in resource_path("fonts", "Noto-LICENSE.txt").read_text(encoding="utf-8")
    total = sum(p.stat().st_size for p in resource_path("fonts", "x").parent.glob("Noto*.ttf"))
    assert total < 40_000_000


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_each_script_is_printed_in_a_font_that_has_it(script: str) -> None:
    text = SCRIPTS[script]
    svc = dataclasses.replace(sample_services()[0], service_name=text, description=f"{text}. {text}.")
    pdf = render_leaflet(_leaflet(svc), LeafletFormat.STANDARD)
    fonts = embedded_fonts(pdf)
    assert all(fonts.values()), fonts  # every font embedded
    if script in FACE_OF:
        assert any(FACE_OF[script] in name for name in fonts), (script, fonts)
    extracted = unicodedata.normalize("NFKC", all_text(pdf))
    if script in ("Ukrainian", "Greek", "Polish", "Romanian", "Chinese Simplified", "Chinese Traditional",
                  "Tigrinya"):
        assert squash(text) in squash(extracted), script
    else:  # shaped scripts: every letter is there (joined forms read back as their base letters)
        def base(s: str) -> set[str]:
            return {ch for ch in unicodedata.normalize("NFKD", s) if unicodedata.category(ch).startswith("L")}
        assert base(text) <= base(extracted), (script, base(text) - base(extracted))
    assert "?" not in all_text(pdf)  # no stand-ins for undrawn letters


def test_arabic_is_joined_and_right_to_left_on_the_page(qapp) -> None:  # noqa: ARG001
    """Shaped: the letters take their joined forms (HarfBuzz through reportlab); ordered: the
    first word of the sentence is drawn right-most (checked on the rendered page)."""
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    words = "نادي الغداء"
    svc = dataclasses.replace(sample_services()[0], service_name=words, description=None)
    pdf = render_leaflet(_leaflet(svc, note=None), LeafletFormat.STANDARD)
    raw = all_text(pdf)
    assert any(0xFE70 <= ord(ch) <= 0xFEFF for ch in raw)  # joined (presentation) forms were drawn
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    doc = QPdfDocument()
    qbuf = QBuffer()
    qbuf.setData(QByteArray(pdf))
    qbuf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(qbuf)
    image = doc.render(0, QSize(595, 842))
    assert not image.isNull()
    # The heading line (right-aligned): ink reaches the right margin.
    right_ink = [x for y in range(150, 260) for x in range(450, 580)
                 if image.pixelColor(x, y).alpha() > 0 and image.pixelColor(x, y).value() < 100]
    assert right_ink, "the Arabic heading is not right-aligned"


def test_undrawable_characters_are_named_with_service_and_code_point() -> None:
    svc = dataclasses.replace(sample_services()[0], description="Come along \U0001F44D and \u0378 today")
    lines = undrawable(_leaflet(svc))
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("Tuesday Lunch Club:")
    assert "U+1F44D" in line and "THUMBS UP SIGN" in line
    assert "U+0378" in line and "unassigned" in line
    assert undrawable(_leaflet(sample_services()[0])) == ()


def test_control_and_direction_override_characters_never_reach_the_page() -> None:
    svc = dataclasses.replace(sample_services()[0],
                              description="Safe\u202e txet desrever\u202c and a bell\x07 and a tab\there.")
    pdf = render_leaflet(_leaflet(svc), LeafletFormat.STANDARD)
    text = all_text(pdf)
    assert "\u202e" not in text and "\x07" not in text
    assert "txet desrever" in text  # kept in the order typed: the override is not obeyed
    assert undrawable(_leaflet(svc)) == ()


# --------------------------------------------------------------------------- 4. honest words
@pytest.mark.parametrize(("state", "verified", "expected", "absent"), [
    (CheckedState.CHECKED, date(2026, 9, 1), "Checked by the practice on 1 Sep 2026.", "phone before you go"),
    (CheckedState.STALE, date(2025, 1, 5),
     "The practice last confirmed these details on 5 Jan 2025. Please phone before you go.", "Checked by"),
    (CheckedState.STALE, None,
     "The practice has not confirmed these details yet. Please phone before you go.", "Checked by"),
    (CheckedState.NOT_CHECKED, date(2026, 9, 1),
     "The practice has not checked this service. Please phone before you go.", "Checked by"),
])
def test_the_checked_line_says_only_what_is_true(state: CheckedState, verified: date | None, expected: str,
                                                 absent: str) -> None:
    svc = dataclasses.replace(sample_services()[0], checked=state, last_verified=verified)
    flat = squash(all_text(render_leaflet(_leaflet(svc), LeafletFormat.STANDARD)))
    assert squash(expected) in flat
    assert squash(absent) not in flat


def test_a_service_nobody_decided_about_never_claims_a_check() -> None:
    svc = LeafletService("Walk and talk", "Paisley Walkers", last_verified=date(2026, 9, 1))
    flat = squash(all_text(render_leaflet(_leaflet(svc), LeafletFormat.STANDARD)))
    assert squash("Checked by the practice") not in flat
    assert squash("has not checked this service") in flat


def test_large_print_offers_other_formats_not_large_print() -> None:
    large = page_texts(render_leaflet(_leaflet(sample_services()[2]), LeafletFormat.LARGE))
    standard = all_text(render_leaflet(_leaflet(sample_services()[2]), LeafletFormat.STANDARD))
    for page in large:
        assert "large print" not in page
        assert squash("another format, such as audio, Braille") in squash(page)
    assert "large print or another format" in standard


# --------------------------------------------------------------------------- 5. addresses, bookmarks
def test_web_addresses_break_only_after_a_slash_or_dot_never_at_a_hyphen() -> None:
    url = "https://www.paisley-and-district-befriending-network.example.org/services/lunch-club-for-older-people"
    svc = dataclasses.replace(sample_services()[0], website=url,
                              email="lunch-club-bookings@paisley-befriending.example.org")
    pdf = render_leaflet(_leaflet(svc), LeafletFormat.LARGE)
    lines = [line.strip() for page in page_texts(pdf) for line in page.splitlines()]
    for line in lines:
        assert not line.endswith("-"), line  # no line ends at a hyphen
    flat = squash(all_text(pdf))
    assert squash("paisley-and-district-befriending-network.example.org") in flat
    assert squash("lunch-club-bookings@paisley-befriending.example.org") in flat


def test_a_300_character_address_is_shortened_to_its_site_and_the_qr_code_carries_it() -> None:
    url = "https://www.example.org/" + "/".join(f"section-{i}-with-words" for i in range(14))
    assert len(url) > 300
    svc = dataclasses.replace(sample_services()[0], website=url)
    pdf = render_leaflet(_leaflet(svc), LeafletFormat.STANDARD)
    text = all_text(pdf)
    assert "www.example.org" in text
    assert "section-13" not in text
    assert squash("Scan the square code with a phone camera for the full web address") in squash(text)
    assert len(reader(pdf).pages) == 1


def test_phone_numbers_are_never_split_over_two_lines() -> None:
    text = ("Ring " + "us any day, " * 6 + "on 0141 496 0123 ") * 3
    svc = dataclasses.replace(sample_services()[0], description=text)
    pdf = render_leaflet(_leaflet(svc), LeafletFormat.LARGE)
    for page in page_texts(pdf):
        for line in page.splitlines():
            assert not re.search(r"\b0141\s*$", line), line
            assert not re.match(r"^\s*496 0123", line), line


def test_booklet_bookmarks_go_to_each_category_and_service_and_the_contents_numbers_match() -> None:
    booklet = sample_booklet(24)
    pdf = render_booklet(booklet)
    r = reader(pdf)
    pages = [p.extract_text() or "" for p in r.pages]
    outline = r.outline
    categories = [item for item in outline if not isinstance(item, list)]
    names = [s.category_name for s in booklet.sections if s.services]
    assert [c.title for c in categories][: len(names)] == names
    children = [item for item in outline if isinstance(item, list)]
    services = [svc for s in booklet.sections for svc in sorted(
        s.services, key=lambda x: (x.service_name.casefold(), x.organisation_name.casefold()))]
    assert sum(len(c) for c in children) == len(services)
    for entry in [c for group in children for c in group]:
        number = r.get_destination_page_number(entry)
        assert squash(entry.title) in squash(pages[number]), entry.title
    for cat in categories[: len(names)]:
        number = r.get_destination_page_number(cat)
        assert squash(cat.title) in squash(pages[number])
    # contents: "Category ... N" - the number is the page the category's bookmark goes to
    contents = pages[1]
    for cat in categories[: len(names)]:
        number = r.get_destination_page_number(cat) + 1
        assert re.search(re.escape(cat.title) + r"\s*" + str(number) + r"\b", contents), (cat.title, number)


def test_booklet_says_checked_only_when_every_entry_is() -> None:
    services = sample_services()
    stale = dataclasses.replace(services[1], checked=CheckedState.STALE, last_verified=date(2025, 2, 1))
    booklet = Booklet(SAMPLE_PRACTICE, "Support", (BookletSection("Money", (services[0], stale)),), PRINTED,
                      introduction="Intro.")
    flat = squash(all_text(render_booklet(booklet)))
    stale_line = "The practice last confirmed these details on 1 Feb 2025. Please phone before you go."
    assert squash(stale_line) in flat
    assert squash("Checked by the practice on 12 Mar 2026") in flat


# --------------------------------------------------------------------------- 3. other languages
def test_a_leaflet_in_another_language_uses_its_wording_and_marks_english_fallback() -> None:
    polish = LeafletWording(language="pl", title="Wsparcie, które może pomóc",
                            how_to_get_in_touch="Jak się skontaktować",
                            checked="Sprawdzone przez przychodnię {date}.",
                            in_english="(po angielsku: brak tłumaczenia)",
                            footer="Zapytaj w recepcji o inny format.", printed="Wydrukowano {date}",
                            page="Strona {page} z {total}")
    svc = dataclasses.replace(sample_services()[0], english_fallback=True)
    pdf = render_leaflet(_leaflet(svc, wording=polish), LeafletFormat.STANDARD)
    flat = squash(all_text(pdf))
    for phrase in ("Wsparcie, które może pomóc", "Jak się skontaktować",
                   "Sprawdzone przez przychodnię 12 Mar 2026",
                   "(po angielsku: brak tłumaczenia)", "Wydrukowano 24 Nov 2026", "Strona 1 z 1"):
        assert squash(phrase) in flat, phrase
    assert "/Lang (pl)" in pdf.decode("latin-1")


def test_register_fonts_gives_a_chain_with_the_main_face_first() -> None:
    fonts = register_fonts()
    assert fonts.chain[0].regular == fonts.regular
    assert fonts.face_for("ب") == 1 and fonts.face_for("A") == 0


# --------------------------------------------------------------------------- 7. other forms
def test_the_text_message_form_fits_three_segments() -> None:
    from sp_desktop.leaflets.render import leaflet_sms_text, sms_length

    english = leaflet_sms_text(_leaflet(*sample_services()))
    used, limit = sms_length(english)
    assert limit == 459 and used <= 459
    for svc in sample_services():
        assert svc.service_name in english
    assert "0141 496 0123" in english and english.endswith("Call 0141 496 0000.")

    arabic = dataclasses.replace(sample_services()[0], service_name="نادي الغداء الأسبوعي")
    unicode_text = leaflet_sms_text(_leaflet(arabic, *sample_services()[1:]))
    used, limit = sms_length(unicode_text)
    assert limit == 201 and used <= 201
    assert "نادي الغداء الأسبوعي" in unicode_text and "0141 496 0123" in unicode_text

    many = [dataclasses.replace(s, service_name=f"{s.service_name} {i}") for i in range(4)
            for s in sample_services()]
    crowded = leaflet_sms_text(_leaflet(*many))
    assert sms_length(crowded)[0] <= 459
    assert re.search(r"And \d+ more: ask us\.", crowded)


def test_the_pdf_says_its_title_subject_and_language() -> None:
    pdf = render_leaflet(_leaflet(*sample_services()[:2]), LeafletFormat.STANDARD)
    meta = reader(pdf).metadata
    assert meta.title == "Support that might help you: Tuesday Lunch Club and Money and Debt Advice"
    assert "Tuesday Lunch Club" in meta.subject and "Riverside Medical Practice" in meta.subject
    assert "/Lang (en-GB)" in pdf.decode("latin-1")


# --------------------------------------------------------------------------- bad input
def test_a_huge_logo_is_scaled_down_and_a_broken_one_left_off() -> None:
    import os

    big = io.BytesIO()
    Image.frombytes("RGB", (4000, 2000), os.urandom(4000 * 2000 * 3)).save(big, "PNG")
    assert len(big.getvalue()) > 20_000_000
    practice = dataclasses.replace(SAMPLE_PRACTICE, logo_png=big.getvalue())
    pdf = render_leaflet(_leaflet(sample_services()[0], practice=practice), LeafletFormat.STANDARD)
    assert len(pdf) < 1_000_000 and len(reader(pdf).pages) == 1
    broken = dataclasses.replace(SAMPLE_PRACTICE, logo_png=b"\x89PNG not really")
    text = all_text(render_leaflet(_leaflet(sample_services()[0], practice=broken), LeafletFormat.STANDARD))
    assert "Riverside Medical Practice" in text


def test_an_empty_service_still_makes_a_sensible_leaflet() -> None:
    pdf = render_leaflet(_leaflet(LeafletService("", "")), LeafletFormat.STANDARD)
    text = all_text(pdf)
    assert len(reader(pdf).pages) == 1
    assert "Service" in text and "has not checked this service" in text
