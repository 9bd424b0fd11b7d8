"""Category booklets: cover, contents with page numbers, sections, organisation index."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from leaflet_pdf import embedded_fonts, page_texts, reader, text_runs

from sp_desktop.leaflets import (
    Booklet,
    BookletCancelled,
    BookletSection,
    LeafletError,
    LeafletFormat,
    LeafletService,
    render_booklet,
)
from sp_desktop.leaflets.sample import SAMPLE_PRACTICE, sample_booklet, sample_services


def _svc(name: str, org: str, phone: str = "0141 496 0001") -> LeafletService:
    return LeafletService(service_name=name, organisation_name=org, description=f"About {name}.",
                          phones=(("", phone),), opening_times=("Monday 10:00 to 12:00",))


@pytest.fixture(scope="module")
def small_booklet() -> Booklet:
    return Booklet(
        practice=SAMPLE_PRACTICE,
        title="Support in your community",
        printed_on=date(2026, 11, 24),
        sections=(
            BookletSection("Money and debt", (_svc("Zebra Budgeting", "Zed Trust"),
                                              _svc("Benefits Check", "Advice Shop"),
                                              _svc("Mortgage Help", "Advice Shop"))),
            BookletSection("Empty category", ()),
            BookletSection("Loneliness", (_svc("Lunch Club", "Befrienders", "0141 496 0777"),)),
        ),
    )


@pytest.fixture(scope="module")
def small_pdf(small_booklet: Booklet) -> bytes:
    return render_booklet(small_booklet)


def _page_of(pages: list[str], needle: str, start: int = 2) -> int:
    for number, text in enumerate(pages, start=1):
        if number > start and needle in text:
            return number
    raise AssertionError(f"{needle!r} not found after page {start}")


def test_cover_and_contents(small_pdf: bytes) -> None:
    pages = page_texts(small_pdf)
    assert "Riverside Medical Practice" in pages[0]
    assert "Support in your community" in pages[0]
    assert "24 Nov 2026" in pages[0]
    assert pages[1].startswith("Contents")
    assert "Empty category" not in " ".join(pages)


def test_contents_page_numbers_point_at_the_sections(small_pdf: bytes) -> None:
    pages = page_texts(small_pdf)
    contents = pages[1]
    for title in ("Money and debt", "Loneliness", "Index of organisations"):
        match = re.search(re.escape(title) + r" (\d+)", contents)
        assert match, f"{title} has no page number in: {contents}"
        number = int(match.group(1))
        # categories follow on in the two-column directory: the title is on that page
        assert title in pages[number - 1], (title, number)


def test_sections_in_given_order_and_services_alphabetical(small_pdf: bytes) -> None:
    body = " ".join(page_texts(small_pdf)[2:])
    order = [body.index(x) for x in ("Money and debt", "Benefits Check", "Mortgage Help", "Zebra Budgeting",
                                     "Loneliness", "Lunch Club", "Index of organisations")]
    assert order == sorted(order)


def test_index_of_organisations_lists_pages(small_pdf: bytes) -> None:
    pages = page_texts(small_pdf)
    index_page = pages[-1]
    assert index_page.startswith("Index of organisations")
    entries = dict(re.findall(r"(Advice Shop|Befrienders|Zed Trust) ([\d, ]+?)(?= [A-Z]|$| Ask)", index_page))
    assert set(entries) == {"Advice Shop", "Befrienders", "Zed Trust"}
    for org, listed in entries.items():
        for number in (int(n) for n in listed.split(",")):
            assert f"Run by {org}" in pages[number - 1], (org, number)
    # Alphabetical
    assert index_page.index("Advice Shop") < index_page.index("Befrienders") < index_page.index("Zed Trust")


def test_footer_minimum_size_and_embedded_fonts(small_pdf: bytes) -> None:
    pages = page_texts(small_pdf)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    assert min(r.size for r in text_runs(small_pdf)) >= 14
    assert all(embedded_fonts(small_pdf).values())
    meta = reader(small_pdf).metadata
    assert meta is not None and meta.title == "Support in your community"
    assert meta.author == "Riverside Medical Practice"


def test_pdf_outline_has_a_bookmark_per_category(small_pdf: bytes) -> None:
    titles = [item.title for item in reader(small_pdf).outline if not isinstance(item, list)]
    assert titles == ["Money and debt", "Loneliness", "Index of organisations"]


def test_large_print_booklet() -> None:
    data = render_booklet(sample_booklet(6), fmt=LeafletFormat.LARGE)
    assert min(r.size for r in text_runs(data)) >= 18


def test_progress_reports_each_service_and_finishes() -> None:
    calls: list[tuple[int, int]] = []
    render_booklet(sample_booklet(12), progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 12)
    assert calls[-1] == (12, 12)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) == 13


def test_cancel_stops_with_a_clear_exception() -> None:
    seen: list[int] = []
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 3:
            cancel.set()

    with pytest.raises(BookletCancelled, match="cancelled"):
        render_booklet(sample_booklet(20), progress=progress, cancelled=cancel.is_set)
    assert max(seen) == 3


def test_cancel_before_start() -> None:
    with pytest.raises(BookletCancelled):
        render_booklet(sample_booklet(3), cancelled=lambda: True)


def test_nothing_to_print_is_refused_with_a_reason() -> None:
    empty = Booklet(SAMPLE_PRACTICE, "Empty", (BookletSection("Food", ()),), date(2026, 11, 24))
    with pytest.raises(LeafletError, match="no services"):
        render_booklet(empty)
    with pytest.raises(LeafletError, match="Compact"):
        render_booklet(sample_booklet(2), fmt=LeafletFormat.COMPACT)


def test_same_organisation_in_two_categories_is_indexed_once() -> None:
    svc = sample_services()[0]
    booklet = Booklet(SAMPLE_PRACTICE, "Booklet", (BookletSection("A", (svc,)), BookletSection("B", (svc,))),
                      date(2026, 11, 24))
    index_page = page_texts(render_booklet(booklet))[-1]
    assert index_page.count("Paisley Befriending Network") == 1
