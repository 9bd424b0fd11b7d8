"""Text with no place to break it: the longest names the directory allows (300 characters)
and headings of thousands of characters, in every format and in booklets.

These once made the renderer raise reportlab's LayoutError (Large print) or lay out pages for
ever (a "(continued)" heading as tall as a page was put in front of its own remainder on each
new page). Every render here runs in a child process that is killed after a time limit, so a
regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import threading
import traceback
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from leaflet_pdf import page_texts, reader, squash
from PIL import Image

from sp_desktop.leaflets import (
    Booklet,
    BookletSection,
    Leaflet,
    LeafletFormat,
    LeafletService,
    LeafletVenue,
    PracticeHeader,
    render_booklet,
    render_leaflet,
)

# Each render below takes well under a second; the limit only catches a layout that never ends
# (it is generous because the test machines are shared).
TIME_LIMIT = 60.0
PRACTICE = PracticeHeader(name="Riverside Medical Practice", address_lines=("12 Mill Street",))
PRINTED = date(2026, 11, 24)
LEAFLET_FORMATS = [LeafletFormat.STANDARD, LeafletFormat.LARGE, LeafletFormat.COMPACT]
BOOKLET_FORMATS = [LeafletFormat.STANDARD, LeafletFormat.LARGE]


def _run_and_send(conn: Any, render: Callable[[], bytes]) -> None:
    try:
        conn.send(("ok", render()))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def render_bounded(render: Callable[[], bytes], limit: float = TIME_LIMIT) -> bytes:
    """``render()`` in a forked child process, killed if it takes longer than ``limit`` seconds
    (a thread, which cannot be killed, where fork is not available)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        box: list[tuple[str, Any]] = []

        def work() -> None:
            try:
                box.append(("ok", render()))
            except BaseException:  # noqa: BLE001
                box.append(("error", traceback.format_exc()))

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(limit)
        if worker.is_alive():
            pytest.fail(f"Rendering did not finish within {limit:.0f} s (a layout loop?)")
        status, payload = box[0]
    else:
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        with warnings.catch_warnings():  # newer Pythons warn about fork with threads running
            warnings.simplefilter("ignore", DeprecationWarning)
            child = ctx.Process(target=_run_and_send, args=(send, render), daemon=True)
            child.start()
        send.close()
        try:
            if not receive.poll(limit):
                child.kill()
                child.join()
                pytest.fail(f"Rendering did not finish within {limit:.0f} s (a layout loop?)")
            status, payload = receive.recv()
        finally:
            receive.close()
            child.join(10)
            if child.is_alive():
                child.kill()
                child.join()
            child.close()
    if status != "ok":
        pytest.fail(f"Rendering failed:\n{payload}")
    assert isinstance(payload, bytes) and payload.startswith(b"%PDF")
    return payload


def unbreakable(start: str, length: int) -> str:
    """A word of ``length`` characters with no place to break it, starting with ``start``."""
    return start + "W" * (length - len(start))


def _service(**changes: Any) -> LeafletService:
    values: dict[str, Any] = {
        "service_name": "Chair Yoga", "organisation_name": "Age Concern Paisley",
        "description": "Gentle exercise sitting down.", "phones": (("Helpline", "0141 496 0123"),),
        "opening_times": ("Tuesday 10:00 to 11:00",),
        "venues": (LeafletVenue("Church Hall", ("45 Causeyside Street", "Paisley")),),
    }
    values.update(changes)
    return LeafletService(**values)


# Each case: (what, how to make the service with the long text, the start to find in the PDF).
LONG_FIELDS: dict[str, tuple[Callable[[], LeafletService], str]] = {
    "service name": (lambda: _service(service_name=unbreakable("Servicename", 300)), "ServicenameWWWW"),
    "organisation name": (lambda: _service(organisation_name=unbreakable("Orgname", 300)), "OrgnameWWWW"),
    "venue name and address line": (
        lambda: _service(venues=(LeafletVenue(unbreakable("Venuename", 300),
                                              (unbreakable("Venueline", 300), "Paisley")),)),
        "VenuenameWWWW"),
    "opening times line": (lambda: _service(opening_times=(unbreakable("Timesline", 300),)), "TimeslineWWWW"),
    "phone description": (
        lambda: _service(phones=((unbreakable("Phonelabel", 300), "0141 496 0123"),)), "PhonelabelWWWW"),
    "web address": (
        lambda: _service(website="https://" + unbreakable("urlstart", 288) + ".org"), "urlstartWWWW"),
    "email address": (
        lambda: _service(email=unbreakable("emailstart", 288) + "@example.org"), "emailstartWWWW"),
    "5,000-character service name": (
        lambda: _service(service_name=unbreakable("Headingstart", 5000)), "HeadingstartWWWW"),
}


def _found(pdf: bytes, start: str) -> str:
    text = squash(" ".join(page_texts(pdf)))
    assert start in text, f"{start!r} is not in the PDF text"
    return text


@pytest.mark.parametrize("fmt", LEAFLET_FORMATS, ids=lambda f: f.value)
@pytest.mark.parametrize("case", list(LONG_FIELDS))
def test_unbreakable_text_renders_in_every_format(case: str, fmt: LeafletFormat) -> None:
    make, start = LONG_FIELDS[case]
    leaflet = Leaflet(practice=PRACTICE, services=(make(),), printed_on=PRINTED)
    pdf = render_bounded(lambda: render_leaflet(leaflet, fmt))
    text = _found(pdf, start)
    # The rest of the leaflet is all there too.
    for expected in ("RiversideMedicalPractice", "Gentleexercisesittingdown.",
                     "Howtogetintouch", "Whenandwhere", "Paisley"):
        assert expected in text, (case, expected)
    if case == "venue name and address line":
        assert "VenuelineWWWW" in text


@pytest.mark.parametrize("fmt", LEAFLET_FORMATS, ids=lambda f: f.value)
def test_a_5000_character_leaflet_title_renders(fmt: LeafletFormat) -> None:
    leaflet = Leaflet(practice=PRACTICE, services=(_service(),), printed_on=PRINTED,
                      title=unbreakable("Titlestart", 5000))
    pdf = render_bounded(lambda: render_leaflet(leaflet, fmt))
    assert "ChairYoga" in _found(pdf, "TitlestartWWWW")


@pytest.mark.parametrize("fmt", [LeafletFormat.STANDARD, LeafletFormat.LARGE], ids=lambda f: f.value)
def test_all_the_longest_names_at_once(fmt: LeafletFormat) -> None:
    w = "W" * 300
    leaflet = Leaflet(practice=PracticeHeader(name=unbreakable("Practicename", 300)),
                      services=(LeafletService(service_name=w, organisation_name=w, opening_times=(w,),
                                               phones=((w, w),), email=w, website=w,
                                               venues=(LeafletVenue(w, (w, w)),)),
                                _service()),
                      printed_on=PRINTED)
    pdf = render_bounded(lambda: render_leaflet(leaflet, fmt))
    assert "ChairYoga" in _found(pdf, "PracticenameWWWW")


@pytest.mark.parametrize("fmt", LEAFLET_FORMATS, ids=lambda f: f.value)
def test_a_huge_practice_name_beside_a_logo_renders(fmt: LeafletFormat) -> None:
    # The practice name sits beside the logo in a table row, which cannot split over pages; a
    # name taller than half a page goes under the logo instead.
    logo = io.BytesIO()
    Image.new("RGB", (200, 100), "navy").save(logo, "PNG")
    practice = PracticeHeader(name=unbreakable("Practicename", 3000), logo_png=logo.getvalue())
    leaflet = Leaflet(practice=practice, services=(_service(),), printed_on=PRINTED)
    pdf = render_bounded(lambda: render_leaflet(leaflet, fmt))
    assert "ChairYoga" in _found(pdf, "PracticenameWWWW")


def test_continued_heading_for_a_huge_name_is_shortened_and_never_repeats() -> None:
    name = unbreakable("Headingstart", 5000)
    leaflet = Leaflet(practice=PRACTICE, services=(_service(service_name=name),), printed_on=PRINTED)
    pdf = render_bounded(lambda: render_leaflet(leaflet, LeafletFormat.STANDARD))
    pages = page_texts(pdf)
    # 5,000 wide letters at 20 pt fill about ten pages; a loop would make many more.
    assert 5 <= len(pages) <= 20
    first = next(n for n, text in enumerate(pages) if "Headingstart" in text)
    for number, text in enumerate(pages[first + 1:], start=first + 2):
        assert text.count("(continued)") == 1, (number, text[:200])
        # "Headingstart WWW… (continued)": the start of the name, shortened with an ellipsis.
        heading = squash(text[: text.index("(continued)")])
        assert heading.startswith("HeadingstartWWW") and heading.endswith("\u2026"), (number, heading)
        assert len(heading) < 200
    assert "Gentle exercise sitting down." in pages[-1]


def test_continued_heading_for_an_ordinary_name_is_the_whole_name() -> None:
    who_for = "\n\n".join(f"Paragraph {i}: " + "Anyone who would like to meet people over a meal. " * 6
                          for i in range(12))
    leaflet = Leaflet(practice=PRACTICE, printed_on=PRINTED,
                      services=(_service(service_name="Tuesday Lunch Club for Older People",
                                         who_for=who_for),))
    pages = page_texts(render_bounded(lambda: render_leaflet(leaflet, LeafletFormat.STANDARD)))
    assert len(pages) >= 2 and "Paragraph 0" in pages[0]
    assert pages[1].startswith("Tuesday Lunch Club for Older People (continued)")
    assert "\u2026" not in " ".join(pages)


def test_long_text_of_ordinary_words_is_not_broken_inside_words() -> None:
    words = ("Riverside Community Wellbeing and Social Prescribing Partnership " * 5).strip()[:300]
    leaflet = Leaflet(practice=PRACTICE, printed_on=PRINTED,
                      services=(_service(service_name=words, organisation_name=words),))
    for fmt in LEAFLET_FORMATS:
        pdf = render_bounded(lambda fmt=fmt: render_leaflet(leaflet, fmt))  # type: ignore[misc]
        lines = [line for page in reader(pdf).pages for line in (page.extract_text() or "").splitlines()]
        vocabulary = set(words.split())
        for line in lines:
            if any(w in line for w in ("Wellbeing", "Prescribing", "Partnership", "Community")):
                # Every word on a line of the name is a whole word: no word was cut in two (a
                # "(continued)" heading may shorten the name, but only at a space, with "…").
                for word in line.replace("Run by ", "").replace("(continued)", "").split():
                    assert word.removesuffix("\u2026") in vocabulary, (fmt, line)


# --------------------------------------------------------------------------------- booklets


def _booklet(*services: LeafletService, title: str = "Support in your community",
             section: str = "Exercise") -> Booklet:
    return Booklet(practice=PRACTICE, title=title, printed_on=PRINTED,
                   sections=(BookletSection(section, (*services, _service(service_name="Walking Group",
                                                                          organisation_name="Ramblers"))),))


@pytest.mark.parametrize("fmt", BOOKLET_FORMATS, ids=lambda f: f.value)
@pytest.mark.parametrize("case", list(LONG_FIELDS))
def test_unbreakable_text_renders_in_a_booklet(case: str, fmt: LeafletFormat) -> None:
    make, start = LONG_FIELDS[case]
    booklet = _booklet(make())
    pdf = render_bounded(lambda: render_booklet(booklet, fmt=fmt))
    text = _found(pdf, start)
    for expected in ("Contents", "WalkingGroup", "Ramblers", "Indexoforganisations"):
        assert expected in text, (case, expected)


@pytest.mark.parametrize("fmt", BOOKLET_FORMATS, ids=lambda f: f.value)
@pytest.mark.parametrize("where", ["cover title", "section name"])
def test_a_5000_character_booklet_heading_renders(where: str, fmt: LeafletFormat) -> None:
    long = unbreakable("Bookletheading", 5000)
    booklet = _booklet(_service(), **({"title": long} if where == "cover title" else {"section": long}))
    pdf = render_bounded(lambda: render_booklet(booklet, fmt=fmt))
    pages = page_texts(pdf)
    text = _found(pdf, "BookletheadingWWWW")
    assert "WalkingGroup" in text and "Indexoforganisations" in text
    # The contents (over several pages when a section name is this long) still give the
    # index's page, and that page is the index.
    index_page = next(n for n, p in enumerate(pages, start=1) if p.startswith("Index of organisations"))
    contents_page = next(n for n, p in enumerate(pages, start=1) if p.startswith("Contents"))
    contents = " ".join(pages[contents_page - 1:index_page - 1])
    match = re.search(r"Index of organisations (\d+)", contents)
    assert match and int(match.group(1)) == index_page, contents[-300:]


@pytest.mark.parametrize("fmt", BOOKLET_FORMATS, ids=lambda f: f.value)
def test_index_entry_for_the_longest_organisation_name_gives_its_page(fmt: LeafletFormat) -> None:
    org = unbreakable("Orgname", 300)
    booklet = _booklet(_service(service_name="Chair Yoga", organisation_name=org))
    pages = page_texts(render_bounded(lambda: render_booklet(booklet, fmt=fmt)))
    service_page = next(n for n, p in enumerate(pages, start=1) if n > 2 and "Chair Yoga" in p)
    index_start = next(n for n, p in enumerate(pages, start=1) if p.startswith("Index of organisations"))
    index = squash(" ".join(pages[index_start - 1:]))
    position = index.index("OrgnameWWWW")
    after = re.match(r"OrgnameW*(\d+)", index[position:])
    assert after and int(after.group(1)) == service_page, index[position:position + 400]
